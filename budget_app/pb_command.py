"""``flask --app budget_app pb ...``: tally, analyse, import and export Pabulib ``.pb`` files.

``pb tally`` and ``pb analyse`` read a file and print; they need no app, no database and no
Flask-SQLAlchemy models, so they are defined here, where only click and the tally's own command
module are imported. The group is also registered as a Flask command plugin (the
``flask.commands`` entry point in pyproject.toml): ``flask`` finds a plugin's commands without
creating the app, so a recount does not wait for ``create_app()`` (about 2 s as a whole process). ``pb import`` and ``pb export`` write or read
a council's cycles: they are loaded from :mod:`budget_app.cycles.cli` when named, and create the
app then (``with_appcontext``). The app registers the same group (``app.cli``), so it is also
there where the plugin is not installed, and in tests.
"""
from __future__ import annotations

import importlib

import click

from budget_app.tally.command import TallyCommandError, analyse_output, tally_output  # as python -m budget_app.tally
from budget_app.tally.rules import RULES


class PbGroup(click.Group):
    """A click group whose commands that need the app are imported when they are named."""

    WITH_APP = {"import": "budget_app.cycles.cli:import_command", "export": "budget_app.cycles.cli:export_command"}

    def list_commands(self, ctx):
        return sorted([*super().list_commands(ctx), *self.WITH_APP])

    def get_command(self, ctx, name):
        if name in self.WITH_APP:
            module, attribute = self.WITH_APP[name].split(":")
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


@click.group("pb", cls=PbGroup)
def pb():
    """Tally, analyse, import and export Pabulib .pb files."""


@pb.command("tally")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--rule", type=click.Choice(RULES), default="greedy", show_default=True)
@click.option("--completion/--no-completion", default=False, help="After mes/mes-add1, complete with greedy.")
@click.option("--json", "as_json", is_flag=True, help='Print {"rule", "selected", "cost", "budget"} as JSON.')
@click.option("--explain", is_flag=True, help='With --json: add "voters" and "explanations" {id: {reason, '
                                              'numbers}} (money in currency units); without: one line per project.')
@click.option("--margins", "with_margins", is_flag=True,
              help='Add "margins" {id: {"max_cost_funded", "extra_supporters_needed", "cost_headroom", '
                   '"supporters_to_spare"}}, each checked by re-running the rule.')
def tally_command(file, rule, completion, as_json, explain, with_margins):
    """Tally a Pabulib FILE and print the ids of the selected projects.

    With --explain, every project's explanation: for a project funded by equal shares its
    "payments" [[amount, number_of_voters], ...] summing to its cost; for one left out for lack
    of money its "supporters_budget" (what its supporters had left) and "reason"."""
    try:
        click.echo(tally_output(file, rule, completion=completion, as_json=as_json, explain=explain,
                                with_margins=with_margins))
    except TallyCommandError as exc:
        raise click.ClickException(str(exc))


@pb.command("analyse")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--rule", type=click.Choice(RULES), default="greedy", show_default=True)
@click.option("--completion/--no-completion", default=False, help="After mes/mes-add1, complete with greedy.")
@click.option("--json", "as_json", is_flag=True, help="Print the fairness report as JSON.")
def analyse_command(file, rule, completion, as_json):
    """Fairness report of the outcome of a Pabulib FILE: percent_non_empty_handed, avg_satisfaction,
    satisfaction_histogram, gini_coefficient_of_satisfaction (as pabutools.analysis), unspent money,
    money against votes per category and target group, and the exact EJR-up-to-one / PJR check."""
    try:
        click.echo(analyse_output(file, rule, completion=completion, as_json=as_json))
    except TallyCommandError as exc:
        raise click.ClickException(str(exc))
