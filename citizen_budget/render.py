"""Serving published citizen budgets from their frozen snapshots.

A published version never changes, so its parsed snapshot and its rendered body (per
language) are kept in small in-process caches; a request costs one indexed query (the list of
versions), and an anonymous visitor's whole page is cached too. Pages carry an ETag and
Cache-Control; a conditional request is answered 304 before anything is rendered.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from flask import g, render_template, request, session
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from budget_app.cache import LRU
from budget_app.charts import chart_payload
from budget_app.extensions import db
from citizen_budget import charts
from citizen_budget import labels
from citizen_budget.figures import comparison_rows, compute, title
from citizen_budget.models import CitizenBudgetVersion

PUBLIC_MAX_AGE = 300

SNAPSHOTS = LRU(64)
BODIES = LRU(128)
PAGES = LRU(128)


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
    from councils.models import Council

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
    from flask_babel import gettext as _

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
    return out


def render_body(snapshot: dict, lang: str, version: VersionInfo | None, versions: list[VersionInfo],
                preview: bool = False) -> Markup:
    """The citizen budget itself (everything inside <main>), from the snapshot alone."""
    f = compute(snapshot)
    titles = {a["code"]: title(a, lang) for a in snapshot["allocations"]}
    sentences = {a["code"]: labels.explanation_sentence(a, snapshot["currency"], titles)
                 for a in snapshot["allocations"]}
    return Markup(render_template(
        "citizen_budget/_budget.html", s=snapshot, f=f, lang=lang, charts=chart_set(f, lang), sentences=sentences,
        version=version, versions=versions, latest=versions[0] if versions else None, preview=preview,
        title=title, comparison_rows=comparison_rows, d=_date, **TEMPLATE_LABELS))


def _date(iso: str | None):
    from datetime import date
    return date.fromisoformat(iso) if iso else None


TEMPLATE_LABELS = {
    "label": labels.label, "per_hundred_from": labels.per_hundred_sentence,
    "per_hundred_in": labels.per_hundred_source_sentence, "GLOSSARY": labels.GLOSSARY,
    "METHOD_LABELS": labels.METHOD_LABELS, "RULE_LABELS": labels.RULE_LABELS,
    "RULE_EXPLANATIONS": labels.RULE_EXPLANATIONS, "ORGANIZATION_TYPE_LABELS": labels.ORGANIZATION_TYPE_LABELS,
    "MEETING_KIND_LABELS": labels.MEETING_KIND_LABELS, "QUARTER_LABELS": labels.QUARTER_LABELS,
    "MILESTONE_STATUS_LABELS": labels.MILESTONE_STATUS_LABELS,
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


def page_response(version: VersionInfo, versions: list[VersionInfo], lang: str):
    """The public page of ``version`` with ETag, Cache-Control and, for anonymous visitors, a cached copy."""
    from flask import make_response

    anonymous = not current_user.is_authenticated
    who = "a" if anonymous else f"u{current_user.get_id()}"
    etag = f"cb-{version.content_hash[:20]}-{version.number}-{versions[0].number}-{lang}-{who}"
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
            context = {"body": body, "s": snapshot, "lang": lang, "version": version}
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
