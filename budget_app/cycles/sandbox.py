"""The rule sandbox: before anyone votes, what each tally rule tends to do with this cycle's proposals
and envelope, estimated from a vote the council already held.

Two sources, by priority (proposals answer priorities, ``AllocationProposal.priorities``):

* ``round``: the latest closed ranking round of the council whose priorities this cycle's proposals
  answer (the cycle's fiscal year first). A round ballot supports every proposal answering a priority
  the voter gave points to or ranked.
* ``last_year``: the ballots of the council's latest earlier cycle whose proposals answer the same
  priorities. A ballot supports every proposal of this cycle that answers a priority one of the
  proposals the voter chose last year answered.

The mapped ballots are approval ballots; each rule of the table (``budget_app.tally.rules``) counts
them with the cycle's envelope, exclusive groups and completion setting. Nothing is stored: the page
computes it when it is shown (a council-size cycle takes a few milliseconds; see
tests/cycles/test_sandbox.py), so it always reflects the proposals as they are now.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable, Mapping

from sqlalchemy import func, select

from budget_app.cycles.models import (PHASE_DECIDED, PHASES, Ballot, BallotItem, BudgetCycle,
                                      allocation_proposal_priority)
from budget_app.cache import LRU
from budget_app.cycles.proposals import exclusive_groups
from budget_app.cycles.tallying import to_units
from budget_app.extensions import db
from budget_app.tally.rules import TALLY_RULES, completes
from priorities.models import RankingRound, RoundBallot, RoundBallotItem

SOURCES = ("round", "last_year")
#: an earlier cycle with more ballots than this (a city-wide vote imported from Pabulib, not a
#: council's) is not used: counting it with every rule would keep the page waiting for seconds
MAX_BALLOTS = 2_000


@dataclass
class SandboxData:
    """The mapped vote: where it comes from and its ballots over this cycle's proposal codes."""

    source: str                           # "round" or "last_year"
    origin: object                        # the RankingRound or the earlier BudgetCycle
    ballots: list[set[str]]               # one set of proposal codes per voter of the origin
    empty: int = 0                        # ballots that support none of this cycle's proposals
    unlinked: list[str] = field(default_factory=list)  # proposal codes answering no priority


def map_ballots(priority_ballots: Iterable[Iterable[int]], proposal_priorities: Mapping[str, Iterable[int]]
                ) -> list[set[str]]:
    """Each ballot over priorities (the ids it supports) as the set of proposal codes answering one of
    them. Every ballot is kept, empty ones too: their voters count when asking who got something."""
    answering: dict[int, set[str]] = {}
    for code, pids in proposal_priorities.items():
        for pid in pids:
            answering.setdefault(int(pid), set()).add(code)
    out = []
    for ballot in priority_ballots:
        codes: set[str] = set()
        for pid in ballot:
            codes |= answering.get(int(pid), set())
        out.append(codes)
    return out


def _links(proposal_ids: Iterable[int]) -> dict[int, set[int]]:
    """proposal id -> the priority ids it answers, in one query."""
    ids = list(proposal_ids)
    links: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        rows = db.session.execute(select(allocation_proposal_priority.c.proposal_id,
                                         allocation_proposal_priority.c.priority_id)
                                  .where(allocation_proposal_priority.c.proposal_id.in_(ids)))
        for proposal_id, priority_id in rows:
            links[proposal_id].add(priority_id)
    return links


def _round_ballots(rnd: RankingRound) -> list[set[int]]:
    """The round's ballots as the priority ids each gave points to or ranked (within its top N)."""
    rows = db.session.execute(
        select(RoundBallot.id, RoundBallotItem.priority_id, RoundBallotItem.points, RoundBallotItem.rank)
        .join(RoundBallotItem, RoundBallotItem.ballot_id == RoundBallot.id, isouter=True)
        .where(RoundBallot.round_id == rnd.id).order_by(RoundBallot.id))
    ballots: dict[int, set[int]] = {}
    for ballot_id, priority_id, points, rank in rows:
        chosen = ballots.setdefault(ballot_id, set())
        if priority_id is not None and ((points or 0) > 0 or (rank is not None and rank <= rnd.top_n)):
            chosen.add(priority_id)
    return list(ballots.values())


