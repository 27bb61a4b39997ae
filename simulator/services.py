"""The budget simulator's rules: opening and closing a simulation, checking and saving a
citizen's submission, and the results (NumPy, over the counted submissions).

Views call these and never change the models themselves. Every refusal is a
:class:`SimulationError` whose message says what to fix; nothing is saved when one is raised.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections import Counter
from datetime import date

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_login import current_user
from sqlalchemy import func, select

from budget_app import audit
from budget_app.bounds import MAX_AMOUNT_MINOR
from budget_app.cache import LRU
from budget_app.cycles.models import BudgetCycle
from budget_app.errors import DomainError
from budget_app.extensions import db
from budget_app.i18n import format_money
from budget_app.reference.models import Governorate, Locality, Sector
from budget_app.utils import utcnow
from priorities.models import STATUS_SHORTLISTED, Priority
from simulator.models import (AGE_BAND_LABELS, AGE_BANDS, GENDER_LABELS, GENDERS, LINE_SOURCES, LINES_PRIORITIES,
                              LINES_SECTORS, STATUS_CLOSED, USES_SERVICES, USES_SERVICES_LABELS, Simulation,
                              SimulationLine, SimulationSubmission)

DECIDED_PHASES = ("decided", "approved", "executing", "closed")
MAX_LINES = 60


class SimulationError(DomainError):
    pass


def _money(minor: int, currency: str) -> str:
    return format_money(minor, currency)


# Starting points ------------------------------------------------------------------------
def _decided_cycle(council, year: int, *, before: bool):

    q = BudgetCycle.query.filter(BudgetCycle.council_id == council.id, BudgetCycle.phase.in_(DECIDED_PHASES))
    q = q.filter(BudgetCycle.fiscal_year < year) if before else q.filter(BudgetCycle.fiscal_year == year)
    return q.order_by(BudgetCycle.fiscal_year.desc(), BudgetCycle.id.desc()).first()


def _by_sector(cycle) -> dict[int | None, int]:
    """The funded amount per sector id of a decided cycle (after any override)."""
    selected = set(cycle.final_selected_codes())
    out: dict[int | None, int] = {}
    for p in cycle.proposals:
        if p.code in selected:
            out[p.sector_id] = out.get(p.sector_id, 0) + int(p.cost_minor)
    return out


def starting_points(council, year: int) -> tuple[int | None, dict[int | None, int]]:
    """(fiscal year of the council's last decided cycle before ``year`` or None, its allocation
    per sector id); zero everywhere when there is none."""
    cycle = _decided_cycle(council, year, before=True)
    if cycle is None:
        return None, {}
    return cycle.fiscal_year, _by_sector(cycle)


def split_by_line(lines, funded, of_priorities: bool) -> dict[int, int]:
    """The council's funded money per line of a simulation. ``funded``: (sector id, sector code,
    priority ids, amount) of each funded allocation. A sector line gets its sector's money; a
    priority line the allocations that answer its priority, an allocation answering several
    lines' priorities split equally between them (the remainder on the first), so no shekel is
    counted twice."""
    out = {line.id: 0 for line in lines}
    by_priority: dict[int, list[int]] = {}
    for line in lines:
        if line.priority_id is not None:
            by_priority.setdefault(line.priority_id, []).append(line.id)
    for sector_id, sector_code, priority_ids, amount in funded:
        if of_priorities:
            targets = [line_id for pid in sorted(set(priority_ids)) for line_id in by_priority.get(pid, [])]
            if targets:
                share = int(amount) // len(targets)
                for n, line_id in enumerate(targets):
                    out[line_id] += share + (int(amount) - share * len(targets) if n == 0 else 0)
            continue
        for line in lines:
            if (sector_id is not None and line.sector_id == sector_id) or \
                    (sector_id is None and sector_code and line.code == sector_code):
                out[line.id] += int(amount)
                break
    return out


def final_allocation(simulation) -> dict[int, int] | None:
    """The council's decided allocation of the simulation's year per line id, or None."""
    cycle = _decided_cycle(simulation.council, simulation.fiscal_year, before=False)
    if cycle is None:
        return None
    selected = set(cycle.final_selected_codes())
    funded = [(p.sector_id, None, [pr.id for pr in p.priorities] if simulation.of_priorities else [], p.cost_minor)
              for p in cycle.proposals if p.code in selected]
    return split_by_line(list(simulation.lines), funded, simulation.of_priorities)


def sectors():
    return Sector.choices()[:MAX_LINES]


def shortlisted_priorities(council, year: int | None = None) -> list:
    """The council's shortlisted priorities of ``year`` (of this year and later when None), by
    year then number: the lines a simulation of priorities may have."""
    q = Priority.query.filter(Priority.council_id == council.id, Priority.status == STATUS_SHORTLISTED)
    q = q.filter(Priority.fiscal_year == year) if year is not None else \
        q.filter(Priority.fiscal_year >= date.today().year)
    return q.order_by(Priority.fiscal_year, Priority.id).limit(MAX_LINES * 5).all()


def scaled_to(costs: list[int], envelope_minor: int) -> list[int]:
    """The estimated costs scaled to the envelope, in whole units of the currency (multiples of
    100 minor units), adding up to the envelope exactly (the rest on the costliest line): a
    priority line's starting amount, so the form starts balanced and in proportion to the costs."""
    total = sum(costs)
    if not costs or total <= 0:
        return [0] * len(costs)
    amounts = [int(envelope_minor * c // total) // 100 * 100 for c in costs]
    amounts[costs.index(max(costs))] += envelope_minor - sum(amounts)
    return amounts


# Opening and closing ----------------------------------------------------------------------
def _check_limits(named_limits, envelope_minor: int, currency: str) -> None:
    mins = maxes = 0
    every_max = True
    for name, (low, high) in named_limits:
        if low is not None and high is not None and low > high:
            raise SimulationError(_l("%(line)s: the minimum is above the maximum.", line=name))
        mins += low or 0
        if high is None:
            every_max = False
        else:
            maxes += high
    if mins > envelope_minor:
        raise SimulationError(_l("The minimums add up to %(total)s, more than the envelope.",
                                 total=_money(mins, currency)))
    if every_max and maxes < envelope_minor:
        raise SimulationError(_l("The maximums add up to %(total)s, less than the envelope.",
                                 total=_money(maxes, currency)))


def open_simulation(council, user, *, fiscal_year: int, title_ar: str, title_en: str = "", envelope_minor: int,
                    closes_on: date, limits: dict[int, tuple[int | None, int | None]] | None = None,
                    line_source: str = LINES_SECTORS, costs: dict[int, int | None] | None = None,
                    currency: str = "ILS", today: date | None = None) -> Simulation:
    """A new simulation: one line per active sector, starting from last year's allocation, or
    (``line_source="priorities"``) one line per shortlisted priority of the year, each with its
    estimated cost (``costs``: {priority id: minor units}, required), starting from the costs
    scaled to the envelope. ``limits``: {sector or priority id: (minimum, maximum)} in minor
    units, either may be None."""
    limits = limits or {}
    costs = costs or {}
    today = today or date.today()
    if line_source not in LINE_SOURCES:
        raise SimulationError(_l("Choose one of the answers offered."), "line_source")
    if not 0 < envelope_minor <= MAX_AMOUNT_MINOR:
        raise SimulationError(_l("Give an envelope above zero."), "envelope")
    if closes_on < today:
        raise SimulationError(_l("The closing date is in the past."), "closes_on")
    if Simulation.query.filter_by(council_id=council.id, fiscal_year=fiscal_year).first():
        raise SimulationError(_l("This council already has a simulation for %(year)s.", year=fiscal_year),
                              "fiscal_year")
    simulation = Simulation(council_id=council.id, fiscal_year=fiscal_year, title_ar=title_ar.strip(),
                            title_en=(title_en or "").strip(), currency=currency, envelope_minor=envelope_minor,
                            closes_on=closes_on, line_source=line_source, created_by_id=getattr(user, "id", None))
    if line_source == LINES_PRIORITIES:
        rows = shortlisted_priorities(council, fiscal_year)
        if not rows:
            raise SimulationError(_l("The council has no shortlisted priority for %(year)s: shortlist some, or "
                                     "divide the envelope between the sectors.", year=fiscal_year), "line_source")
        if len(rows) > MAX_LINES:
            raise SimulationError(lazy_ngettext("A simulation has at most %(num)s line.",
                                                 "A simulation has at most %(num)s lines.", MAX_LINES), "line_source")
        for p in rows:
            cost = costs.get(p.id)
            if cost is None or not 0 < cost <= MAX_AMOUNT_MINOR:
                raise SimulationError(_l("%(line)s: give its estimated cost.", line=p.title), f"pcost_{p.id}")
        _check_limits([(p.title, limits.get(p.id, (None, None))) for p in rows], envelope_minor, currency)
        starts = scaled_to([costs[p.id] for p in rows], envelope_minor)
        for position, (p, start) in enumerate(zip(rows, starts)):
            low, high = limits.get(p.id, (None, None))
            simulation.lines.append(SimulationLine(
                sector_id=p.sector_id, priority_id=p.id, position=position, code=f"priority-{p.id}",
                label_ar=p.title_ar[:250], label_en=(p.title_en or "")[:250], baseline_minor=start,
                estimated_cost_minor=costs[p.id], min_minor=low, max_minor=high))
    else:
        rows = sectors()
        if not rows:
            raise SimulationError(_l("There is no sector to allocate money to: the administrator adds them."))
        _check_limits([(s.name, limits.get(s.id, (None, None))) for s in rows], envelope_minor, currency)
        simulation.baseline_year, baseline = starting_points(council, fiscal_year)
        for position, sector in enumerate(rows):
            low, high = limits.get(sector.id, (None, None))
            simulation.lines.append(SimulationLine(
                sector_id=sector.id, position=position, code=sector.code, label_ar=sector.name_ar,
                label_en=sector.name_en, baseline_minor=baseline.get(sector.id, 0), min_minor=low,
                max_minor=high))
    db.session.add(simulation)
    db.session.flush()
    audit.record("simulation.open", simulation, actor=user, fiscal_year=fiscal_year,
                 envelope_minor=envelope_minor, closes_on=closes_on.isoformat())
    return simulation


def close_simulation(simulation, user) -> Simulation:
    if simulation.status == STATUS_CLOSED:
        raise SimulationError(_l("This simulation is already closed."))
    simulation.status = STATUS_CLOSED
    simulation.closed_at = utcnow()
    audit.record("simulation.close", simulation, actor=user, fiscal_year=simulation.fiscal_year,
                 submissions=counted_query(simulation).count())
    return simulation


def is_public_results(simulation, today: date | None = None) -> bool:
    """Results are public once the simulation has closed (by the director or its closing date)."""
    return not simulation.is_open(today)


# Submissions -----------------------------------------------------------------------------
def balance_problems(simulation, amounts: dict[int, int]) -> list[str]:
    """What is wrong with ``amounts`` ({line id: minor units}), as sentences; empty when it balances
    and respects every line's minimum and maximum."""
    cur = simulation.currency
    lines = {line.id: line for line in simulation.lines}
    if set(amounts) != set(lines):
        return [str(_l("The form does not match this simulation's lines. Reload the page and try again."))]
    problems = []
    for line_id, line in lines.items():
        value = amounts[line_id]
        if not 0 <= value <= MAX_AMOUNT_MINOR:
            problems.append(str(_l("%(line)s: give an amount of zero or more.", line=line.label)))
        elif line.min_minor is not None and value < line.min_minor:
            problems.append(str(_l("%(line)s: at least %(amount)s.", line=line.label,
                                   amount=_money(line.min_minor, cur))))
        elif line.max_minor is not None and value > line.max_minor:
            problems.append(str(_l("%(line)s: at most %(amount)s.", line=line.label,
                                   amount=_money(line.max_minor, cur))))
    total = sum(amounts.values())
    if total > simulation.envelope_minor:
        problems.append(str(_l("Your budget is %(amount)s over the envelope of %(envelope)s: take it from some "
                               "lines.", amount=_money(total - simulation.envelope_minor, cur),
                               envelope=_money(simulation.envelope_minor, cur))))
    elif total < simulation.envelope_minor:
        problems.append(str(_l("%(amount)s of the envelope of %(envelope)s is not allocated yet: give it to some "
                               "lines.", amount=_money(simulation.envelope_minor - total, cur),
                               envelope=_money(simulation.envelope_minor, cur))))
    return problems


def address_hash(simulation_id: int, address: str) -> str:
    """A keyed hash of the address: the same address gives the same hash within one simulation,
    and the address cannot be read back from it."""
    key = current_app.config["SECRET_KEY"].encode() if isinstance(current_app.config["SECRET_KEY"], str) \
        else current_app.config["SECRET_KEY"]
    return hmac.new(key, f"simulator:{simulation_id}:{address}".encode(), hashlib.sha256).hexdigest()


def submit(simulation, amounts: dict[int, int], *, address: str, governorate_id: int | None = None,
           locality_id: int | None = None, age_band: str = "", gender: str = "", uses_services: str = "",
           today: date | None = None) -> SimulationSubmission:
    """Save a citizen's balanced allocation; a later one from the same address is flagged."""
    if not simulation.is_open(today):
        raise SimulationError(_l("This simulation is closed: submissions are no longer accepted."))
    problems = balance_problems(simulation, amounts)
    if problems:
        error = SimulationError(" ".join(problems), "amounts")
        error.problems = problems
        raise error
    if age_band not in ("",) + AGE_BANDS or gender not in ("",) + GENDERS or uses_services not in ("",) + USES_SERVICES:
        raise SimulationError(_l("Choose one of the answers offered."))
    hashed = address_hash(simulation.id, address)
    seen = db.session.execute(select(func.count(SimulationSubmission.id)).where(
        SimulationSubmission.simulation_id == simulation.id, SimulationSubmission.address_hash == hashed)).scalar()
    submission = SimulationSubmission(
        simulation_id=simulation.id, token=secrets.token_urlsafe(16)[:22],
        amounts_json=json.dumps({str(k): int(v) for k, v in sorted(amounts.items())}),
        governorate_id=governorate_id, locality_id=locality_id, age_band=age_band, gender=gender,
        uses_services=uses_services, address_hash=hashed, duplicate=bool(seen))
    db.session.add(submission)
    db.session.flush()
    audit.record("simulation.submit", simulation, duplicate=submission.duplicate, submission_id=submission.id)
    return submission


def counted_query(simulation):
    return SimulationSubmission.query.filter_by(simulation_id=simulation.id, duplicate=False)


# Results ---------------------------------------------------------------------------------
def results(simulation) -> dict:
    """Per line: counted submissions' mean, median and quartiles, last year, the council's final
    allocation (if decided); submissions per day; how many were flagged as duplicates."""
    import numpy as np  # heavy library: imported on first use, not at start-up

    lines = list(simulation.lines)
    rows = db.session.execute(select(SimulationSubmission.amounts_json, SimulationSubmission.created_at,
                                     SimulationSubmission.duplicate, SimulationSubmission.governorate_id,
                                     SimulationSubmission.locality_id, SimulationSubmission.age_band,
                                     SimulationSubmission.gender, SimulationSubmission.uses_services)
                              .where(SimulationSubmission.simulation_id == simulation.id)).all()
    counted = [json.loads(r[0]) for r in rows if not r[2]]
    per_day = Counter(r[1].date() for r in rows if not r[2])
    final = final_allocation(simulation)
    matrix = np.array([[int(a.get(str(line.id), 0)) for line in lines] for a in counted], dtype=np.int64) \
        if counted else np.zeros((0, len(lines)), dtype=np.int64)
    out_lines = []
    for i, line in enumerate(lines):
        column = matrix[:, i]
        stats = None
        if len(column):
            q1, median, q3 = np.percentile(column, [25, 50, 75])
            stats = {"mean": int(round(float(column.mean()))), "median": int(round(float(median))),
                     "q1": int(round(float(q1))), "q3": int(round(float(q3))),
                     "min": int(column.min()), "max": int(column.max())}
        out_lines.append({"id": line.id, "code": line.code, "label": line.label, "baseline": line.baseline_minor,
                          "estimated_cost": line.estimated_cost_minor,
                          "reference": line.estimated_cost_minor if simulation.of_priorities else line.baseline_minor,
                          "final": None if final is None else final.get(line.id, 0), "stats": stats})
    contexts = [r[3:] for r in rows if not r[2]]
    return {"count": len(counted), "duplicates": sum(1 for r in rows if r[2]), "lines": out_lines,
            "per_day": sorted(per_day.items()), "final_decided": final is not None,
            "currency": simulation.currency, "breakdowns": _breakdowns(matrix, contexts),
            "of_priorities": simulation.of_priorities,
            "min_group": MIN_GROUP}


# Groups smaller than this are not shown apart: a handful of answers could point at people.
MIN_GROUP = 5


def _reference_labels(model, ids) -> dict:
    wanted = sorted({i for i in ids if i is not None})
    return {row.id: row.name for row in model.query.filter(model.id.in_(wanted))} if wanted else {}


def _breakdowns(matrix, contexts) -> list[dict]:
    """The average per line for each answer to the optional questions (governorate, locality,
    age band, gender, uses the ministry's services), largest group first for the places;
    groups of fewer than MIN_GROUP budgets are counted, not shown."""
    governorates = _reference_labels(Governorate, (c[0] for c in contexts))
    localities = _reference_labels(Locality, (c[1] for c in contexts))
    questions = (
        ("governorate", _l("Governorate"), None, governorates),
        ("locality", _l("Locality"), None, localities),
        ("age", _l("Age"), AGE_BANDS, AGE_BAND_LABELS),
        ("gender", _l("Gender"), GENDERS, GENDER_LABELS),
        ("services", _l("Uses the ministry's services"), USES_SERVICES, USES_SERVICES_LABELS),
    )
    out = []
    for index, (key, title, values, labels) in enumerate(questions):
        if values is None:  # places: the answers given, largest group first
            counts = Counter(c[index] for c in contexts if c[index] is not None and c[index] in labels)
            values = [v for v, _n in sorted(counts.items(), key=lambda item: (-item[1], str(labels[item[0]])))]
        groups, hidden = [], 0
        for value in values:
            picked = [i for i, c in enumerate(contexts) if c[index] == value]
            if not picked:
                continue
            if len(picked) < MIN_GROUP:
                hidden += len(picked)
                continue
            groups.append({"label": str(labels[value]), "count": len(picked),
                           "means": [int(round(float(v))) for v in matrix[picked].mean(axis=0)]})
        not_said = sum(1 for c in contexts if not c[index])
        out.append({"key": key, "title": str(title), "groups": groups, "hidden": hidden, "not_said": not_said})
    return out


def export_rows(simulation) -> tuple[list[str], list[list]]:
    """Every submission as a row (amounts in the currency's major units), for the CSV download."""
    lines = list(simulation.lines)
    header = ["submitted_at", "counted", *[f"{line.code}" for line in lines], "governorate", "locality",
              "age_band", "gender", "uses_services"]
    out = []
    for s in SimulationSubmission.query.filter_by(simulation_id=simulation.id).order_by(SimulationSubmission.id):
        amounts = s.amounts
        out.append([s.created_at.isoformat(timespec="seconds"), "no" if s.duplicate else "yes",
                    *[f"{amounts.get(line.id, 0) / 100:.2f}" for line in lines],
                    s.governorate.code if s.governorate else "", s.locality.code if s.locality else "",
                    s.age_band, s.gender, s.uses_services])
    return header, out


# Links for the rest of the site -----------------------------------------------------------
def public_links(councils) -> dict:
    """For the home page's council cards: the council's simulations (take part / results)."""

    ids = [c.id for c in councils]
    if not ids:
        return {}
    slugs = {c.id: c.slug for c in councils}
    out: dict = {}
    for sim in Simulation.query.filter(Simulation.council_id.in_(ids)).order_by(Simulation.fiscal_year.desc()):
        if sim.is_open():
            item = (gettext("Budget simulator %(year)s: take part", year=sim.fiscal_year), "simulator.take_part",
                    {"slug": slugs[sim.council_id], "sim_id": sim.id})
        else:
            item = (gettext("Budget simulator %(year)s: results", year=sim.fiscal_year), "simulator.public_results",
                    {"slug": slugs[sim.council_id], "sim_id": sim.id})
        out.setdefault(sim.council_id, []).append(item)
    return out


# The counted budgets' medians of a closed simulation, by (id, when it was made): a closed
# simulation takes no more budgets, so they are computed once per process for the citizen page.
CLOSED_MEDIANS = LRU(64)


def closed_medians(simulation) -> tuple[int, dict[int, int]]:
    """(budgets counted, {line id: citizens' median}) of a closed simulation."""
    import numpy as np  # heavy library: imported on first use, not at start-up

    key = (simulation.id, simulation.created_at)
    cached = CLOSED_MEDIANS.get(key) if not simulation.is_open() else None
    if cached is None:
        lines = list(simulation.lines)
        counted = [json.loads(a) for (a,) in db.session.execute(
            select(SimulationSubmission.amounts_json).where(SimulationSubmission.simulation_id == simulation.id,
                                                            SimulationSubmission.duplicate.is_(False)))]
        matrix = np.array([[int(a.get(str(line.id), 0)) for line in lines] for a in counted], dtype=np.int64)
        medians = {line.id: int(round(float(np.median(matrix[:, i])))) for i, line in enumerate(lines)} \
            if counted else {}
        cached = (len(counted), medians)
        if not simulation.is_open():
            CLOSED_MEDIANS.set(key, cached)
    return cached


def proposed_and_decided(simulations, snapshot: dict) -> list[dict]:
    """For the citizen budget of a year: each closed simulation of that year with budgets, per
    line the citizens' median beside what the council decided — the funded allocations of the
    citizen budget itself (``snapshot``), so the section agrees with the page around it."""
    funded = [(None, (a.get("sector") or {}).get("code"), a.get("priorities") or [], int(a["amount_minor"]))
              for a in snapshot.get("allocations", []) if a.get("funded")]
    out = []
    for simulation in simulations:
        if simulation.fiscal_year != snapshot.get("fiscal_year") or simulation.is_open():
            continue
        count, medians = closed_medians(simulation)
        if not count:
            continue
        lines = list(simulation.lines)
        decided = split_by_line(lines, funded, simulation.of_priorities)
        out.append({"simulation": simulation, "count": count, "currency": simulation.currency,
                    "lines": [{"id": line.id, "label": line.label, "median": medians.get(line.id, 0),
                               "decided": decided.get(line.id, 0)} for line in lines]})
    return out


def for_citizen_page(council_id: int) -> list[Simulation]:
    """The council's simulations, newest year first (for the citizen budget page's links)."""
    return Simulation.query.filter_by(council_id=council_id).order_by(Simulation.fiscal_year.desc()).all()


def describe(council, ids) -> dict:
    """For the council's activity feed: simulations by id (the council's page for its budget
    director, the public results for everyone else)."""

    director = council.can_direct_budget(current_user)
    wanted = [int(i) for i in ids if str(i).isdigit()]
    rows = Simulation.query.filter(Simulation.council_id == council.id, Simulation.id.in_(wanted)).all() \
        if wanted else []
    endpoint = "simulator_manage.results" if director else "simulator.public_results"
    return {s.id: (s.title, endpoint, {"slug": council.slug, "sim_id": s.id}) for s in rows}
