"""Declarations of interest before the council's approval vote. One transaction per request
(budget_app.transaction): no commit here; a refusal is a CycleError shown on the form."""
from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from budget_app.cycles import forms
from budget_app.cycles.approval import frozen_electorate
from budget_app.cycles.blueprint import bp
from budget_app.cycles.errors import CycleError
from budget_app.cycles.interests import DECLARING_PHASES, declarations_of, declare_interest, flagged_members
from budget_app.cycles.views.common import back_to, load_cycle
from budget_app.errors import show_error
from budget_app.permissions import ensure


@bp.route("/<slug>/cycles/<int:cycle_id>/declaration", methods=["GET", "POST"])
def declaration(slug: str, cycle_id: int):
    council, cycle = load_cycle(slug, cycle_id)
    ensure(cycle.can_view_ballot(current_user))
    if cycle.phase not in DECLARING_PHASES:
        flash(_("Declarations of interest are made while voting is open or before the council approves the "
                "allocation."), "error")
        return back_to(cycle, "cycles.results" if cycle.tally_json else "cycles.cycle_detail")
    electorate = frozen_electorate(cycle, store=False)
    mine = declarations_of(cycle).get(current_user.id)
    flagged = flagged_members(cycle).get(current_user.id, [])
    proposals = cycle.ballot_proposals
    data = None
    if request.method == "GET":
        data = {"interest": ("interest" if mine.has_interest else "none") if mine else None,
                "codes": mine.proposal_codes if mine else flagged, "note": mine.note if mine else ""}
    form = forms.DeclarationForm(data=data) if data is not None else forms.DeclarationForm()
    form.codes.choices = [(p.code, f"{p.code} {p.title}") for p in proposals]
    status = 200
    if form.validate_on_submit():
        try:
            declare_interest(cycle, current_user, has_interest=form.interest.data == "interest",
                             codes=form.codes.data or [], note=form.note.data or "", electorate=electorate)
        except CycleError as exc:
            show_error(exc, form, fallback="codes")
            status = 400
        else:
            flash(_("Your declaration is recorded.") if form.interest.data == "none" else
                  _("Your declaration is recorded: you are recused from the council's vote on this allocation."),
                  "success")
            return back_to(cycle, "cycles.results" if cycle.tally_json else "cycles.cycle_detail")
    elif form.errors:
        status = 400
    return render_template("cycles/declaration.html", council=council, cycle=cycle, form=form, mine=mine,
                           flagged=flagged, in_electorate=current_user.id in electorate,
                           proposals={p.code: p for p in proposals}), status
