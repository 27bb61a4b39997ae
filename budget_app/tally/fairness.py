"""Fairness metrics of an outcome: who got something, how much, how evenly; money against votes.

Pure NumPy on the engine's :class:`~.engine.Profile` (no Flask). The four voter-satisfaction
metrics are those of ``pabutools.analysis`` (identical values, checked by the oracle tests):

* ``percent_non_empty_handed`` -- share (0..1) of voters with at least one funded project they
  supported (pabutools' ``percent_non_empty_handed``; on cardinal ballots pabutools averages the
  highest points a voter gave a funded project instead, so there the tests compare with the
  approval view of the ballots, which is what this share means);
* ``avg_satisfaction`` -- mean satisfaction: cost satisfaction (the money of the funded projects a
  voter approved, currency units) for approval ballots, the points a voter gave funded projects
  for cardinal ones (``avg_satisfaction`` with ``Cost_Sat`` / ``Additive_Cardinal_Sat``);
* ``satisfaction_histogram`` -- share of voters per bin of satisfaction / ``max_satisfaction``
  (``satisfaction_histogram``, same binning: bin ``ceil(s * (bins - 1) / max)``, bin 0 is nothing);
* ``gini_coefficient_of_satisfaction`` -- Gini coefficient of the voters' satisfaction (0: equal).

Everything is computed exactly (integers / fractions) and returned as floats.

:func:`group_shares` compares money share with vote share for labels of projects (target group,
sector, locality): "persons with disabilities: 26 % of the money, supported by 31 % of the ballots".
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .engine import Profile

__all__ = ["satisfactions", "fairness_metrics", "group_shares", "unspent", "METRICS", "NUM_BINS"]

METRICS = ("percent_non_empty_handed", "avg_satisfaction", "satisfaction_histogram",
           "gini_coefficient_of_satisfaction")
NUM_BINS = 21


def _indices(prof: Profile, selected: Iterable) -> list[int]:
    """Project indices from project ids (strings) or from indices (ints)."""
    index = {pid: j for j, pid in enumerate(prof.ids)}
    return sorted({int(s) if isinstance(s, (int, np.integer)) else index[str(s)] for s in selected})


def satisfactions(prof: Profile, selected: Iterable) -> np.ndarray:
    """Per-voter satisfaction (int64): in money units of ``1/prof.scale`` for approval ballots,
    points for cardinal ballots."""
    sat = np.zeros(prof.n, dtype=np.int64)
    for j in _indices(prof, selected):
        if len(prof.sup[j]):
            np.add.at(sat, prof.sup[j], prof.sat(j))
    return sat


def non_empty_handed(prof: Profile, selected: Iterable) -> np.ndarray:
    """Boolean per voter: supported at least one selected project."""
    got = np.zeros(prof.n, dtype=bool)
    for j in _indices(prof, selected):
        got[prof.sup[j]] = True
    return got


def _gini(values: np.ndarray) -> Fraction:
    """pabutools' ``gini_coefficient`` exactly: (n + 1 - 2 * sum_i v_(i) (n - i) / sum v) / n,
    ``v`` sorted ascending (0 when all values are 0). Computed per distinct value (no overflow)."""
    n = len(values)
    if n == 0 or not values.any():
        return Fraction(0)
    uniq, counts = np.unique(values, return_counts=True)
    total = 0
    weighted = 0
    pos = 0
    for u, c in zip(uniq.tolist(), counts.tolist()):
        # positions pos .. pos+c-1 get weights n-pos .. n-pos-c+1
        weighted += u * (c * (n - pos) - c * (c - 1) // 2)
        total += u * c
        pos += c
    return (n + 1 - Fraction(2 * weighted, total)) / n


def default_max_satisfaction(prof: Profile) -> int:
    """The histogram's normaliser (internal units): the budget for approval ballots (no voter can
    get more), the largest number of points on one ballot for cardinal ones."""
    if prof.kind == "approval":
        return max(prof.budget, 1)
    per_voter = np.zeros(prof.n, dtype=np.int64)
    for j in range(prof.m):
        if len(prof.sup[j]):
            np.add.at(per_voter, prof.sup[j], prof.wts[j])
    return max(int(per_voter.max(initial=0)), 1)


def histogram(sat: np.ndarray, max_sat: int, num_bins: int = NUM_BINS) -> list[float]:
    """Share of voters per bin (pabutools' ``satisfaction_histogram`` binning), exact integers."""
    n = len(sat)
    if n == 0:
        return [0.0] * num_bins
    bins = np.where(sat >= max_sat, num_bins - 1, -((-sat * (num_bins - 1)) // max_sat))
    counts = np.bincount(bins.astype(np.int64), minlength=num_bins)
    return [c / n for c in counts.tolist()]


def fairness_metrics(prof: Profile, selected: Iterable, *, max_satisfaction=None,
                     num_bins: int = NUM_BINS) -> dict[str, Any]:
    """The four metrics (``METRICS``) and what is needed to read them.

    ``max_satisfaction`` (currency units for approval, points for cardinal; default
    :func:`default_max_satisfaction`) normalises the histogram. Returns a JSON-ready dict:
    ``percent_non_empty_handed``, ``avg_satisfaction`` (currency units or points),
    ``satisfaction_histogram`` (``num_bins`` shares), ``gini_coefficient_of_satisfaction``,
    ``satisfaction_kind`` (``cost`` or ``points``), ``max_satisfaction``, ``num_voters``,
    ``non_empty_handed`` (count)."""
    sel = _indices(prof, selected)
    sat = satisfactions(prof, sel)
    got = non_empty_handed(prof, sel)
    n = prof.n
    unit = prof.scale if prof.kind == "approval" else 1
    if max_satisfaction is None:
        max_int = default_max_satisfaction(prof)
    else:
        mx = Fraction(max_satisfaction) * unit
        max_int = mx  # may be fractional: histogram then uses exact Fractions
    if isinstance(max_int, Fraction) and max_int.denominator != 1:
        # scale satisfactions so the normaliser is an integer
        d = max_int.denominator
        hist = histogram(sat * d, int(max_int * d), num_bins)
    else:
        hist = histogram(sat, max(int(max_int), 1), num_bins)
    avg = Fraction(int(sat.sum()), max(n, 1)) / unit if n else Fraction(0)
    return {
        "percent_non_empty_handed": (int(got.sum()) / n) if n else 0.0,
        "avg_satisfaction": float(avg),
        "satisfaction_histogram": hist,
        "gini_coefficient_of_satisfaction": float(_gini(sat)),
        "satisfaction_kind": "cost" if prof.kind == "approval" else "points",
        "max_satisfaction": _num(Fraction(max_int) / unit),
        "num_voters": n,
        "non_empty_handed": int(got.sum()),
    }


def _num(x: Fraction):
    return int(x) if x.denominator == 1 else float(x)


def unspent(prof: Profile, selected: Iterable) -> dict[str, Any]:
    """Money left: ``{"budget", "spent", "unspent", "fits": [ids of unfunded projects that would
    fit in what is left]}`` (currency units). With MES without completion, ``fits`` are the projects
    whose supporters had run out of money although the envelope had room."""
    sel = _indices(prof, selected)
    spent = sum(prof.costs[j] for j in sel)
    left = prof.budget - spent
    chosen = set(sel)
    mates = prof.group_mates()
    fits = [prof.ids[j] for j in range(prof.m) if j not in chosen and prof.costs[j] <= left
            and not any(k in chosen for k in mates.get(j, ()))]
    return {"budget": prof.money(prof.budget), "spent": prof.money(spent), "unspent": prof.money(left),
            "fits": sorted(fits)}


def group_shares(prof: Profile, selected: Iterable, labels: Mapping[str, Iterable[str]]) -> list[dict[str, Any]]:
    """Money share against vote share per label.

    ``labels``: project id -> its labels (e.g. its target groups; a project may have several,
    or none). For each label: ``money`` (funded cost of its projects, currency units),
    ``money_share`` (of all funded money; a project with two labels counts for both, so shares may
    add up to more than 1), ``ballots`` (ballots supporting at least one of its projects),
    ``vote_share`` (of all ballots), ``projects`` and ``funded`` (counts). Sorted by money, then
    ballots, then label."""
    sel = set(_indices(prof, selected))
    total_money = sum(prof.costs[j] for j in sel)
    by_label: dict[str, list[int]] = {}
    index = {pid: j for j, pid in enumerate(prof.ids)}
    for pid, labs in labels.items():
        j = index.get(str(pid))
        if j is None:
            continue
        for lab in dict.fromkeys(labs or ()):
            by_label.setdefault(str(lab), []).append(j)
    out = []
    n = prof.n
    for lab, js in by_label.items():
        mask = np.zeros(n, dtype=bool)
        for j in js:
            mask[prof.sup[j]] = True
        money = sum(prof.costs[j] for j in js if j in sel)
        ballots = int(mask.sum())
        out.append({
            "label": lab,
            "money": prof.money(money),
            "money_share": (money / total_money) if total_money else 0.0,
            "ballots": ballots,
            "vote_share": ballots / n if n else 0.0,
            "projects": len(js),
            "funded": sum(1 for j in js if j in sel),
        })
    out.sort(key=lambda r: (-r["money_share"], -r["ballots"], r["label"]))
    return out


def fairness_report(prof: Profile, selected: Sequence, *, dimensions: Mapping[str, Mapping[str, Iterable[str]]]
                    | None = None, max_satisfaction=None, num_bins: int = NUM_BINS) -> dict[str, Any]:
    """Metrics, unspent money and, per dimension (``{"target_group": {pid: labels}, ...}``), the
    group shares: the JSON stored with a tally and printed by ``pb analyse``."""
    out = fairness_metrics(prof, selected, max_satisfaction=max_satisfaction, num_bins=num_bins)
    out["unspent"] = unspent(prof, selected)
    if dimensions:
        out["groups"] = {dim: group_shares(prof, selected, labels) for dim, labels in dimensions.items()}
    return out

