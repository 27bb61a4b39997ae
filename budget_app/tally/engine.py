"""Core rule implementations (greedy, Method of Equal Shares; sequential Phragmén is in
:mod:`budget_app.tally.phragmen`).

Semantics follow pabutools 1.2.3 exactly (see ``pabutools/rules``):

* satisfaction: cost satisfaction (``Cost_Sat``: a supporter of ``p`` gets
  ``cost(p)``) for approval ballots, additive cardinal satisfaction
  (``Additive_Cardinal_Sat``: the points given) for cardinal ballots;
* ties are broken lexicographically on the project id *string*;
* the arithmetic that decides the outcome is exact: floats (NumPy) are used to
  find candidates quickly and every decision that could be affected by rounding
  is re-checked with exact rationals (``gmpy2.mpq`` or ``fractions.Fraction``).

Money can be scaled by an integer ``scale`` (costs and budget multiplied by the
LCM of their denominators) so that all costs are integers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .explanations import (ExcludedByGroup, Explanation, GreedyFunded, InsufficientBudget, MesFunded, NoSupporters,
                           NotAffordable, ZeroCostFunded)

def _Q(*args):
    """Exact rationals for the (few) exact computations: gmpy2's ``mpq``, much faster than
    ``Fraction``, imported on the first call (its import, 40-80 ms, is more than a greedy tally of
    a city takes, and greedy needs none), after which this name is rebound to it."""
    global _Q
    try:
        # imported here, not at the top: see the docstring
        from gmpy2 import mpq as exact
    except ImportError:  # pragma: no cover
        exact = Fraction
    _Q = exact
    return exact(*args)

_TOL = 1e-9


@dataclass
class Profile:
    """Numeric view of an election, ready for the rules.

    ``kind`` is ``"approval"`` (satisfaction = cost) or ``"cardinal"``
    (satisfaction = points). ``sup[j]`` are the voters giving project j a positive
    weight and ``wts[j]`` those weights (1 for approval, points otherwise).
    Costs and budget are integers in money units of ``1/scale``.
    """

    ids: list[str]
    costs: list[int]
    budget: int
    n: int
    kind: str
    sup: list[np.ndarray]
    wts: list[np.ndarray]
    scale: int = 1
    groups: list[list[int]] = field(default_factory=list)

    @property
    def m(self) -> int:
        return len(self.ids)

    def sat(self, j: int) -> np.ndarray:
        """Per-supporter satisfaction of project j (int64, read-only: for approval ballots a
        constant array that takes no memory)."""
        if self.kind == "approval":
            return np.broadcast_to(np.int64(self.costs[j]), (len(self.sup[j]),))
        return self.wts[j]

    def total_sat(self, j: int) -> int:
        if self.kind == "approval":
            return self.costs[j] * len(self.sup[j])
        return int(self.wts[j].sum())

    def group_mates(self) -> dict[int, set[int]]:
        mates: dict[int, set[int]] = {}
        for g in self.groups:
            for j in g:
                mates.setdefault(j, set()).update(k for k in g if k != j)
        return mates

    def money(self, x):
        """Convert an internal money amount back to currency units (int or float)."""
        if self.scale == 1 and isinstance(x, (int, np.integer)):
            return int(x)
        v = Fraction(int(x.numerator), int(x.denominator)) if hasattr(x, "numerator") else Fraction(x)
        v = v / self.scale
        return int(v) if v.denominator == 1 else float(v)


def build_profile(ids, costs, budget, ptr, proj, points, kind, groups=None) -> Profile:
    """Build a :class:`Profile` from CSR ballots (see ``pabulib.Election``)."""
    ids = [str(i) for i in ids]
    m = len(ids)
    costs_f = [c if isinstance(c, Fraction) else Fraction(c) for c in costs]
    budget_f = budget if isinstance(budget, Fraction) else Fraction(budget)
    if any(c < 0 for c in costs_f):
        raise ValueError("project costs must be non-negative")
    if budget_f < 0:
        raise ValueError("budget must be non-negative")
    scale = 1
    for v in costs_f + [budget_f]:
        scale = math.lcm(scale, v.denominator)
    icosts = [int(c * scale) for c in costs_f]
    ibudget = int(budget_f * scale)
    ptr = np.asarray(ptr, dtype=np.int64)
    proj = np.asarray(proj, dtype=np.int64)
    n = len(ptr) - 1
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(ptr))
    if points is None:
        w = np.ones(len(proj), dtype=np.int64)
    else:
        w = np.asarray(points, dtype=np.int64)
    keep = w > 0
    rows, proj_k, w = rows[keep], proj[keep], w[keep]
    # a stable sort of small integers is a radix sort, several times faster than on int64
    order = np.argsort(proj_k.astype(np.int16 if m < 2**15 else np.int64), kind="stable")
    rows, proj_k, w = rows[order], proj_k[order], w[order]
    counts = np.bincount(proj_k, minlength=m)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    sup = [rows[bounds[j] : bounds[j + 1]] for j in range(m)]
    wts = [w[bounds[j] : bounds[j + 1]] for j in range(m)]
    # every sum the rules take over voters (satisfaction × supporters) must fit in int64
    biggest = max(icosts, default=0) if kind == "approval" else int(w.max(initial=0))
    if biggest * max(n, 1) >= 2**62:
        raise ValueError("amounts too large to count exactly: lower the costs, the decimals or the points")
    gl = [sorted(set(g)) for g in (groups or []) if len(set(g)) > 1]
    return Profile(ids, icosts, ibudget, n, kind, sup, wts, scale, gl)


# ---------------------------------------------------------------------------
# Greedy
# ---------------------------------------------------------------------------


def _density_key(total_sat: int, cost: int):
    """Sort key mirroring pabutools' satisfaction_density (higher first)."""
    if total_sat > 0:
        if cost > 0:
            return (1, -Fraction(total_sat, cost))
        return (0, 0)  # infinite density
    return (1, Fraction(0))


