"""Proportionality of an outcome, decided exactly: EJR up to one project and PJR.

Definitions (those of ``pabutools.analysis.justifiedrepresentation``, which the tests use as the
brute-force oracle). ``n`` voters, budget ``b``, outcome ``W``.

* A group ``S`` of voters is *cohesive* for a set ``T`` of projects when ``|S| / n * b >= cost(T)``
  and, for approval ballots, every voter of ``S`` approved every project of ``T`` (for cardinal
  ballots ``T``'s projects are worth ``alpha_p`` = the fewest points a voter of ``S`` gave ``p``).
* **EJR up to one project** (approval, cost satisfaction): for every cohesive ``(S, T)`` some voter
  ``i`` of ``S`` has ``cost(A_i ∩ W) + max_{p in T \\ W} cost(p) >= cost(T)``. Cardinal analogue:
  ``u_i(W) + max_{p in T \\ W} u_i(p) >= sum_{p in T} alpha_p``.
* **PJR**: for every cohesive ``(S, T)`` the funded projects some voter of ``S`` supported cost at
  least ``cost(T)``. Cardinal analogue: ``sum_{p in W} max_{i in S} u_i(p) >= sum_{p in T} alpha_p``.

A violation is searched with a mixed-integer program solved by HiGHS (``highspy``, MIT licence):
binary ``z_t`` per distinct ballot (voters with the same ballot are one variable, weighted by
their number), binary ``y_p`` per project; the objective is the size of the group, so the group
reported is the largest under-represented one found. Every violation the solver returns is
re-checked exactly in integers before it is reported; "satisfied" means the solver proved that no
violation exists. Money is in integer units (costs divided by their common divisor).

Above :data:`MAX_BALLOT_TYPES` distinct ballots or :data:`MAX_PROJECTS` projects the check is not
run and the report states the rule's proven guarantee instead (:data:`GUARANTEES`).
"""
from __future__ import annotations

import math
import os
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from .engine import Profile
from .rules import TALLY_RULES

__all__ = ["check", "proportionality_report", "GUARANTEES", "MAX_BALLOT_TYPES", "MAX_PROJECTS", "PROPERTIES"]

PROPERTIES = ("ejr_up_to_one", "pjr")
#: largest instance checked exactly (benchmarked: see benchmarks/proportionality.py)
MAX_BALLOT_TYPES = 200
MAX_PROJECTS = 60
#: seconds the solver may spend on one property before the report says "not decided"
TIME_LIMIT = 30.0

#: what each rule is proven to satisfy (the rule table's ``guarantee``, see :mod:`.rules`)
GUARANTEES = {rule.key: rule.guarantee for rule in TALLY_RULES.values()}


def _dense(prof: Profile) -> np.ndarray:
    A = np.zeros((prof.n, prof.m), dtype=np.int64)
    for j in range(prof.m):
        if len(prof.sup[j]):
            A[prof.sup[j], j] = 1 if prof.kind == "approval" else prof.wts[j]
    return A


_quiet_lock = threading.Lock()
_banner_done = False


def _highs():
    """A silent HiGHS instance. HiGHS prints its banner on the C standard output when the first
    instance of the process is made, before any option can be set (it would corrupt ``--json``
    output): that first one is made with the standard output pointed at /dev/null."""
    global _banner_done
    import highspy  # the MILP solver: loaded by the first check, not with the engine

    if not _banner_done:
        with _quiet_lock:
            if not _banner_done:
                sys.stdout.flush()
                saved = os.dup(1)
                devnull = os.open(os.devnull, os.O_WRONLY)
                try:
                    os.dup2(devnull, 1)
                    h = highspy.Highs()
                finally:
                    os.dup2(saved, 1)
                    os.close(saved)
                    os.close(devnull)
                _banner_done = True
                h.setOptionValue("output_flag", False)
                return h
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


