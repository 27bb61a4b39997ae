"""Sharaka tally engine: pure Python + NumPy (no Flask, no database).

Public API::

    parse_pb(path_or_text) -> Election          # Pabulib parser (raises PabulibError)
    write_pb(election) -> str                   # Pabulib export
    Election.from_ballots(projects, ballots, budget, vote_type, meta)
    tally(projects, ballots, budget, rule, *, ballot_kind, exclusive_groups,
          completion, ordinal_scoring, borda_top) -> TallyResult
    tally_election(election, rule, **options) -> TallyResult
    tally_file(path, rule) -> {"rule", "selected", "cost", "budget"}

Rules: "greedy", "mes", "mes-add1", "phragmen" (outcomes identical to pabutools
1.2.3 with its default lexicographic tie-breaking).
"""

from .api import (
    BALLOT_KINDS,
    RULES,
    ProjectSpec,
    TallyResult,
    borda_points,
    tally,
    tally_election,
    tally_file,
)
from .pabulib import Election, PabulibError, PbProject, parse_pb, write_pb

__all__ = [
    "BALLOT_KINDS",
    "RULES",
    "Election",
    "PabulibError",
    "PbProject",
    "ProjectSpec",
    "TallyResult",
    "borda_points",
    "parse_pb",
    "tally",
    "tally_election",
    "tally_file",
    "write_pb",
]