def greedy(prof: Profile, initial: list[int] | None = None, phase: str = "greedy"):
    """pabutools ``greedy_utilitarian_welfare`` (additive branch).

    Returns ``(selected, explanations)``; ``explanations`` only covers projects
    not in ``initial``.
    """
    initial = list(initial or [])
    init_set = set(initial)
    mates = prof.group_mates()
    remaining = prof.budget - sum(prof.costs[j] for j in initial)
    cand = [j for j in range(prof.m) if j not in init_set]
    tsat = {j: prof.total_sat(j) for j in cand}
    cand.sort(key=lambda j: (_density_key(tsat[j], prof.costs[j]), prof.ids[j]))
    selected = list(initial)
    chosen = set(initial)
    expl: dict[int, Explanation] = {}
    for rank, j in enumerate(cand, 1):
        c = prof.costs[j]
        conflict = sorted((k for k in mates.get(j, ()) if k in chosen), key=lambda k: prof.ids[k])
        if conflict:
            expl[j] = ExcludedByGroup(phase=phase, rank=rank, conflicts_with=prof.ids[conflict[0]])
        elif c <= remaining:
            selected.append(j)
            chosen.add(j)
            expl[j] = GreedyFunded(phase=phase, rank=rank, round=len(selected) - len(initial),
                                   remaining_before=prof.money(remaining), remaining_after=prof.money(remaining - c))
            remaining -= c
        else:
            expl[j] = InsufficientBudget(phase=phase, rank=rank, remaining=prof.money(remaining))
    return selected, expl


# ---------------------------------------------------------------------------
# Method of Equal Shares
# ---------------------------------------------------------------------------


if hasattr(np, "bitwise_count"):  # NumPy 2
    _popcount = np.bitwise_count
else:  # pragma: no cover
    _POP8 = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)

    def _popcount(a):
        return _POP8[a]


