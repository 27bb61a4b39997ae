"""The fast paths of the margins against runs from scratch: a MES run resumed from a checkpoint of
the actual run (a change of one project's cost) gives the selection of a run from scratch, in the
same order, on small hypothesis instances where ties between projects and between voters' budgets
are frequent (with and without exclusive groups)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import tally_oracle as oracle
from budget_app.tally import election_profile, engine, parse_pb, profile
from budget_app.tally.margins import _MesGuide, margins, with_cost
from test_tally_random import SETTINGS, instances


def _compare_resumed(prof):
    guide = _MesGuide(prof)
    base = engine.mes(prof, explain=False)[0]
    assert [j for j, *_ in guide.trace if j is not None] == [j for j in base if prof.costs[j] > 0]
    assert len(guide.checkpoints) >= len(guide.trace)
    top = max(prof.costs + [prof.budget, 1])
    checked = 0
    for j in range(prof.m):
        c0 = prof.costs[j]
        for cost in sorted({1, 2, c0 - 1, c0, c0 + 1, top // 2, top, top + 1} | set(range(1, min(top, 14)))):
            t = guide.start_round(j, cost)
            if t is None:
                assert cost <= 0 or c0 <= 0 or prof.total_sat(j) <= 0
                continue
            p = with_cost(prof, j, cost)
            scratch = engine.mes(p, explain=False)[0]
            for u in sorted({t, t // 2, 0}):
                cp = guide.checkpoints[u]
                assert engine.mes(p, explain=False, resume=(cp, j))[0] == scratch, (j, cost, t, u)
                watched = engine.mes(p, explain=False, watch=j, resume=(cp, j))[0]
                assert (j in watched) == (j in scratch), (j, cost, t, u)
                checked += 1
    return checked


@settings(max_examples=100, **SETTINGS)
@given(inst=instances(cardinal=False, max_voters=12))
def test_resumed_mes_equals_a_run_from_scratch_approval(inst):
    projects, ballots, budget = inst
    _compare_resumed(profile(projects, ballots, budget, ballot_kind="approval"))


@settings(max_examples=80, **SETTINGS)
@given(inst=instances(cardinal=True, max_voters=12))
def test_resumed_mes_equals_a_run_from_scratch_cardinal(inst):
    projects, ballots, budget = inst
    _compare_resumed(profile(projects, ballots, budget, ballot_kind="cumulative"))


@settings(max_examples=60, **SETTINGS)
@given(inst=instances(cardinal=False, max_voters=12), data=st.data())
def test_resumed_mes_equals_a_run_from_scratch_with_groups(inst, data):
    projects, ballots, budget = inst
    ids = [p for p, _ in projects]
    groups = [data.draw(st.lists(st.sampled_from(ids), unique=True, min_size=2, max_size=3))] if len(ids) > 1 else []
    _compare_resumed(profile(projects, ballots, budget, ballot_kind="approval", exclusive_groups=groups))


def test_resume_starts_late_on_a_real_file_and_agrees():
    prof = election_profile(parse_pb(oracle.DATA / "Poland_Swiecie_2023.pb"))
    guide = _MesGuide(prof)
    funded = [j for j in guide.round_of if guide.round_of[j] > 0]
    assert funded
    for j in funded:
        # dearer: resumed from the round it was bought in, not from the start
        cost = prof.costs[j] + prof.costs[j] // 10
        t = guide.start_round(j, cost)
        assert t == guide.round_of[j] > 0
        p = with_cost(prof, j, cost)
        assert engine.mes(p, explain=False, resume=(guide.checkpoints[t], j))[0] == engine.mes(p, explain=False)[0]
    unfunded = [j for j in range(prof.m) if j not in guide.round_of and prof.total_sat(j) > 0]
    for j in unfunded:
        cost = prof.costs[j] // 2
        t = guide.start_round(j, cost)
        p = with_cost(prof, j, cost)
        assert engine.mes(p, explain=False, resume=(guide.checkpoints[t], j))[0] == engine.mes(p, explain=False)[0]


def test_margins_with_and_without_the_fast_path_agree():
    prof = election_profile(parse_pb(oracle.DATA / "Poland_Swiecie_2023.pb"))
    fast = margins(prof, "mes")
    import budget_app.tally.margins as M

    slow_guide = M._MesGuide.start_round
    try:
        M._MesGuide.start_round = lambda self, j, cost: None  # every run from scratch
        slow = margins(prof, "mes")
    finally:
        M._MesGuide.start_round = slow_guide
    assert fast == slow
