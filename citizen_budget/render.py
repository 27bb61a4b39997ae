"""Serving published citizen budgets from their frozen snapshots.

A published version never changes, so its parsed snapshot and its rendered body (per
language) are kept in small in-process caches; a request costs one indexed query (the list of
versions), and an anonymous visitor's whole page is cached too. Pages carry an ETag and
Cache-Control; a conditional request is answered 304 before anything is rendered.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from flask import abort, current_app, g, make_response, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from budget_app.cache import LRU
from budget_app.charts import chart_payload
from budget_app.extensions import db
from budget_app.tenancy import Council
from citizen_budget import charts, labels, records
from citizen_budget.figures import UNALLOCATED_CODE, comparison_rows, compute, title
from citizen_budget.models import CitizenBudgetVersion

PUBLIC_MAX_AGE = 300

SNAPSHOTS = LRU(64)
BODIES = LRU(128)
PAGES = LRU(128)
RECORD_PAGES = LRU(256)  # anonymous readers' allocation records (a council has dozens of allocations)


@dataclass(frozen=True)
class VersionInfo:
    id: int
    council_id: int
    fiscal_year: int
    number: int
    content_hash: str
    published_at: datetime
    note: str


def versions_of(slug: str, year: int) -> list[VersionInfo]:
    """Every published version of a council's citizen budget for ``year``, newest first (one query)."""

    rows = db.session.execute(
        select(CitizenBudgetVersion.id, CitizenBudgetVersion.council_id, CitizenBudgetVersion.fiscal_year,
               CitizenBudgetVersion.number, CitizenBudgetVersion.content_hash, CitizenBudgetVersion.published_at,
               CitizenBudgetVersion.note)
        .join(Council, Council.id == CitizenBudgetVersion.council_id)
        .where(Council.slug == slug, CitizenBudgetVersion.fiscal_year == year)
        .order_by(CitizenBudgetVersion.number.desc())).all()
    return [VersionInfo(*r) for r in rows]


def snapshot_of(version: VersionInfo) -> dict:
    cached = SNAPSHOTS.get(version.id)
    if cached is None or cached[0] != version.content_hash:
        text = db.session.execute(select(CitizenBudgetVersion.snapshot_json).where(
            CitizenBudgetVersion.id == version.id)).scalar_one()
        cached = (version.content_hash, json.loads(text))
        SNAPSHOTS.set(version.id, cached)
    return cached[1]


def chart_set(f, lang: str) -> dict:
    """Every chart of the page as ``{key: (payload, alt)}`` (only those that have data)."""

    out = {}

    def add(key, built):
        fig, alt = built
        out[key] = (chart_payload(fig), alt)

    if f.flows:
        add("sources", charts.sources_sankey(f, lang))
    if f.by_sector:
        add("sectors", charts.sectors_treemap(f, lang))
    if f.by_target_group:
        add("groups", charts.group_bars(f.by_target_group, f, lang, _("All groups"),
                                        _("Bar chart of the money for each target group. Largest: %(items)s.")))
    if f.by_locality:
        add("localities", charts.group_bars(f.by_locality, f, lang, _("Several localities"),
                                            _("Bar chart of the money for each locality. Largest: %(items)s.")))
    if f.has_execution:
        add("execution", charts.execution_bars(f, lang))
        add("quarters", charts.quarters_bars(f, lang))
    if f.previous:
        add("comparison", charts.comparison_bars(f, lang))
    for index, consultation in enumerate(f.consultations):
        if consultation.get("rows"):
            add(f"consultation{index}", charts.consultation_bars(consultation, lang))
    return out


# A table of the page shows at most this many rows; the open data holds every row (a city-wide
# election has hundreds of projects).
TABLE_ROWS = 100


