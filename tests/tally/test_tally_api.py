"""Public API: results, explanations (codes + numbers), groups, Borda, scaling."""
from __future__ import annotations

import json
from fractions import Fraction

import pytest

import tally_oracle as oracle
from budget_app.tally import ProjectSpec, borda_points, parse_pb, tally, tally_election, tally_file
from budget_app.tally.explanations import (CompletionFunded, ExceedsBudget, GreedyFunded, InsufficientBudget,
                                           MesFunded, NotAffordable, PhragmenFunded, Reason, from_dict)

P3 = [ProjectSpec("a", 100), ProjectSpec("b", 60), ProjectSpec("c", 50)]
B3 = [{"a", "b"}, {"a"}, {"c"}]


def test_greedy_explanations_hand_made():
    r = tally(P3, B3, 150, "greedy")
    assert r.selected == ["a", "c"] and r.total_cost == 150 and r.budget == 150
    assert r.scores == {"a": 2, "b": 1, "c": 1}
    e = r.explanations
    assert e["a"] == GreedyFunded(project="a", rank=1, round=1, remaining_before=150, remaining_after=50, cost=100,
                                  votes=2, score=2)
    assert e["a"].to_dict() == {"project": "a", "funded": True, "reason": "selected", "phase": "greedy", "rank": 1,
                                "round": 1, "remaining_before": 150, "remaining_after": 50, "cost": 100, "votes": 2,
                                "score": 2}
    # b and c tie on votes: lexicographic order puts b first; it no longer fits
    assert isinstance(e["b"], InsufficientBudget) and not e["b"].funded and e["b"].reason is Reason.INSUFFICIENT_BUDGET
    assert (e["b"].remaining, e["b"].cost, e["b"].rank) == (50, 60, 2)
    assert e["c"].funded is True and e["c"].round == 2 and e["c"].remaining_after == 0


def test_mes_explanations_hand_made():
    r = tally(P3, B3, 150, "mes")
    assert r.selected == ["a", "c"]
    e = r.explanations
    a = e["a"]
    assert isinstance(a, MesFunded) and (a.round, a.supporters, a.payments) == (1, 2, [[50, 2]])
    assert a.rho == pytest.approx(0.5)
    assert e["c"].round == 2 and e["c"].payments == [[50, 1]]
    b = e["b"]
    assert isinstance(b, NotAffordable) and b.funded is False and b.reason.value == "not_affordable_by_supporters"
    assert b.supporters_budget == 0 and b.cost == 60
    assert r.details["voter_budget"] == 50
    json.dumps(r.to_dict())


def test_mes_payments_are_what_each_supporter_paid():
    # 6 voters, budget 60 -> 10 each. y (12, 4 supporters, 3 each, rho 1/4) is bought first;
    # then x (27) costs v1 his last 7 while v2 and v3 pay the equal share 10 (rho 10/27).
    projects = [("x", 27), ("y", 12)]
    ballots = [{"x", "y"}, {"x"}, {"x"}, {"y"}, {"y"}, {"y"}]
    r = tally(projects, ballots, 60, "mes")
    i, p = oracle.build(projects, ballots, 60, False)
    assert r.selected == ["y", "x"] == oracle.run(i, p, "mes")
    x = r.explanations["x"]
    assert (x.round, x.supporters, x.payments, x.payers) == (2, 3, [[10, 2], [7, 1]], 3)
    assert x.rho == pytest.approx(10 / 27)
    y = r.explanations["y"]
    assert (y.round, y.payments) == (1, [[3, 4]])
    assert from_dict(json.loads(json.dumps(x.to_dict()))) == x


def test_mes_payments_with_fractions_and_cardinal_ballots_sum_to_the_cost():
    r = tally([("a", 10), ("b", 7)], [{"a", "b"}, {"a"}, {"b"}], 20, "mes")
    for pid in r.selected:
        e = r.explanations[pid]
        assert sum(Fraction(a).limit_denominator(10**6) * n for a, n in e.payments) == e.cost
    c = tally([("a", 10), ("b", 6)], [{"a": 3, "b": 1}, {"a": 1}, {"b": 2}], 16, "mes", ballot_kind="cumulative")
    for pid in c.selected:
        e = c.explanations[pid]
        assert sum(a * n for a, n in e.payments) == pytest.approx(e.cost)


