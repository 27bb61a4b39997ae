"""The budget director's execution pages of an approved cycle: the funded allocations with
their spending, one allocation's spending (add here), progress and milestones, and the
spending import. Thin: load, check, validate, one service call; the request commits once."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from budget_app.cycles.execution import evidence, forms, imports, services
from budget_app.cycles.execution.models import Milestone, SpendingEntry
from budget_app.cycles.imports import record_import_refusal
from budget_app.errors import show_error
from budget_app.exports import download
from budget_app.permissions import ensure, get_council_or_404
from budget_app.reference.models import FundingSource
from budget_app.spreadsheets import SpreadsheetError, read_table, template_frames
from budget_app.transaction import keep_on_error
from budget_app.uploads import services as uploads
from budget_app.uploads.checks import UploadRefused
from budget_app.uploads.forms import AttachmentForm
from budget_app.uploads.models import Attachment

bp = Blueprint("execution", __name__, url_prefix="/councils")


def _cycle(slug: str, cycle_id: int):
    council = get_council_or_404(slug)
    ensure(council.can_direct_budget(current_user))
    cycle = services.cycle_of(council, cycle_id)
    if cycle is None:
        abort(404)
    return council, cycle


def _allocation(cycle, proposal_id: int):
    for p in services.funded_allocations(cycle):
        if p.id == proposal_id:
            return p
    abort(404)


def _refused(exc: services.ExecutionError, target: str):
    show_error(exc)
    return redirect(target)


def _back(slug: str, cycle_id: int, proposal_id: int):
    return redirect(url_for(".allocation", slug=slug, cycle_id=cycle_id, proposal_id=proposal_id))


@bp.route("/<slug>/cycles/<int:cycle_id>/execution/")
def overview(slug: str, cycle_id: int):
    council, cycle = _cycle(slug, cycle_id)
    executable = services.is_executable(cycle)
    rows = services.execution_overview(cycle) if executable else []
    return render_template("cycles/execution/overview.html", council=council, cycle=services.cycle_summary(cycle),
                           executable=executable, rows=rows)


def source_choices(cycle):
    # The same words as the citizen page's for money no source is named for.
    return [("", _("Not yet tied to a source"))] + [(str(s.id), s.name) for s in FundingSource.choices()]


@bp.route("/<slug>/cycles/<int:cycle_id>/execution/<int:proposal_id>", methods=["GET", "POST"])
def allocation(slug: str, cycle_id: int, proposal_id: int):
    """One funded allocation: its spending (add here), progress and milestones."""
    council, cycle = _cycle(slug, cycle_id)
    proposal = _allocation(cycle, proposal_id)
    form = forms.SpendingForm()
    form.funding_source_id.choices = source_choices(cycle)
    status = 200
    if form.validate_on_submit():
        try:
            services.record_spending(cycle, proposal, current_user, amount_minor=form.amount.data,
                                     spent_on=form.spent_on.data, quarter=int(form.quarter.data or 0) or None,
                                     funding_source_id=int(form.funding_source_id.data or 0) or None,
                                     note=form.note.data or "", justification=form.justification.data or "")
        except services.ExecutionError as exc:
            show_error(exc, form, "amount")
            status = 400
        else:
            flash(_("The spending is recorded."), "success")
            return redirect(request.path)
    elif request.method == "POST":
        status = 400
    return _allocation_page(council, cycle, proposal, form, status)


def _allocation_page(council, cycle, proposal, form, status=200, evidence_form=None, evidence_for=None):
    """The allocation's page; ``evidence_form``: a refused upload to show again on milestone ``evidence_for``."""
    if form is None:
        form = forms.SpendingForm(formdata=None)
        form.funding_source_id.choices = source_choices(cycle)
    entries, milestones, progress = services.allocation_entries(council, proposal)
    progress_form = forms.ProgressForm(progress_pct=progress.progress_pct if progress else 0, formdata=None)
    files = uploads.attachments_of(evidence.OBJECT_TYPE, [m.id for m in milestones])
    evidence_forms = {m.id: evidence_form if m.id == evidence_for and evidence_form is not None
                      else AttachmentForm(prefix=f"m{m.id}", formdata=None) for m in milestones}
    return render_template("cycles/execution/allocation.html", council=council, cycle=services.cycle_summary(cycle),
                           allocation=services.allocation_summary(proposal), form=form, entries=entries,
                           spent=sum(e.amount_minor for e in entries), milestones=milestones,
                           progress_form=progress_form, milestone_form=forms.MilestoneForm(formdata=None),
                           executable=services.is_executable(cycle), milestone_files=files,
                           evidence_forms=evidence_forms, evidence_for=evidence_for), status


