"""A parsed Pabulib election: its projects and its ballots in CSR form (one row per ballot).

* ``election.ballot_ptr``  -- int64 array of length ``n_voters + 1``;
* ``election.ballot_proj`` -- int32 array of project *indices* (into
  ``election.projects``), in ballot order (rank order for ordinal ballots);
* ``election.ballot_points`` -- int64 array aligned with ``ballot_proj`` for
  cumulative / scoring ballots, else ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Mapping, Sequence

import numpy as np

from .values import CARDINAL_VOTE_TYPES, VOTE_TYPES, format_number


@dataclass
class PbProject:
    """A project of a Pabulib election.

    ``extra`` holds every other column of the PROJECTS section (e.g. ``votes``,
    ``category``, ``selected``) as raw strings, in file order.
    """

    id: str
    cost: int | Fraction
    name: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def selected(self) -> bool | None:
        """The official outcome from the ``selected`` column (None if absent)."""
        v = self.extra.get("selected")
        if v is None or v.strip() == "" or v.strip().lower() == "none":
            return None
        try:
            return float(v) > 0
        except ValueError:
            return None


@dataclass
class Election:
    """A parsed Pabulib election (see the module docstring for the vote arrays)."""

    meta: dict[str, str]
    projects: list[PbProject]
    vote_type: str
    budget: int | Fraction
    ballot_ptr: np.ndarray
    ballot_proj: np.ndarray
    ballot_points: np.ndarray | None = None
    voter_ids: list[str] = field(default_factory=list)
    #: other VOTES columns (age, sex, ...): column name -> list of raw strings
    vote_extra: dict[str, list[str]] = field(default_factory=dict)
    #: PROJECTS column order (for faithful export)
    project_columns: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ helpers
    @property
    def num_voters(self) -> int:
        return len(self.ballot_ptr) - 1

    @property
    def project_ids(self) -> list[str]:
        return [p.id for p in self.projects]

    def project_index(self) -> dict[str, int]:
        return {p.id: i for i, p in enumerate(self.projects)}

    @property
    def is_cardinal(self) -> bool:
        return self.ballot_points is not None

    def ballot(self, i: int):
        """Ballot ``i`` as a list of ids (approval/ordinal) or an id->points dict."""
        a, b = self.ballot_ptr[i], self.ballot_ptr[i + 1]
        ids = [self.projects[j].id for j in self.ballot_proj[a:b]]
        if self.ballot_points is None:
            return ids
        return dict(zip(ids, (int(x) for x in self.ballot_points[a:b])))

    def ballots(self) -> list:
        """All ballots (see :meth:`ballot`)."""
        return [self.ballot(i) for i in range(self.num_voters)]

    def selected_ids(self) -> list[str] | None:
        """Ids of projects marked selected in the file, or None if no such column."""
        if not any(p.selected is not None for p in self.projects):
            return None
        return [p.id for p in self.projects if p.selected]

    def vote_matrix(self, dtype=np.int64) -> np.ndarray:
        """Dense voters x projects matrix: 1 for approval, points for cardinal ballots."""
        n, m = self.num_voters, len(self.projects)
        mat = np.zeros((n, m), dtype=dtype)
        rows = np.repeat(np.arange(n), np.diff(self.ballot_ptr))
        vals = 1 if self.ballot_points is None else self.ballot_points
        mat[rows, self.ballot_proj] = vals
        return mat

    def anonymized(self) -> "Election":
        """Copy with voter ids 1..n and no per-voter metadata (for public export)."""
        return Election(
            meta=dict(self.meta),
            projects=list(self.projects),
            vote_type=self.vote_type,
            budget=self.budget,
            ballot_ptr=self.ballot_ptr,
            ballot_proj=self.ballot_proj,
            ballot_points=self.ballot_points,
            voter_ids=[str(i + 1) for i in range(self.num_voters)],
            vote_extra={},
            project_columns=list(self.project_columns),
        )

    @classmethod
    def from_ballots(
        cls,
        projects: Sequence,
        ballots: Sequence,
        budget: int | Fraction,
        vote_type: str = "approval",
        meta: Mapping[str, str] | None = None,
        voter_ids: Sequence[str] | None = None,
    ) -> "Election":
        """Build an election from app data.

        ``projects``: objects with ``id`` and ``cost`` (and optional ``name``) or
        ``(id, cost)`` / ``(id, cost, name)`` tuples. ``ballots``: iterables of ids
        (approval / choose-1 / ordinal, rank order kept) or ``{id: points}`` dicts
        (cumulative / scoring).
        """
        if vote_type not in VOTE_TYPES:
            raise ValueError(f"unknown vote_type {vote_type!r}")
        pbs: list[PbProject] = []
        for p in projects:
            if isinstance(p, PbProject):
                pbs.append(p)
            elif isinstance(p, (tuple, list)):
                pbs.append(PbProject(str(p[0]), p[1], str(p[2]) if len(p) > 2 else ""))
            else:
                pbs.append(PbProject(str(p.id), p.cost, str(getattr(p, "name", "") or "")))
        index = {p.id: i for i, p in enumerate(pbs)}
        if len(index) != len(pbs):
            raise ValueError("duplicate project id")
        cardinal = vote_type in CARDINAL_VOTE_TYPES
        ptr = [0]
        proj: list[int] = []
        pts: list[int] = []
        for b in ballots:
            if cardinal:
                for pid, v in dict(b).items():
                    proj.append(index[str(pid)])
                    pts.append(int(v))
            else:
                seen = set()
                for pid in b:
                    j = index[str(pid)]
                    if j not in seen:
                        seen.add(j)
                        proj.append(j)
            ptr.append(len(proj))
        n = len(ptr) - 1
        m = dict(meta or {})
        m.setdefault("description", "Exported from Sharaka")
        m.setdefault("country", "")
        m.setdefault("unit", "")
        m.setdefault("instance", "")
        m["num_projects"] = str(len(pbs))
        m["num_votes"] = str(n)
        m["budget"] = format_number(budget)
        m["vote_type"] = vote_type
        m.setdefault("rule", "greedy")
        return cls(
            meta=m,
            projects=pbs,
            vote_type=vote_type,
            budget=budget,
            ballot_ptr=np.asarray(ptr, dtype=np.int64),
            ballot_proj=np.asarray(proj, dtype=np.int32),
            ballot_points=np.asarray(pts, dtype=np.int64) if cardinal else None,
            voter_ids=[str(v) for v in voter_ids] if voter_ids is not None else [str(i + 1) for i in range(n)],
            vote_extra={},
            project_columns=["project_id", "cost", "name"],
        )