def test_mes_not_affordable_and_completion():
    projects = [("a", 100), ("b", 60), ("c", 50), ("d", 40)]
    ballots = [{"a", "b"}, {"a"}, {"c"}, {"d", "b"}]
    r = tally(projects, ballots, 200, "mes", completion=True)
    i, p = oracle.build(projects, ballots, 200, False)
    assert r.selected == oracle.run(i, p, "mes", completion=True)
    for pid, e in r.explanations.items():
        assert e.funded == (pid in r.selected)
        if e.funded and e.phase == "completion":
            assert isinstance(e, CompletionFunded) and isinstance(e.mes, NotAffordable)
            assert e.mes.project == pid and e.mes.supporters_budget < e.cost
    assert r.completion is True


def test_exclusive_groups():
    r = tally(P3, B3, 150, "greedy", exclusive_groups=[{"a", "c"}])
    assert r.selected == ["a"]
    assert r.explanations["c"].reason is Reason.EXCLUDED_BY_GROUP
    assert r.explanations["c"].conflicts_with == "a"
    assert r.explanations["b"].reason is Reason.INSUFFICIENT_BUDGET
    m = tally(P3, B3, 150, "mes", exclusive_groups=[["a", "c"]])
    assert m.selected == ["a"] and m.explanations["c"].reason is Reason.EXCLUDED_BY_GROUP
    ph = tally(P3, B3, 150, "phragmen", exclusive_groups=[["a", "c"]])
    assert "c" not in ph.selected and ph.explanations["c"].reason is Reason.EXCLUDED_BY_GROUP
    # without groups Phragmén picks both
    assert set(tally(P3, B3, 150, "phragmen").selected) == {"a", "c"}
    with pytest.raises(ValueError):
        tally(P3, B3, 150, "greedy", exclusive_groups=[{"a", "nope"}])


def test_phragmen_explanations():
    r = tally(P3, B3, 150, "phragmen")
    e = r.explanations
    assert isinstance(e["a"], PhragmenFunded) and e["a"].round == 1 and e["a"].max_load == pytest.approx(50)
    assert e["b"].funded is False and e["b"].reason in (Reason.INSUFFICIENT_BUDGET, Reason.RULE_STOPPED)
    big = tally([("a", 10), ("b", 500)], [{"a", "b"}], 100, "phragmen")
    assert isinstance(big.explanations["b"], ExceedsBudget) and big.explanations["b"].budget == 100


def test_cumulative_and_borda():
    projects = [("a", 10), ("b", 10), ("c", 10)]
    r = tally(projects, [{"a": 3}, {"b": 2, "c": 2}, {"c": 1}], 20, "greedy")
    assert r.details["ballot_kind"] == "cumulative"
    assert r.scores == {"a": 3, "b": 2, "c": 3} and r.selected == ["a", "c"]
    assert borda_points(["c", "a", "b"], top=2) == {"c": 2, "a": 1}
    rankings = [["b", "a", "c"], ["a", "b"], ["c", "a", "b"]]
    bo = tally(projects, rankings, 20, "greedy", ballot_kind="ordinal", ordinal_scoring="borda", borda_top=3)
    # Borda: a = 2+3+2 = 7, b = 3+2+1 = 6, c = 1+0+3 = 4
    assert bo.scores == {"a": 7, "b": 6, "c": 4} and bo.selected == ["a", "b"]
    ap = tally(projects, rankings, 20, "greedy", ballot_kind="ordinal")
    assert ap.scores == {"a": 3, "b": 3, "c": 2} and ap.selected == ["a", "b"]


def test_ordinal_file_borda():
    el = parse_pb(oracle.DATA / "Poland_Krakow_2018_Bienczyce.pb")
    r = tally_election(el, "greedy", ordinal_scoring="borda")
    assert r.scores["6"] == int(el.projects[el.project_ids.index("6")].extra["score"])
    assert r.total_cost <= r.budget


