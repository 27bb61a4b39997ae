"""Council-side pages of the citizen budget: texts, preview and publishing (budget director),
feedback moderation (coordinator). The execution pages are in ``budget_app.cycles.execution``."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from budget_app import audit
from budget_app.errors import show_error
from budget_app.i18n import current_language
from budget_app.pagination import paginate
from budget_app.permissions import ensure, get_council_or_404
from citizen_budget import forms, render, services
from citizen_budget import snapshot as snap
from citizen_budget.models import FEEDBACK_PENDING, FEEDBACK_STATUS_LABELS, TEXT_SECTIONS, CitizenBudgetVersion, Feedback

bp = Blueprint("citizen_budget_manage", __name__, url_prefix="/councils")


def _register_audit():

    audit.words({
        "citizen_budget.texts": (_l("Citizen budget texts changed"),
                                 _l("%(who)s changed the texts of the citizen budget %(fiscal_year)s")),
        "citizen_budget.publish": (_l("Citizen budget published"),
                                   _l("%(who)s published the citizen budget %(what)s")),
        "feedback.submit": (_l("Feedback sent"), _l("A citizen sent feedback on the citizen budget %(fiscal_year)s")),
        "feedback.moderate": (_l("Feedback moderated"),
                              _l("%(who)s moderated a citizen's feedback: %(status)s")),
    }, kinds={"citizen_budget_version": _l("Citizen budget version"), "citizen_budget_text": _l("Citizen budget texts"),
              "citizen_feedback": _l("Citizens' feedback")},
        details={
        "feedback.moderate:status": (_l("Status"), dict(FEEDBACK_STATUS_LABELS)),
        "number": (_l("Version"), None),
        "content_hash": (_l("Content hash"), "code"),
    })


_register_audit()


def _director(slug: str):
    council = get_council_or_404(slug)
    ensure(council.can_direct_budget(current_user))
    return council


def _refused(exc: services.CitizenBudgetError, target: str):
    show_error(exc)
    return redirect(target)


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
    flash(_("Version %(n)s is published.", n=version.number), "success")
    return redirect(url_for("citizen_budget.page", slug=slug, year=year))


# Feedback moderation -----------------------------------------------------------------------
FEEDBACK_PER_PAGE = 50


@bp.route("/<slug>/feedback/")
def feedback(slug: str):
    council = get_council_or_404(slug)
    ensure(council.can_manage(current_user))
    status = request.args.get("status", FEEDBACK_PENDING)
    page = paginate(Feedback.query.filter_by(council_id=council.id, status=status)
                    .order_by(Feedback.created_at.desc(), Feedback.id.desc()), FEEDBACK_PER_PAGE)
    return render_template("citizen_budget/manage/feedback.html", council=council, rows=page.items, page=page,
                           status=status,
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
    flash(_("The message is published.") if row.status == "published" else _("The message is not published."),
          "success")
    return redirect(target)
