"""Margins re-verified by re-running the rule through the public tally API (not the margins code's
own profile surgery): each number is funded-checked, and the step beyond it is not funded."""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings

import tally_oracle as oracle
from budget_app.tally import election_profile, parse_pb, profile, tally
from budget_app.tally.margins import KEYS, _resolution, margins
from test_tally_random import SETTINGS, instances

RULES = [("greedy", False), ("mes", False), ("mes", True), ("phragmen", False)]


def _funded(projects, ballots, budget, rule, completion, kind, pid):
    return pid in tally(projects, ballots, budget, rule, ballot_kind=kind, completion=completion).selected


def _verify(projects, ballots, budget, rule, completion, cardinal, result):
    kind = "cumulative" if cardinal else "approval"
    prof = profile(projects, ballots, budget, ballot_kind=kind)
    selected = set(tally(projects, ballots, budget, rule, ballot_kind=kind, completion=completion).selected)
    top = max([max(b.values(), default=0) for b in ballots] + [1]) if cardinal else 1
    costs = dict(projects)

    def recost(pid, c):
        return [(p, c if p == pid else v) for p, v in projects]

    def extra(pid, k):
        return ballots + ([{pid: top}] if cardinal else [{pid}]) * k

    length = [len(b) for b in ballots]

    def stay_home(pid, k):
        sup = [i for i, b in enumerate(ballots) if (b.get(pid, 0) > 0 if cardinal else pid in b)]
        weight = (lambda i: ballots[i][pid]) if cardinal else (lambda i: 1)
        order = sorted(sup, key=lambda i: (weight(i), -length[i], -i))
        gone = set(order[:k])
        return [b for i, b in enumerate(ballots) if i not in gone], len(sup)

    for pid, rec in result.items():
        assert set(KEYS) <= set(rec)
        c0 = Fraction(costs[pid])
        res = Fraction(_resolution(prof, prof.costs[prof.ids.index(pid)]), prof.scale)
        run = lambda p, b: _funded(p, b, budget, rule, completion, kind, pid)  # noqa: E731
        if pid in selected:
            assert rec["max_cost_funded"] is None and rec["extra_supporters_needed"] is None
            h = rec["cost_headroom"]
            assert h is not None and h >= 0
            assert run(recost(pid, c0 + Fraction(h)), ballots)
            if c0 + Fraction(h) + res <= budget:
                assert not run(recost(pid, c0 + Fraction(h) + res), ballots)
            s = rec["supporters_to_spare"]
            fewer, n_sup = stay_home(pid, s)
            assert run(projects, fewer)
            if s < n_sup:
                assert not run(projects, stay_home(pid, s + 1)[0])
        else:
            assert rec["cost_headroom"] is None and rec["supporters_to_spare"] is None
            c = rec["max_cost_funded"]
            if c is None:
                assert not run(recost(pid, 0), ballots)
            else:
                assert c < c0 and run(recost(pid, Fraction(c)), ballots)
                if Fraction(c) + res < c0:
                    assert not run(recost(pid, Fraction(c) + res), ballots)
            k = rec["extra_supporters_needed"]
            if k is None:
                assert rec["not_within"] and not run(projects, extra(pid, rec["not_within"]))
            else:
                assert k >= 1 and run(projects, extra(pid, k))
                assert not run(projects, extra(pid, k - 1))


@pytest.mark.parametrize("rule,completion", RULES, ids=[f"{r}{'+c' if c else ''}" for r, c in RULES])
@settings(max_examples=150, **SETTINGS)
@given(inst=instances(cardinal=False, max_voters=10))
def test_margins_verified_approval(rule, completion, inst):
    projects, ballots, budget = inst
    kind = "approval"
    result = margins(profile(projects, ballots, budget, ballot_kind=kind), rule, completion=completion)
    _verify(projects, ballots, budget, rule, completion, False, result)


@pytest.mark.parametrize("rule,completion", RULES[:3], ids=["greedy", "mes", "mes+c"])
@settings(max_examples=120, **SETTINGS)
@given(inst=instances(cardinal=True, max_voters=10))
def test_margins_verified_cardinal(rule, completion, inst):
    projects, ballots, budget = inst
    result = margins(profile(projects, ballots, budget, ballot_kind="cumulative"), rule, completion=completion)
    _verify(projects, ballots, budget, rule, completion, True, result)


def test_margins_on_a_real_file_match_reruns():
    election = parse_pb(oracle.DATA / "Poland_Swiecie_2023.pb")
    prof = election_profile(election)
    result = margins(prof, "mes")
    projects = [(p.id, p.cost) for p in election.projects]
    ballots = [set(b) for b in election.ballots()]
    _verify(projects, ballots, election.budget, "mes", False, False, result)


def test_wording_example():
    # b needs 1 more supporter, or a cost of at most 30
    projects = [("a", 60), ("b", 50)]
    ballots = [{"a"}, {"a"}, {"b"}]
    result = margins(profile(projects, ballots, 90), "greedy")
    assert result["b"]["max_cost_funded"] == 30 and result["b"]["extra_supporters_needed"] == 2
    assert result["a"]["cost_headroom"] == 30 and result["a"]["supporters_to_spare"] == 1
