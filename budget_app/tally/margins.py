"""What it would have taken: per-proposal margins, found by re-running the rule.

For every project of an outcome (all else equal):

* not funded -- ``max_cost_funded``: a cost at which it would have been funded (the highest found:
  funded at that cost, not funded one step above it); ``extra_supporters_needed``: the number of
  added ballots supporting only it (approval) or giving it ``max_points`` (cardinal) with which it
  would have been funded (one fewer was not enough);
* funded -- ``cost_headroom``: how much more it could have cost and still been funded;
  ``supporters_to_spare``: how many of its supporters could have stayed home (their ballots
  removed, the least committed first: fewest points on it, then longest ballot, then latest
  ballot) and it would still have been funded.

The rules are not monotone in general, so every number reported was checked by a run of the rule
(and the step beyond it by another run); a search that reaches its cap reports ``None`` with
``not_within`` (the cap). The searches are bisections between checked runs; for the Method of
Equal Shares a single traced run gives the first guess (the cost at which the project would have
won some round of the actual run), which two runs usually confirm; it also keeps the state at the
start of every round, and a run that changes only the project's cost resumes from the last round
that change cannot have affected (see ``_MesGuide.start_round``) instead of starting over -- the
same outcome as a run from scratch (checked on random instances in the tests). Money is in
currency units.
"""
from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Any, Iterable

import numpy as np

from . import engine
from .phragmen import phragmen
from .engine import Profile

__all__ = ["margins", "funded_with", "KEYS"]

KEYS = ("max_cost_funded", "extra_supporters_needed", "cost_headroom", "supporters_to_spare")


# --------------------------------------------------------------------------- running the rule
def select(prof: Profile, rule: str, completion: bool = False, watch: int | None = None) -> set[int]:
    """The projects ``rule`` funds on ``prof`` (indices). With ``watch`` the run may stop early once
    that project's fate is known: the set is then partial but tells correctly whether it is in."""
    if rule == "greedy":
        return set(engine.greedy(prof)[0])
    if rule == "phragmen":
        return set(phragmen(prof)[0])
    if rule == "mes":
        sel, _, _ = engine.mes(prof, explain=False, watch=None if completion else watch)
        if completion and watch is not None and watch in sel:
            return set(sel)
    elif rule == "mes-add1":
        sel, _, _ = engine.mes_add1(prof)
    else:
        raise ValueError(f"unknown rule {rule!r}")
    if completion:
        sel, _ = engine.greedy(prof, initial=list(sel), phase="completion")
    return set(sel)


def with_cost(prof: Profile, j: int, cost: int) -> Profile:
    costs = list(prof.costs)
    costs[j] = int(cost)
    return replace(prof, costs=costs)


def with_extra(prof: Profile, j: int, k: int, points: int = 1) -> Profile:
    """``k`` more ballots, each supporting only project ``j`` (with ``points``)."""
    sup, wts = list(prof.sup), list(prof.wts)
    sup[j] = np.concatenate([sup[j], np.arange(prof.n, prof.n + k, dtype=np.int64)])
    wts[j] = np.concatenate([wts[j], np.full(k, points, dtype=np.int64)])
    return replace(prof, n=prof.n + k, sup=sup, wts=wts)


def without(prof: Profile, voters: np.ndarray) -> Profile:
    """The profile without the ballots of ``voters`` (indices)."""
    keep = np.ones(prof.n, dtype=bool)
    keep[voters] = False
    newidx = np.cumsum(keep) - 1
    # all the supports at once (one flat array), then cut back into one array per project
    lens = np.array([len(s) for s in prof.sup], dtype=np.int64)
    flat = np.concatenate(prof.sup) if prof.m else np.zeros(0, dtype=np.int64)
    wflat = np.concatenate(prof.wts) if prof.m else np.zeros(0, dtype=np.int64)
    mask = keep[flat]
    owner = np.repeat(np.arange(prof.m), lens)
    counts = np.bincount(owner[mask], minlength=prof.m)
    cuts = np.cumsum(counts)[:-1]
    sup = np.split(newidx[flat[mask]], cuts)
    wts = np.split(wflat[mask], cuts)
    return replace(prof, n=int(keep.sum()), sup=sup, wts=wts)


def funded_with(prof: Profile, rule: str, j: int, *, completion: bool = False, cost: int | None = None,
                extra: int = 0, points: int = 1, removed: np.ndarray | None = None) -> bool:
    """Whether project ``j`` is funded when its cost is ``cost`` (internal units), with ``extra``
    ballots supporting only it, or without the ballots ``removed``: one run of the rule."""
    p = prof
    if cost is not None:
        p = with_cost(p, j, cost)
    if extra:
        p = with_extra(p, j, extra, points)
    if removed is not None and len(removed):
        p = without(p, removed)
    return j in select(p, rule, completion, watch=j)


