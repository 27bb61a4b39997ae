"""Ballot-design check before voting opens: problems in the rules and proposals that the council
should fix before they are frozen. Pure (plain values in, typed warnings out); the page words them.

``check_design(costs, envelope, *, method, rule, max_choices, min_spend_pct, groups)``:
``costs`` budget-line code -> cost (integer minor units), ``groups`` exclusive-group name -> codes.
``method`` is what the check needs to know of the ballot method, without naming it: any object with
the attributes of :class:`BallotShape` (a ballot method of ``budget_app.cycles.methods`` has them).
``rule`` is a key of :data:`~.rules.TALLY_RULES`. Each warning is ``{"code": ..., **numbers}``:

* ``equal_costs`` (``projects``): proposals costing the same -- a tie between them is decided by
  budget-line code order;
* ``over_half`` (``project``, ``cost``): a proposal costing more than half the envelope;
* ``envelope_below_cheapest`` (``cheapest``): nothing can be funded;
* ``envelope_covers_all`` (``total``): every proposal is funded whatever the votes;
* ``min_spend_unreachable`` (``minimum``, ``reachable``): no ballot can spend the minimum share;
* ``lonely_group`` (``group``, ``project``): an exclusive group with one proposal;
* ``method_ignored`` (``method``, ``rule``): points or ranks the rule cannot use;
* ``too_few_proposals`` (``max_choices``, ``proposals``): fewer proposals than choices allowed.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping

from .rules import TALLY_RULES

__all__ = ["BallotShape", "check_design"]


@dataclass(frozen=True)
class BallotShape:
    """A ballot method as the design check sees it (the attributes of a ballot method object)."""

    key: str                           # named in the warnings
    tally_kind: str = "approval"       # the engine's ballot kind: approval, cumulative (points) or ordinal (ranks)
    parameters: tuple[str, ...] = ()   # the cycle's parameters it uses: max_choices, min_spend_pct, points_total


def _max_within(costs: list[int], limit: int, k: int | None) -> int:
    """Largest total of at most ``k`` costs not above ``limit`` (exact subset sum, in minor units
    scaled down by their common divisor; proposals are few)."""
    g = 0
    for c in costs + [limit]:
        g = math.gcd(g, c)
    g = g or 1
    cs, cap = [c // g for c in costs], limit // g
    if cap > 2_000_000:  # too fine-grained for the table: the k most expensive that fit greedily
        total = 0
        for c in sorted(costs, reverse=True)[: k or len(costs)]:
            if total + c <= limit:
                total += c
        return total
    kk = k or len(cs)
    # best[s] = fewest proposals reaching sum s
    INF = len(cs) + 1
    best = [INF] * (cap + 1)
    best[0] = 0
    for c in cs:
        for s in range(cap, c - 1, -1):
            if best[s - c] + 1 < best[s]:
                best[s] = best[s - c] + 1
    for s in range(cap, -1, -1):
        if best[s] <= kk:
            return s * g
    return 0


def check_design(costs: Mapping[str, int], envelope: int, *, method: BallotShape, rule: str,
                 max_choices: int | None = None, min_spend_pct: int | None = None,
                 groups: Mapping[str, list[str]] | None = None) -> list[dict]:
    out: list[dict] = []
    if not costs:
        return out
    by_cost: dict[int, list[str]] = defaultdict(list)
    for code, c in costs.items():
        by_cost[int(c)].append(code)
    for c, codes in sorted(by_cost.items()):
        if len(codes) > 1:
            out.append({"code": "equal_costs", "projects": sorted(codes), "cost": c})
    for code, c in sorted(costs.items()):
        if envelope and c * 2 > envelope and c <= envelope:
            out.append({"code": "over_half", "project": code, "cost": int(c)})
    cheapest, total = min(costs.values()), sum(costs.values())
    if envelope < cheapest:
        out.append({"code": "envelope_below_cheapest", "cheapest": int(cheapest)})
    elif envelope >= total:
        out.append({"code": "envelope_covers_all", "total": int(total)})
    if "min_spend_pct" in method.parameters and min_spend_pct:
        minimum = -(-envelope * min_spend_pct // 100)
        reachable = _max_within([int(c) for c in costs.values()], envelope, max_choices)
        if reachable < minimum:
            out.append({"code": "min_spend_unreachable", "minimum": int(minimum), "reachable": int(reachable)})
    for name, codes in sorted((groups or {}).items()):
        if name and len(codes) == 1:
            out.append({"code": "lonely_group", "group": name, "project": codes[0]})
    tally_rule = TALLY_RULES.get(rule)
    if method.tally_kind != "approval" and tally_rule is not None and tally_rule.approvals_only:
        out.append({"code": "method_ignored", "method": method.key, "rule": rule})
    if max_choices and "max_choices" in method.parameters and max_choices > len(costs):
        out.append({"code": "too_few_proposals", "max_choices": max_choices, "proposals": len(costs)})
    return out
