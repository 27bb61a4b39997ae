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

import importlib

from .rules import BALLOT_KINDS, RULES, TALLY_RULES, TallyRule, completes, rule_from_pb

# The rest is imported on first use (PEP 562): the engine needs NumPy, which a web worker or the
# command line does not load until something is tallied.
_LAZY = {
    "ProjectSpec": "api", "TallyResult": "api", "borda_points": "api", "tally": "api",
    "tally_election": "api", "tally_file": "api", "election_profile": "api", "profile": "api",
    "Election": "pabulib", "PabulibError": "pabulib", "PbProject": "pabulib", "parse_pb": "pabulib",
    "write_pb": "pabulib",
}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "BALLOT_KINDS",
    "RULES",
    "TALLY_RULES",
    "TallyRule",
    "completes",
    "rule_from_pb",
    "Election",
    "PabulibError",
    "PbProject",
    "ProjectSpec",
    "TallyResult",
    "borda_points",
    "election_profile",
    "profile",
    "parse_pb",
    "tally",
    "tally_election",
    "tally_file",
    "write_pb",
]
