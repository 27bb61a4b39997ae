"""The coordinator's pages: open a consultation, print its codes, void lost ones, enter paper
answers from a forum, follow and close it."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import to_utc
from flask_login import current_user

from budget_app.bounds import int_arg
from budget_app.charts import cached_payload, chart_payload
from budget_app.errors import show_error
from budget_app.permissions import ensure, get_council_or_404
from budget_app.reference.models import Locality
from budget_app.utils import utcnow
from councils.models import Meeting
from priorities import charts
from priorities.consultations import comparison, printing, services, sheets
from priorities.consultations.forms import BatchForm, ConsultationForm, PaperForm, VoidForm, ballot_values, choice_id
from priorities.consultations.models import CHANNEL_PAPER, CodeBatch, Consultation
from priorities.labels import METHOD_LABELS
from priorities.models import RankingRound

bp = Blueprint("consult_manage", __name__, url_prefix="/councils")


def _coordinator(slug: str):
    council = get_council_or_404(slug)
    ensure(council.can_manage(current_user))
    services.purge_expired_sheets()
    return council


def _consultation(council, consultation_id: int) -> Consultation:
    row = Consultation.query.filter_by(id=consultation_id, council_id=council.id).first()
    if row is None:
        abort(404)
    return row


def _batch(consultation, batch_id: int) -> CodeBatch:
    row = CodeBatch.query.filter_by(id=batch_id, consultation_id=consultation.id).first()
    if row is None:
        abort(404)
    return row


def _new_form(council) -> ConsultationForm:
    form = ConsultationForm()
    rounds = RankingRound.query.filter_by(council_id=council.id).order_by(RankingRound.opened_at.desc()).all()
    form.round_id.choices = [("", _("The council's shortlist for the fiscal year"))] + [
        (str(r.id), _("Ranking round: %(title)s", title=r.title)) for r in rounds]
    form.locality_id.choices = [("", _("Every locality"))] + [(str(loc.id), loc.name) for loc in Locality.choices()]
    if request.method == "GET":
        form.fiscal_year.data = utcnow().year
    return form


@bp.route("/<slug>/consultations/", methods=["GET", "POST"])
def consultations(slug: str):
    """The council's consultations and the form to open one (with its first batch of codes)."""
    council = _coordinator(slug)
    form = _new_form(council)
    status = 200
    if form.validate_on_submit():
        try:
            consultation, batch, _plain = services.create_consultation(
                council, current_user, question_ar=form.question_ar.data, question_en=form.question_en.data or "",
                fiscal_year=form.fiscal_year.data, method=form.method.data,
                points_budget=form.points_budget.data or 10, top_n=form.top_n.data or 3,
                opens_at=to_utc(form.opens_at.data), closes_at=to_utc(form.closes_at.data),
                codes_count=form.codes_count.data, round_id=choice_id(form.round_id.data),
                locality_id=choice_id(form.locality_id.data))
        except services.ConsultationError as exc:
            show_error(exc, form, "question_ar")
            status = 400
        else:
            flash(_("The consultation is ready. Print its codes now: they are shown only for a short time."),
                  "success")
            return redirect(url_for("consult_manage.cards", slug=slug, consultation_id=consultation.id,
                                    batch_id=batch.id))
    elif request.method == "POST":
        status = 400
    rows = Consultation.query.filter_by(council_id=council.id).order_by(Consultation.opens_at.desc()).all()
    return render_template("consultations/manage_list.html", council=council, form=form, consultations=rows,
                           methods=METHOD_LABELS, active_tab="consultations"), status


@bp.route("/<slug>/consultations/<int:consultation_id>/")
def detail(slug: str, consultation_id: int):
    """A consultation: its codes by batch, the results beside the council's ranking, the actions."""
    council = _coordinator(slug)
    consultation = _consultation(council, consultation_id)
    void_form = VoidForm()
    void_form.batch_id.choices = [("", _("Every unused code"))] + [
        (str(b.id), _("Unused codes of batch %(n)s", n=b.id)) for b in consultation.batches]
    result = services.results(consultation)
    compared, rnd = comparison.rows(consultation)
    chart = None
    if result["answers"]:
        chart = cached_payload(("consultation", consultation.id, tuple((r.position, r.score, r.priority.title)
                                                                       for r in result["rows"])),
                               lambda: chart_payload(charts.results_figure(consultation, result["rows"])))
    return render_template("consultations/manage_detail.html", council=council, consultation=consultation,
                           stats=services.code_stats(consultation), result=result, compared=compared,
                           compared_round=rnd, chart_json=chart, batch_form=BatchForm(), void_form=void_form,
                           methods=METHOD_LABELS, active_tab="consultations")


@bp.route("/<slug>/consultations/<int:consultation_id>/answers.csv")
def export(slug: str, consultation_id: int):
    """Every answer, one row each (no person in it): receipt, channel, forum meeting, time, values."""
    council = _coordinator(slug)
    consultation = _consultation(council, consultation_id)
    header, rows = services.export_rows(consultation)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = Response("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="consultation-{consultation.id}-answers.csv"'
    return response


@bp.route("/<slug>/consultations/<int:consultation_id>/codes", methods=["POST"])
def new_batch(slug: str, consultation_id: int):
    council = _coordinator(slug)
    consultation = _consultation(council, consultation_id)
    form = BatchForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("consult_manage.detail", slug=slug, consultation_id=consultation_id))
    try:
        batch, _plain = services.generate_batch(consultation, current_user, form.size.data, form.label.data or "")
    except services.ConsultationError as exc:
        show_error(exc)
        return redirect(url_for("consult_manage.detail", slug=slug, consultation_id=consultation_id))
    flash(_("The codes are ready. Print them now: they are shown only for a short time."), "success")
    return redirect(url_for("consult_manage.cards", slug=slug, consultation_id=consultation_id, batch_id=batch.id))


