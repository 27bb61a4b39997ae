"""`flask notify send-due` (scheduled reminders, run by deploy/sharaka-notify.timer) and
`flask notify worker` (the RQ worker that mails notifications when REDIS_URL is set)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from budget_app.extensions import db
from budget_app.notifications import mail, services


@click.group("notify")
def notify():
    """Notifications: reminders that are due, and the email worker."""


@notify.command("send-due")
@with_appcontext
def send_due():
    """Send the reminders that are due (a vote closing within 24 hours, a recommendation due in
    7 days or overdue), each once, then retry the emails still pending."""
    counts = services.send_due()
    db.session.commit()  # the reminders' emails leave after this commit (budget_app.notifications.mail)
    for kind, n in sorted(counts.items()):
        click.echo(f"{kind}: {n}")
    click.echo(f"reminders: {sum(counts.values())}")
    if current_app.config.get("SMTP_HOST"):
        click.echo(f"emails sent again: {mail.retry_pending()}")


@notify.command("worker")
@with_appcontext
def worker():
    """Run the RQ worker of the notification emails (needs REDIS_URL)."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: emails are sent inline, no worker is needed.")
    from rq import SimpleWorker  # the worker only: the app itself never imports RQ's worker

    queue = mail.queue()
    # SimpleWorker runs each job in this process, inside the app context set up here (a forking
    # worker would share the database pool across the fork).
    SimpleWorker([queue], connection=queue.connection).work(with_scheduler=True)