def render_body(snapshot: dict, lang: str, version: VersionInfo | None, versions: list[VersionInfo],
                preview: bool = False) -> Markup:
    """The citizen budget itself (everything inside <main>), from the snapshot alone."""
    f = compute(snapshot)
    titles = {a["code"]: title(a, lang) for a in snapshot["allocations"]}
    sentences = {a["code"]: labels.explanation_sentence(a, snapshot["currency"], titles)
                 for a in snapshot["allocations"]}
    from budget_app.cycles.fairness_text import margin_sentence, report_sentences  # text helpers: read no model
    fair = snapshot.get("fairness")
    fairness_sentences = (sum(report_sentences(fair["report"], fair.get("proportionality") or {}, fair["rule"],
                                               snapshot["currency"], fair.get("completion", False), titles), [])
                          if fair and fair.get("report") else [])
    funded = (fair or {}).get("funded")
    funded_sentences = (sum(report_sentences(funded["report"], funded.get("proportionality") or {}, "",
                                             snapshot["currency"], False, titles, of_rule=False), [])
                        if funded and funded.get("report") else [])
    margin_texts = {a["code"]: margin_sentence(a.get("margin"), a["amount_minor"], a["funded"], snapshot["currency"])
                    for a in snapshot["allocations"]}
    return Markup(render_template(
        "citizen_budget/_budget.html", s=snapshot, f=f, lang=lang, charts=chart_set(f, lang), sentences=sentences,
        margin_texts=margin_texts, fairness_sentences=fairness_sentences, funded_sentences=funded_sentences,
        version=version, versions=versions, latest=versions[0] if versions else None, preview=preview,
        title=title, comparison_rows=comparison_rows, d=_date, unallocated_code=UNALLOCATED_CODE,
        table_rows=TABLE_ROWS, **TEMPLATE_LABELS))


def _date(iso: str | None):
    return date.fromisoformat(iso) if iso else None


TEMPLATE_LABELS = {
    "label": labels.label, "per_hundred_from": labels.per_hundred_sentence,
    "per_hundred_in": labels.per_hundred_source_sentence, "GLOSSARY": labels.GLOSSARY,
    "METHOD_LABELS": labels.METHOD_LABELS, "RULE_LABELS": labels.RULE_LABELS,
    "RULE_EXPLANATIONS": labels.RULE_EXPLANATIONS, "ORGANIZATION_TYPE_LABELS": labels.ORGANIZATION_TYPE_LABELS,
    "MEETING_KIND_LABELS": labels.MEETING_KIND_LABELS, "QUARTER_LABELS": labels.QUARTER_LABELS,
    "MILESTONE_STATUS_LABELS": labels.MILESTONE_STATUS_LABELS,
    "RECORD_STATUS_LABELS": labels.RECORD_STATUS_LABELS, "EVIDENCE_LABELS": labels.EVIDENCE_LABELS,
    "MEETING_KIND_ONE_LABELS": labels.MEETING_KIND_ONE_LABELS, "REVIEW_LABELS": labels.REVIEW_LABELS,
}


def cached_body(snapshot: dict, lang: str, version: VersionInfo, versions: list[VersionInfo]) -> Markup:
    key = (version.content_hash, version.number, versions[0].number, lang)
    body = BODIES.get(key)
    if body is None:
        body = render_body(snapshot, lang, version, versions)
        BODIES.set(key, body)
    return body


def _etag_matches(etag: str) -> bool:
    for candidate in request.if_none_match.as_set():
        # flask-compress appends ":gzip"/":br"/":zstd" to the ETag it sends.
        if candidate == etag or candidate.split(":", 1)[0] == etag:
            return True
    return request.if_none_match.star_tag


def simulations_of(council_id: int) -> list:
    """The council's budget simulations (the simulator feature's), for the links under the page."""
    if "simulator.take_part" not in current_app.view_functions:
        return []
    from simulator.services import for_citizen_page  # an optional feature: imported only when installed
    return for_citizen_page(council_id)


def simulation_sections(simulations: list, snapshot: dict) -> list:
    """The closed simulations of the page's year: what citizens proposed beside what the council
    decided, each with its chart (the simulator feature's; none when it is not installed)."""
    if not simulations:
        return []
    from simulator import charts as simulator_charts  # an optional feature: imported only when installed
    from simulator.services import proposed_and_decided  # the same optional feature

    sections = proposed_and_decided(simulations, snapshot)
    for section in sections:
        section["chart"] = simulator_charts.citizen_budget_payload(section)
    return sections


