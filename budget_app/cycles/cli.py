"""``flask --app budget_app pb import`` and ``pb export``: a council's cycles from and to Pabulib
``.pb`` files (``pb tally`` and ``pb analyse``, which need no app: :mod:`budget_app.pb_command`)."""
from __future__ import annotations

import functools
import sys
import time
from fractions import Fraction
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from budget_app.cycles.ballots import bulk_insert_ballots
from budget_app.cycles.errors import CycleError
from budget_app.cycles.exports import pb_text
from budget_app.cycles.lifecycle import close_voting, create_cycle, open_voting
from budget_app.cycles.methods import METHODS, PB_VOTE_TYPES
from budget_app.cycles.models import AllocationProposal, BudgetCycle
from budget_app.extensions import db
from budget_app.tally.rules import RULES, rule_from_pb
from budget_app.tenancy import Council


def in_english(command):
    """Run a command inside an English request context: services translate their messages."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with current_app.test_request_context("/?lang=en"):
            return command(*args, **kwargs)
    return wrapper


def _parse(path: str):
    from budget_app.tally import PabulibError, parse_pb  # NumPy: loaded when a file is read, not at start-up

    try:
        return parse_pb(Path(path))
    except PabulibError as exc:
        raise click.ClickException(f"{path}: {exc}")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not a UTF-8 text file")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--council", "slug", required=True, help="Slug of the council, e.g. hebron.")
@click.option("--year", type=int, required=True, help="Fiscal year of the new cycle.")
@click.option("--rule", type=click.Choice(RULES), default=None, help="Tally rule (default: the file's META rule, "
                                                                      "else greedy).")
@click.option("--keep-open", is_flag=True, help="Leave voting open instead of closing and tallying.")
@with_appcontext
@in_english
def import_command(file, slug, year, rule, keep_open):
    """Create a cycle from a Pabulib FILE: its projects as proposals and its ballots as anonymous ballots."""
    started = time.perf_counter()
    council = Council.query.filter_by(slug=slug).first()
    if council is None:
        raise click.ClickException(f"no council with slug {slug!r}")
    election = _parse(file)
    meta = election.meta
    method = METHODS[PB_VOTE_TYPES[election.vote_type]]
    parameters = {"max_choices": None, "points_total": None} | method.from_pb(election)
    rule = rule or rule_from_pb(meta.get("rule", ""))
    title = " ".join(x for x in (meta.get("unit", ""), meta.get("instance", ""), meta.get("subunit", "")) if x) \
        or Path(file).stem
    try:
        cycle = create_cycle(council, None, fiscal_year=year, title_ar=title, title_en=title,
                             description_en=meta.get("description", ""), description_ar=meta.get("description", ""),
                             envelope_minor=int(Fraction(election.budget) * 100), currency=meta.get("currency", "ILS")[:3]
                             or "ILS", ballot_method=method.key, **parameters,
                             tally_rule=rule, mes_completion=rule == "mes-add1")
        cycle.source = Path(file).name[:250]
        for p in election.projects:
            db.session.add(AllocationProposal(cycle_id=cycle.id, council_id=council.id, code=p.id,
                                              title_ar=(p.name or p.id)[:250], title_en=(p.name or p.id)[:250],
                                              cost_minor=int(Fraction(p.cost) * 100)))
        db.session.flush()
        db.session.refresh(cycle)
        open_voting(cycle, imported=True)
        code_of = {p.code: p.id for p in cycle.proposals}
        n = bulk_insert_ballots(cycle, election.ballots(), code_of=code_of)
        if not keep_open:
            close_voting(cycle)
    except CycleError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message)
    db.session.commit()
    seconds = time.perf_counter() - started
    click.echo(f"cycle {cycle.id}: {len(election.projects)} proposals, {n} ballots, phase {cycle.phase} "
               f"({seconds:.1f} s)")
    if cycle.tally:
        click.echo("selected: " + " ".join(cycle.tally["main"]["selected"]))


@click.command("export")
@click.argument("cycle_id", type=int)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (default: standard output).")
@with_appcontext
@in_english
def export_command(cycle_id, output):
    """Write a cycle's anonymized ballots (identities replaced, order shuffled) as a Pabulib file."""
    cycle = db.session.get(BudgetCycle, cycle_id)
    if cycle is None:
        raise click.ClickException(f"no cycle {cycle_id}")
    if not cycle.voting_closed:
        raise click.ClickException("voting is not closed yet: ballots are exported only after the close")
    text = pb_text(cycle)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"written {output}", err=True)
    else:
        sys.stdout.write(text)
