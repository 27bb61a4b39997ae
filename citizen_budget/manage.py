"""Council-side pages of the citizen budget: execution tracking (budget director), texts,
preview and publishing (budget director), feedback moderation (coordinator)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from budget_app.exports import download
from budget_app.extensions import db
from budget_app.i18n import current_language
from budget_app.permissions import ensure, get_council_or_404
from citizen_budget import forms, render, services
from citizen_budget import snapshot as snap
from citizen_budget.models import (FEEDBACK_PENDING, TEXT_SECTIONS, AllocationProgress, CitizenBudgetVersion, Feedback,
                                   Milestone, SpendingEntry)

bp = Blueprint("citizen_budget_manage", __name__, url_prefix="/councils")


def _director(slug: str):
    council = get_council_or_404(slug)
    ensure(council.can_direct_budget(current_user))
    return council


def _cycle(slug: str, cycle_id: int):
    council = _director(slug)
    cycle = snap.cycle_of(council, cycle_id)
    if cycle is None:
        abort(404)
    return council, cycle


def _allocation(cycle, proposal_id: int):
    for p in snap.funded_allocations(cycle):
        if p.id == proposal_id:
            return p
    abort(404)


def _refused(exc: services.CitizenBudgetError, target: str):
    db.session.rollback()
    flash(exc.message, "error")
    return redirect(target)


# Execution -----------------------------------------------------------------------------
@bp.route("/<slug>/cycles/<int:cycle_id>/execution/")
def execution(slug: str, cycle_id: int):
    council, cycle = _cycle(slug, cycle_id)
    rows = services.execution_overview(cycle) if snap.is_executable(cycle) else []
    return render_template("citizen_budget/manage/execution.html", council=council, cycle=snap.cycle_summary(cycle),
                           executable=snap.is_executable(cycle), rows=rows)


def _source_choices(cycle):
    from budget_app.reference.models import FundingSource
    return [("", _("Not specified"))] + [(str(s.id), s.name) for s in FundingSource.choices()]


@bp.route("/<slug>/cycles/<int:cycle_id>/execution/<int:proposal_id>", methods=["GET", "POST"])
def allocation(slug: str, cycle_id: int, proposal_id: int):
    """One funded allocation: its spending (add here), progress and milestones."""
    council, cycle = _cycle(slug, cycle_id)
    proposal = _allocation(cycle, proposal_id)
    form = forms.SpendingForm()
    form.funding_source_id.choices = _source_choices(cycle)
    status = 200
    if form.validate_on_submit():
        try:
            services.record_spending(cycle, proposal, current_user, amount_minor=form.amount.data,
                                     spent_on=form.spent_on.data, quarter=int(form.quarter.data or 0) or None,
                                     funding_source_id=int(form.funding_source_id.data or 0) or None,
                                     note=form.note.data or "", justification=form.justification.data or "")
        except services.CitizenBudgetError as exc:
            db.session.rollback()
            getattr(form, exc.field, form.amount).errors = [exc.message]
            status = 400
        else:
            db.session.commit()
            flash(_("The spending is recorded."), "success")
            return redirect(request.path)
    elif request.method == "POST":
        status = 400
    entries = (SpendingEntry.query.filter_by(proposal_id=proposal.id, council_id=council.id)
               .order_by(SpendingEntry.spent_on, SpendingEntry.id).all())
    milestones = Milestone.query.filter_by(proposal_id=proposal.id, council_id=council.id).order_by(
        Milestone.due_on.is_(None), Milestone.due_on, Milestone.id).all()
    progress = db.session.get(AllocationProgress, proposal.id)
    progress_form = forms.ProgressForm(progress_pct=progress.progress_pct if progress else 0, formdata=None)
    return render_template("citizen_budget/manage/allocation.html", council=council, cycle=snap.cycle_summary(cycle),
                           allocation=snap.allocation_summary(proposal), form=form, entries=entries,
                           spent=sum(e.amount_minor for e in entries), milestones=milestones,
                           progress_form=progress_form, milestone_form=forms.MilestoneForm(formdata=None),
                           executable=snap.is_executable(cycle)), status


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
    except services.CitizenBudgetError as exc:
        return _refused(exc, target)
    db.session.commit()
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
    except services.CitizenBudgetError as exc:
        return _refused(exc, target)
    db.session.commit()
    flash(_("The milestone is saved."), "success")
    return redirect(target)


@bp.route("/<slug>/cycles/<int:cycle_id>/execution/<int:proposal_id>/milestones/<int:milestone_id>/delete",
          methods=["POST"])
def milestone_delete(slug: str, cycle_id: int, proposal_id: int, milestone_id: int):
    council, cycle = _cycle(slug, cycle_id)
    proposal = _allocation(cycle, proposal_id)
    row = Milestone.query.filter_by(id=milestone_id, proposal_id=proposal.id, council_id=council.id).first_or_404()
    services.delete_milestone(row, current_user)
    db.session.commit()
    flash(_("The milestone is deleted."), "success")
    return redirect(url_for(".allocation", slug=slug, cycle_id=cycle_id, proposal_id=proposal_id))


@bp.route("/<slug>/cycles/<int:cycle_id>/execution/spending/<int:entry_id>/delete", methods=["POST"])
def spending_delete(slug: str, cycle_id: int, entry_id: int):
    council, cycle = _cycle(slug, cycle_id)
    entry = SpendingEntry.query.filter_by(id=entry_id, cycle_id=cycle.id, council_id=council.id).first_or_404()
    proposal_id = entry.proposal_id
    services.delete_spending(entry, current_user)
    db.session.commit()
    flash(_("The spending entry is deleted."), "success")
    return redirect(url_for(".allocation", slug=slug, cycle_id=cycle_id, proposal_id=proposal_id))


@bp.route("/<slug>/cycles/<int:cycle_id>/execution/import", methods=["GET", "POST"])
def spending_import(slug: str, cycle_id: int):
    """Spending from Excel or CSV: every row checked first; all rows imported, or none."""
    from budget_app.cycles.imports import SpreadsheetError, read_table

    council, cycle = _cycle(slug, cycle_id)
    form = forms.ImportForm()
    errors, status = [], 200
    if form.validate_on_submit():
        try:
            table = read_table(form.file.data)
            count = services.import_spending(cycle, table, current_user)
        except SpreadsheetError as exc:
            db.session.rollback()
            form.file.errors = [str(exc)]
            status = 400
        except services.ImportFailed as exc:
            db.session.rollback()
            flash(exc.message, "error")
            errors, status = exc.errors, 400
        except services.CitizenBudgetError as exc:
            return _refused(exc, url_for(".execution", slug=slug, cycle_id=cycle_id))
        else:
            db.session.commit()
            flash(_("Import done: %(n)s spending entries recorded.", n=count), "success")
            return redirect(url_for(".execution", slug=slug, cycle_id=cycle_id))
    elif request.method == "POST":
        status = 400
    return render_template("citizen_budget/manage/import.html", council=council, cycle=snap.cycle_summary(cycle),
                           form=form, errors=errors, columns=services.spending_columns()), status


@bp.route("/<slug>/cycles/<int:cycle_id>/execution/template.<fmt>")
def spending_template(slug: str, cycle_id: int, fmt: str):
    from budget_app.cycles.imports import template_frames

    council, cycle = _cycle(slug, cycle_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return download(template_frames(services.spending_columns(), _("Instructions")),
                    f"spending-template-{council.slug}-{cycle.fiscal_year}", fmt)


# Texts, preview, publishing --------------------------------------------------------------
@bp.route("/<slug>/citizen-budget/")
def budgets(slug: str):
    council = _director(slug)
    years = snap.publishable_years(council)
    versions = (CitizenBudgetVersion.query.filter_by(council_id=council.id)
                .order_by(CitizenBudgetVersion.fiscal_year.desc(), CitizenBudgetVersion.number.desc()).all())
    cycles = {y: snap.cycle_for_year(council, y) for y in years}
    return render_template("citizen_budget/manage/budgets.html", council=council, years=years, versions=versions,
                           cycles={y: snap.cycle_summary(c) for y, c in cycles.items() if c})


def _year_or_404(council, year: int):
    cycle = snap.cycle_for_year(council, year)
    if cycle is None:
        abort(404)
    return cycle


@bp.route("/<slug>/citizen-budget/<int:year>/edit", methods=["GET", "POST"])
def edit(slug: str, year: int):
    """The director's texts (Markdown, Arabic and English) for each section of the page."""
    council = _director(slug)
    cycle = _year_or_404(council, year)
    TextsForm = forms.texts_form_class()
    texts = snap.texts_of(council.id, year)
    form = TextsForm(data={f"{k}_{lang}": texts[k][lang] for k, _label in TEXT_SECTIONS for lang in ("ar", "en")})
    if form.validate_on_submit():
        services.save_texts(council, year, {k: {lang: getattr(form, f"{k}_{lang}").data or ""
                                                for lang in ("ar", "en")} for k, _label in TEXT_SECTIONS},
                            current_user)
        db.session.commit()
        flash(_("The texts are saved. Publish a new version to show them to the public."), "success")
        return redirect(url_for(".edit", slug=slug, year=year))
    versions = (CitizenBudgetVersion.query.filter_by(council_id=council.id, fiscal_year=year)
                .order_by(CitizenBudgetVersion.number.desc()).all())
    return render_template("citizen_budget/manage/edit.html", council=council, year=year, form=form,
                           sections=TEXT_SECTIONS, versions=versions, publish_form=forms.PublishForm(formdata=None),
                           cycle=snap.cycle_summary(cycle)), 400 if form.errors else 200