class _MesState:
    """Voter budgets of one MES run: floats for speed plus an exact representation.

    Exact budget of voter i: 0 if ``zeroed[i]`` else ``b0 - sum_r units[r] * W[i, r]`` where, for
    the project bought in round r, ``W[i, r]`` is 1 (approval; ``units[r]`` is then the share
    ``rho_r * cost``) or the points (cardinal; ``units[r] = rho_r``) if voter i paid the full share
    in round r, else 0. Approval: ``W`` is kept as bits, one packed row of voters per round
    (``mat[r]``), so that the payments of any set of voters are counted with a bitwise AND; cardinal:
    ``mat`` is ``W`` itself, row-major with the smallest unsigned type that holds the points.
    """

    def __init__(self, prof: Profile, b0, mat: np.ndarray | None = None):
        self.prof = prof
        self.b0 = b0
        self.b0f = float(b0)
        self.bf = np.full(prof.n, self.b0f)
        self.zeroed = np.zeros(prof.n, dtype=bool)
        self.bits = prof.kind == "approval"
        if mat is None:
            if self.bits:
                mat = np.zeros((max(prof.m, 1), (prof.n + 7) // 8), dtype=np.uint8)
            else:
                top = max([int(w.max(initial=0)) for w in prof.wts] + [1])
                dtype = next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64) if top <= np.iinfo(t).max)
                mat = np.zeros((prof.n, max(prof.m, 1)), dtype=dtype)
        self.mat = mat
        self.units: list = []

    def copy_for_resume(self, cp: "MesCheckpoint") -> None:
        """Take the state of a checkpoint (the checkpoint is not changed)."""
        R = cp.round
        self.bf = cp.bf.copy()
        self.zeroed = cp.zeroed.copy()
        self.units = list(cp.units)
        if R:
            if self.bits:
                self.mat[:R] = cp.mat[:R]
            else:
                self.mat[:, :R] = cp.mat[:, :R]

    def rows(self, idx: np.ndarray) -> np.ndarray:
        """``W[idx, :R]`` (R rounds so far)."""
        R = len(self.units)
        if not self.bits:
            return self.mat[idx, :R]
        return ((self.mat[:R, idx >> 3] >> (idx & 7).astype(np.uint8)) & 1).T

    def _counts(self, idx: np.ndarray) -> np.ndarray:
        """``W[idx, :R].sum(axis=0)``: how much each round's share counts for the voters ``idx``."""
        R = len(self.units)
        if not self.bits:
            return self.mat[idx, :R].sum(axis=0, dtype=np.int64)
        if len(idx) * 8 < self.prof.n:
            return self.rows(idx).sum(axis=0, dtype=np.int64)
        mask = np.zeros(self.mat.shape[1] * 8, dtype=bool)
        mask[idx] = True
        packed = np.packbits(mask, bitorder="little")
        return _popcount(self.mat[:R] & packed).sum(axis=1, dtype=np.int64)

    def mark(self, r: int, payers: np.ndarray, s: np.ndarray) -> None:
        """Round r: the voters ``payers`` paid the full share (satisfaction ``s``)."""
        if self.bits:
            mask = np.zeros(self.mat.shape[1] * 8, dtype=bool)
            mask[payers] = True
            self.mat[r] = np.packbits(mask, bitorder="little")
        else:
            self.mat[payers, r] = s

    # exact helpers ---------------------------------------------------------
    def exact_sum(self, idx: np.ndarray):
        idx = idx[~self.zeroed[idx]]
        total = _Q(len(idx)) * self.b0
        R = len(self.units)
        if R and len(idx):
            cols = self._counts(idx)
            for r in np.nonzero(cols)[0]:
                total -= self.units[r] * int(cols[r])
        return total

    def exact_budgets(self, idx: np.ndarray) -> list:
        R = len(self.units)
        out = []
        Wsub = self.rows(idx) if R else None
        for k, i in enumerate(idx):
            if self.zeroed[i]:
                out.append(_Q(0))
                continue
            b = self.b0
            if R:
                row = Wsub[k]
                for r in np.nonzero(row)[0]:
                    b -= self.units[r] * int(row[r])
            out.append(b)
        return out

    def eps(self, s: np.ndarray, rho: float) -> np.ndarray:
        """Bound on float error of bf - rho*s (absolute)."""
        return 1e-10 * self.b0f * (len(self.units) + 1) + 1e-9 * rho * s

    # float rho ---------------------------------------------------------------
    def float_rho(self, j: int, cost: int, s: np.ndarray):
        """Float approximation of the affordability of j, or None if exactly unaffordable."""
        sup = self.prof.sup[j]
        b = self.bf[sup]
        total = float(b.sum())
        C = float(cost)
        if total < C * (1 - _TOL) - 1e-6:
            return None
        if total <= C * (1 + _TOL) + 1e-6:
            if self.exact_sum(sup) < cost:
                return None
        if self.prof.kind == "approval":
            # every supporter's satisfaction is the cost: find the share t = rho * cost each pays
            # (all they have if they have less), by the same fixed point, the poor set only growing
            N = len(b)
            t = C / N
            k = 0
            for _ in range(60):
                poor = b < t
                k2 = int(np.count_nonzero(poor))
                if k2 == k:
                    return t / C
                k = k2
                if k == N:
                    return float(b.max()) / C
                t = (C - float(b[poor].sum())) / (N - k)
        sf = s.astype(np.float64)
        poor = np.zeros(len(b), dtype=bool)
        rho = C / float(sf.sum())
        for _ in range(60):
            newpoor = b < rho * sf
            if np.array_equal(newpoor, poor):
                return rho
            poor = newpoor
            d = float(sf[~poor].sum())
            if d <= 0:
                return float(np.max(b / sf))
            rho = (C - float(b[poor].sum())) / d
        # slow convergence: sorted method
        ratio = b / sf
        order = np.argsort(ratio, kind="stable")
        bs, ss = b[order], sf[order]
        pre = np.concatenate([[0.0], np.cumsum(bs)[:-1]])
        suf = np.cumsum(ss[::-1])[::-1]
        af = (C - pre) / suf
        ok = np.nonzero(af <= ratio[order])[0]
        return float(af[ok[0]]) if len(ok) else float(ratio.max())

    # exact rho ---------------------------------------------------------------
    def exact_rho(self, j: int, cost: int, s: np.ndarray, rho_f: float):
        """Exact affordability of j and the exact set of voters left with 0 ("poor")."""
        sup = self.prof.sup[j]
        b = self.bf[sup]
        # approval: every supporter's satisfaction is the cost (a scalar broadcasts the same way)
        approval = self.prof.kind == "approval"
        sf = float(cost) if approval else s.astype(np.float64)
        for attempt in range(3):
            eps = self.eps(sf, rho_f) * 4
            diff = b - rho_f * sf
            cpoor = diff < -eps
            crich = diff > eps
            amb = np.nonzero(~(cpoor | crich))[0]
            P = self.exact_sum(sup[cpoor])
            D = int(cost) * int(np.count_nonzero(crich)) if approval else int(s[crich].sum())
            res = self._solve(cost, P, D, sup[amb], s[amb])
            if res is None:
                break
            rho_e, amb_poor = res
            re = float(rho_e)
            e2 = np.broadcast_to(self.eps(sf, re), b.shape)
            d2 = b - re * sf
            if np.all(d2[cpoor] < -e2[cpoor]) and np.all(d2[crich] > e2[crich]):
                poor_mask = cpoor.copy()
                poor_mask[amb[amb_poor]] = True
                return rho_e, poor_mask
            rho_f = re
        return self._exact_full(j, cost, s)

    def _solve(self, cost, P, D, amb_idx, amb_s):
        """Walk the ambiguous voters (exact ratios) on top of the certain partition."""
        bud = self.exact_budgets(amb_idx)
        order = sorted(range(len(amb_idx)), key=lambda k: bud[k] / int(amb_s[k]))
        rest = D + int(amb_s.sum())
        paid = P
        poor = np.zeros(len(amb_idx), dtype=bool)
        for k in order:
            sk = int(amb_s[k])
            af = (cost - paid) / _Q(rest)
            if af * sk <= bud[k]:
                # voters from k on pay af*s; those with budget == af*s end at 0 too
                for k2 in order:
                    if not poor[k2] and bud[k2] <= af * int(amb_s[k2]):
                        poor[k2] = True
                return af, poor
            poor[k] = True
            paid += bud[k]
            rest -= sk
        if rest <= 0:
            return None
        af = (cost - paid) / _Q(rest)
        return af, poor

    def _exact_full(self, j, cost, s):  # pragma: no cover - safety net
        sup = self.prof.sup[j]
        bud = self.exact_budgets(sup)
        order = sorted(range(len(sup)), key=lambda k: bud[k] / int(s[k]))
        paid = _Q(0)
        rest = int(s.sum())
        for k in order:
            af = (cost - paid) / _Q(rest)
            if af * int(s[k]) <= bud[k]:
                poor = np.array([bud[t] <= af * int(s[t]) for t in range(len(sup))], dtype=bool)
                return af, poor
            paid += bud[k]
            rest -= int(s[k])
        raise RuntimeError("project is not affordable")

    def pay(self, j: int, s: np.ndarray, rho_e, poor_mask: np.ndarray):
        sup = self.prof.sup[j]
        rich = ~poor_mask
        r = len(self.units)
        payers = sup[rich]
        self.mark(r, payers, s[rich] if not self.bits else None)
        if self.bits:
            share = rho_e * int(self.prof.costs[j])
            self.units.append(share)
            self.bf[payers] -= float(share)
        else:
            self.units.append(rho_e)
            self.bf[payers] -= float(rho_e) * s[rich].astype(np.float64)
        pz = sup[poor_mask]
        self.bf[pz] = 0.0
        self.zeroed[pz] = True