class _Model:
    """Rows of a MILP, built row by row, solved with HiGHS."""

    def __init__(self):
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.cost: list[float] = []
        self.integer: list[bool] = []
        self.rows: list[tuple[list[int], list[float], float, float]] = []

    def var(self, lo=0.0, hi=1.0, obj=0.0, integer=True) -> int:
        self.lower.append(lo)
        self.upper.append(hi)
        self.cost.append(obj)
        self.integer.append(integer)
        return len(self.lower) - 1

    def row(self, idx, vals, lo=-math.inf, hi=math.inf):
        self.rows.append((list(idx), [float(v) for v in vals], lo, hi))

    def solve(self, time_limit: float):
        import highspy  # as in _highs

        h = _highs()
        h.setOptionValue("time_limit", float(time_limit))
        h.setOptionValue("threads", 1)
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        nc = len(self.lower)
        lp.num_col_ = nc
        lp.num_row_ = len(self.rows)
        lp.col_cost_ = np.array(self.cost, dtype=np.float64)
        lp.col_lower_ = np.array(self.lower, dtype=np.float64)
        lp.col_upper_ = np.array(self.upper, dtype=np.float64)
        lp.row_lower_ = np.array([max(r[2], -inf) for r in self.rows], dtype=np.float64)
        lp.row_upper_ = np.array([min(r[3], inf) for r in self.rows], dtype=np.float64)
        starts, index, value = [0], [], []
        for idx, vals, _, _ in self.rows:
            index.extend(idx)
            value.extend(vals)
            starts.append(len(index))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(value, dtype=np.float64)
        lp.a_matrix_.num_col_ = nc
        lp.a_matrix_.num_row_ = len(self.rows)
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in self.integer]
        lp.sense_ = highspy.ObjSense.kMaximize
        h.passModel(lp)
        h.run()
        status = h.getModelStatus()
        has_solution = h.getInfo().primal_solution_status == 2  # feasible
        values = list(h.getSolution().col_value) if has_solution else None
        if status == highspy.HighsModelStatus.kInfeasible:
            return "infeasible", None
        if status == highspy.HighsModelStatus.kOptimal:
            return "optimal", values
        return ("feasible" if values else "unknown"), values


def _violates(prop: str, A: np.ndarray, W: np.ndarray, costs: np.ndarray, budget: int, n: int,
              S_rows: np.ndarray, S_size: int, T: np.ndarray, approval: bool) -> bool:
    """Exact check that the group (ballot rows ``S_rows``, ``S_size`` voters) and projects ``T``
    (boolean) are cohesive and under-represented for ``prop``."""
    if not T.any() or S_size == 0 or int(costs[T].sum()) * n > S_size * budget:
        return False
    sub = A[np.ix_(S_rows, np.nonzero(T)[0])]
    if approval:
        if not (sub > 0).all():
            return False
        threshold = int(costs[T].sum())
        util = A[S_rows] * costs[None, :]  # cost satisfaction per project
    else:
        threshold = int(sub.min(axis=0).sum())
        util = A[S_rows]
    missing = T & ~W
    if prop == "ejr_up_to_one":
        for k in range(len(S_rows)):
            surplus = int(util[k, missing].max(initial=0))
            if int(util[k, W].sum()) + surplus >= threshold:
                return False
        return True
    # pjr
    got = int(util[:, W].max(axis=0, initial=0).sum())
    return got < threshold


@dataclass
class _Instance:
    """The ballots and projects a violation can be made of, money in integer units."""

    types: np.ndarray      # distinct ballots (rows) x projects: 1 / points
    counts: np.ndarray     # voters per distinct ballot
    util: np.ndarray       # utility of a ballot for a project (cost satisfaction, or points)
    sat_W: np.ndarray      # utility of a ballot for the outcome
    costs: np.ndarray
    budget: int
    n: int                 # voters (all of them, the empty ballots included)
    W: np.ndarray          # funded projects (boolean)
    approval: bool

    @property
    def T_n(self) -> int:
        return len(self.types)

    @property
    def m(self) -> int:
        return len(self.costs)