def _closed_rounds(cycle: BudgetCycle) -> list[RankingRound]:
    rounds = [r for r in RankingRound.query.filter_by(council_id=cycle.council_id).all() if r.is_closed()]
    rounds.sort(key=lambda r: (r.fiscal_year == cycle.fiscal_year, r.closed_at, r.id), reverse=True)
    return rounds


def _from_round(cycle: BudgetCycle, answered: set[int]) -> tuple[RankingRound, list[set[int]]] | None:
    for rnd in _closed_rounds(cycle):
        if answered & {p.id for p in rnd.priorities}:
            ballots = _round_ballots(rnd)
            if ballots:
                return rnd, ballots
    return None


def _from_last_year(cycle: BudgetCycle, answered: set[int]) -> tuple[BudgetCycle, list[set[int]]] | None:
    closed = PHASES[PHASES.index(PHASE_DECIDED):]
    earlier = (BudgetCycle.query.filter(BudgetCycle.council_id == cycle.council_id,
                                        BudgetCycle.fiscal_year < cycle.fiscal_year, BudgetCycle.phase.in_(closed))
               .order_by(BudgetCycle.fiscal_year.desc(), BudgetCycle.id.desc()).limit(5).all())
    for old in earlier:
        count = db.session.scalar(select(func.count(Ballot.id)).where(Ballot.cycle_id == old.id)) or 0
        if count > MAX_BALLOTS:  # a city-wide vote imported from a .pb file: too long to count on a page
            continue
        links = _links(p.id for p in old.proposals)
        if not answered & set().union(set(), *links.values()):
            continue
        rows = db.session.execute(
            select(Ballot.id, BallotItem.proposal_id)
            .join(BallotItem, BallotItem.ballot_id == Ballot.id, isouter=True)
            .where(Ballot.cycle_id == old.id).order_by(Ballot.id))
        ballots: dict[int, set[int]] = {}
        for ballot_id, proposal_id in rows:
            chosen = ballots.setdefault(ballot_id, set())
            if proposal_id is not None:
                chosen |= links.get(proposal_id, set())
        if ballots:
            return old, list(ballots.values())
    return None


def sandbox_data(cycle: BudgetCycle, proposals, source: str | None = None) -> tuple[SandboxData | None, list[str]]:
    """The mapped vote from ``source`` (default: the first available of ``SOURCES``) and the sources
    available. ``(None, [])`` when there is no earlier vote to run, or no proposal answers a priority."""
    links = _links(p.id for p in proposals)
    answered = set().union(set(), *links.values())
    if not answered:
        return None, []
    found = {"round": _from_round(cycle, answered), "last_year": _from_last_year(cycle, answered)}
    available = [s for s in SOURCES if found[s]]
    if not available:
        return None, []
    chosen = source if source in available else available[0]
    origin, priority_ballots = found[chosen]
    by_code = {p.code: links[p.id] for p in proposals}
    ballots = map_ballots(priority_ballots, by_code)
    return SandboxData(chosen, origin, ballots, empty=sum(1 for b in ballots if not b),
                       unlinked=sorted(code for code, pids in by_code.items() if not pids)), available


#: the add-one completion of MES raises every voter's share one shekel at a time until the outcome is
#: exhaustive: tens of thousands of runs on a council's envelope. The sandbox raises it in steps of
#: 1/ADD_ONE_STEPS_PER_SHARE of the share (at most ``ADD_ONE_MAX_STEPS`` of them), and says so.
ADD_ONE_STEPS_PER_SHARE = 50
ADD_ONE_MAX_STEPS = 400

# The rows depend only on what the key holds (proposals with their costs and groups, envelope,
# completion, the mapped ballots): a page shown again, or by another member, reuses them; any change
# to the proposals or a new vote makes another key.
_RESULTS = LRU(32)


