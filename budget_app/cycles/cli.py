"""``flask --app budget_app pb ...``: tally, import and export Pabulib ``.pb`` files."""
from __future__ import annotations

import json
import sys
import time
from fractions import Fraction
from pathlib import Path

import click

from budget_app.cycles import bp
from budget_app.tally import RULES, PabulibError, parse_pb, tally_election

PB_RULE_NAMES = {"greedy": "greedy", "equalshares": "mes", "equalshares/add1": "mes-add1",
                 "equalshares/add1-comparison": "mes-add1", "phragmen": "phragmen"}


def in_english(command):
    """Run a command inside an English request context: services translate their messages."""
    import functools

    from flask import current_app

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with current_app.test_request_context("/?lang=en"):
            return command(*args, **kwargs)
    return wrapper


def _parse(path: str):
    try:
        return parse_pb(Path(path))
    except PabulibError as exc:
        raise click.ClickException(f"{path}: {exc}")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not a UTF-8 text file")


@bp.cli.command("tally")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--rule", type=click.Choice(RULES), default="greedy", show_default=True)
@click.option("--completion/--no-completion", default=False, help="After mes/mes-add1, complete with greedy.")
@click.option("--json", "as_json", is_flag=True, help='Print {"rule", "selected", "cost", "budget"} as JSON.')
def tally_command(file, rule, completion, as_json):
    """Tally a Pabulib FILE and print the ids of the selected projects."""
    election = _parse(file)
    result = tally_election(election, rule, completion=completion)
    if as_json:
        click.echo(json.dumps({"rule": rule, "selected": result.selected, "cost": result.total_cost,
                               "budget": result.budget}))
    else:
        click.echo("\n".join(result.selected))


@bp.cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--council", "slug", required=True, help="Slug of the council, e.g. hebron.")
@click.option("--year", type=int, required=True, help="Fiscal year of the new cycle.")
@click.option("--rule", type=click.Choice(RULES), default=None, help="Tally rule (default: the file's META rule, "
                                                                      "else greedy).")
@click.option("--keep-open", is_flag=True, help="Leave voting open instead of closing and tallying.")
@in_english
def import_command(file, slug, year, rule, keep_open):
    """Create a cycle from a Pabulib FILE: its projects as proposals and its ballots as anonymous ballots."""
    from budget_app.cycles.models import AllocationProposal
    from budget_app.cycles.services import (CycleError, bulk_insert_ballots, close_voting, create_cycle,
                                            open_voting)
    from budget_app.extensions import db
    from councils.models import Council

    started = time.perf_counter()
    council = Council.query.filter_by(slug=slug).first()
    if council is None:
        raise click.ClickException(f"no council with slug {slug!r}")
    election = _parse(file)
    meta = election.meta
    method, max_choices, points_total = {
        "approval": ("approval", None, None), "choose-1": ("approval", 1, None),
        "cumulative": ("cumulative", None, None), "scoring": ("cumulative", None, None),
        "ordinal": ("ranked", None, None)}[election.vote_type]
    lengths = election.ballot_ptr[1:] - election.ballot_ptr[:-1]
    if method == "approval" and meta.get("max_length", "").isdigit():
        max_choices = max_choices or int(meta["max_length"])
    if method == "ranked":
        max_choices = int(meta["max_length"]) if meta.get("max_length", "").isdigit() else int(lengths.max())
    if method == "cumulative":
        sums = [sum(election.ballot(i).values()) for i in range(election.num_voters)] or [1]
        declared = meta.get("max_sum_points", "")
        points_total = max(int(float(declared)) if declared.replace(".", "").isdigit() else 0, max(sums))
    rule = rule or PB_RULE_NAMES.get(meta.get("rule", "").strip().lower(), "greedy")
    title = " ".join(x for x in (meta.get("unit", ""), meta.get("instance", ""), meta.get("subunit", "")) if x) \
        or Path(file).stem
    try:
        cycle = create_cycle(council, None, fiscal_year=year, title_ar=title, title_en=title,
                             description_en=meta.get("description", ""), description_ar=meta.get("description", ""),
                             envelope_minor=int(Fraction(election.budget) * 100), currency=meta.get("currency", "ILS")[:3]
                             or "ILS", ballot_method=method, max_choices=max_choices, points_total=points_total,
                             tally_rule=rule, mes_completion=rule == "mes-add1")
        cycle.source = Path(file).name[:250]
        for p in election.projects:
            db.session.add(AllocationProposal(cycle_id=cycle.id, council_id=council.id, code=p.id,
                                              title_ar=(p.name or p.id)[:250], title_en=(p.name or p.id)[:250],
                                              cost_minor=int(Fraction(p.cost) * 100)))
        db.session.flush()
        db.session.refresh(cycle)
        open_voting(cycle)
        code_of = {p.code: p.id for p in cycle.proposals}
        n = bulk_insert_ballots(cycle, election.ballots(), kind={"cumulative": "cumulative", "scoring": "cumulative",
                                                                  "ordinal": "ordinal"}.get(election.vote_type,
                                                                                            "approval"),
                                code_of=code_of)
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


@bp.cli.command("export")
@click.argument("cycle_id", type=int)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (default: standard output).")
@in_english
def export_command(cycle_id, output):
    """Write a cycle's anonymized ballots (identities replaced, order shuffled) as a Pabulib file."""
    from budget_app.cycles.exports import pb_text
    from budget_app.cycles.models import BudgetCycle
    from budget_app.extensions import db

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