def check(prof: Profile, selected: Iterable, prop: str = "ejr_up_to_one", *, time_limit: float = TIME_LIMIT,
          max_types: int = MAX_BALLOT_TYPES, max_projects: int = MAX_PROJECTS) -> dict[str, Any]:
    """Decide ``prop`` (``"ejr_up_to_one"`` or ``"pjr"``) for the outcome ``selected`` (ids).

    Returns ``{"property", "checked": True|False, "satisfied": True|False|None, "group": None |
    {"size", "projects", "funded", "claim"}, "seconds", "reason"}``: ``group`` is the largest
    under-represented cohesive group found (its size, the projects all of it supported -- ids --,
    those of them funded, and the money (or points) it could claim); ``reason`` says why the check
    was not run or not decided (``too_large``, ``time_limit``, ``numerics``)."""
    if prop not in PROPERTIES:
        raise ValueError(f"unknown property {prop!r}")
    started = time.perf_counter()
    out: dict[str, Any] = {"property": prop, "checked": False, "satisfied": None, "group": None, "reason": None}
    W = _funded(prof, selected)
    found = _ballot_types(prof, max_types, max_projects)
    if found is None:
        out.update(reason="too_large", seconds=time.perf_counter() - started)
        return out
    types, counts = found
    inst, g = _instance(prof, types, counts, W)
    if inst.T_n == 0 or inst.m == 0:
        out.update(checked=True, satisfied=True, seconds=time.perf_counter() - started)
        return out
    cand_t, cand_p = _candidates(inst)
    if not cand_t.any() or not (cand_p & ~W).any():
        out.update(checked=True, satisfied=True, seconds=time.perf_counter() - started)
        return out
    inst = _Instance(inst.types[cand_t], inst.counts[cand_t], inst.util[cand_t], inst.sat_W[cand_t], inst.costs,
                     inst.budget, inst.n, W, inst.approval)
    mdl, z, y = _violation_model(prop, inst, cand_p)
    status, values = mdl.solve(time_limit)
    out["seconds"] = time.perf_counter() - started
    if status == "infeasible":
        out.update(checked=True, satisfied=True)
        return out
    if values is None:
        out["reason"] = "time_limit"
        return out
    S_rows = np.array([t for t in range(inst.T_n) if values[z[t]] > 0.5], dtype=np.int64)
    T = np.array([values[y[p]] > 0.5 for p in range(inst.m)], dtype=bool)
    size = int(np.asarray(inst.counts)[S_rows].sum()) if len(S_rows) else 0
    if not _violates(prop, inst.types, W, inst.costs, inst.budget, inst.n, S_rows, size, T, inst.approval):
        out["reason"] = "numerics"
        return out
    out.update(checked=True, satisfied=False, group=_group(prof, inst, g, S_rows, T, size, status == "optimal"))
    return out


def _funded(prof: Profile, selected: Iterable) -> np.ndarray:
    """The outcome as a boolean vector over the profile's projects."""
    index = {pid: j for j, pid in enumerate(prof.ids)}
    W = np.zeros(prof.m, dtype=bool)
    for s in selected:
        W[index[str(s)]] = True
    return W


def _ballot_types(prof: Profile, max_types: int, max_projects: int):
    """``(types, counts)``: the distinct non-empty ballots and how many voters cast each; None when
    the instance is too large to check exactly."""
    n, m = prof.n, prof.m
    if m > max_projects:
        return None
    A_full = _dense(prof)
    if n > max_types:  # cheap count first (a hash can only merge distinct ballots, never split one)
        key = A_full @ np.random.default_rng(0).integers(1, 2**31, size=m)
        if len(np.unique(key)) > max_types + 1:
            return None
    types, counts = np.unique(A_full, axis=0, return_counts=True) if n else (np.zeros((0, m), np.int64), [])
    # drop the empty ballot (it supports nothing, so it cannot be in a cohesive group)
    keep = types.any(axis=1) if len(types) else np.zeros(0, dtype=bool)
    types, counts = types[keep], np.asarray(counts)[keep]
    if len(types) > max_types or m > max_projects:
        return None
    return types, counts


