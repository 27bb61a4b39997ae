"""The ballot methods, one class per file, in one registry.

Adding a method: a new module here with a :class:`BallotMethod` subclass, listed in ``METHODS``
below, its template ``templates/cycles/methods/<key>.html`` (macros ``input``, ``instructions``,
``rule``) and its strings in the catalog.
"""
from __future__ import annotations

from budget_app.cycles.methods.approval import Approval
from budget_app.cycles.methods.base import BallotMethod, refuse_two_of_a_group
from budget_app.cycles.methods.cost_limited import CostLimited
from budget_app.cycles.methods.cumulative import Cumulative
from budget_app.cycles.methods.ranked import Ranked

#: key → method, in the order the cycle form offers them
METHODS: dict[str, BallotMethod] = {m.key: m for m in (Approval(), CostLimited(), Cumulative(), Ranked())}
DEFAULT = "approval"

#: Pabulib vote types read by ``flask pb import`` → the method that holds such ballots
PB_VOTE_TYPES = {"approval": "approval", "choose-1": "approval", "cumulative": "cumulative",
                 "scoring": "cumulative", "ordinal": "ranked"}

__all__ = ["METHODS", "DEFAULT", "PB_VOTE_TYPES", "BallotMethod", "get", "refuse_two_of_a_group"]


def get(key: str | None) -> BallotMethod | None:
    """The method named ``key`` (None when there is none of that name)."""
    return METHODS.get(key or "")
