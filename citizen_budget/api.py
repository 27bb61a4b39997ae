"""Read-only public JSON API under /api/v1/: councils, published citizen budgets, their
allocations and execution, served from the frozen snapshots. Only GET; no personal data."""
from __future__ import annotations

import hashlib

from flask import Blueprint, abort, jsonify, request, url_for
from sqlalchemy import func, select

from budget_app.cycles.codes import MAX_LENGTH as CODE_MAX_LENGTH
from budget_app.cycles.public_results import public_results
from budget_app.extensions import db
from budget_app.tenancy import Council
from citizen_budget import records, render
from citizen_budget.figures import compute
from citizen_budget.models import CitizenBudgetVersion
from citizen_budget.openapi import YEAR_MAX, YEAR_MIN, document
from citizen_budget.opendata import major, version_meta

bp = Blueprint("api", __name__, url_prefix="/api/v1")

API_CACHE = "public, max-age=300"


@bp.after_request
def _headers(response):
    response.headers.setdefault("Cache-Control", API_CACHE)
    # Open data: any site may read it (no cookies are honoured by the API).
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _json(data, status: int = 200):
    response = jsonify(data)
    response.status_code = status
    if status == 200:
        response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
        response = response.make_conditional(request)
    return response


def _year(year: int) -> int:
    if not YEAR_MIN <= year <= YEAR_MAX:
        abort(404)
    return year


def _published_years() -> dict[int, list[int]]:
    rows = db.session.execute(select(CitizenBudgetVersion.council_id, CitizenBudgetVersion.fiscal_year)
                              .distinct()).all()
    out: dict[int, list[int]] = {}
    for council_id, year in rows:
        out.setdefault(council_id, []).append(year)
    return {k: sorted(v, reverse=True) for k, v in out.items()}


def _council_json(council, years) -> dict:
    return {"slug": council.slug, "name_ar": council.name_ar, "name_en": council.name_en,
            "contact_email": council.contact_email or "", "citizen_budget_years": years,
            "url": url_for("api.council", slug=council.slug, _external=True)}


@bp.route("/openapi.json")
def openapi():
    return _json(document(request.host_url.rstrip("/") + "/api/v1"))


@bp.route("/councils")
def councils():
    years = _published_years()
    rows = Council.query.filter_by(active=True).order_by(Council.slug).all()
    return _json({"councils": [_council_json(c, years.get(c.id, [])) for c in rows]})


@bp.route("/councils/<slug>")
def council(slug: str):
    row = Council.query.filter_by(slug=slug, active=True).first()
    if row is None:
        abort(404)
    return _json(_council_json(row, _published_years().get(row.id, [])))


@bp.route("/citizen-budgets")
def citizen_budgets():
    rows = db.session.execute(
        select(Council.slug, CitizenBudgetVersion.fiscal_year, func.max(CitizenBudgetVersion.number),
               func.max(CitizenBudgetVersion.published_at))
        .join(Council, Council.id == CitizenBudgetVersion.council_id)
        .group_by(Council.slug, CitizenBudgetVersion.fiscal_year)
        .order_by(CitizenBudgetVersion.fiscal_year.desc(), Council.slug)).all()
    return _json({"citizen_budgets": [
        {"council": slug, "fiscal_year": year, "latest_version": number,
         "published_at": published.isoformat(timespec="seconds") + "Z",
         "url": url_for("api.citizen_budget", slug=slug, year=year, _external=True)}
        for slug, year, number, published in rows]})


def _versions(slug: str, year: int):
    versions = render.versions_of(slug, _year(year))
    if not versions:
        abort(404)
    return versions


def _pick(versions, number: int | None):
    if number is None:
        return versions[0]
    for v in versions:
        if v.number == number:
            return v
    abort(404)


def _version_param() -> int | None:
    raw = request.args.get("version")
    if raw is None:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 100000:
        abort(400)
    return int(raw)


def _totals(snapshot) -> dict:
    f = compute(snapshot)
    return {"envelope": major(f.envelope_minor), "allocated": major(f.allocated_minor),
            "executed": major(f.executed_minor), "funding": major(f.funding_total_minor),
            "funded_allocations": len(f.funded), "currency": snapshot["currency"]}


