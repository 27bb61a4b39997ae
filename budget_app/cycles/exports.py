"""Files out of a cycle: anonymized ballots as Pabulib ``.pb`` and the results table."""
from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from budget_app.cycles.models import BudgetCycle
from budget_app.cycles.tallying import tally_inputs
from budget_app.tally.rules import TALLY_RULES

if TYPE_CHECKING:  # annotations only: the module itself imports them where they are used
    import pandas as pd

    from budget_app.tally import Election



def anonymized_election(cycle: BudgetCycle, rng=None) -> Election:
    """The cycle's ballots with voter identities replaced by 1..n and the order shuffled, so that
    anyone can recount with pabutools without learning who voted what."""
    from budget_app.tally import Election  # the engine (NumPy) loads with the first export, not at start-up
    proposals = sorted(cycle.ballot_proposals, key=lambda p: p.code)
    inputs = tally_inputs(cycle, proposals)
    ballots = list(inputs["ballots"])
    (rng or secrets.SystemRandom()).shuffle(ballots)
    meta = {
        "description": f"{cycle.title_en or cycle.title_ar}",
        "country": "Palestine",
        "unit": cycle.council.name_en,
        "instance": str(cycle.fiscal_year),
        "currency": cycle.currency,
        "rule": TALLY_RULES[cycle.tally_rule].pb_name if cycle.tally_rule in TALLY_RULES else cycle.tally_rule,
        "comment": f"Exported from Sharaka; rules fingerprint SHA-256 {cycle.fingerprint}",
    }
    if cycle.voting_opened_at:
        meta["date_begin"] = cycle.voting_opened_at.strftime("%d.%m.%Y")
    if cycle.voting_closed_at:
        meta["date_end"] = cycle.voting_closed_at.strftime("%d.%m.%Y")
    meta.update(cycle.method.pb_meta(cycle, inputs["budget"]))
    projects = [(p.code, spec.cost, p.title_en or p.title_ar) for p, spec in zip(proposals, inputs["projects"])]
    return Election.from_ballots(projects, ballots, inputs["budget"],
                                 vote_type=cycle.method.pb_vote_type, meta=meta)


def pb_text(cycle: BudgetCycle) -> str:
    from budget_app.tally import write_pb  # the engine (NumPy) loads with the first export, not at start-up

    return write_pb(anonymized_election(cycle))


def results_frame(rows, cycle) -> pd.DataFrame:
    """The results table for CSV/Excel download (money in currency units, two decimals)."""
    import pandas as pd  # pandas: imported when a download is built, not at start-up
    return pd.DataFrame([{
        _("Budget-line code"): r["code"],
        _("Proposal"): r["proposal"].title,
        _("Cost"): r["cost_minor"] / 100,
        _("Currency"): cycle.currency,
        _("Votes"): r["votes"],
        _("Score"): r["score"],
        _("Computed by the rule"): _("funded") if r["computed"] else _("not funded"),
        _("Final allocation"): _("funded") if r["funded"] else _("not funded"),
        _("Explanation"): _export_explanation(r, cycle),
    } for r in rows])


def _export_explanation(row: dict, cycle) -> str:
    """The page says "see the reason above"; a file has no "above", so it carries the reason itself."""
    if not row.get("override"):
        return row["explanation"]
    if row["override"] == "added":
        change = _("Added to the allocation by the budget director. Reason: %(reason)s", reason=cycle.override_reason or "")
    else:
        change = _("Removed from the allocation by the budget director. Reason: %(reason)s",
                   reason=cycle.override_reason or "")
    return f"{row['computed_explanation']} {change}"