class _Sats(dict):
    """Per-supporter satisfaction of each project, made when first asked for."""

    def __init__(self, prof: Profile):
        super().__init__()
        self.prof = prof

    def __missing__(self, j):
        s = self[j] = self.prof.sat(j)
        return s


def _mes_start(prof: Profile, mates, expl, selected: list[int], chosen: set[int]):
    """MES before its first purchase: projects without support are out, zero-cost supported ones are
    funded up-front (as pabutools does), and their group mates excluded. Fills ``expl``,
    ``selected`` and ``chosen``; returns ``(sats, candidates, remaining)``."""
    sats = _Sats(prof)
    candidates: set[int] = set()
    zero_cost = []
    for j in range(prof.m):
        if prof.total_sat(j) <= 0:
            expl[j] = NoSupporters(phase="mes")
            continue
        if prof.costs[j] == 0:
            zero_cost.append(j)
            continue
        candidates.add(j)
    for j in sorted(zero_cost, key=lambda k: prof.ids[k]):
        conflict = [k for k in mates.get(j, ()) if k in chosen]
        if conflict:
            expl[j] = ExcludedByGroup(phase="mes", conflicts_with=prof.ids[conflict[0]])
            continue
        selected.append(j)
        chosen.add(j)
        expl[j] = ZeroCostFunded(round=len(selected))
    remaining = set(candidates)
    for j in list(remaining):
        if any(k in chosen for k in mates.get(j, ())):
            remaining.discard(j)
            expl[j] = ExcludedByGroup(phase="mes", conflicts_with=prof.ids[min((k for k in mates[j] if k in chosen),
                                                                               key=lambda k: prof.ids[k])])
    return sats, candidates, remaining


