"""Cost-limited approval: each voter chooses a set of proposals that fits in the envelope
(and spends at least ``min_spend_pct`` of it)."""
from __future__ import annotations

import math

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from budget_app.cycles.errors import CycleError
from budget_app.cycles.methods.base import BallotMethod
from budget_app.i18n import format_money


class CostLimited(BallotMethod):
    key = "cost_limited"
    label = _l("Cost-limited: choose a set that fits the envelope")
    short_label = _l("Cost-limited")
    public_label = _l("each member chose a set of proposals that fits the budget")
    input_header = _l("Choose")
    summary = "envelope"
    parameters = ("min_spend_pct",)

    def check_opening(self, cycle, proposals) -> None:
        if min(p.cost_minor for p in proposals) > cycle.envelope_minor:
            raise CycleError(_("No proposal fits in the envelope: a cost-limited ballot could not be filled."))
        total = sum(p.cost_minor for p in proposals)
        if cycle.min_spend_pct and total * 100 < cycle.min_spend_pct * cycle.envelope_minor:
            raise CycleError(_("All proposals together cost less than the minimum share to spend."))

    def validate(self, cycle, choices, by_id):
        chosen = self._distinct(choices, by_id)
        total = sum(by_id[pid].cost_minor for pid in chosen)
        if total > cycle.envelope_minor:
            raise CycleError(_("Your choice costs %(total)s, more than the envelope of %(envelope)s.",
                               total=format_money(total, cycle.currency),
                               envelope=format_money(cycle.envelope_minor, cycle.currency)))
        if cycle.min_spend_pct:
            minimum = math.ceil(cycle.envelope_minor * cycle.min_spend_pct / 100)
            if total < minimum:
                raise CycleError(_("Your choice costs %(total)s; spend at least %(minimum)s (%(pct)s%% of the "
                                   "envelope).", total=format_money(total, cycle.currency),
                                   minimum=format_money(minimum, cycle.currency), pct=cycle.min_spend_pct))
        return super().validate(cycle, chosen, by_id)

    def pb_meta(self, cycle, budget) -> dict:
        return super().pb_meta(cycle, budget) | {"max_sum_cost": str(budget)}
