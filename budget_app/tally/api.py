"""Public tally API (what the Flask layer calls).

Example::

    from budget_app.tally import ProjectSpec, tally
    res = tally(
        [ProjectSpec("a", 100), ProjectSpec("b", 60), ProjectSpec("c", 50)],
        [{"a", "b"}, {"a"}, {"c"}],
        budget=150,
        rule="mes",
    )
    res.selected        # ['a', 'c']  (selection order)
    res.explanations    # {'b': {'funded': False, 'reason': 'not_affordable_by_supporters', ...}, ...}

Rules: ``"greedy"``, ``"mes"``, ``"mes-add1"``, ``"phragmen"``; ``completion=True``
adds a greedy completion after MES (pabutools ``completion_by_rule_combination``).

Explanations are language-neutral typed records (see :mod:`.explanations`), one
per project: ``res.explanations["b"]`` is e.g. a ``NotAffordable`` with
``reason`` ``Reason.NOT_AFFORDABLE``, ``supporters`` and ``supporters_budget``;
an MES-funded project is a ``MesFunded`` whose ``payments``
(``[[amount, number_of_voters], ...]``) sum to its cost. ``res.to_dict()`` gives
their JSON form, :func:`.explanations.from_dict` reads it back. Reason codes:

* funded: ``selected`` (by the main rule), ``zero_cost`` (MES funds supported
  free projects first), ``completion`` (added by the greedy completion);
* not funded: ``insufficient_budget`` (greedy/completion/Phragmén: did not fit
  in ``remaining``), ``not_affordable_by_supporters`` (MES: the supporters'
  remaining money ``supporters_budget`` < ``cost``), ``excluded_by_group``
  (``conflicts_with`` = the funded project of the same exclusive group),
  ``no_supporters`` (MES: nobody supports it), ``exceeds_budget`` (Phragmén:
  cost > budget), ``rule_stopped`` (Phragmén stopped when ``stopped_by`` no
  longer fitted).

Every explanation also holds ``cost``, ``votes`` (number of ballots supporting
the project) and ``score`` (votes for approval, points for cardinal ballots).
Money values are in currency units (int when integral).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from . import engine
from .phragmen import phragmen
from .explanations import CompletionFunded, ExcludedByGroup, Explanation, InsufficientBudget, NotAffordable, NotSelected
from .pabulib import Election, parse_pb

__all__ = [
    "RULES",
    "BALLOT_KINDS",
    "ProjectSpec",
    "TallyResult",
    "tally",
    "tally_election",
    "tally_file",
    "borda_points",
    "profile",
    "election_profile",
]

from .rules import BALLOT_KINDS, RULES, completes as _completes  # noqa: E402  (defined without NumPy, re-exported here)


@dataclass(frozen=True)
class ProjectSpec:
    """A project: string ``id`` and non-negative ``cost`` (int, or Fraction)."""

    id: str
    cost: int | Fraction


@dataclass
class TallyResult:
    """Outcome of a tally.

    ``selected``: funded project ids in selection order; ``total_cost``; ``budget``;
    ``rule``; ``explanations``: id -> :class:`Explanation` record; ``scores``:
    id -> votes (approval) or points (cardinal); ``details``: rule-level numbers
    (e.g. ``voter_budget`` and ``increments`` for ``mes-add1``, ``num_voters``).
    """

    selected: list[str]
    total_cost: int | float
    budget: int | float
    rule: str
    explanations: dict[str, Explanation]
    scores: dict[str, int]
    completion: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict (explanations in their JSON form)."""
        return {
            "selected": list(self.selected), "total_cost": self.total_cost, "budget": self.budget, "rule": self.rule,
            "explanations": {pid: e.to_dict() for pid, e in self.explanations.items()},
            "scores": dict(self.scores), "completion": self.completion, "details": dict(self.details),
        }


