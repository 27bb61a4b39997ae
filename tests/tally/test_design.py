"""Ballot-design check: each warning, and none for a sound design."""
from budget_app.tally.design import BallotShape, _max_within, check_design

# The ballot methods as the check sees them (the objects of budget_app.cycles.methods have these attributes).
APPROVAL = BallotShape("approval", "approval", ("max_choices",))
COST_LIMITED = BallotShape("cost_limited", "approval", ("min_spend_pct",))
RANKED = BallotShape("ranked", "ordinal", ("max_choices",))


def codes(warnings):
    return [w["code"] for w in warnings]


def test_sound_design_has_no_warning():
    costs = {"P01": 400, "P02": 300, "P03": 250, "P04": 200}
    assert check_design(costs, 1000, method=APPROVAL, rule="mes", max_choices=3,
                        groups={"site": ["P02", "P03"]}) == []


def test_every_warning():
    costs = {"P01": 600, "P02": 300, "P03": 300}
    w = check_design(costs, 1000, method=RANKED, rule="phragmen", max_choices=5, groups={"g": ["P01"]})
    assert codes(w) == ["equal_costs", "over_half", "lonely_group", "method_ignored", "too_few_proposals"]
    assert w[0]["projects"] == ["P02", "P03"] and w[1]["project"] == "P01"
    assert codes(check_design(costs, 100, method=APPROVAL, rule="greedy")) == ["equal_costs",
                                                                               "envelope_below_cheapest"]
    assert "envelope_covers_all" in codes(check_design(costs, 1200, method=APPROVAL, rule="greedy"))
    w = check_design({"a": 300, "b": 350}, 1000, method=COST_LIMITED, rule="greedy", min_spend_pct=70)
    assert {"code": "min_spend_unreachable", "minimum": 700, "reachable": 650} in w


def test_reachable_spending_is_exact():
    assert _max_within([300, 350, 400], 700, None) == 700
    assert _max_within([300, 350, 400], 700, 1) == 400
    assert _max_within([600, 500], 1000, None) == 600