@dataclass
class MesCheckpoint:
    """The state of a MES run at the start of a round (before its projects are evaluated), to
    resume from: see :func:`mes`. ``mat`` is the run's record of payments (only its first ``round``
    rounds belong to this state); the arrays are copies, the checkpoint is never changed."""

    round: int
    bf: np.ndarray
    zeroed: np.ndarray
    units: list
    mat: np.ndarray
    selected: list
    chosen: set
    remaining: set
    lb: dict
    unaffordable: set
    b0: object = None


def mes(prof: Profile, increment_units: int = 0, explain: bool = True, *, watch: int | None = None,
        trace: list | None = None, checkpoints: list | None = None,
        resume: tuple[MesCheckpoint, int] | None = None):
    """One run of MES with per-voter budget ``budget/n + increment_units`` (money units).

    Returns ``(selected, explanations, candidates)`` where ``candidates`` is the set
    of projects MES could ever fund (positive support and positive cost).

    For the margins (see :mod:`.margins`): with ``watch`` (a project index) the run stops as soon
    as that project's fate is known -- funded, excluded by its group, or unaffordable (MES never
    funds a project its supporters cannot afford any more) -- and the selection returned is then
    partial. ``trace`` (a list) receives ``(j, rho, budgets, remaining)`` before each purchase
    (``rho`` as a float, ``budgets`` a copy of the voters' float budgets, ``remaining`` the projects
    still in the running) and ``(None, inf, budgets, remaining)`` at the end. ``checkpoints`` (a
    list) receives a :class:`MesCheckpoint` at the start of every round and one at the end.

    ``resume=(checkpoint, j)`` continues a run from a checkpoint of a run on a profile that differs
    from ``prof`` only in the (positive) cost of project ``j``; the caller guarantees that the rounds
    before the checkpoint would have gone the same way with ``prof`` (for instance: ``j`` is dearer
    now and was not bought before the checkpoint). The outcome is then the one of a run from
    scratch (``explain`` must be False: the explanations of earlier rounds are not kept).
    """
    n, m = prof.n, prof.m
    expl: dict[int, Explanation] = {}
    mates = prof.group_mates()
    if n == 0:
        for j in range(m):
            expl[j] = NoSupporters(phase="mes")
        return [], expl, set()
    b0 = _Q(prof.budget, n) + increment_units
    if resume is None:
        st = _MesState(prof, b0)
        selected: list[int] = []
        chosen: set[int] = set()
        sats, candidates, remaining = _mes_start(prof, mates, expl, selected, chosen)
        lb = {j: prof.costs[j] / prof.total_sat(j) for j in remaining}
        unaffordable: set[int] = set()
    else:
        if explain or increment_units:
            raise ValueError("resume: only without explanations or increments")
        st, selected, chosen, sats, candidates, remaining, lb, unaffordable = _mes_resume(prof, b0, mates, *resume)
    while remaining:
        if checkpoints is not None:
            checkpoints.append(_checkpoint(st, selected, chosen, remaining, lb, unaffordable))
        best = math.inf
        evaluated = []
        for j in sorted(remaining, key=lb.__getitem__):
            if lb[j] > best * (1 + _TOL):
                break
            r = st.float_rho(j, prof.costs[j], sats[j])
            if r is None:
                remaining.discard(j)
                unaffordable.add(j)
                if j == watch:
                    return selected, expl, candidates
                continue
            lb[j] = r
            evaluated.append((r, j))
            best = min(best, r)
        if not evaluated:
            break
        cands = [j for r, j in evaluated if r <= best * (1 + _TOL)]
        results = []
        for j in cands:
            rho_e, poor = st.exact_rho(j, prof.costs[j], sats[j], lb[j])
            results.append((rho_e, prof.ids[j], j, poor))
        min_rho = min(r[0] for r in results)
        tied = sorted((r for r in results if r[0] == min_rho), key=lambda r: r[1])
        rho_e, _, j, poor = tied[0]
        if trace is not None:
            bf = checkpoints[-1].bf if checkpoints is not None else st.bf.copy()
            trace.append((j, float(rho_e), bf, set(remaining)))
        s = sats[j]
        sup = prof.sup[j]
        if explain:
            payments = _mes_payments(st, j, s, rho_e, poor)
        st.pay(j, s, rho_e, poor)
        remaining.discard(j)
        selected.append(j)
        chosen.add(j)
        if explain:
            # pabutools' affordability: money paid per unit of satisfaction (satisfaction is the
            # cost for approval ballots, so rho is then a share of the cost; for cardinal ballots
            # it is currency units per point)
            rho = float(rho_e) if prof.kind == "approval" else float(rho_e) / prof.scale
            expl[j] = MesFunded(round=len(selected), supporters=len(sup), rho=rho, payments=payments)
        for k in mates.get(j, ()):
            if k in remaining:
                remaining.discard(k)
                expl[k] = ExcludedByGroup(phase="mes", conflicts_with=prof.ids[j])
        if watch is not None and (j == watch or watch in mates.get(j, ())):
            return selected, expl, candidates
    if checkpoints is not None:
        checkpoints.append(_checkpoint(st, selected, chosen, remaining, lb, unaffordable))
    if trace is not None:
        bf = checkpoints[-1].bf if checkpoints is not None else st.bf.copy()
        trace.append((None, math.inf, bf, set(remaining)))
    if explain:
        _explain_not_affordable(prof, st, expl, unaffordable | remaining)
    return selected, expl, candidates


