"""Files out of a cycle: anonymized ballots as Pabulib ``.pb`` and the results table."""
from __future__ import annotations

import secrets

import pandas as pd
from flask_babel import gettext as _

from budget_app.cycles.models import METHOD_COST_LIMITED, METHOD_CUMULATIVE, METHOD_RANKED, BudgetCycle
from budget_app.cycles.services import tally_inputs
from budget_app.tally import Election, write_pb

PB_RULES = {"greedy": "greedy", "mes": "equalshares", "mes-add1": "equalshares/add1", "phragmen": "phragmen"}
PB_VOTE_TYPES = {METHOD_CUMULATIVE: "cumulative", METHOD_RANKED: "ordinal"}


def anonymized_election(cycle: BudgetCycle, rng=None) -> Election:
    """The cycle's ballots with voter identities replaced by 1..n and the order shuffled, so that
    anyone can recount with pabutools without learning who voted what."""
    proposals = sorted(cycle.proposals, key=lambda p: p.code)
    inputs = tally_inputs(cycle, proposals)
    ballots = list(inputs["ballots"])
    (rng or secrets.SystemRandom()).shuffle(ballots)
    meta = {
        "description": f"{cycle.title_en or cycle.title_ar}",
        "country": "Palestine",
        "unit": cycle.council.name_en,
        "instance": str(cycle.fiscal_year),
        "currency": cycle.currency,
        "rule": PB_RULES.get(cycle.tally_rule, cycle.tally_rule),
        "comment": f"Exported from Sharaka; rules fingerprint SHA-256 {cycle.fingerprint}",
    }
    if cycle.voting_opened_at:
        meta["date_begin"] = cycle.voting_opened_at.strftime("%d.%m.%Y")
    if cycle.voting_closed_at:
        meta["date_end"] = cycle.voting_closed_at.strftime("%d.%m.%Y")
    if cycle.ballot_method == METHOD_CUMULATIVE:
        meta["max_sum_points"] = str(cycle.points_total)
    if cycle.max_choices:
        meta["max_length"] = str(cycle.max_choices)
    if cycle.ballot_method == METHOD_COST_LIMITED:
        meta["max_sum_cost"] = str(inputs["budget"])
    projects = [(p.code, spec.cost, p.title_en or p.title_ar) for p, spec in zip(proposals, inputs["projects"])]
    return Election.from_ballots(projects, ballots, inputs["budget"],
                                 vote_type=PB_VOTE_TYPES.get(cycle.ballot_method, "approval"), meta=meta)


def pb_text(cycle: BudgetCycle) -> str:
    return write_pb(anonymized_election(cycle))


def results_frame(rows, cycle) -> pd.DataFrame:
    """The results table for CSV/Excel download (money in currency units, two decimals)."""
    return pd.DataFrame([{
        _("Budget-line code"): r["code"],
        _("Proposal"): r["proposal"].title,
        _("Cost"): r["cost_minor"] / 100,
        _("Currency"): cycle.currency,
        _("Votes"): r["votes"],
        _("Score"): r["score"],
        _("Computed by the rule"): _("funded") if r["computed"] else _("not funded"),
        _("Final allocation"): _("funded") if r["funded"] else _("not funded"),
        _("Explanation"): r["explanation"],
    } for r in rows])