def borda_points(ranking: Sequence[str], top: int | None = None) -> dict[str, int]:
    """Borda points of a ranked ballot with the top ``top`` positions scored:
    first gets ``top``, second ``top - 1``, ... (``top`` defaults to the ballot length)."""
    k = len(ranking) if top is None else top
    out: dict[str, int] = {}
    for pos, pid in enumerate(ranking[:k]):
        if pid not in out:
            out[str(pid)] = k - pos
    return out


def _money(x, scale=1):
    v = Fraction(x) / scale
    return int(v) if v.denominator == 1 else float(v)


def _csr_from_ballots(ids: list[str], ballots: Iterable, kind: str, ordinal_scoring: str, borda_top):
    index = {pid: j for j, pid in enumerate(ids)}
    ptr = [0]
    proj: list[int] = []
    pts: list[int] | None = [] if kind in ("cumulative", "scoring") or (kind == "ordinal" and ordinal_scoring == "borda") else None
    for bi, b in enumerate(ballots):
        if kind == "ordinal" and ordinal_scoring == "borda":
            b = borda_points([str(x) for x in b], borda_top)
        if pts is not None:
            if not isinstance(b, Mapping):
                raise TypeError(f"ballot {bi}: {kind} ballots must be dicts id -> points")
            for pid, v in b.items():
                j = index.get(str(pid))
                if j is None:
                    raise ValueError(f"ballot {bi}: unknown project id {pid!r}")
                v = int(v)
                if v < 0:
                    raise ValueError(f"ballot {bi}: negative points for {pid!r}")
                proj.append(j)
                pts.append(v)
        else:
            if isinstance(b, Mapping):
                b = [k for k, v in b.items() if v]
            seen = set()
            for pid in b:
                j = index.get(str(pid))
                if j is None:
                    raise ValueError(f"ballot {bi}: unknown project id {pid!r}")
                if j not in seen:
                    seen.add(j)
                    proj.append(j)
        ptr.append(len(proj))
    return ptr, proj, pts


def _groups_as_indices(ids: list[str], exclusive_groups) -> list[list[int]]:
    index = {pid: j for j, pid in enumerate(ids)}
    groups = []
    for g in exclusive_groups or []:
        gi = []
        for pid in g:
            if str(pid) not in index:
                raise ValueError(f"exclusive group mentions unknown project {pid!r}")
            gi.append(index[str(pid)])
        groups.append(gi)
    return groups


def profile(
    projects: Sequence[ProjectSpec] | Sequence[tuple[str, int]],
    ballots: Iterable,
    budget: int | Fraction,
    *,
    ballot_kind: str | None = None,
    exclusive_groups: Iterable[Iterable[str]] | None = None,
    ordinal_scoring: str = "approval",
    borda_top: int | None = None,
) -> engine.Profile:
    """The engine's numeric :class:`~.engine.Profile` of the same inputs as :func:`tally` (what the
    fairness, proportionality and margins modules work on)."""
    ids, costs, ballots, ballot_kind = _normalise(projects, ballots, ballot_kind, ordinal_scoring)
    ptr, proj, pts = _csr_from_ballots(ids, ballots, ballot_kind, ordinal_scoring, borda_top)
    kind = "cardinal" if pts is not None else "approval"
    return engine.build_profile(ids, costs, budget, ptr, proj, pts, kind, _groups_as_indices(ids, exclusive_groups))


def election_profile(election: Election, *, exclusive_groups=None, ordinal_scoring: str = "approval",
                     borda_top: int | None = None) -> engine.Profile:
    """The :class:`~.engine.Profile` of a parsed Pabulib election (as :func:`tally_election` counts it)."""
    ids = election.project_ids
    ptr, proj, pts = _election_arrays(election, ordinal_scoring, borda_top)
    kind = "cardinal" if pts is not None else "approval"
    return engine.build_profile(ids, [p.cost for p in election.projects], election.budget, ptr, proj, pts, kind,
                                _groups_as_indices(ids, exclusive_groups))


