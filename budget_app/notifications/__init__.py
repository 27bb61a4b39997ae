"""Notifications: the centre (list, unread count in the header, marking read), email preferences,
emails after the commit (inline or on Redis with RQ) and scheduled reminders.

Features declare their kinds (``Feature(notifications=(EventKind(...),))``) and call
:func:`notify` from their services; see budget_app.notifications.services.
"""
from flask_login import current_user

from budget_app.features import Feature
from budget_app.notifications import cli, mail, services
from budget_app.notifications.services import Reminder, bilingual, notify
from budget_app.notifications.views import bp

__all__ = ["Reminder", "bilingual", "feature", "notify"]


def init_app(app) -> None:
    """The header's unread count, the emails after commit and `flask notify`."""
    mail.init_app(app)
    app.cli.add_command(cli.notify)
    app.jinja_env.globals["unread_notifications"] = lambda: services.unread_count(current_user)


feature = Feature(
    "notifications",
    blueprints=(bp,),
    models=("budget_app.notifications.models",),
    seeders=((95, "budget_app.notifications.demo:seed"),),
)
