"""The public citizen budget: pages, charts, open data, public API, feedback.

Blueprints: ``bp`` (public pages under /citizen-budget/), ``manage.bp`` (execution tracking,
texts, publishing and feedback moderation under /councils/<slug>/...) and ``api.bp``
(read-only JSON under /api/v1/).
"""
from flask import Blueprint

bp = Blueprint("citizen_budget", __name__, url_prefix="/citizen-budget")


from citizen_budget import views  # noqa: E402,F401