def test_fractional_costs_are_exact():
    projects = [("a", Fraction(1, 3)), ("b", Fraction(1, 2)), ("c", Fraction(2, 3))]
    ballots = [{"a", "b"}, {"b", "c"}, {"c"}]
    for rule in ("greedy", "mes", "mes-add1", "phragmen"):
        r = tally(projects, ballots, 1, rule)
        i, p = oracle.build(projects, ballots, 1, False)
        assert set(r.selected) == set(oracle.run(i, p, rule)), rule


def test_errors_and_edge_cases():
    with pytest.raises(ValueError):
        tally(P3, B3, 150, "borda-count")
    with pytest.raises(ValueError):
        tally(P3, [{"zz"}], 150, "greedy")
    with pytest.raises(ValueError):
        tally([("a", 1), ("a", 2)], [], 150, "greedy")
    with pytest.raises(ValueError):
        tally(P3, [{"a": 1}], 150, "phragmen")
    r = tally(P3, [], 150, "mes")
    assert r.selected == [] and all(e.reason is Reason.NO_SUPPORTERS for e in r.explanations.values())
    assert tally(P3, [], 150, "greedy").selected == ["a", "c"]  # pabutools: zero-score projects still fit


def test_tally_file():
    out = tally_file(oracle.DATA / "Poland_Swiecie_2023.pb", "mes-add1")
    assert set(out) == {"rule", "selected", "cost", "budget"}
    assert out["rule"] == "mes-add1" and len(out["selected"]) == 17 and out["cost"] <= out["budget"] == 1070000


@pytest.mark.parametrize("rule", ["greedy", "mes", "mes-add1", "phragmen"])
def test_explanations_cover_every_project(rule):
    el = parse_pb(oracle.DATA / "Poland_Wieliczka_2023_Green_Budget.pb")
    r = tally_election(el, rule, completion=(rule == "mes"))
    assert set(r.explanations) == set(el.project_ids)
    assert {p for p, e in r.explanations.items() if e.funded} == set(r.selected)
    for pid, e in r.explanations.items():
        assert e.project == pid and isinstance(e.reason, Reason)
        if isinstance(e, MesFunded):
            assert e.payers >= 1 and sum(a * n for a, n in e.payments) == pytest.approx(e.cost, rel=1e-9)
            assert all(a > 0 for a, _ in e.payments) and e.payers <= e.supporters
        if isinstance(e, NotAffordable):
            assert e.supporters_budget < e.cost
    back = json.loads(json.dumps(r.to_dict()))
    assert {pid: from_dict(d) for pid, d in back["explanations"].items()} == r.explanations


def test_tally_package_does_not_need_flask():
    import subprocess
    import sys

    code = (
        "import sys, types\n"
        "sys.modules['flask'] = None; sys.modules['sqlalchemy'] = None; sys.modules['pabutools'] = None\n"
        f"stub = types.ModuleType('budget_app'); stub.__path__ = [{str(oracle.ROOT / 'budget_app')!r}]\n"
        "sys.modules['budget_app'] = stub\n"
        "import budget_app.tally as t\n"
        "assert t.tally([('a', 1)], [{'a'}], 1, 'mes').selected == ['a']\n"
        "assert not any(m.startswith(('flask', 'sqlalchemy', 'pabutools')) and sys.modules[m] for m in sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


_BARE_CASES = [(name, rule, completion)
               for name in ("Poland_Swiecie_2023.pb", "Poland_Wieliczka_2023_Green_Budget.pb", "France_Toulouse_2019.pb")
               for rule, completion in (("greedy", False), ("mes", False), ("mes", True), ("mes-add1", False),
                                        ("phragmen", False))
               if not (rule == "phragmen" and name.startswith("France"))]  # Toulouse: points, not approval


@pytest.mark.parametrize("name, rule, completion", _BARE_CASES)
def test_a_tally_without_explanations_selects_the_same(name, rule, completion):
    """What a recount that prints only the selection runs: the same outcome, no explanations."""
    election = parse_pb(oracle.DATA / name)
    full = tally_election(election, rule, completion=completion)
    bare = tally_election(election, rule, completion=completion, explain=False)
    assert (bare.selected, bare.total_cost, bare.budget) == (full.selected, full.total_cost, full.budget)
    assert full.explanations and bare.explanations == {}
