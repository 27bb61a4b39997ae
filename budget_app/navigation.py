"""What the council layout, the overview page and the task panel gather from the features,
without importing them (see budget_app.features):

- **council tabs**: the tab bar shown on every council-scoped page;
- **task providers**: functions ``(user, scope) -> list[Task]`` that find what the user has to
  do in the councils of ``scope``, with one query per kind of task;
- **public card links**, **activity feed** entries and **overview cards**.

Templates call ``council_tabs(council)``, ``home_cards(council)`` and ``my_tasks(councils)``
(see ``init_app``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import g, url_for
from flask_login import current_user

from budget_app.features import installed, resolve


def card_links(councils) -> dict[int, list[tuple[str, str, dict]]]:
    """The public links of each council card, gathered from every feature (one query each)."""
    out: dict[int, list] = {}
    for feature in installed():
        if feature.card_links:
            for council_id, links in resolve(feature.card_links)(councils).items():
                out.setdefault(council_id, []).extend(links)
    return out


def activity_actions() -> dict:
    """``{audit action: lazy label}`` that the features add to the council's activity feed."""
    out: dict = {}
    for feature in installed():
        out.update(feature.activity_actions)
    return out


def activity_describers() -> dict[str, str]:
    """``{object type: "module:function(council, ids)"}`` from every feature."""
    return {kind: spec for feature in installed() for kind, spec in feature.activity_objects.items()}


def describe_activity(council, entries) -> dict:
    """``{(object_type, object_id): (title, endpoint, values)}`` for audit ``entries`` of ``council``
    (endpoint None: no page to link): one query per type of object."""
    describers = activity_describers()
    wanted: dict[str, set] = {}
    for e in entries:
        if e.object_type in describers and e.object_id:
            wanted.setdefault(e.object_type, set()).add(e.object_id)
    out = {}
    for object_type, ids in wanted.items():
        found = resolve(describers[object_type])(council, sorted(ids))
        out.update({(object_type, str(k)): v for k, v in found.items()})
    return out


def tabs_for(council, user, view_functions) -> list[tuple[str, str, str]]:
    """``[(key, url, label)]`` of the tabs ``user`` may open in ``council``, in order."""
    tabs = sorted((tab for feature in installed() for tab in feature.tabs), key=lambda t: t.order)
    out = []
    for tab in tabs:
        if tab.endpoint not in view_functions:
            continue
        if tab.visible is not None and not tab.visible(council, user):
            continue
        out.append((tab.key, url_for(tab.endpoint, slug=council.slug), str(tab.label)))
    return out


def home_cards(council) -> list[tuple[str, dict]]:
    """``[(template, context)]`` of the cards the features add to the council's overview page."""
    cards = sorted((card for feature in installed() for card in feature.home_cards), key=lambda c: c.order)
    return [(card.template, resolve(card.context)(council)) for card in cards]


# Tasks ---------------------------------------------------------------------------------
@dataclass
class Task:
    """One thing a user has to do (or may still change), shown in the task panel.

    ``kind`` picks the sentence the panel shows: ``round_vote``, ``cycle_vote``,
    ``approval_vote``, ``cycle_review``, ``feedback``, ``recommendation``, ``next_step``.
    """
    kind: str
    council: object
    title: str
    endpoint: str
    values: dict = field(default_factory=dict)
    closes_at: datetime | None = None
    due_on: date | None = None
    done: bool = False  # voted already (may still change it)
    overdue: bool = False
    count: int | None = None
    step: str = ""  # next_step: the cycle's phase

    @property
    def sort_key(self):
        urgent = 0 if self.overdue else 1
        when = self.closes_at.date() if self.closes_at else self.due_on or date.max
        return (self.done, urgent, when, self.kind, self.title)


@dataclass
class TaskScope:
    """The councils a user takes part in, by what they may do there."""
    user: object
    councils: dict  # id -> Council
    member_ids: set  # a seat (any role but reviewer): votes, rounds, approval, recommendations
    manage_ids: set  # coordinator: moderation
    direct_ids: set  # budget director: the cycle's next step
    review_ids: set = frozenset()  # technical reviewer: proposals awaiting their review

    @classmethod
    def of(cls, user, councils=None) -> "TaskScope":
        """From the user's memberships (administrators get no tasks for councils they do not sit on)."""
        memberships = list(getattr(user, "memberships", []) or [])
        wanted = None if councils is None else {c.id for c in councils}
        rows = [m for m in memberships if wanted is None or m.council_id in wanted]
        return cls(user=user, councils={m.council_id: m.council for m in rows},
                   member_ids={m.council_id for m in rows if m.role != "reviewer"},
                   manage_ids={m.council_id for m in rows if m.role == "coordinator"},
                   direct_ids={m.council_id for m in rows if m.role == "director"},
                   review_ids={m.council_id for m in rows if m.role == "reviewer"})


def tasks_for(user, councils=None) -> list[Task]:
    """Every task of ``user`` in ``councils`` (default: all their councils), most urgent first."""
    if not getattr(user, "is_authenticated", False):
        return []
    scope = TaskScope.of(user, councils)
    if not scope.member_ids and not scope.review_ids:
        return []
    tasks: list[Task] = []
    for feature in installed():
        if feature.tasks:
            tasks.extend(resolve(feature.tasks)(user, scope))
    return sorted(tasks, key=lambda t: t.sort_key)


def init_app(app) -> None:
    def council_tabs(council):
        return tabs_for(council, current_user, app.view_functions)

    def my_tasks(councils=None):
        # Computed once per request and council set (the dashboard and layout may both ask).
        key = None if councils is None else tuple(sorted(c.id for c in councils))
        cache = g.setdefault("_sharaka_tasks", {})
        if key not in cache:
            cache[key] = tasks_for(current_user, councils)
        return cache[key]

    app.jinja_env.globals.update(council_tabs=council_tabs, my_tasks=my_tasks, home_cards=home_cards)