def add_one_step(budget_units, voters: int) -> int:
    """The sandbox's step (whole currency units) for raising the voters' shares in MES add-one."""
    return max(1, int(Fraction(budget_units) / max(voters, 1) / ADD_ONE_STEPS_PER_SHARE))


def _add_one(prof, step: int, completion: bool) -> list[str]:
    """MES with add-one completion in steps of ``step`` currency units, then greedy if ``completion``
    (as ``budget_app.tally.api`` completes it)."""
    from budget_app.tally import engine  # NumPy: loaded on first use

    sel, _, _ = engine.mes_add1(prof, increment=step, max_iterations=ADD_ONE_MAX_STEPS)
    if completion:
        sel, _ = engine.greedy(prof, initial=list(sel), phase="completion")
    return [prof.ids[j] for j in sel]


def run_rules(cycle: BudgetCycle, proposals, ballots: list[set[str]]) -> list[dict]:
    """Each rule of the table on the mapped ``ballots``: ``[{"rule", "selected" (codes, sorted),
    "spent_minor", "non_empty_handed" (count), "percent_non_empty_handed", "gini", "num_voters",
    "step" (MES add-one: the step of the shares in currency units, 1 as in the real count)}]``.
    The same inputs give the same list (kept in ``_RESULTS``; read it, do not change it)."""
    key = (tuple(sorted((p.code, p.cost_minor, p.exclusive_group or "") for p in proposals)), cycle.envelope_minor,
           bool(cycle.mes_completion), tuple(sorted(tuple(sorted(b)) for b in ballots)))
    cached = _RESULTS.get(key)
    if cached is None:
        cached = _count(cycle, proposals, ballots)
        _RESULTS.set(key, cached)
    return cached


def _count(cycle: BudgetCycle, proposals, ballots: list[set[str]]) -> list[dict]:
    # the engine (NumPy) loads on first use
    from budget_app.tally import ProjectSpec, profile, tally
    from budget_app.tally.fairness import fairness_metrics

    projects = [ProjectSpec(p.code, to_units(p.cost_minor)) for p in sorted(proposals, key=lambda p: p.code)]
    budget = to_units(cycle.envelope_minor)
    options = {"ballot_kind": "approval", "exclusive_groups": exclusive_groups(proposals)}
    prof = profile(projects, ballots, budget, **options)
    cost = {p.code: p.cost_minor for p in proposals}
    step = add_one_step(budget, len(ballots))
    out = []
    for rule in TALLY_RULES:
        completion = bool(cycle.mes_completion) and completes(rule)
        if rule == "mes-add1" and step > 1:
            selected = _add_one(prof, step, completion)
        else:
            selected = tally(projects, ballots, budget, rule, completion=completion, **options).selected
        metrics = fairness_metrics(prof, selected)
        out.append({"rule": rule, "selected": sorted(selected), "spent_minor": sum(cost[c] for c in selected),
                    "non_empty_handed": metrics["non_empty_handed"],
                    "percent_non_empty_handed": metrics["percent_non_empty_handed"],
                    "gini": metrics["gini_coefficient_of_satisfaction"], "num_voters": metrics["num_voters"],
                    "step": step if rule == "mes-add1" else None})
    return out


def rule_sandbox(cycle: BudgetCycle, proposals, source: str | None = None) -> dict | None:
    """The sandbox of a cycle being prepared: ``{"data": SandboxData, "sources": [...], "rows":
    run_rules(...)}``, or ``{"data": None, ...}`` when there is nothing to run (no earlier vote, no
    proposal answering a priority, or no proposal yet). Reads only; changes nothing."""
    proposals = list(proposals)
    if not proposals:
        return {"data": None, "sources": [], "rows": []}
    data, sources = sandbox_data(cycle, proposals, source)
    if data is None:
        return {"data": None, "sources": [], "rows": []}
    return {"data": data, "sources": sources, "rows": run_rules(cycle, proposals, data.ballots)}