def _sheet_part(slug: str, consultation_id: int, batch_id: int, size: int):
    """The batch's codes for the requested part of a sheet of ``size`` cards a part; the "codes
    gone" page (410) once they can no longer be read in this session. A part at a time: each
    request stays well within the request deadline."""
    council = _coordinator(slug)
    consultation = _consultation(council, consultation_id)
    batch = _batch(consultation, batch_id)
    plain = sheets.open_sheet(batch)
    if plain is None:
        abort(make_response(render_template("consultations/cards_gone.html", council=council,
                                            consultation=consultation, batch=batch,
                                            active_tab="consultations"), 410))
    parts = printing.parts(len(plain), size)
    part = min(max(int_arg("part", 1), 1), len(parts))
    return council, consultation, batch, plain, parts, part


@bp.route("/<slug>/consultations/<int:consultation_id>/batches/<int:batch_id>/cards")
def cards(slug: str, consultation_id: int, batch_id: int):
    """The sheet of cards to print (while the batch's codes can still be read, in this session);
    the page links every part of the HTML sheet and of the PDF."""
    council, consultation, batch, plain, parts, part = _sheet_part(slug, consultation_id, batch_id,
                                                                   printing.HTML_PART)
    start, end = parts[part - 1]
    return render_template("consultations/cards.html", council=council, consultation=consultation, batch=batch,
                           cards=printing.cards(plain[start:end]), first=start, part=part, parts=parts,
                           pdf_parts=printing.parts(len(plain), printing.PDF_PART), total=len(plain),
                           active_tab="consultations")


@bp.route("/<slug>/consultations/<int:consultation_id>/batches/<int:batch_id>/cards.pdf")
def cards_pdf(slug: str, consultation_id: int, batch_id: int):
    _council, consultation, batch, plain, parts, part = _sheet_part(slug, consultation_id, batch_id,
                                                                    printing.PDF_PART)
    start, end = parts[part - 1]
    return printing.pdf_response(consultation, batch, plain[start:end], first=start, part=part)


@bp.route("/<slug>/consultations/<int:consultation_id>/batches/<int:batch_id>/erase", methods=["POST"])
def erase(slug: str, consultation_id: int, batch_id: int):
    council = _coordinator(slug)
    consultation = _consultation(council, consultation_id)
    try:
        services.erase_sheet(_batch(consultation, batch_id), current_user)
    except services.ConsultationError as exc:
        show_error(exc)
    else:
        flash(_("The codes of this batch are erased: they can no longer be printed."), "success")
    return redirect(url_for("consult_manage.detail", slug=slug, consultation_id=consultation_id))


@bp.route("/<slug>/consultations/<int:consultation_id>/void", methods=["POST"])
def void(slug: str, consultation_id: int):
    council = _coordinator(slug)
    consultation = _consultation(council, consultation_id)
    batch_id = choice_id(request.form.get("batch_id"))
    if batch_id is not None:
        _batch(consultation, batch_id)
    count = services.void_unused(consultation, current_user, batch_id)
    flash(ngettext("%(num)s unused code cancelled.", "%(num)s unused codes cancelled.", count), "success")
    return redirect(url_for("consult_manage.detail", slug=slug, consultation_id=consultation_id))


@bp.route("/<slug>/consultations/<int:consultation_id>/close", methods=["POST"])
def close(slug: str, consultation_id: int):
    council = _coordinator(slug)
    consultation = _consultation(council, consultation_id)
    try:
        services.close_consultation(consultation, current_user)
    except services.ConsultationError as exc:
        show_error(exc)
    else:
        flash(_("The consultation is closed."), "success")
    return redirect(url_for("consult_manage.detail", slug=slug, consultation_id=consultation_id))


@bp.route("/<slug>/consultations/<int:consultation_id>/paper", methods=["GET", "POST"])
def paper(slug: str, consultation_id: int):
    """A facilitator types in an answer written on paper at a forum, with the card's code."""
    council = _coordinator(slug)
    consultation = _consultation(council, consultation_id)
    form = PaperForm()
    meetings = Meeting.query.filter_by(council_id=council.id).order_by(Meeting.held_at.desc()).limit(200).all()
    form.meeting_id.choices = [("", _("No meeting"))] + [(str(m.id), m.title) for m in meetings]
    values, error, status = {}, None, 200
    if request.method == "POST":
        values, bad = ballot_values(consultation.priorities, request.form)
        if not form.validate_on_submit():
            status = 400
        elif bad:
            error, status = _("Enter whole numbers, zero or more."), 400
        else:
            try:
                result = services.answer(form.code.data, values, channel=CHANNEL_PAPER,
                                         meeting_id=choice_id(form.meeting_id.data), entered_by=current_user,
                                         council=council)
            except services.CodeRefused as exc:
                services.log_refusal(exc, request.remote_addr or "")
                error, status = str(exc), (409 if exc.reason == services.USED else 400)
            except services.ConsultationError as exc:
                error, status = str(exc), 400
            else:
                flash(_("The paper answer is counted (receipt %(receipt)s). Enter the next one.",
                        receipt=result.receipt), "success")
                return redirect(url_for("consult_manage.paper", slug=slug, consultation_id=consultation_id,
                                        meeting=form.meeting_id.data or None))
    elif request.args.get("meeting"):
        form.meeting_id.data = request.args.get("meeting", "")[:10]
    return render_template("consultations/paper.html", council=council, consultation=consultation, form=form,
                           values=values, error=error, methods=METHOD_LABELS, active_tab="consultations"), status

