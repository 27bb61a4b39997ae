"""Public pages: the list of citizen budgets, a council's citizen budget of one year (latest
version and each earlier one), open-data downloads, and the feedback form. No login."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from budget_app.cycles.codes import MAX_LENGTH as CODE_MAX_LENGTH
from budget_app.errors import show_error
from budget_app.exports import download
from budget_app.extensions import db, limiter
from budget_app.i18n import current_language
from budget_app.tenancy import Council
from citizen_budget import opendata, render, services
from citizen_budget.forms import FeedbackForm
from citizen_budget.models import CitizenBudgetVersion

bp = Blueprint("citizen_budget", __name__, url_prefix="/citizen-budget")

DOWNLOAD_CACHE = "public, max-age=86400, immutable"


def _versions_or_404(slug: str, year: int) -> list[render.VersionInfo]:
    versions = render.versions_of(slug, year)
    if not versions:
        abort(404)
    return versions


def _version(versions, number: int) -> render.VersionInfo:
    for v in versions:
        if v.number == number:
            return v
    abort(404)


@bp.route("/")
def index():
    """Councils and years with a published citizen budget."""

    rows = db.session.execute(
        select(Council.slug, Council.name_ar, Council.name_en, CitizenBudgetVersion.fiscal_year,
               func.max(CitizenBudgetVersion.number), func.max(CitizenBudgetVersion.published_at))
        .join(Council, Council.id == CitizenBudgetVersion.council_id)
        .group_by(Council.slug, Council.name_ar, Council.name_en, CitizenBudgetVersion.fiscal_year)
        .order_by(CitizenBudgetVersion.fiscal_year.desc(), Council.slug)).all()
    budgets = [{"slug": r[0], "name_ar": r[1], "name_en": r[2], "year": r[3], "versions": r[4],
                "published_at": r[5]} for r in rows]
    return render_template("citizen_budget/index.html", budgets=budgets)


@bp.route("/<slug>/<int:year>/")
def page(slug: str, year: int):
    """The latest published version."""
    versions = _versions_or_404(slug, year)
    return render.page_response(versions[0], versions, current_language())


@bp.route("/<slug>/<int:year>/v/<int:number>/")
def version_page(slug: str, year: int, number: int):
    """An earlier (or the latest) version, still viewable as it was published."""
    versions = _versions_or_404(slug, year)
    return render.page_response(_version(versions, number), versions, current_language())


@bp.route("/<slug>/<int:year>/allocations/<path:code>/")
def allocation_record(slug: str, year: int, code: str):
    """One allocation's public record, from the latest version: from the needs it answers to the
    money spent on it (citizen_budget.records)."""
    versions = _versions_or_404(slug, year)
    return render.record_response(versions[0], versions, _code_or_404(code), current_language())


@bp.route("/<slug>/<int:year>/v/<int:number>/allocations/<path:code>/")
def version_allocation_record(slug: str, year: int, number: int, code: str):
    """The record as an earlier version published it."""
    versions = _versions_or_404(slug, year)
    return render.record_response(_version(versions, number), versions, _code_or_404(code), current_language())


def _code_or_404(code: str) -> str:
    if not code or len(code) > CODE_MAX_LENGTH:
        abort(404)
    return code


def _immutable(response: Response, version) -> Response:
    response.set_etag(f"cbd-{version.content_hash[:24]}")
    response.headers["Cache-Control"] = DOWNLOAD_CACHE
    return response.make_conditional(request)


@bp.route("/<slug>/<int:year>/v/<int:number>/data.<fmt>")
def download_data(slug: str, year: int, number: int, fmt: str):
    """CSV (allocations), Excel (every table) or JSON (the whole snapshot) of one version."""
    versions = _versions_or_404(slug, year)
    version = _version(versions, number)
    snapshot = render.snapshot_of(version)
    name = f"citizen-budget-{slug}-{year}-v{number}"
    if fmt == "csv":
        response = download(opendata.allocations_frame(snapshot), name, "csv")
    elif fmt == "xlsx":
        response = Response(opendata.workbook(snapshot), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    elif fmt == "json":
        response = Response(json.dumps(opendata.json_document(snapshot, version), ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.json"'
    else:
        abort(404)
    return _immutable(response, version)


@bp.route("/<slug>/<int:year>/v/<int:number>/<any(fairness, margins):table>.<fmt>")
def download_report(slug: str, year: int, number: int, table: str, fmt: str):
    """The fairness report or the margins of one version (resources of its Data Package)."""
    version = _version(_versions_or_404(slug, year), number)
    snapshot = render.snapshot_of(version)
    if fmt not in ("csv", "xlsx") or not snapshot.get("fairness"):
        abort(404)
    if fmt == "csv":
        response = Response(opendata.report_csv(snapshot, table), content_type="text/csv; charset=utf-8")
    else:
        response = Response(opendata.report_workbook(snapshot, table), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response.headers["Content-Disposition"] = f'attachment; filename="citizen-budget-{slug}-{year}-v{number}-{table}.{fmt}"'
    return _immutable(response, version)


@bp.route("/<slug>/<int:year>/v/<int:number>/datapackage.json")
def datapackage(slug: str, year: int, number: int):
    """Fiscal Data Package descriptor; its resource ``budget.csv`` is next to it."""
    version = _version(_versions_or_404(slug, year), number)
    body = json.dumps(opendata.datapackage(render.snapshot_of(version), version), ensure_ascii=False, indent=2)
    return _immutable(Response(body, content_type="application/json; charset=utf-8"), version)


@bp.route("/<slug>/<int:year>/v/<int:number>/budget.csv")
def datapackage_csv(slug: str, year: int, number: int):
    version = _version(_versions_or_404(slug, year), number)
    response = Response(opendata.fdp_csv(render.snapshot_of(version)), content_type="text/csv; charset=utf-8")
    return _immutable(response, version)


@bp.route("/<slug>/<int:year>/v/<int:number>/datapackage.zip")
def datapackage_zip(slug: str, year: int, number: int):
    version = _version(_versions_or_404(slug, year), number)
    response = Response(opendata.datapackage_zip(render.snapshot_of(version), version),
                        content_type="application/zip")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="citizen-budget-{slug}-{year}-v{number}-datapackage.zip"')
    return _immutable(response, version)


def _feedback_limit() -> str:
    return current_app.config.get("CITIZEN_FEEDBACK_LIMIT", "5 per hour")


def _attempts_limit() -> str:
    return current_app.config.get("CITIZEN_FEEDBACK_ATTEMPTS_LIMIT", "30 per hour")


@bp.route("/<slug>/<int:year>/feedback", methods=["GET", "POST"])
# Accepted messages per address, and (looser) attempts of any kind.
@limiter.limit(_feedback_limit, methods=["POST"], deduct_when=lambda response: response.status_code == 302)
@limiter.limit(_attempts_limit, methods=["POST"])
def feedback(slug: str, year: int):
    """Citizens' messages: the form, and the messages a coordinator has published (authors never shown)."""

    versions = _versions_or_404(slug, year)
    council = db.session.get(Council, versions[0].council_id)
    snapshot = render.snapshot_of(versions[0])
    form = FeedbackForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.submit_feedback(council, year, form.body.data, form.contact.data or "")
        except services.CitizenBudgetError as exc:
            show_error(exc, form, "body")
            status = 400
        else:
            flash(_("Thank you. Your message was received; it will appear here after the council's coordinator "
                    "has read it."), "success")
            return redirect(url_for("citizen_budget.feedback", slug=slug, year=year))
    elif request.method == "POST":
        status = 400
    messages = services.published_feedback(council.id, year)
    response = render_template("citizen_budget/feedback.html", form=form, s=snapshot, slug=slug, year=year,
                               messages=messages, lang=current_language())
    return response, status
