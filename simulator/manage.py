"""The budget director's pages: open a simulation, follow and close it, export submissions."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from budget_app import audit
from budget_app.errors import show_error
from budget_app.exports import download
from budget_app.extensions import db
from budget_app.permissions import ensure, get_council_or_404
from simulator import charts, exports, forms, services
from simulator.models import LINES_SECTORS, Simulation

bp = Blueprint("simulator_manage", __name__, url_prefix="/councils")


def _register_audit():

    audit.words({
        "simulation.open": (_l("Budget simulation opened"),
                            _l("%(who)s opened the budget simulation %(what)s")),
        "simulation.close": (_l("Budget simulation closed"),
                             _l("%(who)s closed the budget simulation %(what)s")),
        "simulation.submit": (_l("Budget simulation answered"),
                              _l("A citizen sent a budget to the simulation %(what)s")),
    }, kinds={"budget_simulation": _l("Budget simulation")},
        describers={"budget_simulation": "simulator.services:describe"},
        details={
        "envelope_minor": (_l("Envelope"), "money"),
        "closes_on": (_l("Closing date"), "date"),
        "duplicate": (_l("From an address that had already sent one (not counted)"), None),
        "submission_id": (_l("Submission"), None),
        "submissions": (_l("Submissions counted"), None),
    })
    audit.council_objects("budget_simulation")


_register_audit()


def _director(slug: str):
    council = get_council_or_404(slug)
    ensure(council.can_direct_budget(current_user))
    return council


def _simulation(council, sim_id: int) -> Simulation:
    simulation = Simulation.query.filter_by(id=sim_id, council_id=council.id).first()
    if simulation is None:
        abort(404)
    return simulation


@bp.route("/<slug>/simulations/", methods=["GET", "POST"])
def simulations(slug: str):
    """The council's simulations and the form to open one."""
    council = _director(slug)
    sectors = services.sectors()
    priorities = services.shortlisted_priorities(council)
    form = forms.simulation_form(sectors, priorities)
    status = 200
    if form.validate_on_submit():
        try:
            simulation = services.open_simulation(
                council, current_user, fiscal_year=form.fiscal_year.data, title_ar=form.title_ar.data,
                title_en=form.title_en.data or "", envelope_minor=form.envelope.data, closes_on=form.closes_on.data,
                line_source=form.line_source.data or LINES_SECTORS, limits=forms.limits_of(form, sectors, priorities),
                costs=forms.costs_of(form, priorities))
        except services.SimulationError as exc:
            show_error(exc, form, "title_ar")
            status = 400
        else:
            flash(_("The simulation is open. Share its public address with citizens."), "success")
            return redirect(url_for("simulator_manage.results", slug=slug, sim_id=simulation.id))
    elif request.method == "POST":
        status = 400
    rows = Simulation.query.filter_by(council_id=council.id).order_by(Simulation.fiscal_year.desc()).all()
    baseline_year, baseline = services.starting_points(council, form.fiscal_year.data or 0) \
        if isinstance(form.fiscal_year.data, int) else (None, {})
    by_year: dict[int, list] = {}
    for p in priorities:
        by_year.setdefault(p.fiscal_year, []).append(p)
    return render_template("simulator/manage_list.html", council=council, form=form, simulations=rows,
                           sectors=sectors, baseline=baseline, baseline_year=baseline_year,
                           priorities_by_year=sorted(by_year.items()), active_tab="simulator"), status


@bp.route("/<slug>/simulations/<int:sim_id>/")
def results(slug: str, sim_id: int):
    """A simulation's results for the council, with its public addresses and the close button."""
    council = _director(slug)
    simulation = _simulation(council, sim_id)
    data = services.results(simulation)
    return render_template("simulator/manage_results.html", council=council, simulation=simulation, r=data,
                           figures=charts.figures(data) if data["count"] else None, active_tab="simulator")


@bp.route("/<slug>/simulations/<int:sim_id>/close", methods=["POST"])
def close(slug: str, sim_id: int):
    council = _director(slug)
    simulation = _simulation(council, sim_id)
    try:
        services.close_simulation(simulation, current_user)
    except services.SimulationError as exc:
        show_error(exc)
    else:
        flash(_("The simulation is closed; its results are now public."), "success")
    return redirect(url_for("simulator_manage.results", slug=slug, sim_id=sim_id))


@bp.route("/<slug>/simulations/<int:sim_id>/submissions.csv")
def export(slug: str, sim_id: int):
    """Every submission (counted or flagged), one row each; amounts in the currency's units."""
    council = _director(slug)
    simulation = _simulation(council, sim_id)
    header, rows = services.export_rows(simulation)
    frame = exports.submissions_frame(header, rows, len(simulation.lines), numeric=False)
    return download(frame, f"simulation-{council.slug}-{simulation.fiscal_year}", "csv")


@bp.route("/<slug>/simulations/<int:sim_id>/results.xlsx")
def export_xlsx(slug: str, sim_id: int):
    """The results as a workbook: the per-line statistics, every submission, and the simulation."""
    council = _director(slug)
    simulation = _simulation(council, sim_id)
    header, rows = services.export_rows(simulation)
    frames = exports.results_frames(simulation, services.results(simulation), header, rows)
    return download(frames, f"simulation-{council.slug}-{simulation.fiscal_year}", "xlsx")