@bp.route("/<slug>/citizen-budget/<int:year>/preview")
def preview(slug: str, year: int):
    """What a new version would show, built now from the current data (never cached, never public)."""
    council = _director(slug)
    cycle = _year_or_404(council, year)
    snapshot = snap.build_snapshot(cycle)
    body = render.render_body(snapshot, current_language(), None, [], preview=True)
    response = render_template("citizen_budget/page.html", body=body, s=snapshot, lang=current_language())
    return response, 200, {"Cache-Control": "private, no-store"}


@bp.route("/<slug>/citizen-budget/<int:year>/publish", methods=["POST"])
def publish(slug: str, year: int):
    council = _director(slug)
    _year_or_404(council, year)
    form = forms.PublishForm()
    target = url_for(".edit", slug=slug, year=year)
    if not form.validate_on_submit():
        flash(_("The note is too long."), "error")
        return redirect(target)
    try:
        version = services.publish_version(council, year, current_user, note=form.note.data or "")
    except services.CitizenBudgetError as exc:
        return _refused(exc, target)
    db.session.commit()
    flash(_("Version %(n)s is published.", n=version.number), "success")
    return redirect(url_for("citizen_budget.page", slug=slug, year=year))


# Feedback moderation -----------------------------------------------------------------------
@bp.route("/<slug>/feedback/")
def feedback(slug: str):
    council = get_council_or_404(slug)
    ensure(council.can_manage(current_user))
    status = request.args.get("status", FEEDBACK_PENDING)
    rows = (Feedback.query.filter_by(council_id=council.id, status=status)
            .order_by(Feedback.created_at.desc()).limit(200).all())
    return render_template("citizen_budget/manage/feedback.html", council=council, rows=rows, status=status,
                           form=forms.ModerateForm(formdata=None))


@bp.route("/<slug>/feedback/<int:feedback_id>/moderate", methods=["POST"])
def moderate(slug: str, feedback_id: int):
    council = get_council_or_404(slug)
    ensure(council.can_manage(current_user))
    row = Feedback.query.filter_by(id=feedback_id, council_id=council.id).first_or_404()
    form = forms.ModerateForm()
    target = url_for(".feedback", slug=slug)
    if not form.validate_on_submit():
        flash(_("Choose publish or reject."), "error")
        return redirect(target)
    try:
        services.moderate_feedback(row, current_user, form.action.data)
    except services.CitizenBudgetError as exc:
        return _refused(exc, target)
    db.session.commit()
    flash(_("The message is published.") if row.status == "published" else _("The message is not published."),
          "success")
    return redirect(target)