def _run(
    ids: list[str],
    costs: list,
    budget,
    ptr,
    proj,
    points,
    rule: str,
    exclusive_groups,
    completion: bool,
    explain: bool = True,
) -> TallyResult:
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; expected one of {', '.join(RULES)}")
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate project id")
    groups = _groups_as_indices(ids, exclusive_groups)
    kind = "cardinal" if points is not None else "approval"
    prof = engine.build_profile(ids, costs, budget, ptr, proj, points, kind, groups)
    details: dict[str, Any] = {"num_voters": prof.n, "ballot_kind": kind}

    if rule == "greedy":
        sel, expl = engine.greedy(prof)
    elif rule == "phragmen":
        sel, expl = phragmen(prof)
    elif rule == "mes":
        sel, expl, _ = engine.mes(prof, explain=explain)
        details["voter_budget"] = _money(Fraction(prof.budget, max(prof.n, 1)), prof.scale)
    else:  # mes-add1
        sel, expl, k = engine.mes_add1(prof, explain=explain)
        details["increments"] = k
        details["voter_budget"] = float(Fraction(prof.budget, max(prof.n, 1)) / prof.scale + k)
    if completion and _completes(rule):
        chosen = set(sel)
        spare = prof.budget - sum(prof.costs[j] for j in sel)
        mates = prof.group_mates()
        exhaustive = not any(
            j not in chosen and prof.costs[j] <= spare and not any(g in chosen for g in mates.get(j, ()))
            for j in range(prof.m)
        )
        if not exhaustive:
            sel2, expl2 = engine.greedy(prof, initial=sel, phase="completion")
            for j, e in expl2.items():
                before = expl.get(j)
                if e.funded:
                    expl[j] = CompletionFunded(rank=e.rank, round=e.round, remaining_before=e.remaining_before,
                                               remaining_after=e.remaining_after, mes=before)
                elif isinstance(before, NotAffordable) and isinstance(e, ExcludedByGroup):
                    expl[j] = replace(before, completion_reason=e.reason.value, conflicts_with=e.conflicts_with)
                elif isinstance(before, NotAffordable) and isinstance(e, InsufficientBudget):
                    expl[j] = replace(before, completion_reason=e.reason.value, remaining=e.remaining)
            sel = sel2
    # attach common numbers
    votes = {j: len(prof.sup[j]) for j in range(prof.m)}
    scores = {j: (votes[j] if kind == "approval" else int(prof.wts[j].sum())) for j in range(prof.m)}
    explanations: dict[str, Explanation] = {}
    for j in range(prof.m) if explain else ():
        e = expl.get(j) or NotSelected(phase=rule)
        for record in (e, getattr(e, "mes", None)):
            if record is not None:
                record.project, record.cost = ids[j], _money(prof.costs[j], prof.scale)
                record.votes, record.score = votes[j], scores[j]
        explanations[ids[j]] = e
    total = sum(prof.costs[j] for j in sel)
    return TallyResult(
        selected=[ids[j] for j in sel],
        total_cost=_money(total, prof.scale),
        budget=_money(prof.budget, prof.scale),
        rule=rule,
        explanations=explanations,
        scores={ids[j]: scores[j] for j in range(prof.m)},
        completion=bool(completion and _completes(rule)),
        details=details,
    )


def _normalise(projects, ballots, ballot_kind, ordinal_scoring):
    specs = []
    for p in projects:
        if isinstance(p, (tuple, list)):
            specs.append((str(p[0]), p[1]))
        else:
            specs.append((str(p.id), p.cost))
    ids = [s[0] for s in specs]
    costs = [s[1] for s in specs]
    ballots = list(ballots)
    if ballot_kind is None:
        ballot_kind = "cumulative" if ballots and isinstance(ballots[0], Mapping) else "approval"
    if ballot_kind not in BALLOT_KINDS:
        raise ValueError(f"unknown ballot_kind {ballot_kind!r}")
    if ordinal_scoring not in ("approval", "borda"):
        raise ValueError("ordinal_scoring must be 'approval' or 'borda'")
    return ids, costs, ballots, ballot_kind


