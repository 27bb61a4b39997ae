"""Sequential Phragmén (approval ballots), with the engine's exact tie and rounding rules
(see :mod:`budget_app.tally.engine`)."""

from __future__ import annotations

import numpy as np

from . import engine
from .engine import _TOL, Profile
from .explanations import ExceedsBudget, ExcludedByGroup, Explanation, InsufficientBudget, PhragmenFunded, RuleStopped


def phragmen(prof: Profile):
    """pabutools ``sequential_phragmen`` (approval ballots).

    Returns ``(selected, explanations)``.
    """
    if prof.kind != "approval":
        raise ValueError("sequential Phragmén only applies to approval ballots")
    n, m = prof.n, prof.m
    mates = prof.group_mates()
    expl: dict[int, Explanation] = {}
    remaining = set()
    for j in range(m):
        if prof.costs[j] <= prof.budget:
            remaining.add(j)
        else:
            expl[j] = ExceedsBudget(budget=prof.money(prof.budget))
    scores = {j: len(prof.sup[j]) for j in range(m)}
    loads_f = np.zeros(n)
    last = np.full(n, -1, dtype=np.int64)
    L: list = []
    spent = 0
    selected: list[int] = []
    stop = None
    while remaining:
        finite = [j for j in remaining if scores[j] > 0]
        if finite:
            vals = {j: (float(loads_f[prof.sup[j]].sum()) + prof.costs[j]) / scores[j] for j in finite}
            best = min(vals.values())
            cands = [j for j in finite if vals[j] <= best * (1 + _TOL) + 1e-12]
            exact = {}
            for j in cands:
                cnt = np.bincount(last[prof.sup[j]] + 1, minlength=len(L) + 1)
                tot = engine._Q(prof.costs[j])  # looked up each time: the name is rebound on first use
                for r in np.nonzero(cnt[1:])[0]:
                    tot += L[r] * int(cnt[r + 1])
                exact[j] = tot / scores[j]
            mn = min(exact.values())
            tied = [j for j in cands if exact[j] == mn]
        else:
            mn = None
            tied = list(remaining)
        over = [j for j in tied if spent + prof.costs[j] > prof.budget]
        if over:
            stop = min(over, key=lambda k: prof.ids[k])
            break
        j = min(tied, key=lambda k: prof.ids[k])
        selected.append(j)
        remaining.discard(j)
        spent += prof.costs[j]
        if mn is not None:
            sup = prof.sup[j]
            last[sup] = len(L)
            L.append(mn)
            loads_f[sup] = float(mn)
        expl[j] = PhragmenFunded(round=len(selected), supporters=scores[j],
                                 max_load=None if mn is None else float(mn) / prof.scale,
                                 remaining_after=prof.money(prof.budget - spent))
        for k in mates.get(j, ()):
            if k in remaining:
                remaining.discard(k)
                expl[k] = ExcludedByGroup(phase="phragmen", conflicts_with=prof.ids[j])
    left = prof.money(prof.budget - spent)
    for j in remaining:
        if j == stop:
            expl[j] = InsufficientBudget(phase="phragmen", remaining=left)
        else:
            expl[j] = RuleStopped(remaining=left, stopped_by=None if stop is None else prof.ids[stop])
    return selected, expl
