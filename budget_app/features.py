"""What a feature package offers the application, in one object.

Each package (``councils``, ``priorities``, ``budget_app.cycles``, ``citizen_budget``, and the
core's ``main``, ``auth``, ``admin``) exposes ``feature = Feature(...)``: its blueprints, the
modules defining its tables, its demo seeders, the tabs it adds to the council layout, its
task-panel provider, its links on the public council cards, its entries in the council's
activity feed, its cards on the council's overview page, the objects that hold photos and
documents (and which of those are public), the kinds of notification it sends (:class:`EventKind`,
see budget_app.notifications) and its reminder finders. ``create_app`` lists the features
once, in order; nothing else names them. The core reads them through :func:`installed` and never
imports a feature package.

Functions are named ``"module:function"`` where importing them at start-up would pull in code
only some requests need (demo seeders, task queries); they are imported on first use.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from flask import current_app

EXTENSION_KEY = "sharaka.features"


@dataclass(frozen=True)
class CouncilTab:
    """A tab of the council layout (templates/councils/_nav.html)."""
    key: str
    endpoint: str
    label: object  # a lazy string
    order: int
    visible: Callable | None = None  # (council, user) -> bool; None: every reader of the council


@dataclass(frozen=True)
class HomeCard:
    """A card on the council's overview page: ``template`` rendered with ``council`` and the dict
    returned by ``context`` (``"module:function"`` taking the council)."""
    key: str
    template: str
    context: str
    order: int


@dataclass(frozen=True)
class EventKind:
    """A kind of notification a feature sends (budget_app.notifications).

    The text is never stored: a notification keeps its ``key`` and parameters, and ``message``
    (a lazy string with ``%(name)s`` placeholders) is rendered in the reader's language when it is
    shown or mailed. ``label`` names the kind on the email preferences page, ``subject`` is the
    email's subject; ``email`` is whether it is mailed to those who have not chosen."""
    key: str
    label: object  # lazy strings
    message: object
    subject: object
    email: bool = True
    order: int = 100


@dataclass(frozen=True)
class Feature:
    name: str
    blueprints: tuple = ()
    models: tuple[str, ...] = ()  # modules whose import defines tables (complete metadata)
    seeders: tuple[tuple[int, str], ...] = ()  # (order, "module:function(ctx)") for seed-demo
    tabs: tuple[CouncilTab, ...] = ()
    tasks: str | None = None  # "module:function(user, scope) -> list[Task]"
    card_links: str | None = None  # "module:function(councils) -> {council_id: [(label, endpoint, values)]}"
    activity_actions: dict = field(default_factory=dict)  # {audit action: lazy label}
    activity_objects: dict = field(default_factory=dict)  # {object type: "module:function(council, ids)"}
    home_cards: tuple[HomeCard, ...] = ()
    # Objects that hold photos and documents: "module:NAME" of a budget_app.uploads.owners.AttachmentOwner.
    attachment_owners: tuple[str, ...] = ()
    # "module:function(attachments) -> set of ids": those the public may see (part of something published).
    published_attachments: str | None = None
    notifications: tuple[EventKind, ...] = ()  # the kinds of notification the feature sends
    reminders: tuple[str, ...] = ()  # "module:function(now) -> list[Reminder]" for `flask notify send-due`


# The core's own tables and demo data (its pages are the main, auth and admin features).
CORE = Feature(
    "core",
    models=("budget_app.auth.models", "budget_app.audit", "budget_app.ministry_settings",
            "budget_app.reference.models", "budget_app.tenancy"),
    seeders=((10, "budget_app.demo:seed_core"), (11, "budget_app.demo:seed_council_staff")),
)


def install(app, features) -> None:
    """Import every feature's models and remember the features for the app (blueprints are
    registered by :func:`register_blueprints`, once the extensions are set up)."""
    features = tuple(features)
    names = [f.name for f in features]
    if len(set(names)) != len(names):
        raise ValueError(f"a feature is listed twice: {names}")
    for feature in features:
        for module in feature.models:
            importlib.import_module(module)
    app.extensions[EXTENSION_KEY] = features


def register_blueprints(app) -> None:
    for feature in app.extensions[EXTENSION_KEY]:
        for blueprint in feature.blueprints:
            app.register_blueprint(blueprint)


def installed() -> tuple[Feature, ...]:
    """The current app's features, in the order ``create_app`` lists them."""
    return current_app.extensions[EXTENSION_KEY]


@lru_cache(maxsize=None)
def resolve(spec: str) -> Callable:
    """``"module:function"`` → the function (imported on first use)."""
    module_name, func_name = spec.split(":")
    return getattr(importlib.import_module(module_name), func_name)