def page_response(version: VersionInfo, versions: list[VersionInfo], lang: str):
    """The public page of ``version`` with ETag, Cache-Control and, for anonymous visitors, a cached copy."""

    anonymous = not current_user.is_authenticated
    who = "a" if anonymous else f"u{current_user.get_id()}"
    simulations = simulations_of(version.council_id)
    # The links to the simulator, and the section of a closed simulation of the year, change as
    # simulations open and close: part of the page's identity. Once closed, a simulation's
    # budgets do not change, and the council's side of the section is this version's snapshot.
    marker = ".".join(f"{sim.id}{'o' if sim.is_open() else 'c'}" for sim in simulations)
    etag = f"cb-{version.content_hash[:20]}-{version.number}-{versions[0].number}-{lang}-{who}-s{marker}"
    cacheable = anonymous and set(request.args) <= {"lang"} and not session.get("_flashes")
    if anonymous and "lang" not in request.args:
        cache_control = f"public, max-age={PUBLIC_MAX_AGE}"
    else:
        # A page with the person's name in the header, or one that sets the language cookie,
        # must not be kept by a shared cache.
        cache_control = "private, no-cache"
    if _etag_matches(etag):
        response = make_response("", 304)
    else:
        key = (request.path, etag)
        html = PAGES.get(key) if cacheable else None
        if html is None:
            snapshot = snapshot_of(version)
            body = cached_body(snapshot, lang, version, versions)
            context = {"body": body, "s": snapshot, "lang": lang, "version": version, "simulations": simulations,
                       "simulation_sections": simulation_sections(simulations, snapshot)}
            if anonymous:
                # No session for anonymous readers: the page has no form (feedback has its own
                # page), so the CSRF meta of the base layout stays empty and no cookie is set.
                context["csrf_token"] = lambda: ""
            html = render_template("citizen_budget/page.html", **context)
            if cacheable:
                PAGES.set(key, html)
        if cacheable:
            g.compress_cache_key = "citizen-page:" + request.path + ":" + etag
        response = make_response(html)
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def _cache_headers(response, etag: str, anonymous: bool):
    response.set_etag(etag)
    if anonymous and "lang" not in request.args:
        response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    else:  # the person's name in the header, or a language cookie being set: no shared cache
        response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def record_response(version: VersionInfo, versions: list[VersionInfo], code: str, lang: str):
    """The public record of one allocation of ``version`` (404 when the version has no such
    code), with ETag and Cache-Control like the citizen page."""
    snapshot = snapshot_of(version)
    record = records.allocation_record(snapshot, code)
    if record is None:
        abort(404)
    anonymous = not current_user.is_authenticated
    who = "a" if anonymous else f"u{current_user.get_id()}"
    etag = f"cbr-{version.content_hash[:20]}-{version.number}-{versions[0].number}-{lang}-{who}"
    if _etag_matches(etag):
        return _cache_headers(make_response("", 304), etag, anonymous)
    cacheable = anonymous and set(request.args) <= {"lang"} and not session.get("_flashes")
    key = (request.path, etag)
    html = RECORD_PAGES.get(key) if cacheable else None
    if html is None:
        html = _record_html(snapshot, record, code, lang, version, versions, anonymous)
        if cacheable:
            RECORD_PAGES.set(key, html)
    return _cache_headers(make_response(html), etag, anonymous)


def _record_html(snapshot, record, code, lang, version, versions, anonymous) -> str:
    titles = {a["code"]: title(a, lang) for a in snapshot["allocations"]}
    allocation = records.find_allocation(snapshot, code)
    from budget_app.cycles.fairness_text import margin_sentence  # text helpers: read no model
    context = {
        "r": record, "s": snapshot, "lang": lang, "version": version, "versions": versions,
        "latest": versions[0], "title": title, "d": _date,
        "explanation": labels.explanation_sentence(allocation, snapshot["currency"], titles),
        "margin_text": margin_sentence(record["vote"]["margin"], record["proposal"]["amount_minor"],
                                       record["vote"]["funded"], snapshot["currency"]),
        "chart": None, "event_title": charts.event_title, **TEMPLATE_LABELS}
    if record["timeline"]:
        fig, alt = charts.timeline_chart(record, lang)
        context["chart"] = (chart_payload(fig), alt)
    if anonymous:
        context["csrf_token"] = lambda: ""  # no session for anonymous readers (see page_response)
    return render_template("citizen_budget/record.html", **context)
