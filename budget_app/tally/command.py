"""The text that ``pb tally`` and ``python -m budget_app.tally`` print for a Pabulib file.

One function for both entries, so their output is the same byte for byte; no Flask, no database.
"""
from __future__ import annotations

import json
from pathlib import Path


class TallyCommandError(Exception):
    """A file that cannot be read or tallied; the message names the file."""


def _load(path: str):
    # The engine's modules import NumPy: loaded when a file is tallied, not when `pb --help` starts
    from .pabulib import PabulibError, parse_pb

    try:
        return parse_pb(Path(path))
    except PabulibError as exc:
        raise TallyCommandError(f"{path}: {exc}")
    except UnicodeDecodeError:
        raise TallyCommandError(f"{path}: not a UTF-8 text file")


def _margins(election, rule: str, completion: bool, selected) -> dict:
    # NumPy, as in _load
    from .api import election_profile
    from .margins import KEYS, margins

    found = margins(election_profile(election), rule, completion=completion, selected=selected)
    return {pid: {k: rec[k] for k in KEYS} for pid, rec in found.items()}


def tally_output(path: str, rule: str = "greedy", *, completion: bool = False, as_json: bool = False,
                 explain: bool = False, with_margins: bool = False) -> str:
    """What the command prints (without the final newline). ``with_margins``: add each project's
    margins (see :mod:`.margins`): ``"margins": {id: {"max_cost_funded", "extra_supporters_needed",
    "cost_headroom", "supporters_to_spare"}}`` with --json, else one line per project."""
    from .api import tally_election  # NumPy, as in _load

    election = _load(path)
    try:
        result = tally_election(election, rule, completion=completion, explain=explain)
        found = _margins(election, rule, completion, result.selected) if with_margins else None
    except ValueError as exc:
        raise TallyCommandError(f"{path}: {exc}")
    if as_json:
        out = {"rule": rule, "selected": result.selected, "cost": result.total_cost, "budget": result.budget}
        if explain:
            out["voters"] = election.num_voters
            out["explanations"] = {pid: e.to_dict() for pid, e in result.explanations.items()}
        if found is not None:
            out["margins"] = found
        return json.dumps(out, ensure_ascii=False)
    if found is not None:
        chosen = set(result.selected)
        return "\n".join(f"{pid}\t{'funded' if pid in chosen else 'not funded'}\t" + json.dumps(rec)
                         for pid, rec in found.items())
    if explain:
        lines = []
        for pid, e in result.explanations.items():
            numbers = {k: v for k, v in e.to_dict().items() if k not in ("project", "reason", "funded", "mes")}
            lines.append(f"{pid}\t{'funded' if e.funded else 'not funded'}\t{e.reason.value}\t"
                         + json.dumps(numbers, ensure_ascii=False))
        return "\n".join(lines)
    return "\n".join(result.selected)


def _labels(election) -> dict:
    """Pabulib's optional ``category`` and ``target`` project columns (comma-separated) as the
    fairness report's dimensions."""
    dims = {}
    for column, name in (("category", "category"), ("target", "target_group")):
        if any(p.extra.get(column) for p in election.projects):
            dims[name] = {p.id: [x.strip() for x in (p.extra.get(column) or "").split(",") if x.strip()]
                          for p in election.projects}
    return dims


def analyse_output(path: str, rule: str = "greedy", *, completion: bool = False, as_json: bool = False) -> str:
    """The fairness report of the outcome of ``rule`` (``pb analyse``): the four voter-satisfaction
    metrics (pabutools' names), unspent money, money against votes per category / target group
    (when the file has those columns) and the proportionality check."""
    # NumPy and HiGHS, as in _load
    from .api import election_profile, tally_election
    from .fairness import fairness_report
    from .proportionality import proportionality_report

    election = _load(path)
    try:
        # the report reads the selection, not the explanations
        result = tally_election(election, rule, completion=completion, explain=False)
        prof = election_profile(election)
        out = {"rule": rule, "selected": result.selected, "voters": election.num_voters,
               **fairness_report(prof, result.selected, dimensions=_labels(election) or None),
               "proportionality": proportionality_report(prof, result.selected, rule)}
    except ValueError as exc:
        raise TallyCommandError(f"{path}: {exc}")
    if as_json:
        return json.dumps(out, ensure_ascii=False)
    lines = [f"rule: {rule}", f"voters: {out['voters']}",
             f"percent_non_empty_handed: {out['percent_non_empty_handed']:.4f}",
             f"avg_satisfaction: {out['avg_satisfaction']:.4f} ({out['satisfaction_kind']})",
             f"gini_coefficient_of_satisfaction: {out['gini_coefficient_of_satisfaction']:.4f}",
             "satisfaction_histogram: " + " ".join(f"{x:.3f}" for x in out["satisfaction_histogram"]),
             f"unspent: {out['unspent']['unspent']} of {out['unspent']['budget']}"]
    for prop in ("ejr_up_to_one", "pjr"):
        check = out["proportionality"][prop]
        if check["satisfied"] is None:
            answer = f"not checked exactly ({check['reason']})"
        elif check["satisfied"]:
            answer = "yes"
        else:
            g = check["group"]
            answer = f"no: {g['size']} voters all supporting {', '.join(g['projects'])}"
        lines.append(f"{prop}: {answer}")
    guarantee = out["proportionality"]["guarantee"]
    lines.append(f"proven guarantee of {rule}: {guarantee or 'none'}")
    return "\n".join(lines)