# --------------------------------------------------------------------------- MES guesses
def _max_cost_at(b: np.ndarray, w: np.ndarray | None, rho: float) -> float:
    """Largest cost c at which a project whose supporters hold ``b`` would have an equal-shares
    price (money per unit of satisfaction) of at most ``rho``. Cardinal (``w`` = points): the
    supporters pay min(b_i, rho w_i). Cost satisfaction (``w`` None): they pay min(b_i, rho c), the
    largest c with sum_i min(b_i, rho c) >= c."""
    if len(b) == 0:
        return 0.0
    if math.isinf(rho):
        return float(b.sum())
    if w is not None:
        return float(np.minimum(b, rho * w).sum())
    bs = np.sort(b)
    k = len(bs)
    prefix = np.concatenate([[0.0], np.cumsum(bs)])
    m = np.arange(k + 1)
    denom = 1.0 - rho * (k - m)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(denom > 0, prefix / np.where(denom > 0, denom, 1.0), np.inf)
    low = np.concatenate([[0.0], bs]) / rho
    high = np.concatenate([bs, [np.inf]]) / rho
    ok = (denom > 0) & (c >= low * (1 - 1e-12)) & (c <= high * (1 + 1e-12))
    return float(c[ok].max()) if ok.any() else 0.0


def _rho_of(b: np.ndarray, s: np.ndarray, cost: float) -> float:
    """Equal-shares price of a project: the rho with sum_i min(b_i, rho s_i) = cost (inf if the
    supporters cannot afford it)."""
    if len(b) == 0 or b.sum() < cost * (1 - 1e-12):
        return math.inf
    sf = s.astype(np.float64)
    ratio = b / sf
    order = np.argsort(ratio, kind="stable")
    bs, ss = b[order], sf[order]
    pre = np.concatenate([[0.0], np.cumsum(bs)[:-1]])
    suf = np.cumsum(ss[::-1])[::-1]
    af = (cost - pre) / suf
    ok = np.nonzero(af <= ratio[order] * (1 + 1e-12))[0]
    return float(af[ok[0]]) if len(ok) else float(ratio.max())


