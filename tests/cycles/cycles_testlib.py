"""Helpers for the cycle tests and the permission matrix: cycles in a given phase, built with services."""
from __future__ import annotations

from datetime import date

PROPOSALS = [
    # code, title_ar, title_en, cost (ILS), exclusive group
    ("P01", "مركز نهاري لكبار السن", "Day centre for the elderly", 400_000, ""),
    ("P02", "حضانة في يطا", "Nursery in Yatta", 300_000, "site-yatta"),
    ("P03", "ملعب للشباب في يطا", "Youth playground in Yatta", 250_000, "site-yatta"),
    ("P04", "برنامج حماية المرأة", "Women's protection programme", 200_000, ""),
    ("P05", "تأهيل الأشخاص ذوي الإعاقة", "Rehabilitation for persons with disabilities", 350_000, ""),
]


def make_cycle(world, phase="preparing", *, method="approval", rule="greedy", envelope=1_000_000, year=None,
               max_choices=None, points_total=None, min_spend_pct=None, council=None, ballots=None,
               completion=True, commit=True, reviewed=True):
    """A cycle of ``council`` (hebron) with the five PROPOSALS, moved to ``phase``.

    ``ballots``: {user_key: choices by code} cast before closing (default: a small set).
    ``reviewed``: every proposal found feasible by the reviewer (needed to open voting)."""
    from budget_app.cycles.approval import approve_allocation, cast_approval_vote
    from budget_app.cycles.ballots import cast_ballot
    from budget_app.cycles.lifecycle import close_voting, create_cycle, open_voting
    from budget_app.cycles.proposals import save_proposal
    from budget_app.cycles.review import review_all_feasible
    from budget_app.extensions import db
    from budget_app.reference.models import FundingSource

    council = council or world.hebron
    director = world.users["director"]
    treasury = FundingSource.query.filter_by(code="treasury").first()
    eu = FundingSource.query.filter_by(code="eu").first()
    if method == "ranked" and not max_choices:
        max_choices = 3
    if method == "cumulative" and not points_total:
        points_total = 10
    cycle = create_cycle(
        council, director, fiscal_year=year or date.today().year, title_ar="موازنة الخدمات الاجتماعية",
        title_en="Social services budget", envelope_minor=envelope * 100, ballot_method=method, tally_rule=rule,
        max_choices=max_choices, points_total=points_total, min_spend_pct=min_spend_pct,
        mes_completion=completion, funding=[(treasury.id, envelope * 60), (eu.id, envelope * 30)])
    for code, ar, en, cost, group in PROPOSALS:
        save_proposal(cycle, code=code, title_ar=ar, title_en=en, cost_minor=cost * 100,
                      exclusive_group=group)
    if reviewed:
        review_all_feasible(cycle, world.users.get("reviewer") or director, "ممكن التنفيذ")
    order = ["preparing", "voting", "decided", "approved"]
    if order.index(phase) >= 1:
        open_voting(cycle, director)
    if order.index(phase) >= 2:
        ids = {p.code: p.id for p in cycle.proposals}
        if ballots is None:
            ballots = default_ballots(method)
        for user_key, choice in ballots.items():
            cast_ballot(cycle, world.users[user_key], by_ids(choice, ids))
        close_voting(cycle, director)
    if order.index(phase) >= 3:
        for key in ("member1", "member2", "member3", "member4", "member5", "member6", "coordinator"):
            cast_approval_vote(cycle, world.users[key], "yes")
        approve_allocation(cycle, director)
    if commit:
        db.session.commit()
    return cycle


def by_ids(choice, ids):
    if isinstance(choice, dict):
        return {ids[c]: v for c, v in choice.items()}
    return [ids[c] for c in choice]


def default_ballots(method):
    if method == "cumulative":
        return {"member1": {"P01": 6, "P04": 4}, "member2": {"P02": 10}, "member3": {"P01": 5, "P05": 5}}
    if method == "ranked":
        return {"member1": ["P01", "P04"], "member2": ["P02", "P01", "P03"], "member3": ["P05"]}
    return {"member1": ["P01", "P04"], "member2": ["P01", "P02"], "member3": ["P03", "P05"],
            "member4": ["P01"]}


def _partner(world, name):
    from budget_app.extensions import db
    from councils.models import PartnerOrganization
    partner = PartnerOrganization(council_id=world.hebron.id, name=name, organization_type="ngo")
    db.session.add(partner)
    db.session.flush()
    return partner


def _represent(world, key, partner):
    from budget_app.extensions import db
    from budget_app.tenancy import Membership
    membership = Membership.query.filter_by(council_id=world.hebron.id, user_id=world.users[key].id).one()
    membership.partner_organization_id = partner.id
    db.session.flush()


def decided_with_organizations(world):
    """A decided cycle: member1's charity implements P01, member2's association proposes P04."""
    from budget_app.extensions import db
    cycle = make_cycle(world, "preparing", commit=False)
    charity, association = _partner(world, "Charity"), _partner(world, "Association")
    _represent(world, "member1", charity)
    _represent(world, "member2", association)
    by_code = {p.code: p for p in cycle.proposals}
    by_code["P01"].implementing_organization_id = charity.id
    by_code["P04"].proposing_organization_id = association.id
    db.session.commit()
    from budget_app.cycles.ballots import cast_ballot
    from budget_app.cycles.lifecycle import close_voting, open_voting
    open_voting(cycle, world.users["director"])
    cast_ballot(cycle, world.users["member3"], [by_code["P01"].id])
    close_voting(cycle, world.users["director"])
    db.session.commit()
    return cycle