@bp.route("/citizen-budgets/<slug>/<int:year>")
def citizen_budget(slug: str, year: int):
    versions = _versions(slug, year)
    latest = versions[0]
    snapshot = render.snapshot_of(latest)
    return _json({
        "council": slug, "fiscal_year": year, "currency": snapshot["currency"],
        "latest_version": version_meta(snapshot, latest),
        "versions": [{"version": v.number, "content_hash": v.content_hash,
                      "published_at": v.published_at.isoformat(timespec="seconds") + "Z", "note": v.note or "",
                      "url": url_for("api.citizen_budget_version", slug=slug, year=year, number=v.number,
                                     _external=True)} for v in versions],
        "totals": _totals(snapshot),
        "page": url_for("citizen_budget.page", slug=slug, year=year, _external=True),
    })


@bp.route("/citizen-budgets/<slug>/<int:year>/versions/<int:number>")
def citizen_budget_version(slug: str, year: int, number: int):
    version = _pick(_versions(slug, year), number)
    snapshot = render.snapshot_of(version)
    return _json({"version": version_meta(snapshot, version), "totals": _totals(snapshot), "snapshot": snapshot})


def _allocation_json(a: dict) -> dict:
    execution = a.get("execution") or {}
    return {
        "code": a["code"], "title_ar": a["title_ar"], "title_en": a["title_en"], "funded": a["funded"],
        "sector": a["sector"], "locality": a["locality"], "target_groups": [t for t in a["target_groups"] if t],
        "amount": major(a["amount_minor"]), "beneficiaries": a.get("beneficiaries"), "votes": a.get("votes", 0),
        "decision_reason": (a.get("explanation") or {}).get("reason", ""),
        "executed": major(execution.get("executed_minor", 0)) if a["funded"] else None,
        "progress_pct": execution.get("progress_pct"),
        "over_allocation": bool(execution.get("over_allocation")),
    }


@bp.route("/citizen-budgets/<slug>/<int:year>/allocations")
def allocations(slug: str, year: int):
    version = _pick(_versions(slug, year), _version_param())
    snapshot = render.snapshot_of(version)
    return _json({"version": version.number, "currency": snapshot["currency"],
                  "allocations": [_allocation_json(a) for a in snapshot["allocations"]]})


@bp.route("/citizen-budgets/<slug>/<int:year>/allocations/<path:code>")
def allocation_record(slug: str, year: int, code: str):
    """One allocation's public record (citizen_budget.records), of the latest or the given version."""
    if len(code) > CODE_MAX_LENGTH:
        abort(404)
    version = _pick(_versions(slug, year), _version_param())
    record = records.allocation_record(render.snapshot_of(version), code)
    if record is None:
        abort(404)
    return _json({"version": version.number, "currency": record["currency"], "record": record,
                  "page": url_for("citizen_budget.version_allocation_record", slug=slug, year=year,
                                  number=version.number, code=code, _external=True)})


@bp.route("/citizen-budgets/<slug>/<int:year>/execution")
def execution(slug: str, year: int):
    version = _pick(_versions(slug, year), _version_param())
    snapshot = render.snapshot_of(version)
    rows = []
    for a in snapshot["allocations"]:
        if not a["funded"]:
            continue
        e = a.get("execution") or {}
        rows.append({"code": a["code"], "allocated": major(a["amount_minor"]),
                     "executed": major(e.get("executed_minor", 0)), "progress_pct": e.get("progress_pct"),
                     "over_allocation": bool(e.get("over_allocation")),
                     "quarters": [{"quarter": s["quarter"], "funding_source": s["funding_source"],
                                   "amount": major(s["amount_minor"])} for s in e.get("spending", [])],
                     "milestones": a.get("milestones", [])})
    f = compute(snapshot)
    return _json({"version": version.number, "currency": snapshot["currency"],
                  "allocated": major(f.allocated_minor), "executed": major(f.executed_minor),
                  "by_quarter": [{"quarter": q, "amount": major(f.quarters[q])} for q in (1, 2, 3, 4)],
                  "allocations": rows})



@bp.route("/results/<slug>/<int:year>")
def cycle_results(slug: str, year: int):
    """A decided cycle's results: frozen rules and fingerprint, the selection of each rule compared,
    per-proposal votes, cost, explanation and margins, the fairness report and the .pb link."""
    _year(year)
    row = Council.query.filter_by(slug=slug, active=True).first()
    data = public_results(row, year) if row is not None else None
    if data is None:
        abort(404)
    return _json(data)
