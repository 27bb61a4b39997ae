"""A cycle's pages: list, set-up, detail, deletion and phase transitions."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from budget_app.cycles import fairness_text, forms, sandbox_text
from budget_app.cycles.ballots import my_ballot, participation
from budget_app.cycles.blueprint import bp
from budget_app.cycles.errors import CycleError
from budget_app.cycles.lifecycle import TRANSITIONS, create_cycle, cycles_of, delete_cycle, transition, update_cycle
from budget_app.cycles.proposals import exclusive_groups, proposals_of
from budget_app.cycles.review import review_summary
from budget_app.cycles.rules import CYCLE_FIELDS, default_quorum_pct, group_fingerprint, verify_fingerprint
from budget_app.cycles.views.common import PROPOSALS_PER_PAGE, back_to, load_cycle, refused
from budget_app.errors import show_error
from budget_app.ministry_settings import approval_quorum_min_pct
from budget_app.pagination import paginate_list
from budget_app.permissions import ensure, get_council_or_404
from budget_app.reference.models import FundingSource


@bp.route("/<slug>/cycles/")
def cycle_list(slug: str):
    council = get_council_or_404(slug)
    return render_template("cycles/list.html", council=council, cycles=cycles_of(council),
                           can_direct=council.can_direct_budget(current_user))


def _cycle_form(cycle=None):
    sources = FundingSource.choices()
    form_class = forms.with_funding(forms.CycleForm, sources)
    if cycle is None:
        form = form_class(data={"fiscal_year": __import__("datetime").date.today().year,
                                "approval_quorum_pct": default_quorum_pct()})
    else:
        data = {k: getattr(cycle, k) for k in CYCLE_FIELDS if hasattr(cycle, k)}
        data["envelope"] = cycle.envelope_minor
        data.update({f"funding_{f.funding_source_id}": f.amount_minor for f in cycle.funding})
        form = form_class(data=data) if request.method == "GET" else form_class()
    return form, sources


def _cycle_values(form, sources):
    values = {k: getattr(form, k).data for k in ("fiscal_year", "title_ar", "title_en", "description_ar",
                                                  "description_en", "currency", "ballot_method", "max_choices",
                                                  "points_total", "min_spend_pct", "tally_rule", "mes_completion",
                                                  "approval_quorum_pct")}
    values["title_en"] = values["title_en"] or ""
    values["envelope_minor"] = form.envelope.data
    funding = [(s.id, field.data) for s, field in forms.funding_fields(form, sources)]
    return values, funding


def _cycle_page(council, form, sources, cycle):
    """The set-up form of a new or existing cycle (400 when the form has errors)."""
    return render_template("cycles/cycle_form.html", council=council, form=form, cycle=cycle,
                           funding=forms.funding_fields(form, sources), quorum_min=approval_quorum_min_pct()), \
        400 if form.errors else 200


@bp.route("/<slug>/cycles/new", methods=["GET", "POST"])
def cycle_new(slug: str):
    council = get_council_or_404(slug)
    ensure(council.can_direct_budget(current_user))
    form, sources = _cycle_form()
    if form.validate_on_submit():
        values, funding = _cycle_values(form, sources)
        try:
            cycle = create_cycle(council, current_user, funding=funding, **values)
        except CycleError as exc:
            show_error(exc, form, on_form=True)
        else:
            flash(_("The budget cycle is open for preparation. Add the allocation proposals next."), "success")
            return back_to(cycle)
    return _cycle_page(council, form, sources, None)


@bp.route("/<slug>/cycles/<int:cycle_id>/edit", methods=["GET", "POST"])
def cycle_edit(slug: str, cycle_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    if cycle.is_frozen:
        flash(_("Voting has opened: the rules and the proposals are frozen and can no longer be changed."), "error")
        return back_to(cycle)
    form, sources = _cycle_form(cycle)
    if form.validate_on_submit():
        values, funding = _cycle_values(form, sources)
        try:
            update_cycle(cycle, funding=funding, **values)
        except CycleError as exc:
            show_error(exc, form, on_form=True)
        else:
            flash(_("The cycle is saved."), "success")
            return back_to(cycle)
    return _cycle_page(council, form, sources, cycle)


@bp.route("/<slug>/cycles/<int:cycle_id>/")
def cycle_detail(slug: str, cycle_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    proposals = proposals_of(cycle)
    page = paginate_list(proposals, PROPOSALS_PER_PAGE)
    return render_template(
        "cycles/detail.html", council=council, cycle=cycle, proposals=proposals, shown=page.items, page=page,
        participation=participation(cycle), my_ballot=my_ballot(cycle, current_user),
        fingerprint_ok=verify_fingerprint(cycle) if cycle.fingerprint else None,
        grouped_fingerprint=group_fingerprint(cycle.fingerprint),
        can_direct=council.can_direct_budget(current_user), can_manage=council.can_manage(current_user),
        groups=exclusive_groups(proposals), proposal_total=sum(p.cost_minor for p in proposals),
        design_warnings=fairness_text.design_warnings(cycle, proposals)
        if cycle.phase == "preparing" and council.can_direct_budget(current_user) else [],
        sandbox=sandbox_text.sandbox_view(cycle, [p for p in proposals if p.on_ballot], request.args.get("sandbox"))
        if cycle.phase == "preparing" and cycle.can_view_ballot(current_user) else None,
        review_summary=review_summary(cycle), csrf_form=forms.CsrfOnlyForm())


@bp.route("/<slug>/cycles/<int:cycle_id>/delete", methods=["POST"])
def cycle_delete(slug: str, cycle_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    if not forms.CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        delete_cycle(cycle, current_user)
    except CycleError as exc:
        return refused(exc, cycle)
    flash(_("The cycle is deleted."), "success")
    return redirect(url_for("cycles.cycle_list", slug=council.slug))


TRANSITION_MESSAGES = {
    "open_voting": lambda: _("Voting is open. The rules and proposals are now frozen."),
    "close_voting": lambda: _("Voting is closed and the ballots are tallied."),
    "approve": lambda: _("The council approved the allocation."),
    "execute": lambda: _("The cycle is now in execution."),
    "close": lambda: _("The cycle is closed."),
}


@bp.route("/<slug>/cycles/<int:cycle_id>/transition/<action>", methods=["POST"])
def cycle_transition(slug: str, cycle_id: int, action: str):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    if action not in TRANSITIONS:
        abort(404)
    if not forms.CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        transition(cycle, action, current_user)
    except CycleError as exc:
        return refused(exc, cycle, "cycles.results" if action == "approve" else "cycles.cycle_detail")
    flash(TRANSITION_MESSAGES[action](), "success")
    return back_to(cycle, "cycles.results" if action in ("close_voting", "approve") else "cycles.cycle_detail")