def _instance(prof: Profile, types: np.ndarray, counts: np.ndarray, W: np.ndarray) -> tuple[_Instance, int]:
    """The instance in integer money units (costs and budget divided by their common divisor ``g``),
    and ``g``."""
    g = 0
    for c in list(prof.costs) + [prof.budget]:
        g = math.gcd(g, int(c))
    g = g or 1
    costs = np.array([c // g for c in prof.costs], dtype=np.int64)
    approval = prof.kind == "approval"
    util = types * costs[None, :] if approval else types  # utility of a type for a project
    sat_W = util[:, W].sum(axis=1)
    return _Instance(types, counts, util, sat_W, costs, prof.budget // g, prof.n, W, approval), g


def _candidates(inst: _Instance) -> tuple[np.ndarray, np.ndarray]:
    """The ballots and projects that can be part of a violation (boolean vectors).

    Only some can (fixpoint of two necessary conditions): a project whose supporters among the
    candidate ballots are too few to afford it cannot; nor can a ballot already as satisfied as its
    candidate projects could make it (the threshold never exceeds that), or approving no unfunded
    candidate project (T must hold one: a group whose T is funded is represented)."""
    types, counts, costs, W = inst.types, inst.counts, inst.costs, inst.W
    cand_t = np.ones(inst.T_n, dtype=bool)
    cand_p = np.ones(inst.m, dtype=bool)
    while True:
        support = (types[cand_t] > 0).astype(np.int64).T @ counts[cand_t]
        new_p = cand_p & (costs * inst.n <= inst.budget * support)
        reach = (inst.util * new_p[None, :]).sum(axis=1)
        new_t = cand_t & (inst.sat_W < reach) & ((types > 0) & (new_p & ~W)[None, :]).any(axis=1)
        if np.array_equal(new_p, cand_p) and np.array_equal(new_t, cand_t):
            break
        cand_p, cand_t = new_p, new_t
    return cand_t, cand_p


def _violation_model(prop: str, inst: _Instance, cand_p: np.ndarray):
    """The MILP whose solutions are the violations of ``prop``: ``(model, z, y)`` with ``z[t]`` the
    variable of ballot ``t`` in the group, ``y[p]`` that of project ``p`` in T."""
    types, counts, costs, n, budget, m, T_n = inst.types, inst.counts, inst.costs, inst.n, inst.budget, inst.m, inst.T_n
    mdl = _Model()
    z = [mdl.var(obj=float(counts[t])) for t in range(T_n)]
    y = [mdl.var(hi=1.0 if cand_p[p] else 0.0) for p in range(m)]
    # cohesion: size and support
    mdl.row([*y, *z], [float(n * costs[p]) for p in range(m)] + [-float(budget * counts[t]) for t in range(T_n)],
            hi=0.0)
    mdl.row(z, [1.0] * T_n, lo=1.0)
    mdl.row(y, [1.0] * m, lo=1.0)
    # (approval) every voter of the group approved every project of T; (cardinal) a project a voter
    # of the group gave no point adds cost and nothing to the threshold: a violation stays one
    # without it, so T holds only projects the whole group supported.
    for t in range(T_n):
        for p in range(m):
            if types[t, p] == 0:
                mdl.row([z[t], y[p]], [1.0, 1.0], hi=1.0)
    if inst.approval:
        alpha = None
        thr_idx, thr_val = [y[p] for p in range(m)], [float(costs[p]) for p in range(m)]  # threshold = cost(T)
    else:
        alpha = _alpha_rows(mdl, inst, z, y)
        thr_idx, thr_val = alpha, [1.0] * m
    # a ballot in the group has less than the threshold: the threshold exceeds its satisfaction, and
    # the group is large enough to claim it (cuts that tighten the relaxation)
    for t in range(T_n):
        s_t = float(inst.sat_W[t])
        mdl.row([*thr_idx, z[t]], [*thr_val, -(s_t + 1)], lo=0.0)
        if inst.approval:  # cost(T) > s_t and n * cost(T) <= budget * |S|
            need = n * (s_t + 1) / budget
            mdl.row([*z], [float(counts[k]) - (need if k == t else 0.0) for k in range(T_n)], lo=0.0)
    if prop == "ejr_up_to_one":
        _ejr_rows(mdl, inst, z, y, thr_idx, thr_val)
    else:
        _pjr_rows(mdl, inst, z, y, alpha, thr_idx, thr_val)
    return mdl, z, y


def _alpha_rows(mdl: _Model, inst: _Instance, z: list[int], y: list[int]) -> list[int]:
    """Cardinal ballots: ``alpha[p]``, the fewest points a voter of the group gave ``p`` (0 when
    ``p`` is not in T); the threshold is their sum."""
    types, m, T_n = inst.types, inst.m, inst.T_n
    alpha = [mdl.var(0.0, float(types[:, p].max(initial=0)), integer=False) for p in range(m)]
    unary = int(types.max(axis=0, initial=0).sum()) <= 5000
    for p in range(m):
        U = int(types[:, p].max(initial=0))
        if unary:
            # alpha_p = number of levels l (1..U) every voter of the group reached: w_l <= w_{l-1},
            # w_1 <= y_p, and a voter who gave p k points excludes level k + 1
            w = [mdl.var(0.0, 1.0, integer=False) for _ in range(U)]
            mdl.row([alpha[p], *w], [1.0] + [-1.0] * U, lo=0.0, hi=0.0)
            if U:
                mdl.row([w[0], y[p]], [1.0, -1.0], hi=0.0)
            for k in range(1, U):
                mdl.row([w[k], w[k - 1]], [1.0, -1.0], hi=0.0)
            for t in range(T_n):
                k = int(types[t, p])
                if 0 < k < U:
                    mdl.row([w[k], z[t]], [1.0, 1.0], hi=1.0)
        else:
            mdl.row([alpha[p], y[p]], [1.0, -float(U)], hi=0.0)
            for t in range(T_n):
                if types[t, p] < U:
                    mdl.row([alpha[p], z[t]], [1.0, float(U)], hi=float(types[t, p]) + U)
    return alpha


def _ejr_rows(mdl: _Model, inst: _Instance, z, y, thr_idx, thr_val) -> None:
    """EJR up to one project fails: T holds an unfunded project, and every ballot of the group stays
    below the threshold even with the best unfunded project of T added."""
    missing = [p for p in range(inst.m) if not inst.W[p]]
    mdl.row([y[p] for p in missing], [1.0] * len(missing), lo=1.0)
    for t in range(inst.T_n):
        s = float(inst.sat_W[t])
        # base: s_t <= threshold - 1 when z_t (covers T inside W; valid in general)
        M0 = s + 1
        mdl.row([z[t], *thr_idx], [M0, *[-v for v in thr_val]], hi=M0 - s - 1)
        for p in missing:
            if inst.approval and inst.types[t, p] == 0:
                continue  # z_t and y_p cannot both be 1
            u = float(inst.util[t, p])
            M = s + u + 1
            idx, vals = [z[t], y[p]], [M, M]
            for q, v in zip(thr_idx, thr_val):
                if q == y[p]:
                    vals[1] -= v
                else:
                    idx.append(q)
                    vals.append(-v)
            mdl.row(idx, vals, hi=M)


def _pjr_rows(mdl: _Model, inst: _Instance, z, y, alpha, thr_idx, thr_val) -> None:
    """PJR fails: T holds an unfunded project, and the funded projects the group supported (each
    worth the most any voter of the group has of it) stay below the threshold."""
    m, T_n, util = inst.m, inst.T_n, inst.util
    missing = [p for p in range(m) if not inst.W[p]]
    funded = [p for p in range(m) if inst.W[p]]
    v = {}
    for p in funded:
        top = float(util[:, p].max(initial=0))
        v[p] = mdl.var(0.0, top, integer=False)
        for t in range(T_n):
            if util[t, p] > 0:
                mdl.row([v[p], z[t]], [1.0, -float(util[t, p])], lo=0.0)
        if inst.approval:  # a funded project of T is covered
            mdl.row([v[p], y[p]], [1.0, -float(inst.costs[p])], lo=0.0)
        else:
            mdl.row([v[p], alpha[p]], [1.0, -1.0], lo=0.0)
    mdl.row([y[p] for p in missing], [1.0] * len(missing), lo=1.0)
    mdl.row([*v.values(), *thr_idx], [1.0] * len(v) + [-x for x in thr_val], hi=-1.0)


def _group(prof: Profile, inst: _Instance, g: int, S_rows: np.ndarray, T: np.ndarray, size: int,
           optimal: bool) -> dict[str, Any]:
    """The under-represented group found, as the report gives it."""
    sub = inst.types[np.ix_(S_rows, np.nonzero(T)[0])]
    claim = int(inst.costs[T].sum()) * g if inst.approval else int(sub.min(axis=0).sum())
    claim_value = prof.money(claim) if inst.approval else claim
    return {
        "size": size,
        "projects": sorted((prof.ids[p] for p in np.nonzero(T)[0]), key=str),
        "funded": sorted((prof.ids[p] for p in np.nonzero(T & inst.W)[0]), key=str),
        "claim": claim_value,
        "optimal": optimal,
    }


def proportionality_report(prof: Profile, selected: Iterable, rule: str | None = None, *,
                           time_limit: float = TIME_LIMIT) -> dict[str, Any]:
    """Both properties for one outcome, and the rule's proven guarantee (``guarantee``: a property
    name or None): ``{"ejr_up_to_one": check(...), "pjr": check(...), "guarantee": ...}``."""
    selected = list(selected)
    out: dict[str, Any] = {p: check(prof, selected, p, time_limit=time_limit) for p in PROPERTIES}
    out["guarantee"] = GUARANTEES.get(rule or "")
    return out
