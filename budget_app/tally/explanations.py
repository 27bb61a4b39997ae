"""The explanation contract: why the rule funded a project or left it out, with the numbers.

The engine produces one record per project (:class:`Explanation` subclasses, one per
:class:`Reason` and rule); :meth:`Explanation.to_dict` is the JSON form stored with a tally and
printed by ``pb tally --explain``; :func:`from_dict` reads that form back, including the shapes
stored before this contract (they lack some numbers; readers then say less, never something
false). Money is in currency units (``int`` when whole, else ``float``).

Records and their numbers:

================================  =========  ================================================
record                            reason     numbers
================================  =========  ================================================
:class:`GreedyFunded`             selected   rank, round, remaining_before, remaining_after
:class:`MesFunded`                selected   round, supporters, rho, payments
:class:`PhragmenFunded`           selected   round, supporters, max_load, remaining_after
:class:`ZeroCostFunded`           zero_cost  round
:class:`CompletionFunded`         completion rank, round, remaining_before, remaining_after, mes
:class:`InsufficientBudget`       insufficient_budget  rank, remaining
:class:`NotAffordable`            not_affordable_by_supporters  supporters, supporters_budget
                                             (+ completion_reason, remaining, conflicts_with)
:class:`ExcludedByGroup`          excluded_by_group  conflicts_with (+ rank)
:class:`NoSupporters`             no_supporters
:class:`ExceedsBudget`            exceeds_budget  budget
:class:`RuleStopped`              rule_stopped  remaining, stopped_by
:class:`NotSelected`              not_selected
================================  =========  ================================================

``payments`` of :class:`MesFunded` is ``[[amount, number_of_voters], ...]``, largest amount
first: what each supporter actually paid (an equal share, or all they had left), summing to the
cost. Every record also has ``project``, ``phase`` (``greedy``, ``mes``, ``phragmen``,
``completion``), ``cost``, ``votes`` and ``score``.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum
from typing import Any, ClassVar

__all__ = [
    "Reason", "Explanation", "GreedyFunded", "MesFunded", "PhragmenFunded", "ZeroCostFunded",
    "CompletionFunded", "InsufficientBudget", "NotAffordable", "ExcludedByGroup", "NoSupporters",
    "ExceedsBudget", "RuleStopped", "NotSelected", "from_dict",
]

Money = int | float


class Reason(str, Enum):
    """Why a project was funded or not (the stored code is the value)."""

    SELECTED = "selected"
    ZERO_COST = "zero_cost"
    COMPLETION = "completion"
    INSUFFICIENT_BUDGET = "insufficient_budget"
    NOT_AFFORDABLE = "not_affordable_by_supporters"
    EXCLUDED_BY_GROUP = "excluded_by_group"
    NO_SUPPORTERS = "no_supporters"
    EXCEEDS_BUDGET = "exceeds_budget"
    RULE_STOPPED = "rule_stopped"
    NOT_SELECTED = "not_selected"


@dataclass(kw_only=True)
class Explanation:
    """Common part of every record."""

    reason: ClassVar[Reason] = Reason.NOT_SELECTED
    funded: ClassVar[bool] = False
    project: str = ""
    phase: str = ""
    cost: Money = 0
    votes: int = 0
    score: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``reason`` and ``funded`` first, then every field that has a value."""
        out: dict[str, Any] = {"reason": self.reason.value, "funded": self.funded}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = value.to_dict() if isinstance(value, Explanation) else value
        return out


@dataclass(kw_only=True)
class GreedyFunded(Explanation):
    reason: ClassVar[Reason] = Reason.SELECTED
    funded: ClassVar[bool] = True
    phase: str = "greedy"
    rank: int = 0
    round: int = 0
    remaining_before: Money | None = None
    remaining_after: Money | None = None


@dataclass(kw_only=True)
class MesFunded(Explanation):
    reason: ClassVar[Reason] = Reason.SELECTED
    funded: ClassVar[bool] = True
    phase: str = "mes"
    round: int = 0
    supporters: int = 0
    #: money paid per unit of satisfaction (pabutools' affordability)
    rho: float | None = None
    #: [[amount, number_of_voters], ...], largest first, summing to the cost; None in old records
    payments: list[list] | None = None

    @property
    def payers(self) -> int:
        return sum(count for _, count in self.payments or [])