@bp.route("/<slug>/cycles/<int:cycle_id>/execution/<int:proposal_id>/progress", methods=["POST"])
def progress(slug: str, cycle_id: int, proposal_id: int):
    council, cycle = _cycle(slug, cycle_id)
    proposal = _allocation(cycle, proposal_id)
    target = url_for(".allocation", slug=slug, cycle_id=cycle_id, proposal_id=proposal_id)
    form = forms.ProgressForm()
    if not form.validate_on_submit():
        flash(_("Progress is a percentage between 0 and 100."), "error")
        return redirect(target)
    try:
        services.set_progress(cycle, proposal, current_user, form.progress_pct.data)
    except services.ExecutionError as exc:
        return _refused(exc, target)
    flash(_("The progress is saved."), "success")
    return redirect(target)


@bp.route("/<slug>/cycles/<int:cycle_id>/execution/<int:proposal_id>/milestones", methods=["POST"])
@bp.route("/<slug>/cycles/<int:cycle_id>/execution/<int:proposal_id>/milestones/<int:milestone_id>",
          methods=["POST"])
def milestone(slug: str, cycle_id: int, proposal_id: int, milestone_id: int | None = None):
    """Add a milestone, or update one (its status and dates)."""
    council, cycle = _cycle(slug, cycle_id)
    proposal = _allocation(cycle, proposal_id)
    target = url_for(".allocation", slug=slug, cycle_id=cycle_id, proposal_id=proposal_id)
    existing = None
    if milestone_id is not None:
        existing = Milestone.query.filter_by(id=milestone_id, proposal_id=proposal.id,
                                             council_id=council.id).first_or_404()
    form = forms.MilestoneForm()
    if not form.validate_on_submit():
        flash(_("Give the milestone a title in Arabic, and valid dates."), "error")
        return redirect(target)
    try:
        services.save_milestone(cycle, proposal, current_user, existing, title_ar=form.title_ar.data,
                                title_en=form.title_en.data or "", status=form.status.data,
                                due_on=form.due_on.data, done_on=form.done_on.data)
    except services.ExecutionError as exc:
        return _refused(exc, target)
    flash(_("The milestone is saved."), "success")
    return redirect(target)


@bp.route("/<slug>/cycles/<int:cycle_id>/execution/<int:proposal_id>/milestones/<int:milestone_id>/delete",
          methods=["POST"])
def milestone_delete(slug: str, cycle_id: int, proposal_id: int, milestone_id: int):
    council, cycle = _cycle(slug, cycle_id)
    proposal = _allocation(cycle, proposal_id)
    row = Milestone.query.filter_by(id=milestone_id, proposal_id=proposal.id, council_id=council.id).first_or_404()
    services.delete_milestone(row, current_user)
    flash(_("The milestone is deleted."), "success")
    return _back(slug, cycle_id, proposal_id)


def _milestone(council, proposal, milestone_id: int) -> Milestone:
    return Milestone.query.filter_by(id=milestone_id, proposal_id=proposal.id, council_id=council.id).first_or_404()


@bp.route("/<slug>/cycles/<int:cycle_id>/execution/<int:proposal_id>/milestones/<int:milestone_id>/evidence",
          methods=["POST"])
