"""The public citizen budget: pages, charts, open data, public API, feedback.

Blueprints: ``bp`` (public pages under /citizen-budget/), ``manage.bp`` (texts, publishing and
feedback moderation under /councils/<slug>/...) and ``api.bp`` (read-only JSON under /api/v1/).
The execution it shows (spending, progress, milestones) is recorded in the budget cycle
(``budget_app.cycles.execution``) and read through that layer's service.
"""
from flask_babel import lazy_gettext as _l

from budget_app.features import CouncilTab, Feature
from citizen_budget import api, manage  # noqa: F401  (their routes attach to their blueprints)
from citizen_budget.notices import KINDS as NOTIFICATION_KINDS
from citizen_budget.views import bp


feature = Feature(
    "citizen_budget",
    blueprints=(bp, manage.bp, api.bp),
    models=("citizen_budget.models",),
    seeders=((50, "citizen_budget.demo:seed"), (51, "citizen_budget.demo:seed_feedback")),
    tabs=(CouncilTab("citizen_budget", "citizen_budget_manage.budgets", _l("Citizen budget"), 80,
                     visible=lambda council, user: council.can_direct_budget(user)),
          CouncilTab("feedback", "citizen_budget_manage.feedback", _l("Citizens' feedback"), 85,
                     visible=lambda council, user: council.can_manage(user))),
    tasks="citizen_budget.services:my_tasks",
    card_links="citizen_budget.services:public_links",
    activity_actions={"citizen_budget.publish": _l("Citizen budget published")},
    activity_objects={"citizen_budget_version": "citizen_budget.services:describe_versions"},
    published_attachments="citizen_budget.evidence:published_attachment_ids",
    notifications=NOTIFICATION_KINDS,
)