def _explain_not_affordable(prof: Profile, st: _MesState, expl: dict, projects: set[int]) -> None:
    for j in projects:
        if j not in expl:
            sup = prof.sup[j]
            expl[j] = NotAffordable(supporters=len(sup), supporters_budget=prof.money(st.exact_sum(sup)))


def _mes_resume(prof: Profile, b0, mates, cp: MesCheckpoint, jr: int):
    """The state of :func:`mes` at checkpoint ``cp``, for a profile differing only in ``jr``'s cost."""
    if prof.costs[jr] <= 0 or cp.b0 != b0 or jr in cp.chosen:
        raise ValueError("resume: only for a project not yet bought, at a positive cost")
    st = _MesState(prof, b0, mat=np.zeros_like(cp.mat))
    st.copy_for_resume(cp)
    selected, chosen = list(cp.selected), set(cp.chosen)
    candidates = {j for j in range(prof.m) if prof.total_sat(j) > 0 and prof.costs[j] > 0}
    remaining, unaffordable, lb = set(cp.remaining), set(cp.unaffordable), dict(cp.lb)
    unaffordable.discard(jr)
    remaining.discard(jr)
    lb.pop(jr, None)
    if jr in candidates and jr not in chosen and not any(k in chosen for k in mates.get(jr, ())):
        remaining.add(jr)
        lb[jr] = prof.costs[jr] / prof.total_sat(jr)
    return st, selected, chosen, _Sats(prof), candidates, remaining, lb, unaffordable