def tally(
    projects: Sequence[ProjectSpec] | Sequence[tuple[str, int]],
    ballots: Iterable,
    budget: int | Fraction,
    rule: str = "greedy",
    *,
    ballot_kind: str | None = None,
    exclusive_groups: Iterable[Iterable[str]] | None = None,
    completion: bool = False,
    ordinal_scoring: str = "approval",
    borda_top: int | None = None,
) -> TallyResult:
    """Tally ballots.

    ``projects``: :class:`ProjectSpec` (or ``(id, cost)`` tuples / objects with
    ``id`` and ``cost``). ``ballots``: for ``ballot_kind`` ``"approval"`` /
    ``"choose-1"`` iterables of ids; ``"cumulative"``/``"scoring"``: dicts
    id -> points; ``"ordinal"``: rankings (lists of ids, best first).
    ``ballot_kind=None`` guesses: dict ballots -> cumulative, else approval.

    Ordinal ballots are scored with ``ordinal_scoring``: ``"approval"`` (every
    ranked project approved; this is what pabutools' cost satisfaction does on
    ordinal ballots) or ``"borda"`` (points ``borda_top``, ``borda_top-1``, ... for
    the top positions, then tallied like cumulative ballots).

    ``exclusive_groups``: sets of mutually exclusive project ids (at most one of a
    group is funded; later ones are skipped). ``completion``: after ``mes`` /
    ``mes-add1``, complete the outcome with greedy.
    """
    ids, costs, ballots, ballot_kind = _normalise(projects, ballots, ballot_kind, ordinal_scoring)
    ptr, proj, pts = _csr_from_ballots(ids, ballots, ballot_kind, ordinal_scoring, borda_top)
    res = _run(ids, costs, budget, ptr, proj, pts, rule, exclusive_groups, completion)
    res.details["ballot_kind"] = ballot_kind
    return res


def _election_arrays(election: Election, ordinal_scoring: str, borda_top):
    ptr, proj, pts = election.ballot_ptr, election.ballot_proj, election.ballot_points
    if election.vote_type == "ordinal" and ordinal_scoring == "borda":
        n = election.num_voters
        lengths = np.diff(ptr)
        top = int(lengths.max()) if borda_top is None and n else (borda_top or 0)
        pos = np.arange(len(proj)) - np.repeat(ptr[:-1], lengths)
        keep = pos < top
        pts = (top - pos)[keep].astype(np.int64)
        proj = proj[keep]
        ptr = np.concatenate([[0], np.cumsum(np.minimum(lengths, top))])
    elif ordinal_scoring not in ("approval", "borda"):
        raise ValueError("ordinal_scoring must be 'approval' or 'borda'")
    return ptr, proj, pts


def tally_election(
    election: Election,
    rule: str = "greedy",
    *,
    exclusive_groups: Iterable[Iterable[str]] | None = None,
    completion: bool = False,
    ordinal_scoring: str = "approval",
    borda_top: int | None = None,
    explain: bool = True,
) -> TallyResult:
    """Tally a parsed Pabulib election (see :func:`tally` for the options). ``explain=False``
    leaves ``explanations`` empty and skips what only they need (MES's payments, voter by voter:
    on Warszawa most of the time of a recount that prints the selection only).

    approval / choose-1 ballots use cost satisfaction, cumulative / scoring ballots
    the points, ordinal ballots approval of the ranked projects (default) or Borda.
    """
    ids = election.project_ids
    costs = [p.cost for p in election.projects]
    ptr, proj, pts = _election_arrays(election, ordinal_scoring, borda_top)
    res = _run(ids, costs, election.budget, ptr, proj, pts, rule, exclusive_groups, completion, explain)
    res.details["ballot_kind"] = election.vote_type
    return res


def tally_file(path, rule: str = "greedy", **options) -> dict[str, Any]:
    """Parse a ``.pb`` file and tally it: ``{"rule", "selected", "cost", "budget"}``."""
    res = tally_election(parse_pb(path), rule, **options)
    return {"rule": rule, "selected": res.selected, "cost": res.total_cost, "budget": res.budget}