def milestone_evidence_add(slug: str, cycle_id: int, proposal_id: int, milestone_id: int):
    """Attach a photo or a document to a milestone."""
    council, cycle = _cycle(slug, cycle_id)
    proposal = _allocation(cycle, proposal_id)
    row = _milestone(council, proposal, milestone_id)
    ensure(evidence.OWNER.can_attach(row, current_user))
    form = AttachmentForm(prefix=f"m{row.id}")
    if form.validate_on_submit():
        try:
            uploads.attach(evidence.OWNER, row, data=form.file.data.read(), filename=form.file.data.filename,
                           user=current_user, alt_text_ar=form.alt_text_ar.data, alt_text_en=form.alt_text_en.data)
        except UploadRefused as error:
            show_error(error, form)
        else:
            flash(_("The file is attached to the milestone."), "success")
            return redirect(url_for(".allocation", slug=slug, cycle_id=cycle_id, proposal_id=proposal_id)
                            + f"#milestone-{row.id}")
    return _allocation_page(council, cycle, proposal, None, 400, form, row.id)


@bp.route("/<slug>/cycles/<int:cycle_id>/execution/<int:proposal_id>/milestones/<int:milestone_id>/evidence/"
          "<int:attachment_id>/delete", methods=["POST"])
def milestone_evidence_delete(slug: str, cycle_id: int, proposal_id: int, milestone_id: int, attachment_id: int):
    council, cycle = _cycle(slug, cycle_id)
    proposal = _allocation(cycle, proposal_id)
    row = _milestone(council, proposal, milestone_id)
    ensure(evidence.OWNER.can_attach(row, current_user))
    attachment = Attachment.query.filter_by(id=attachment_id, object_type=evidence.OBJECT_TYPE,
                                            object_id=row.id).first_or_404()
    uploads.remove(evidence.OWNER, row, attachment, current_user)
    flash(_("The file is removed."), "success")
    return redirect(url_for(".allocation", slug=slug, cycle_id=cycle_id, proposal_id=proposal_id)
                    + f"#milestone-{row.id}")


@bp.route("/<slug>/cycles/<int:cycle_id>/execution/spending/<int:entry_id>/delete", methods=["POST"])
def spending_delete(slug: str, cycle_id: int, entry_id: int):
    council, cycle = _cycle(slug, cycle_id)
    entry = SpendingEntry.query.filter_by(id=entry_id, cycle_id=cycle.id, council_id=council.id).first_or_404()
    proposal_id = entry.proposal_id
    services.delete_spending(entry, current_user)
    flash(_("The spending entry is deleted."), "success")
    return _back(slug, cycle_id, proposal_id)


@bp.route("/<slug>/cycles/<int:cycle_id>/execution/import", methods=["GET", "POST"])
def spending_import(slug: str, cycle_id: int):
    """Spending from Excel or CSV: every row checked first; all rows imported, or none."""

    council, cycle = _cycle(slug, cycle_id)
    form = forms.ImportForm()
    errors, status = [], 200
    if form.validate_on_submit():
        try:
            table = read_table(form.file.data)
            count = imports.import_spending(cycle, table, current_user)
        except SpreadsheetError as exc:
            _import_refused(cycle, [], exc, form, reason=str(exc))
            status = 400
        except imports.ImportFailed as exc:
            _import_refused(cycle, exc.errors, exc)
            errors, status = exc.errors, 400
        except services.ExecutionError as exc:
            return _refused(exc, url_for(".overview", slug=slug, cycle_id=cycle_id))
        else:
            flash(ngettext("Import done: %(num)s spending entry recorded.", "Import done: %(num)s spending entries recorded.",
                           count), "success")
            return redirect(url_for(".overview", slug=slug, cycle_id=cycle_id))
    elif request.method == "POST":
        status = 400
    return render_template("cycles/execution/import.html", council=council, cycle=services.cycle_summary(cycle),
                           form=form, errors=errors, columns=imports.spending_columns()), status


def _import_refused(cycle, errors, exc, form=None, **details):
    """Undo the import's work, say why (on the form's file field, else in a flash message) and
    keep only the audit entry of the refusal (the request answers 400 and commits that entry alone)."""
    show_error(exc, form, "file")
    record_import_refusal("execution.import_refused", cycle, errors, actor=current_user, **details)
    keep_on_error()


@bp.route("/<slug>/cycles/<int:cycle_id>/execution/template.<fmt>")
def spending_template(slug: str, cycle_id: int, fmt: str):
    council, cycle = _cycle(slug, cycle_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return download(template_frames(imports.spending_columns(), _("Instructions")),
                    f"spending-template-{council.slug}-{cycle.fiscal_year}", fmt)
