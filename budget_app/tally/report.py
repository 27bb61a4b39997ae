"""Everything stored with a tally beside the outcome: fairness report and proportionality per rule.

``analyse`` takes the inputs of :func:`~.api.tally` and the outcome of each rule compared, and
returns ``{"fairness": {rule: ...}, "proportionality": {rule: ...}}`` (JSON-ready; see
:mod:`.fairness` and :mod:`.proportionality` for the keys).
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from .api import profile
from .fairness import fairness_report
from .margins import KEYS, margins
from .proportionality import proportionality_report

__all__ = ["analyse"]

#: seconds each proportionality property may take when a cycle is closed
CLOSE_TIME_LIMIT = 10.0
#: seconds the margins may take when a cycle is closed (projects not reached are marked)
CLOSE_MARGINS_SECONDS = 20.0


def analyse(projects, ballots, budget, selections: Mapping[str, Sequence[str]], *,
            dimensions: Mapping[str, Mapping[str, Iterable[str]]] | None = None,
            time_limit: float = CLOSE_TIME_LIMIT, margins_of: tuple[str, bool] | None = None,
            margins_seconds: float = CLOSE_MARGINS_SECONDS, **options) -> dict[str, Any]:
    """``margins_of``: ``(rule, completion)`` of the outcome whose margins to add (``"margins"``:
    ``{id: {max_cost_funded, extra_supporters_needed, cost_headroom, supporters_to_spare}}`` and, when
    a search hit its cap or the time ran out, ``not_within`` / ``not_computed``)."""
    prof = profile(projects, ballots, budget, **options)
    extra = {}
    if margins_of is not None:
        rule, completion = margins_of
        found = margins(prof, rule, completion=completion, selected=selections.get(rule),
                        time_budget=margins_seconds)
        extra["margins"] = {pid: {k: v for k, v in rec.items() if k in KEYS or k in ("not_within", "not_computed")}
                            for pid, rec in found.items()}
    return {**extra,
        "fairness": {rule: fairness_report(prof, sel, dimensions=dimensions) for rule, sel in selections.items()},
        "proportionality": {rule: proportionality_report(prof, sel, rule, time_limit=time_limit)
                            for rule, sel in selections.items()},
    }
