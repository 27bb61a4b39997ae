"""Public pages of the budget simulator (no login): take part, the view-only link to a
submission, and the results once the simulation has closed."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from budget_app.errors import undo_refused
from budget_app.extensions import db, limiter
from simulator import charts, forms, services
from simulator.models import Simulation, SimulationSubmission

bp = Blueprint("simulator", __name__, url_prefix="/simulator")

COOKIE_MAX_AGE = 400 * 24 * 3600


def _simulation_or_404(slug: str, sim_id: int) -> Simulation:
    simulation = db.session.get(Simulation, sim_id)
    if simulation is None or simulation.council.slug != slug:
        abort(404)
    return simulation


def _cookie_name(simulation) -> str:
    return f"sharaka_sim_{simulation.id}"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="simulator-submission")


def _earlier_submission(simulation) -> SimulationSubmission | None:
    """The submission this browser already made (from its signed cookie), if any."""
    raw = request.cookies.get(_cookie_name(simulation))
    if not raw or len(raw) > 200:
        return None
    try:
        data = _signer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != simulation.id or not isinstance(data.get("t"), str):
        return None
    return SimulationSubmission.query.filter_by(simulation_id=simulation.id, token=data["t"][:32]).first()


def _submit_limit() -> str:
    return current_app.config.get("SIMULATOR_SUBMIT_LIMIT", "10 per hour")


def _attempts_limit() -> str:
    return current_app.config.get("SIMULATOR_ATTEMPTS_LIMIT", "60 per hour")


def _choice(value: str) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@bp.route("/<slug>/<int:sim_id>/", methods=["GET", "POST"])
@limiter.limit(_submit_limit, methods=["POST"], deduct_when=lambda response: response.status_code == 302)
@limiter.limit(_attempts_limit, methods=["POST"])
def take_part(slug: str, sim_id: int):
    """The simulator: an amount per line (a slider and a number field with a live balance when
    scripts run; a plain form checked on the server otherwise) and the optional context."""
    simulation = _simulation_or_404(slug, sim_id)
    earlier = _earlier_submission(simulation)
    form = forms.submission_form(simulation)
    status = 200
    problems: list[str] = []
    if request.method == "POST":
        if earlier is not None:
            problems = [_("This browser has already sent a budget for this simulation.")]
            status = 409
        elif not simulation.is_open():
            problems = [_("This simulation is closed: submissions are no longer accepted.")]
            status = 409
        elif form.validate_on_submit():
            try:
                submission = services.submit(
                    simulation, forms.amounts_of(form, simulation), address=request.remote_addr or "",
                    governorate_id=_choice(form.governorate.data), locality_id=_choice(form.locality.data),
                    age_band=form.age_band.data or "", gender=form.gender.data or "",
                    uses_services=form.uses_services.data or "")
            except services.SimulationError as exc:
                undo_refused()  # nothing of the refused submission is kept
                problems = getattr(exc, "problems", None) or [str(exc)]
                status = 400
            else:
                response = make_response(redirect(url_for("simulator.submission", slug=slug, sim_id=sim_id,
                                                          token=submission.token, sent=1)))
                response.set_cookie(_cookie_name(simulation), _signer().dumps({"s": simulation.id,
                                                                               "t": submission.token}),
                                    max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                                    secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
                                    path=url_for("simulator.take_part", slug=slug, sim_id=sim_id))
                return response
        else:
            status = 400
    return render_template("simulator/take_part.html", simulation=simulation, form=form, earlier=earlier,
                           problems=problems, line_field=forms.line_field), status


@bp.route("/<slug>/<int:sim_id>/s/<token>")
def submission(slug: str, sim_id: int, token: str):
    """A submission, to view (not edit) and share."""
    simulation = _simulation_or_404(slug, sim_id)
    row = SimulationSubmission.query.filter_by(simulation_id=simulation.id, token=token[:32]).first() \
        if len(token) <= 32 else None
    if row is None:
        abort(404)
    amounts = row.amounts
    lines = [(line, amounts.get(line.id, 0)) for line in simulation.lines]
    return render_template("simulator/submission.html", simulation=simulation, submission=row, lines=lines,
                           sent=request.args.get("sent") == "1")


@bp.route("/<slug>/<int:sim_id>/results")
def public_results(slug: str, sim_id: int):
    """The results, for everyone once the simulation has closed (a notice until then)."""
    simulation = _simulation_or_404(slug, sim_id)
    public = services.is_public_results(simulation)
    data = services.results(simulation) if public else None
    return render_template("simulator/public_results.html", simulation=simulation, public=public, r=data,
                           figures=charts.figures(data) if data and data["count"] else None)
