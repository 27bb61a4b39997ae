"""Spreadsheet imports of proposals and paper ballots: preview, confirm, refuse, templates."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired

from budget_app.cycles import forms
from budget_app.cycles.ballots import paper_ballots as paper_ballot_page  # the view has the same name
from budget_app.cycles.blueprint import bp
from budget_app.cycles.errors import CycleError
from budget_app.cycles.imports import (ImportFailed, import_paper_ballots, import_proposals, paper_ballot_columns,
                                       plan_digest, plan_proposal_import, proposal_columns, record_import_refusal)
from budget_app.cycles.proposals import proposals_of
from budget_app.cycles.views.ballots import meeting_choices, meeting_values
from budget_app.cycles.views.common import back_to, load_cycle, refused
from budget_app.errors import show_error
from budget_app.exports import download
from budget_app.extensions import db
from budget_app.i18n import format_money, format_number
from budget_app.permissions import ensure
from budget_app.reference.models import FundingSource, Locality, Sector, TargetGroup
from budget_app.spreadsheets import SpreadsheetError, read_table, template_frames
from budget_app.transaction import keep_on_error
from priorities.models import Priority


@bp.route("/<slug>/cycles/<int:cycle_id>/proposals/import", methods=["GET", "POST"])
def proposal_import(slug: str, cycle_id: int):
    """Upload: every row checked first. A file that only adds proposals is imported at once; one
    that would change existing proposals is shown as a preview (nothing written) to confirm."""
    council, cycle = load_cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    form = forms.ImportForm()
    errors, status = [], 200
    if form.validate_on_submit():
        try:
            table = read_table(form.file.data)
            plan = plan_proposal_import(cycle, table)
            if plan["to_update"]:  # the plan wrote nothing: the preview commits nothing
                return _import_preview(council, cycle, table, plan)
            counts = import_proposals(cycle, table, plan)
        except SpreadsheetError as exc:
            _import_refused(cycle, "proposal.import_refused", [], exc, form, reason=str(exc))
            status = 400
        except ImportFailed as exc:
            _import_refused(cycle, "proposal.import_refused", exc.errors, exc)
            errors, status = exc.errors, 400
        except CycleError as exc:
            return refused(exc, cycle)
        else:
            _flash_proposal_import(counts)
            return back_to(cycle)
    elif form.errors:
        status = 400
    return render_template("cycles/import.html", council=council, cycle=cycle, form=form, errors=errors,
                           columns=proposal_columns(cycle), kind="proposals"), status


PREVIEW_MAX_AGE = 30 * 60  # seconds a preview may be confirmed


def _preview_serializer(cycle):
    # The pending import travels signed with the app's secret and salted with the user and the
    # cycle: it cannot be altered, nor confirmed by someone else or on another cycle, and expires.
    from itsdangerous import URLSafeTimedSerializer
    from flask import current_app
    return URLSafeTimedSerializer(current_app.secret_key,
                                  salt=f"proposal-import:{getattr(current_user, 'id', '')}:{cycle.id}")


def _import_preview(council, cycle, table, plan, *, moved=False, status=200):
    token = _preview_serializer(cycle).dumps({"table": table, "digest": plan_digest(plan)})
    return render_template("cycles/import_preview.html", council=council, cycle=cycle, plan=plan, token=token,
                           moved=moved, labels=_change_labels(), show=_change_value(cycle),
                           form=forms.CsrfOnlyForm()), status


def _change_labels() -> dict:
    return {c.key: str(c.label) for c in proposal_columns()}


def _change_value(cycle):
    """How a previewed old or new value reads: names of reference items, money, lists."""
    models = {"sector": Sector, "locality": Locality}

    def show(key, value):
        if value in (None, "", []):
            return "—"
        if key in models:
            item = db.session.get(models[key], value)
            return item.name if item else str(value)
        if key == "cost":
            return format_money(value, cycle.currency)
        if key == "target_groups":
            return "، ".join(t.name for t in TargetGroup.query.filter(TargetGroup.id.in_(value)))
        if key == "priorities":
            return ", ".join(f"#{p.id}" for p in Priority.query.filter(Priority.id.in_(value)).order_by(Priority.id))
        if key == "funding":
            names = {f.id: f.name for f in FundingSource.query}
            return "; ".join(f"{names.get(source, source)}: {format_money(amount, cycle.currency)}"
                             for source, amount in value)
        return str(value)
    return show


@bp.route("/<slug>/cycles/<int:cycle_id>/proposals/import/confirm", methods=["POST"])
def proposal_import_confirm(slug: str, cycle_id: int):
    """Apply a previewed proposal import, if the preview is genuine, recent and still true."""
    council, cycle = load_cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    if not forms.CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        pending = _preview_serializer(cycle).loads(request.form.get("token", ""), max_age=PREVIEW_MAX_AGE)
        table = pending["table"]
    except SignatureExpired:
        flash(_("The preview has expired: send the file again."), "error")
        return redirect(url_for("cycles.proposal_import", slug=slug, cycle_id=cycle_id))
    except (BadSignature, KeyError, TypeError):
        abort(400)
    try:
        plan = plan_proposal_import(cycle, table)
        if plan_digest(plan) != pending.get("digest"):  # a 409: the request's transaction rolls back
            return _import_preview(council, cycle, table, plan, moved=True, status=409)
        counts = import_proposals(cycle, table, plan)
    except ImportFailed as exc:
        _import_refused(cycle, "proposal.import_refused", exc.errors, exc)
        form = forms.ImportForm(formdata=None)
        return render_template("cycles/import.html", council=council, cycle=cycle, form=form, errors=exc.errors,
                               columns=proposal_columns(cycle), kind="proposals"), 400
    except CycleError as exc:
        return refused(exc, cycle)
    _flash_proposal_import(counts)
    return back_to(cycle)


def _flash_proposal_import(counts):
    flash(ngettext("Import done: %(num)s proposal created, %(updated)s updated.",
                   "Import done: %(num)s proposals created, %(updated)s updated.", counts["created"],
                   updated=format_number(counts["updated"])), "success")
    if counts["samples"]:
        flash(ngettext("%(num)d example row of the template was skipped.",
                       "%(num)d example rows of the template were skipped.", counts["samples"]), "info")


def _import_refused(cycle, action, errors, exc, form=None, **details):
    """Undo the import's work, say why (on the form's file field, else in a flash message) and
    keep only the audit entry of the refusal, although the page answers 400."""
    show_error(exc, form, "file")
    record_import_refusal(action, cycle, errors, **details)
    keep_on_error()


@bp.route("/<slug>/cycles/<int:cycle_id>/proposals/template.<fmt>")
def proposal_template(slug: str, cycle_id: int, fmt: str):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return download(template_frames(proposal_columns(cycle), _("Instructions")),
                    f"proposals-template-{council.slug}-{cycle.fiscal_year}", fmt)


@bp.route("/<slug>/cycles/<int:cycle_id>/paper/import", methods=["POST"])
def paper_import(slug: str, cycle_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(council.can_manage(current_user))
    form = forms.PaperImportForm(prefix="import")
    form.meeting_id.choices = meeting_choices(cycle)
    errors = []
    if form.validate_on_submit():
        try:
            table = read_table(form.file.data)
            n = import_paper_ballots(cycle, table, current_user, **meeting_values(form))
        except SpreadsheetError as exc:
            _import_refused(cycle, "ballot.paper_import_refused", [], exc, form, reason=str(exc))
        except ImportFailed as exc:
            _import_refused(cycle, "ballot.paper_import_refused", exc.errors, exc)
            errors = exc.errors
        except CycleError as exc:
            return refused(exc, cycle, "cycles.paper_ballots")
        else:
            flash(ngettext("%(num)s paper ballot entered.", "%(num)s paper ballots entered.", n), "success")
            return back_to(cycle, "cycles.paper_ballots")
    proposals = proposals_of(cycle)
    entry = forms.PaperMeetingForm(formdata=None)
    entry.meeting_id.choices = form.meeting_id.choices
    return render_template("cycles/paper.html", council=council, cycle=cycle, proposals=proposals, form=entry,
                           import_form=form, error=None, import_errors=errors, choices={},
                           ballots=paper_ballot_page(cycle), columns=paper_ballot_columns(cycle),
                           mode="paper", csrf_form=forms.CsrfOnlyForm()), 400


@bp.route("/<slug>/cycles/<int:cycle_id>/paper/template.<fmt>")
def paper_template(slug: str, cycle_id: int, fmt: str):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(council.can_manage(current_user))
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return download(template_frames(paper_ballot_columns(cycle), _("Instructions")),
                    f"paper-ballots-template-{council.slug}-{cycle.fiscal_year}", fmt)
