"""Exact EJR-up-to-one / PJR check (MILP, HiGHS) == brute force on thousands of small instances.

Two brute-force oracles: pabutools' ``is_EJR_one_*`` / ``is_PJR_*`` (which enumerate every group of
voters and every set of projects) for the yes/no answer, and the enumeration below for the size
of the largest under-represented group, which the check reports.
"""
from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tally_oracle as oracle
from budget_app.tally import profile, tally
from budget_app.tally.proportionality import check, proportionality_report
from test_tally_random import IDS, SETTINGS

pytest.importorskip("highspy")
from pabutools.analysis.justifiedrepresentation import (  # noqa: E402
    is_EJR_one_approval,
    is_EJR_one_cardinal,
    is_PJR_approval,
    is_PJR_cardinal,
)
from pabutools.election import Cost_Sat  # noqa: E402


@st.composite
def small(draw, cardinal: bool):
    m = draw(st.integers(1, 5))
    ids = draw(st.permutations(IDS))[:m]
    costs = [draw(st.integers(1, 9)) for _ in ids]
    budget = draw(st.integers(1, max(1, sum(costs))))
    n = draw(st.integers(1, 6))
    ballots = []
    for _ in range(n):
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=m))
        ballots.append({p: draw(st.integers(1, 3)) for p in chosen} if cardinal else set(chosen))
    how = draw(st.sampled_from(["mes", "greedy", "subset"]))
    if how == "subset":
        selected = draw(st.lists(st.sampled_from(ids), unique=True, max_size=m))
    else:
        kind = "cumulative" if cardinal else "approval"
        selected = tally(list(zip(ids, costs)), ballots, budget, how, ballot_kind=kind).selected
    return list(zip(ids, costs)), ballots, budget, selected, how


def _util(ballot, pid, cost, cardinal):
    if cardinal:
        return ballot.get(pid, 0)
    return cost if pid in ballot else 0


def largest_violation(projects, ballots, budget, selected, prop, cardinal) -> int:
    """Size of the largest under-represented cohesive group, by enumeration (0 if none)."""
    n = len(ballots)
    cost = dict(projects)
    W = set(selected)
    best = 0
    voters = range(n)
    for k in range(n, 0, -1):
        if k <= best:
            break
        for S in combinations(voters, k):
            for r in range(1, len(projects) + 1):
                for T in combinations([p for p, _ in projects], r):
                    if sum(cost[p] for p in T) * n > k * budget:
                        continue
                    if cardinal:
                        alpha = {p: min(ballots[i].get(p, 0) for i in S) for p in T}
                        threshold = sum(alpha.values())
                    else:
                        if not all(p in ballots[i] for i in S for p in T):
                            continue
                        threshold = sum(cost[p] for p in T)
                    if prop == "ejr_up_to_one":
                        ok = any(sum(_util(ballots[i], p, cost[p], cardinal) for p in W)
                                 + max((_util(ballots[i], p, cost[p], cardinal) for p in T if p not in W), default=0)
                                 >= threshold for i in S)
                    else:
                        ok = sum(max(_util(ballots[i], p, cost[p], cardinal) for i in S) for p in W) >= threshold
                    if not ok:
                        best = max(best, k)
                        break
                if best == k:
                    break
            if best == k:
                break
    return best


def _oracle(projects, ballots, budget, selected, prop, cardinal) -> bool:
    if cardinal:  # pabutools' cohesion looks up every project on every ballot: list the zeros
        ballots = [{p: b.get(p, 0) for p, _ in projects} for b in ballots]
    inst, prof = oracle.build(projects, ballots, budget, cardinal)
    by_name = {p.name: p for p in inst}
    alloc = [by_name[s] for s in selected]
    if cardinal:
        fn = is_EJR_one_cardinal if prop == "ejr_up_to_one" else is_PJR_cardinal
        return fn(inst, prof, alloc)
    fn = is_EJR_one_approval if prop == "ejr_up_to_one" else is_PJR_approval
    return fn(inst, prof, Cost_Sat, alloc)


def _run(inst, cardinal, prop):
    projects, ballots, budget, selected, how = inst
    kind = "cumulative" if cardinal else "approval"
    res = check(profile(projects, ballots, budget, ballot_kind=kind), selected, prop)
    assert res["checked"], res
    expected = _oracle(projects, ballots, budget, selected, prop, cardinal)
    assert res["satisfied"] == expected, (res, inst)
    size = largest_violation(projects, ballots, budget, selected, prop, cardinal)
    if expected:
        assert size == 0
    else:
        assert res["group"]["size"] == size and res["group"]["optimal"]
        assert set(res["group"]["funded"]) <= set(selected) and res["group"]["projects"]
    if how == "mes" and prop == "ejr_up_to_one":  # the proven guarantee
        assert res["satisfied"]


@settings(max_examples=1500, **SETTINGS)
@given(small(cardinal=False))
def test_ejr_up_to_one_approval(inst):
    _run(inst, False, "ejr_up_to_one")


@settings(max_examples=1500, **SETTINGS)
@given(small(cardinal=False))
def test_pjr_approval(inst):
    _run(inst, False, "pjr")


@settings(max_examples=800, **SETTINGS)
@given(small(cardinal=True))
def test_ejr_up_to_one_cardinal(inst):
    _run(inst, True, "ejr_up_to_one")


@settings(max_examples=800, **SETTINGS)
@given(small(cardinal=True))
def test_pjr_cardinal(inst):
    _run(inst, True, "pjr")


def test_names_the_under_represented_group():
    # 4 of 10 voters want a and b (cost 40 together, they can claim 40 % of 100); greedy funds c, d.
    projects = [("a", 20), ("b", 20), ("c", 50), ("d", 45)]
    ballots = [{"a", "b"}] * 4 + [{"c", "d"}] * 6
    prof = profile(projects, ballots, 100)
    res = check(prof, ["c", "d"], "ejr_up_to_one")
    assert res["satisfied"] is False
    assert res["group"] == {"size": 4, "projects": ["a", "b"], "funded": [], "claim": 40, "optimal": True}
    report = proportionality_report(prof, tally(projects, ballots, 100, "mes").selected, "mes")
    assert report["ejr_up_to_one"]["satisfied"] and report["guarantee"] == "ejr_up_to_one"


def test_too_large_is_not_checked():
    projects = [(f"p{j}", 1) for j in range(5)]
    ballots = [{f"p{j}" for j in range(5) if (i >> j) & 1} for i in range(32)]
    res = check(profile(projects, ballots, 3), ["p0"], "pjr", max_types=10)
    assert res == {**res, "checked": False, "satisfied": None, "reason": "too_large"}
