"""The feasibility review of the proposals before voting: the reviewers' list and each
proposal's review form. One transaction per request (budget_app.transaction): no commit here;
a refusal is a CycleError shown on the form."""
from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from budget_app.cycles import forms
from budget_app.cycles.blueprint import bp
from budget_app.cycles.errors import CycleError
from budget_app.cycles.models import AllocationProposal
from budget_app.cycles.proposals import proposals_of
from budget_app.cycles.review import review_proposal, review_summary
from budget_app.cycles.views.common import back_to, load_cycle
from budget_app.errors import show_error
from budget_app.permissions import ensure


@bp.route("/<slug>/cycles/<int:cycle_id>/review")
def review_list(slug: str, cycle_id: int):
    """Every proposal with its review (or that it waits for one); the council reads it, reviewers act on it."""
    council, cycle = load_cycle(slug, cycle_id)
    return render_template("cycles/review_list.html", council=council, cycle=cycle, proposals=proposals_of(cycle),
                           summary=review_summary(cycle), can_review=council.can_review(current_user))


@bp.route("/<slug>/cycles/<int:cycle_id>/proposals/<int:proposal_id>/review", methods=["GET", "POST"])
def proposal_review(slug: str, cycle_id: int, proposal_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(council.can_review(current_user))
    proposal = AllocationProposal.query.filter_by(id=proposal_id, cycle_id=cycle.id).first_or_404()
    if cycle.is_frozen:
        flash(_("Voting has opened: the reviews are frozen with the rules and can no longer be changed."), "error")
        return back_to(cycle, "cycles.review_list")
    review = proposal.review
    data = None
    if review is not None:
        data = {"outcome": review.outcome, "reason": review.reason, "changes": review.changes,
                "revised_cost": review.revised_cost_minor}
    form = forms.ReviewForm(data=data) if request.method == "GET" else forms.ReviewForm()
    status = 200
    if form.validate_on_submit():
        try:
            review_proposal(proposal, current_user, outcome=form.outcome.data, reason=form.reason.data,
                            changes=form.changes.data or "", revised_cost_minor=form.revised_cost.data)
        except CycleError as exc:
            show_error(exc, form, fallback="reason")
            status = 400
        else:
            flash(_("The review of %(code)s is saved.", code=proposal.code), "success")
            return back_to(cycle, "cycles.review_list")
    elif form.errors:
        status = 400
    original = review.original_cost_minor if review is not None else proposal.cost_minor
    return render_template("cycles/review_form.html", council=council, cycle=cycle, proposal=proposal, form=form,
                           original_cost=original), status
