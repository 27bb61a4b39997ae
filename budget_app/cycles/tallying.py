"""The adapter between a cycle's stored ballots and the pure tally engine (budget_app.tally)."""
from __future__ import annotations

from fractions import Fraction

from sqlalchemy import select

from budget_app.cycles.models import Ballot, BallotItem, BudgetCycle
from budget_app.cycles.proposals import exclusive_groups
from budget_app.extensions import db
from budget_app.tally.rules import completes
from budget_app.utils import utcnow


def to_units(minor: int) -> Fraction:
    """Minor units → currency units, exactly (the tally works in whole currency units)."""
    return Fraction(int(minor), 100)


def units_to_minor(value) -> int:
    """Currency units from the tally engine (int, float or Fraction) → integer minor units."""
    return int(round(Fraction(value) * 100)) if not isinstance(value, float) else int(round(value * 100))


COMPARISON_RULES = ("greedy", "mes")


def tally_inputs(cycle: BudgetCycle, proposals=None) -> dict:
    """Everything ``tally()`` needs, read from the database in two queries."""
    from budget_app.tally import ProjectSpec  # the engine (NumPy) loads with the first tally, not at start-up
    proposals = proposals if proposals is not None else cycle.ballot_proposals
    code_of = {p.id: p.code for p in proposals}
    method = cycle.method
    rows = db.session.execute(
        select(BallotItem.ballot_id, BallotItem.proposal_id, BallotItem.points, BallotItem.rank)
        .join(Ballot, Ballot.id == BallotItem.ballot_id).where(Ballot.cycle_id == cycle.id)
        .order_by(BallotItem.ballot_id, BallotItem.rank, BallotItem.proposal_id))
    grouped: dict[int, list] = {}
    for ballot_id, pid, points, rank in rows:
        grouped.setdefault(ballot_id, []).append((code_of[pid], points))
    ballot_ids = [r[0] for r in db.session.execute(select(Ballot.id).where(Ballot.cycle_id == cycle.id))]
    ballots = [method.engine_ballot(grouped.get(bid, [])) for bid in sorted(ballot_ids)]
    options = {"ballot_kind": method.tally_kind, "exclusive_groups": exclusive_groups(proposals),
               **method.tally_options(cycle)}
    return {
        "projects": [ProjectSpec(p.code, to_units(p.cost_minor)) for p in sorted(proposals, key=lambda p: p.code)],
        "ballots": ballots,
        "budget": to_units(cycle.envelope_minor),
        "options": options,
    }


def run_tally(cycle: BudgetCycle, rule: str | None = None, inputs: dict | None = None):
    """The engine's result for this cycle's ballots under ``rule`` (default: the cycle's rule)."""
    from budget_app.tally import tally  # the engine (NumPy) loads with the first tally, not at start-up

    inputs = inputs or tally_inputs(cycle)
    rule = rule or cycle.tally_rule
    completion = bool(cycle.mes_completion) and completes(rule)
    return tally(inputs["projects"], inputs["ballots"], inputs["budget"], rule, completion=completion,
                 **inputs["options"])


def compute_tally(cycle: BudgetCycle) -> dict:
    """Tally with the cycle's rule and, for comparison, greedy and MES; the snapshot stored on the cycle."""
    from budget_app.tally.report import analyse  # NumPy: loaded with the first tally, not at start-up

    inputs = tally_inputs(cycle)
    main = run_tally(cycle, inputs=inputs).to_dict()
    comparison = {}
    for rule in dict.fromkeys((cycle.tally_rule,) + COMPARISON_RULES):
        res = main if rule == cycle.tally_rule else run_tally(cycle, rule, inputs).to_dict()
        comparison[rule] = {"selected": res["selected"], "total_cost": res["total_cost"],
                            "completion": res["completion"]}
    completion = cycle.completion_applies
    analysis = analyse(inputs["projects"], inputs["ballots"], inputs["budget"],
                       {rule: res["selected"] for rule, res in comparison.items()},
                       dimensions=proposal_dimensions(cycle.ballot_proposals), margins_of=(cycle.tally_rule, completion),
                       **inputs["options"])
    return {"main": main, "comparison": comparison, "ballots": len(inputs["ballots"]),
            "fingerprint": cycle.fingerprint, "computed_at": utcnow().isoformat(timespec="seconds"), **analysis}


#: seconds each proportionality property may take when the director changes the allocation (the
#: request waits for it; a check not decided in time says so)
OVERRIDE_TIME_LIMIT = 3.0


def funded_report(cycle: BudgetCycle, codes, *, check: bool = True) -> dict:
    """The fairness report (and, with ``check``, the exact proportionality checks) of the set ``codes``
    actually funded when the director changed the rule's: the same measures as the tally's, for that
    set (``{"fairness": ..., "proportionality": ...}``; no rule, so no proven guarantee)."""
    # NumPy: loaded with the first tally, not at start-up
    from budget_app.tally.api import profile
    from budget_app.tally.fairness import fairness_report
    from budget_app.tally.proportionality import proportionality_report

    inputs = tally_inputs(cycle)
    prof = profile(inputs["projects"], inputs["ballots"], inputs["budget"], **inputs["options"])
    codes = sorted(codes)
    out = {"fairness": fairness_report(prof, codes, dimensions=proposal_dimensions(cycle.proposals))}
    if check:
        out["proportionality"] = proportionality_report(prof, codes, None, time_limit=OVERRIDE_TIME_LIMIT)
    return out


def proposal_dimensions(proposals) -> dict[str, dict[str, list[str]]]:
    """Each proposal's labels for the fairness report's money-vs-votes shares: reference ids as strings
    (names are looked up when shown, in the reader's language)."""
    return {
        "target_group": {p.code: [str(t.id) for t in p.target_groups] for p in proposals},
        "sector": {p.code: [str(p.sector_id)] if p.sector_id else [] for p in proposals},
        "locality": {p.code: [str(p.locality_id)] if p.locality_id else [] for p in proposals},
    }