class _MesGuide:
    """First guesses for MES margins from one traced run of the actual election."""

    def __init__(self, prof: Profile, points: int = 1):
        self.prof = prof
        self.points = points
        self.trace: list = []
        #: the state at the start of every round of the actual run (and at its end), to resume from
        self.checkpoints: list[engine.MesCheckpoint] = []
        engine.mes(prof, explain=False, trace=self.trace, checkpoints=self.checkpoints)
        self.round_of = {j: r for r, (j, *_rest) in enumerate(self.trace) if j is not None}
        self.mates = prof.group_mates()
        self._rho2_seen: dict = {}

    def start_round(self, j: int, cost: int) -> int | None:
        """The last round of the actual run from which a run with project ``j`` at ``cost`` can be
        resumed: every earlier round would have gone the same way (None: run from scratch).

        MES buys in each round the project with the lowest price per unit of satisfaction (ties:
        lowest id), and a project's price only rises with its cost. Dearer, ``j`` wins no round it
        lost before: the run is the same up to the round ``j`` was bought in (or to the end).
        Cheaper, a round goes the same way while ``j``'s price at the new cost stays clearly
        (relative 1e-6, far above the rounding of the floats) above the price that won the round,
        and the round did not decide ``j``'s group."""
        prof = self.prof
        c0 = prof.costs[j]
        if cost <= 0 or c0 <= 0 or prof.total_sat(j) <= 0:
            return None  # zero costs are bought before the first round
        own = self.round_of.get(j, len(self.trace) - 1)
        if cost >= c0:
            return own
        sup = prof.sup[j]
        s = prof.sat(j) if prof.kind != "approval" else np.full(len(sup), cost, dtype=np.int64)
        lower = cost / float(s.sum())  # the price if no supporter ran short
        mates = self.mates.get(j, ())
        for t, (jt, rho, bf, _) in enumerate(self.trace[:own]):
            if jt in mates:
                return t
            if lower > rho * (1 + 1e-6):
                continue  # clearly dearer than the winner of round t, whatever its supporters hold
            if _rho_of(bf[sup], s, float(cost)) <= rho * (1 + 1e-6):
                return t
        return own

    def _w(self, j):
        return None if self.prof.kind == "approval" else self.prof.wts[j].astype(np.float64)

    def max_cost(self, j: int) -> float:
        """Unfunded j: the highest cost at which it would have won a round of the actual run."""
        sup = self.prof.sup[j]
        best = 0.0
        for jr, rho, bf, _ in self.trace:
            b = bf[sup]
            if float(b.sum()) <= best:
                break  # never more than its supporters hold, and that only shrinks
            best = max(best, _max_cost_at(b, self._w(j), rho))
            if jr is not None and jr in self.mates.get(j, ()):
                break  # its group was decided in this round
        return best

    def headroom_cost(self, j: int) -> float | None:
        """Funded j: the highest cost at which it would still have won its own round."""
        r = self.round_of.get(j)
        if r is None:
            return None
        _, _, bf, remaining = self.trace[r]
        return _max_cost_at(bf[self.prof.sup[j]], self._w(j), self._rho2(j, bf, remaining, r))

    def extra_guess(self, j: int, cap: int) -> int | None:
        """Unfunded j: the fewest added ballots (each with all its money for j) with which j would
        have won some round of the actual run, the other voters' budgets scaled by n / (n + k)."""
        prof = self.prof
        n, B = prof.n, float(prof.budget)
        sup = prof.sup[j]
        c = float(prof.costs[j])
        w = self._w(j)
        best = None
        for jr, rho, bf, _ in self.trace:
            b = bf[sup]

            def enough(k, b=b, rho=rho):
                lam = n / (n + k)
                share = B / (n + k)
                if math.isinf(rho):
                    return lam * b.sum() + k * share >= c
                if w is None:
                    return np.minimum(lam * b, rho * c).sum() + k * min(share, rho * c) >= c
                return np.minimum(lam * b, rho * w).sum() + k * min(share, rho * self.points) >= c

            if best is not None and (best <= 1 or not enough(best - 1)):
                if jr is not None and jr in self.mates.get(j, ()):
                    break
                continue  # this round cannot lower the guess
            hi = 1
            while hi <= cap and not enough(hi):
                hi *= 2
            if hi <= cap or enough(cap):
                hi = min(hi, cap)
                lo = hi // 2
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    if enough(mid):
                        hi = mid
                    else:
                        lo = mid
                best = hi if best is None else min(best, hi)
            if jr is not None and jr in self.mates.get(j, ()):
                break
        return best

    def spare_guess(self, j: int, leave: np.ndarray) -> int | None:
        """Funded j: how many of its supporters (in ``leave`` order) could stay home, the others'
        budgets scaled by n / (n - s), before it would lose its own round of the actual run."""
        r = self.round_of.get(j)
        if r is None:
            return None
        _, _, bf, remaining = self.trace[r]
        prof = self.prof
        rho2 = self._rho2(j, bf, remaining, r)
        n = prof.n
        c = float(prof.costs[j])
        pos = {int(v): i for i, v in enumerate(leave)}
        order = np.array([pos[int(v)] for v in prof.sup[j]])
        w = self._w(j)

        def still(s):
            lam = n / max(n - s, 1)
            keep = order >= s
            b = lam * bf[prof.sup[j]][keep]
            if math.isinf(rho2):
                return b.sum() >= c
            if w is None:
                return np.minimum(b, rho2 * c).sum() >= c
            return np.minimum(b, rho2 * w[keep]).sum() >= c

        lo, hi = 0, len(leave)
        if still(hi):
            return hi
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if still(mid):
                lo = mid
            else:
                hi = mid
        return lo

    def _rho2(self, j, bf, remaining, r: int | None = None) -> float:
        """The lowest price among the other projects still in the running in round ``r``."""
        if r is not None and (j, r) in self._rho2_seen:
            return self._rho2_seen[j, r]
        rho2 = self._rho2_of(j, bf, remaining, r)
        if r is not None:
            self._rho2_seen[j, r] = rho2
        return rho2

    def _rho2_of(self, j, bf, remaining, r) -> float:
        prof = self.prof
        rho2 = math.inf
        # the run's lower bounds on the prices at the start of round r: the dearest need no look
        lb = self.checkpoints[r].lb if r is not None and r < len(self.checkpoints) else {}
        for q in sorted(remaining, key=lambda q: lb.get(q, 0.0)):
            if q == j:
                continue
            if lb.get(q, 0.0) * (1 - 1e-9) >= rho2:
                break
            rho2 = min(rho2, _rho_of(bf[prof.sup[q]], prof.sat(q), float(prof.costs[q])))
        return rho2