@dataclass(kw_only=True)
class PhragmenFunded(Explanation):
    reason: ClassVar[Reason] = Reason.SELECTED
    funded: ClassVar[bool] = True
    phase: str = "phragmen"
    round: int = 0
    supporters: int = 0
    #: the load every supporter carries once it is bought (currency units)
    max_load: float | None = None
    remaining_after: Money | None = None


@dataclass(kw_only=True)
class ZeroCostFunded(Explanation):
    reason: ClassVar[Reason] = Reason.ZERO_COST
    funded: ClassVar[bool] = True
    phase: str = "mes"
    round: int = 0


@dataclass(kw_only=True)
class NotAffordable(Explanation):
    """MES left it out: its supporters' remaining money was less than its cost."""

    reason: ClassVar[Reason] = Reason.NOT_AFFORDABLE
    phase: str = "mes"
    supporters: int = 0
    #: what its supporters had left when MES ended
    supporters_budget: Money | None = None
    #: when a greedy completion followed and did not fund it either: why (a Reason value)
    completion_reason: str | None = None
    remaining: Money | None = None
    conflicts_with: str | None = None


@dataclass(kw_only=True)
class CompletionFunded(Explanation):
    reason: ClassVar[Reason] = Reason.COMPLETION
    funded: ClassVar[bool] = True
    phase: str = "completion"
    rank: int = 0
    round: int = 0
    remaining_before: Money | None = None
    remaining_after: Money | None = None
    #: why MES itself had not funded it
    mes: Explanation | None = None


@dataclass(kw_only=True)
class InsufficientBudget(Explanation):
    reason: ClassVar[Reason] = Reason.INSUFFICIENT_BUDGET
    rank: int | None = None
    remaining: Money | None = None


@dataclass(kw_only=True)
class ExcludedByGroup(Explanation):
    reason: ClassVar[Reason] = Reason.EXCLUDED_BY_GROUP
    conflicts_with: str = ""
    rank: int | None = None


@dataclass(kw_only=True)
class NoSupporters(Explanation):
    reason: ClassVar[Reason] = Reason.NO_SUPPORTERS


@dataclass(kw_only=True)
class ExceedsBudget(Explanation):
    reason: ClassVar[Reason] = Reason.EXCEEDS_BUDGET
    phase: str = "phragmen"
    budget: Money | None = None


@dataclass(kw_only=True)
class RuleStopped(Explanation):
    reason: ClassVar[Reason] = Reason.RULE_STOPPED
    phase: str = "phragmen"
    remaining: Money | None = None
    stopped_by: str | None = None


@dataclass(kw_only=True)
class NotSelected(Explanation):
    pass


_BY_REASON: dict[Reason, type[Explanation]] = {
    Reason.ZERO_COST: ZeroCostFunded, Reason.COMPLETION: CompletionFunded,
    Reason.INSUFFICIENT_BUDGET: InsufficientBudget, Reason.NOT_AFFORDABLE: NotAffordable,
    Reason.EXCLUDED_BY_GROUP: ExcludedByGroup, Reason.NO_SUPPORTERS: NoSupporters,
    Reason.EXCEEDS_BUDGET: ExceedsBudget, Reason.RULE_STOPPED: RuleStopped, Reason.NOT_SELECTED: NotSelected,
}
_SELECTED_BY_PHASE: dict[str, type[Explanation]] = {"mes": MesFunded, "mes-add1": MesFunded,
                                                    "phragmen": PhragmenFunded}


def record_class(reason: str | None, phase: str | None) -> type[Explanation]:
    """The record class for a stored ``reason`` and ``phase``."""
    try:
        code = Reason(reason)
    except ValueError:
        return NotSelected
    if code is Reason.SELECTED:
        return _SELECTED_BY_PHASE.get(phase or "", GreedyFunded)
    return _BY_REASON[code]


def from_dict(data: dict | None) -> Explanation:
    """A record from its JSON form (or from an older stored shape: unknown keys are ignored and
    missing numbers stay None). An unknown reason gives :class:`NotSelected`."""
    data = dict(data or {})
    cls = record_class(data.get("reason"), data.get("phase"))
    names = {f.name for f in fields(cls)}
    values = {k: v for k, v in data.items() if k in names and v is not None}
    if cls is CompletionFunded and isinstance(values.get("mes"), dict):
        values["mes"] = from_dict(values["mes"])
    if cls is MesFunded and values.get("payments") is not None:
        values["payments"] = [[amount, int(count)] for amount, count in values["payments"]]
    return cls(**values)
