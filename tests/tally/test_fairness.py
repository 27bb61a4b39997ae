"""Fairness metrics == pabutools.analysis (the oracle) on every file of tests/data and on random instances."""
from __future__ import annotations

import pytest
from hypothesis import given, settings

import tally_oracle as oracle
from budget_app.tally import election_profile, parse_pb, profile, tally, tally_election
from budget_app.tally.fairness import fairness_metrics, fairness_report, group_shares
from test_tally_random import SETTINGS, instances

from pabutools.analysis import (  # noqa: E402
    avg_satisfaction,
    gini_coefficient_of_satisfaction,
    percent_non_empty_handed,
    satisfaction_histogram,
)
from pabutools.election import (  # noqa: E402
    Additive_Cardinal_Sat,
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
)
from pabutools.election.profile import AbstractApprovalProfile, AbstractCardinalProfile  # noqa: E402

FILES = sorted(p.name for p in oracle.DATA.glob("*.pb"))


def _approval_view(prof):
    return ApprovalProfile([ApprovalBallot(b) for b in prof])


def _close(a, b):
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))


def _compare(ours, inst, prof, selected_names):
    """Our metrics against pabutools' for the same selection."""
    by_name = {p.name: p for p in inst}
    alloc = [by_name[s] for s in selected_names]
    cardinal = isinstance(prof, AbstractCardinalProfile)
    if not cardinal and not isinstance(prof, AbstractApprovalProfile):  # ordinal: ranked = approved
        prof = _approval_view(prof)
    sat = Additive_Cardinal_Sat if cardinal else Cost_Sat
    approval = _approval_view(prof) if cardinal else prof
    assert _close(ours["percent_non_empty_handed"], percent_non_empty_handed(inst, approval, alloc))
    assert _close(ours["avg_satisfaction"], avg_satisfaction(inst, prof, alloc, sat))
    assert _close(ours["gini_coefficient_of_satisfaction"], gini_coefficient_of_satisfaction(inst, prof, alloc, sat))
    theirs = satisfaction_histogram(inst, prof, alloc, sat, ours["max_satisfaction"])
    assert len(theirs) == len(ours["satisfaction_histogram"])
    assert all(_close(a, b) for a, b in zip(ours["satisfaction_histogram"], theirs))


_cache: dict = {}


def _load(name):
    if name not in _cache:
        path = oracle.DATA / name
        _cache[name] = (parse_pb(path), *oracle.pabutools.election.parse_pabulib(str(path)))
    return _cache[name]


CASES = [(f, r) for f in FILES for r in ("greedy", "mes")]


@pytest.mark.parametrize("name,rule", CASES, ids=[f"{f[:30]}-{r}" for f, r in CASES])
def test_metrics_match_pabutools_on_files(name, rule):
    election, inst, prof = _load(name)
    res = tally_election(election, rule)
    ours = fairness_metrics(election_profile(election), res.selected)
    _compare(ours, inst, prof, res.selected)
    assert 0 < ours["percent_non_empty_handed"] <= 1
    assert abs(sum(ours["satisfaction_histogram"]) - 1) < 1e-9


@settings(max_examples=400, **SETTINGS)
@given(instances(cardinal=False))
def test_metrics_match_pabutools_approval(inst):
    projects, ballots, budget = inst
    res = tally(projects, ballots, budget, "mes", ballot_kind="approval")
    ours = fairness_metrics(profile(projects, ballots, budget, ballot_kind="approval"), res.selected)
    if not ballots:
        assert ours["num_voters"] == 0 and ours["avg_satisfaction"] == 0
        return
    i, p = oracle.build(projects, ballots, budget, False)
    _compare(ours, i, p, res.selected)


@settings(max_examples=300, **SETTINGS)
@given(instances(cardinal=True))
def test_metrics_match_pabutools_cardinal(inst):
    projects, ballots, budget = inst
    res = tally(projects, ballots, budget, "greedy", ballot_kind="cumulative")
    ours = fairness_metrics(profile(projects, ballots, budget, ballot_kind="cumulative"), res.selected)
    if not ballots:
        return
    i, p = oracle.build(projects, ballots, budget, True)
    _compare(ours, i, p, res.selected)


def test_group_shares_and_unspent():
    projects = [("a", 60), ("b", 30), ("c", 10), ("d", 50)]
    ballots = [{"a"}, {"a", "b"}, {"b"}, {"c"}, {"d"}]
    prof = profile(projects, ballots, 100)
    rows = group_shares(prof, ["a", "b"], {"a": ["disability"], "b": ["youth", "disability"], "c": ["youth"], "d": []})
    by = {r["label"]: r for r in rows}
    assert by["disability"]["money"] == 90 and by["disability"]["money_share"] == 1.0
    assert by["disability"]["ballots"] == 3 and by["disability"]["vote_share"] == 3 / 5
    assert by["youth"]["money"] == 30 and by["youth"]["ballots"] == 3 and by["youth"]["funded"] == 1
    report = fairness_report(prof, ["a", "b"], dimensions={"sector": {"a": ["health"]}})
    assert report["unspent"] == {"budget": 100, "spent": 90, "unspent": 10, "fits": ["c"]}
    assert report["groups"]["sector"][0]["label"] == "health"
    assert report["non_empty_handed"] == 3 and report["percent_non_empty_handed"] == 3 / 5


def test_fractional_costs_are_exact():
    from fractions import Fraction
    projects = [("a", Fraction(3, 2)), ("b", Fraction(1, 4))]
    prof = profile(projects, [{"a"}, {"a", "b"}, {"b"}], Fraction(7, 4))
    m = fairness_metrics(prof, ["a", "b"])
    assert m["avg_satisfaction"] == pytest.approx((1.5 + 1.75 + 0.25) / 3)
    assert m["max_satisfaction"] == 1.75 and m["satisfaction_histogram"][-1] == pytest.approx(1 / 3)