# --------------------------------------------------------------------------- searches
def _resolution(prof: Profile, cost: int) -> int:
    """Cost step of the searches (internal units): one currency unit, or a 1/1000 of the cost's
    order of magnitude, whichever is larger (4 significant digits)."""
    units = max(cost / prof.scale, 1)
    step = 10 ** max(0, int(math.floor(math.log10(units))) - 3)
    return int(step * prof.scale)


class _Search:
    def __init__(self, prof, rule, completion, points, deadline, guide=None):
        self.prof, self.rule, self.completion, self.points = prof, rule, completion, points
        self.deadline = deadline
        self.guide = guide
        self.runs = 0

    def late(self) -> bool:
        return self.deadline is not None and time.perf_counter() > self.deadline

    def funded(self, j, **kw) -> bool:
        self.runs += 1
        cost = kw.get("cost")
        if self.guide is not None and cost is not None and len(kw) == 1:
            # a change of cost only: resume the run from the last round it cannot have changed
            t = self.guide.start_round(j, cost)
            if t is not None:
                p = with_cost(self.prof, j, cost)
                sel, _, _ = engine.mes(p, explain=False, watch=j, resume=(self.guide.checkpoints[t], j))
                return j in sel
        return funded_with(self.prof, self.rule, j, completion=self.completion, points=self.points, **kw)

    def frontier(self, test, lo, hi, guess, step, need):
        """The frontier of ``test`` on an integer axis: ``test(lo)`` is true (known), ``test(hi)``
        false (known; ``hi`` is the end of the search). Starting from ``guess`` and galloping from it,
        returns ``(a, b)`` with ``test(a)`` true and ``test(b)`` false, both known or checked by a run.
        ``need``: ``"both"`` -- narrowed until ``b - a <= step``; ``"true"`` / ``"false"`` -- stop once
        that side was checked by a run near the guess (faster, less tight). None when out of time."""
        checked_true = checked_false = False
        if guess is not None and lo < guess < hi:
            g = guess
            if test(g):
                lo, checked_true = g, True
                d = max(step, abs(g) // 64 // step * step)
                while lo + d < hi and need != "true":
                    if self.late():
                        return None
                    if test(lo + d):
                        lo = lo + d
                        d *= 2
                    else:
                        hi, checked_false = lo + d, True
                        break
            else:
                hi, checked_false = g, True
                d = max(step, abs(g) // 64 // step * step)
                while hi - d > lo and need != "false":
                    if self.late():
                        return None
                    if test(hi - d):
                        lo, checked_true = hi - d, True
                        break
                    hi = hi - d
                    d *= 2
        while hi - lo > step:
            if need == "true" and checked_true or need == "false" and checked_false:
                break
            if self.late():
                return None
            mid = lo + (hi - lo) // 2
            if lo < mid // step * step < hi:  # stay on the grid of steps (round numbers)
                mid = mid // step * step
            if test(mid):
                lo, checked_true = mid, True
            else:
                hi, checked_false = mid, True
        return lo, hi


def margins(prof: Profile, rule: str, *, completion: bool = False, selected: Iterable[str] | None = None,
            max_points: int | None = None, supporter_cap: int | None = None, exact: bool | None = None,
            time_budget: float | None = None) -> dict[str, dict[str, Any]]:
    """Margins of every project: ``{id: {"max_cost_funded", "extra_supporters_needed",
    "cost_headroom", "supporters_to_spare"}}`` (the two keys that do not apply are None), plus
    ``"not_within"`` (the supporter cap, when a search reached it) and ``"runs"``.

    ``max_points``: points an added cardinal ballot gives (default: the most any ballot gave one
    project). ``supporter_cap``: largest number of added ballots tried (default: the number of
    ballots, at least 10). ``exact`` (default: up to 10,000 ballots): each number is a frontier --
    the rule funds the project at the number reported and not one step beyond (one currency unit or
    1/1000 of the cost's order of magnitude; one supporter). Otherwise each number is still checked
    by a run (the project is funded with it) but the step beyond may be untested: a cost at which it
    would have been funded, a number of supporters that would have been enough.
    ``time_budget``: seconds; projects not reached in time get ``"not_computed": True``."""
    deadline = None if time_budget is None else time.perf_counter() + time_budget
    if selected is None:
        sel = select(prof, rule, completion)
    else:
        index = {pid: j for j, pid in enumerate(prof.ids)}
        sel = {index[str(s)] for s in selected}
    if max_points is None:
        max_points = 1 if prof.kind == "approval" else max([int(w.max(initial=0)) for w in prof.wts] + [1])
    cap = supporter_cap if supporter_cap is not None else max(prof.n, 10)
    if exact is None:
        exact = prof.n <= 10_000
    guide = _MesGuide(prof, max_points) if rule == "mes" and not completion else None
    search = _Search(prof, rule, completion, max_points, deadline, guide)
    length = _ballot_lengths(prof)
    out: dict[str, dict[str, Any]] = {}
    for j in range(prof.m):
        pid = prof.ids[j]
        rec: dict[str, Any] = dict.fromkeys(KEYS)
        if search.late():
            rec["not_computed"] = True
            out[pid] = rec
            continue
        before = search.runs
        if j not in sel:
            _unfunded_margins(rec, prof, j, search, guide, cap, exact)
        else:
            _funded_margins(rec, prof, j, search, guide, exact, length)
        rec["runs"] = search.runs - before
        out[pid] = rec
    return out


def _ballot_lengths(prof: Profile) -> np.ndarray:
    """The ballot length of every voter (for the order in which supporters stay home)."""
    length = np.zeros(prof.n, dtype=np.int64)
    for s in prof.sup:
        if len(s):
            np.add.at(length, s, 1)
    return length


def _unfunded_margins(rec: dict, prof: Profile, j: int, search: _Search, guide: _MesGuide | None, cap: int,
                      exact: bool) -> None:
    """A project the rule did not fund: the highest cost at which it would have been, and the
    supporters it lacked (``max_cost_funded``, ``extra_supporters_needed`` or ``not_within``)."""
    c0 = prof.costs[j]
    res = _resolution(prof, c0)
    funded_at = lambda c: search.funded(j, cost=c)  # noqa: E731
    # the highest cost at which it is funded: axis = cost, true = funded, in [0, c0)
    guess = guide.max_cost(j) if guide else None
    g = None if guess is None else int(guess) // res * res
    if g is not None and 0 < g < c0:
        found = search.frontier(funded_at, -1, c0, g, res, "both" if exact else "true")
    elif funded_at(0):
        found = search.frontier(funded_at, 0, c0, None, res, "both" if exact else "true")
    else:
        found = (-1, 0)
    if found is None:
        rec["not_computed"] = True
    elif found[0] >= 0:
        rec["max_cost_funded"] = prof.money(found[0])
    # added supporters: axis = k, true = not funded, in [0, cap]
    lacking = lambda k: not search.funded(j, extra=k)  # noqa: E731
    kg = guide.extra_guess(j, cap) if guide else None
    # the search never tests its end (cap): it is tested only when no smaller number was enough
    found = search.frontier(lacking, 0, cap, kg, 1, "both" if exact else "false")
    if found is None:
        rec["not_computed"] = True
    elif found[1] == cap and lacking(cap):
        rec["not_within"] = cap
    else:
        rec["extra_supporters_needed"] = found[1]


def _funded_margins(rec: dict, prof: Profile, j: int, search: _Search, guide: _MesGuide | None, exact: bool,
                    length: np.ndarray) -> None:
    """A funded project: how much dearer it could have been, and how many of its supporters could
    have stayed home (``cost_headroom``, ``supporters_to_spare``)."""
    c0 = prof.costs[j]
    res = _resolution(prof, c0)
    funded_at = lambda c: search.funded(j, cost=c)  # noqa: E731
    # cost headroom: axis = cost, true = funded, in [c0, budget]
    top = prof.budget
    if c0 >= top or funded_at(top):
        rec["cost_headroom"] = prof.money(max(top - c0, 0))
    else:
        guess = guide.headroom_cost(j) if guide else None
        g = None if guess is None else int(guess) // res * res
        found = search.frontier(funded_at, c0, top, g, res, "both" if exact else "true")
        if found is None:
            rec["not_computed"] = True
        else:
            rec["cost_headroom"] = prof.money(found[0] - c0)
    # supporters to spare: axis = number staying home, true = still funded, in [0, n_sup]
    sup = prof.sup[j]
    order = np.lexsort((-np.arange(len(sup)), -length[sup], prof.wts[j]))  # last key first
    leave = sup[order]
    n_sup = len(sup)
    still = lambda k: search.funded(j, removed=leave[:k])  # noqa: E731
    if n_sup == 0 or still(n_sup):
        rec["supporters_to_spare"] = n_sup
    else:
        sg = guide.spare_guess(j, leave) if guide else None
        found = search.frontier(still, 0, n_sup, sg, 1, "both" if exact else "true")
        if found is None:
            rec["not_computed"] = True
        else:
            rec["supporters_to_spare"] = found[0]