def _checkpoint(st: _MesState, selected, chosen, remaining, lb, unaffordable) -> MesCheckpoint:
    return MesCheckpoint(round=len(st.units), bf=st.bf.copy(), zeroed=st.zeroed.copy(), units=list(st.units),
                         mat=st.mat, selected=list(selected), chosen=set(chosen), remaining=set(remaining),
                         lb=dict(lb), unaffordable=set(unaffordable), b0=st.b0)


def _mes_payments(st: _MesState, j: int, s: np.ndarray, rho_e, poor_mask: np.ndarray) -> list[list]:
    """What the supporters of j pay when MES buys it, exactly, as ``[[amount, voters], ...]``
    (currency units, largest amount first, nothing for supporters who had nothing left).

    Supporters who can afford it pay ``rho * satisfaction``; the others ("poor") pay all they have
    left. Voters who paid for the same projects in the same rounds have the same budget, so the
    exact budgets are computed once per distinct payment history, not once per voter."""
    prof = st.prof
    sup = prof.sup[j]
    paid: dict = {}
    rich = ~poor_mask
    if rich.any():
        values, counts = np.unique(s[rich], return_counts=True)
        for v, c in zip(values.tolist(), counts.tolist()):
            amount = rho_e * int(v)
            paid[amount] = paid.get(amount, 0) + c
    poor = sup[poor_mask]
    poor = poor[~st.zeroed[poor]]
    if len(poor):
        R = len(st.units)
        if R:
            _, first, counts = np.unique(st.rows(poor), axis=0, return_index=True, return_counts=True)
            budgets = st.exact_budgets(poor[first])
        else:
            budgets, counts = [st.b0], [len(poor)]
        for b, c in zip(budgets, np.asarray(counts).tolist()):
            paid[b] = paid.get(b, 0) + c
    return [[prof.money(amount), count] for amount, count in sorted(paid.items(), key=lambda kv: kv[0], reverse=True)
            if amount > 0]


def mes_add1(prof: Profile, increment: int = 1, max_iterations: int = 1_000_000, explain: bool = True):
    """pabutools ``method_of_equal_shares(..., voter_budget_increment=increment)``.

    Raises every voter's budget by ``increment`` currency units until the outcome
    is exhaustive (w.r.t. the projects MES can fund), returning the last feasible
    outcome. Returns ``(selected, explanations, increments_used)`` (no explanations unless
    ``explain``).
    """
    unit = increment * prof.scale
    prev = None
    k = 0
    mates = prof.group_mates()
    while k < max_iterations:
        sel, expl, cands = mes(prof, k * unit, explain=False)
        cost = sum(prof.costs[j] for j in sel)
        if cost > prof.budget:
            break
        chosen = set(sel)
        spare = prof.budget - cost
        exhaustive = not any(
            j not in chosen and prof.costs[j] <= spare and not any(g in chosen for g in mates.get(j, ()))
            for j in cands
        )
        prev = k
        if exhaustive:
            break
        k += 1
    if prev is None:  # pragma: no cover - first run is always feasible
        prev = 0
    sel, expl, _ = mes(prof, prev * unit, explain=explain)
    return sel, expl, prev


# ---------------------------------------------------------------------------
# Sequential Phragmén
# ---------------------------------------------------------------------------
