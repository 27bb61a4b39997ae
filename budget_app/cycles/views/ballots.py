"""Voting online, receipts, and paper ballots entered by hand."""
from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from budget_app.cycles import forms
from budget_app.cycles.ballots import (ballot_choices, cast_ballot, counted_receipts, delete_paper_ballot,
                                       enter_paper_ballot, format_receipt, local_date, my_ballot, parse_ballot_form,
                                       receipt_counted)
from budget_app.cycles.ballots import paper_ballots as paper_ballot_page  # the view has the same name
from budget_app.cycles.blueprint import bp
from budget_app.cycles.errors import CycleError
from budget_app.cycles.imports import paper_ballot_columns
from budget_app.cycles.models import BALLOT_PAPER, PHASE_VOTING, Ballot
from budget_app.cycles.proposals import ballot_proposals_of
from budget_app.cycles.rules import group_fingerprint
from budget_app.cycles.views.common import back_to, load_cycle, load_public_cycle, refused
from budget_app.errors import undo_refused
from budget_app.i18n import ltr_isolate
from budget_app.pagination import paginate_list
from budget_app.permissions import ensure
from councils.models import Meeting


@bp.route("/<slug>/cycles/<int:cycle_id>/vote", methods=["GET", "POST"])
def vote(slug: str, cycle_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(cycle.can_view_ballot(current_user))
    proposals = ballot_proposals_of(cycle)
    form = forms.CsrfOnlyForm()
    error, choices, status = None, None, 200
    existing = my_ballot(cycle, current_user)
    if request.method == "POST":
        if not cycle.can_vote(current_user):
            flash(_("Voting is not open for this cycle.") if cycle.phase != PHASE_VOTING else
                  _("Only members of the council may vote."), "error")
            return back_to(cycle, "cycles.vote")
        if not form.validate_on_submit():
            abort(400)
        try:
            choices = parse_ballot_form(cycle, proposals, request.form)
            ballot = cast_ballot(cycle, current_user, choices)
        except CycleError as exc:
            undo_refused()
            error, status = exc.message, 400
        else:
            flash(_("Your ballot is recorded. Keep your receipt code: %(code)s.",
                    code=ltr_isolate(format_receipt(ballot.receipt_code))), "success")
            return back_to(cycle, "cycles.vote_receipt")
    elif existing is not None:
        choices = ballot_choices(cycle, existing)
    return render_template("cycles/vote.html", council=council, cycle=cycle, proposals=proposals, form=form,
                           error=error, choices=_choices_for_template(cycle, choices), existing=existing,
                           mode="online"), status


def _choices_for_template(cycle, choices):
    """{proposal_id: value}: True for ticked, points, or rank."""
    return cycle.method.template_values(choices)


@bp.route("/<slug>/cycles/<int:cycle_id>/vote/receipt")
def vote_receipt(slug: str, cycle_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    ballot = my_ballot(cycle, current_user)
    if ballot is None:
        flash(_("You have not voted in this cycle."), "error")
        return back_to(cycle, "cycles.vote")
    proposals = {p.id: p for p in cycle.ballot_proposals}
    return render_template("cycles/receipt.html", council=council, cycle=cycle, ballot=ballot,
                           receipt=format_receipt(ballot.receipt_code), proposals=proposals,
                           grouped_fingerprint=group_fingerprint(cycle.fingerprint))


RECEIPTS_PER_PAGE = 100


@bp.route("/<slug>/cycles/<int:cycle_id>/receipts")
def receipts(slug: str, cycle_id: int):
    council, cycle = load_public_cycle(slug, cycle_id)
    query = (request.args.get("code") or "").strip()[:40]
    result = None
    if query and cycle.voting_closed:
        result = receipt_counted(cycle, query)
    codes = counted_receipts(cycle) if cycle.voting_closed else []
    page = paginate_list(codes, RECEIPTS_PER_PAGE)
    return render_template("cycles/receipts.html", council=council, cycle=cycle, total=len(codes), page=page,
                           codes=[format_receipt(c) for c in page.items], query=query,
                           result=result, grouped_fingerprint=group_fingerprint(cycle.fingerprint))


def meeting_choices(cycle):
    meetings = (Meeting.query.filter_by(council_id=cycle.council_id).order_by(Meeting.held_at.desc())
                .limit(50).all())
    return [(0, _("Another meeting (name it below)"))] + [
        (m.id, f"{m.title} — {local_date(m.held_at):%Y-%m-%d}") for m in meetings]


def meeting_values(form):
    return {"meeting_id": form.meeting_id.data or None, "meeting_label": form.meeting_label.data or "",
            "meeting_date": form.meeting_date.data}


@bp.route("/<slug>/cycles/<int:cycle_id>/paper", methods=["GET", "POST"])
def paper_ballots(slug: str, cycle_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(council.can_manage(current_user))
    proposals = ballot_proposals_of(cycle)
    form = forms.PaperMeetingForm()
    form.meeting_id.choices = meeting_choices(cycle)
    import_form = forms.PaperImportForm(prefix="import")
    import_form.meeting_id.choices = form.meeting_id.choices
    error, choices, status = None, None, 200
    if request.method == "POST":
        if cycle.phase != PHASE_VOTING:
            flash(_("Paper ballots can be entered only while voting is open."), "error")
            return back_to(cycle, "cycles.paper_ballots")
        if form.validate_on_submit():
            try:
                choices = parse_ballot_form(cycle, proposals, request.form)
                ballot = enter_paper_ballot(cycle, current_user, choices, **meeting_values(form))
            except CycleError as exc:
                undo_refused()
                error, status = exc.message, 400
            else:
                flash(_("Paper ballot entered (receipt %(code)s). Enter the next one below.",
                        code=ltr_isolate(format_receipt(ballot.receipt_code))), "success")
                return back_to(cycle, "cycles.paper_ballots")
        else:
            status = 400
    return render_template("cycles/paper.html", council=council, cycle=cycle, proposals=proposals, form=form,
                           import_form=import_form, error=error, import_errors=[],
                           choices=_choices_for_template(cycle, choices), ballots=paper_ballot_page(cycle),
                           columns=paper_ballot_columns(cycle), mode="paper",
                           csrf_form=forms.CsrfOnlyForm()), status


@bp.route("/<slug>/cycles/<int:cycle_id>/paper/<int:ballot_id>/delete", methods=["POST"])
def paper_delete(slug: str, cycle_id: int, ballot_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(council.can_manage(current_user))
    ballot = Ballot.query.filter_by(id=ballot_id, cycle_id=cycle.id, source=BALLOT_PAPER).first_or_404()
    if not forms.CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        delete_paper_ballot(ballot)
    except CycleError as exc:
        return refused(exc, cycle, "cycles.paper_ballots")
    flash(_("The paper ballot is removed."), "success")
    return back_to(cycle, "cycles.paper_ballots")
