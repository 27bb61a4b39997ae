"""Allocation proposals: add, show, edit, delete."""
from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from budget_app.cycles import explain, forms
from budget_app.cycles.blueprint import bp
from budget_app.cycles.errors import CycleError, FrozenError
from budget_app.cycles.models import AllocationProposal
from budget_app.cycles.proposals import PROPOSAL_FIELDS, delete_proposal, save_proposal
from budget_app.cycles.views.common import back_to, load_cycle, refused
from budget_app.errors import show_error
from budget_app.permissions import ensure
from budget_app.reference.models import FundingSource, Locality, Sector, TargetGroup
from councils.models import PartnerOrganization
from priorities.models import STATUS_DECLINED, STATUS_MERGED, Priority


def _proposal_form(cycle, proposal=None):
    sources = FundingSource.choices()
    form_class = forms.with_funding(forms.ProposalForm, sources)
    if proposal is not None and request.method == "GET":
        data = {k: getattr(proposal, k) for k in PROPOSAL_FIELDS}
        data["cost"] = proposal.cost_minor
        data["sector_id"] = proposal.sector_id or 0
        data["locality_id"] = proposal.locality_id or 0
        data["proposing_organization_id"] = proposal.proposing_organization_id or 0
        data["implementing_organization_id"] = proposal.implementing_organization_id or 0
        data["target_group_ids"] = [t.id for t in proposal.target_groups]
        data["priority_ids"] = [p.id for p in proposal.priorities]
        data.update({f"funding_{f.funding_source_id}": f.amount_minor for f in proposal.funding})
        form = form_class(data=data)
    else:
        form = form_class()
    form.sector_id.choices = [(0, "—")] + [(s.id, s.name) for s in Sector.choices()]
    localities = Locality.query.filter(Locality.active.is_(True))
    if cycle.council.governorate_id:
        localities = localities.filter(Locality.governorate_id == cycle.council.governorate_id)
    form.locality_id.choices = [(0, "—")] + [(loc.id, loc.name) for loc in localities.order_by(Locality.sort_order)]
    form.target_group_ids.choices = [(t.id, t.name) for t in TargetGroup.choices()]
    partners = [(0, "—")] + [(o.id, o.name) for o in PartnerOrganization.query.filter_by(
        council_id=cycle.council_id).order_by(PartnerOrganization.name).limit(500)]
    form.proposing_organization_id.choices = form.implementing_organization_id.choices = partners
    form.priority_ids.choices = [(p.id, f"#{p.id} {p.title}") for p in _council_priorities(cycle)]
    return form, sources


def _council_priorities(cycle):
    return (Priority.query.filter(Priority.council_id == cycle.council_id,
                                  Priority.status.notin_([STATUS_MERGED, STATUS_DECLINED]))
            .order_by(Priority.fiscal_year.desc(), Priority.id).limit(300).all())


def _save_proposal(cycle, form, sources, proposal=None):
    return save_proposal(
        cycle, proposal, code=form.code.data, title_ar=form.title_ar.data, title_en=form.title_en.data or "",
        description_ar=form.description_ar.data or "", description_en=form.description_en.data or "",
        sector_id=form.sector_id.data or None, locality_id=form.locality_id.data or None,
        cost_minor=form.cost.data, exclusive_group=form.exclusive_group.data or "",
        proposing_organization_id=form.proposing_organization_id.data or None,
        implementing_organization_id=form.implementing_organization_id.data or None,
        target_group_ids=form.target_group_ids.data or [], priority_ids=form.priority_ids.data or [],
        funding=[(s.id, f.data) for s, f in forms.funding_fields(form, sources)])


@bp.route("/<slug>/cycles/<int:cycle_id>/proposals/new", methods=["GET", "POST"])
def proposal_new(slug: str, cycle_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    if cycle.is_frozen:
        return refused(FrozenError(_("Voting has opened: the rules and the proposals are frozen and can "
                                      "no longer be changed.")), cycle)
    form, sources = _proposal_form(cycle)
    if form.validate_on_submit():
        try:
            _save_proposal(cycle, form, sources)
        except CycleError as exc:
            show_error(exc, form, on_form=True)
        else:
            flash(_("The proposal is saved."), "success")
            if request.form.get("another"):
                return back_to(cycle, "cycles.proposal_new")
            return back_to(cycle)
    return render_template("cycles/proposal_form.html", council=council, cycle=cycle, form=form, proposal=None,
                           funding=forms.funding_fields(form, sources)), 400 if form.errors else 200


def _proposal(cycle, proposal_id):
    return AllocationProposal.query.filter_by(id=proposal_id, cycle_id=cycle.id).first_or_404()


@bp.route("/<slug>/cycles/<int:cycle_id>/proposals/<int:proposal_id>")
def proposal_detail(slug: str, cycle_id: int, proposal_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    proposal = _proposal(cycle, proposal_id)
    explanation = None
    if cycle.tally:
        rows = explain.results_rows(cycle, [proposal])
        explanation = rows[0] if rows else None
    return render_template("cycles/proposal_detail.html", council=council, cycle=cycle, proposal=proposal,
                           explanation=explanation, can_direct=council.can_direct_budget(current_user))


@bp.route("/<slug>/cycles/<int:cycle_id>/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
def proposal_edit(slug: str, cycle_id: int, proposal_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    proposal = _proposal(cycle, proposal_id)
    if cycle.is_frozen:
        return refused(FrozenError(_("Voting has opened: the rules and the proposals are frozen and can "
                                      "no longer be changed.")), cycle)
    form, sources = _proposal_form(cycle, proposal)
    if form.validate_on_submit():
        try:
            _save_proposal(cycle, form, sources, proposal)
        except CycleError as exc:
            show_error(exc, form, on_form=True)
        else:
            flash(_("The proposal is saved."), "success")
            return back_to(cycle)
    return render_template("cycles/proposal_form.html", council=council, cycle=cycle, form=form, proposal=proposal,
                           funding=forms.funding_fields(form, sources)), 400 if form.errors else 200


@bp.route("/<slug>/cycles/<int:cycle_id>/proposals/<int:proposal_id>/delete", methods=["POST"])
def proposal_delete(slug: str, cycle_id: int, proposal_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(council.can_direct_budget(current_user))
    proposal = _proposal(cycle, proposal_id)
    if not forms.CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        delete_proposal(proposal)
    except CycleError as exc:
        return refused(exc, cycle)
    flash(_("The proposal is deleted."), "success")
    return back_to(cycle)
