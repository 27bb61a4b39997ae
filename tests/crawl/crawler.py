"""Crawl the site as one role in one language: follow every internal link from ``/`` and
``/dashboard`` and request every GET route of ``app.url_map`` filled in with real ids; record
each page's status, size, longest list and server time, and every link that answered 404.

Shared by ``tests/crawl/test_crawl.py`` (assertions, no timing) and ``benchmarks/crawl.py``
(timing per route). A route's URLs differ only by their ids, so at most ``per_endpoint`` URLs of
one endpoint are requested and parsed; every link found is recorded, and those of endpoints
already at their cap are checked by requesting them too, up to ``link_checks`` per endpoint.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import BuildError

ROLE_EMAILS = {
    "anonymous": None,
    "member": "member4@sharaka.test",
    "coordinator": "coordinator@sharaka.test",
    "director": "director@sharaka.test",
    "admin": "admin@sharaka.test",
}
# GET routes no crawl can fill in from the data set (a one-time token of a password e-mail).
UNFILLABLE = {"auth.set_password"}
# Responses that are files, not pages: requested and checked for 5xx, not parsed.
LIST_ROW_LIMIT = 100


@dataclass
class Page:
    url: str
    endpoint: str
    status: int
    seconds: float
    size: int
    longest_list: int = 0
    found_on: str = ""
    role: str = ""
    queries: int = 0
    html: str | None = None


@dataclass
class CrawlResult:
    role: str
    lang: str
    pages: list[Page] = field(default_factory=list)
    broken: list[tuple[str, str, int]] = field(default_factory=list)  # (href, page it is on, status)
    links_seen: int = 0
    unchecked_links: int = 0

    @property
    def errors(self) -> list[Page]:
        return [p for p in self.pages if p.status >= 500]


class _Links(HTMLParser):
    """hrefs of <a> and <link>, and the longest list: rows of a <tbody> (or table without one),
    items of a <ul>/<ol>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.stack: list[list] = []  # [tag, count]
        self.longest = 0

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)
        if tag in ("tbody", "ul", "ol"):
            self.stack.append([tag, 0])
        elif tag == "table":
            self.stack.append([tag, 0])
        elif tag == "tr" and self.stack and self.stack[-1][0] in ("tbody", "table"):
            self.stack[-1][1] += 1
        elif tag == "li" and self.stack and self.stack[-1][0] in ("ul", "ol"):
            self.stack[-1][1] += 1

    def handle_endtag(self, tag):
        if tag in ("tbody", "ul", "ol", "table"):
            while self.stack:
                open_tag, count = self.stack.pop()
                self.longest = max(self.longest, count)
                if open_tag == tag:
                    break


def parse(html: str) -> tuple[list[str], int]:
    p = _Links()
    p.feed(html)
    return p.hrefs, p.longest


def endpoint_of(app, url: str) -> str | None:
    parts = urlsplit(url)
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(parts.path, method="GET")
    except (NotFound, MethodNotAllowed):
        return None
    except Exception:  # a redirect rule (trailing slash): same endpoint
        try:
            return adapter.match(parts.path + "/", method="GET")[0]
        except Exception:
            return None
    return endpoint


def internal(href: str) -> str | None:
    """The path and query of a link on this site, else None (other sites, anchors, mailto)."""
    if href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        if parts.netloc not in ("localhost", ""):
            return None
    if not parts.path.startswith("/"):
        return None
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    if len(query) != len(parse_qsl(parts.query, keep_blank_values=True)):
        return None  # language switch: changes the session's language, not a page of its own
    return parts.path + ("?" + urlencode(query) if query else "")


def route_urls(app, contexts: list[dict]) -> list[str]:
    """Every GET route of the url_map, filled in with real ids: each of ``contexts`` maps URL
    argument names (slug, cycle_id, priority_id, fmt...) to values that belong together."""
    from flask import url_for

    out = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint.endswith("static") or rule.endpoint in UNFILLABLE:
                continue
            for values in contexts:
                if not set(rule.arguments) <= set(values):
                    continue
                try:
                    out.append(url_for(rule.endpoint, **{k: values[k] for k in rule.arguments}))
                except BuildError:
                    continue
    return list(dict.fromkeys(out))


FILE_SUFFIXES = (".pb", ".csv", ".xlsx", ".json", ".zip", ".js")


def is_file(url: str) -> bool:
    """Downloads (ballots, spreadsheets, data packages): the same bytes whoever asks."""
    return urlsplit(url).path.endswith(FILE_SUFFIXES)


def crawl(app, role: str, lang: str, seeds: list[str], *, per_endpoint: int = 3, link_checks: int = 10,
          client=None, files: dict | None = None) -> CrawlResult:
    """``files``: {url: status} shared by the crawls of one run, so a download (the 66,045
    ballots of a city-wide election) that answered once is not requested again for every role
    and language."""
    files = {} if files is None else files
    client = client or app.test_client()
    client.crawl_role = f"{role}/{lang}"
    if ROLE_EMAILS[role]:
        client.login(ROLE_EMAILS[role])
    client.get(f"/?lang={lang}")
    result = CrawlResult(role, lang)
    queue: list[tuple[str, str]] = [(u, "(start)") for u in ["/", "/dashboard", *seeds]]
    seen: set[str] = set()
    fetched: dict[str, int] = {}
    tried: dict[str, int] = {}
    checked: dict[str, int] = {}
    status_of: dict[str, int] = {}
    links: list[tuple[str, str]] = []
    while queue:
        url, source = queue.pop(0)
        if url in seen:
            continue
        endpoint = endpoint_of(app, url) or "(unknown)"
        # The cap counts pages the role may see; refusals (403/404 of another council) are cheap
        # and must not use it up, but are bounded too.
        if fetched.get(endpoint, 0) >= per_endpoint or tried.get(endpoint, 0) >= 4 * per_endpoint:
            continue
        seen.add(url)
        if is_file(url) and url in files:
            status_of[url] = files[url]
            continue
        tried[endpoint] = tried.get(endpoint, 0) + 1
        page = _get(client, url, endpoint, source)
        if is_file(url) and page.status < 400:  # a refusal is another role's answer, not the file's
            files[url] = page.status
        if page.status < 400:
            fetched[endpoint] = fetched.get(endpoint, 0) + 1
        result.pages.append(page)
        status_of[url] = page.status
        if page.html is not None:
            hrefs, page.longest_list = parse(page.html)
            for href in hrefs:
                target = internal(href)
                if target is None or target.startswith("/logout"):
                    continue
                links.append((target, url))
                if target not in seen:
                    queue.append((target, url))
            page.html = None
    # Links of endpoints already at their cap: check their status too (a bounded number).
    result.links_seen = len({t for t, _s in links})
    for target, source in links:
        if target in status_of:
            continue
        if is_file(target) and target in files:
            status_of[target] = files[target]
            continue
        endpoint = endpoint_of(app, target) or "(unknown)"
        if checked.get(endpoint, 0) >= link_checks:
            result.unchecked_links += 1
            status_of[target] = -1
            continue
        checked[endpoint] = checked.get(endpoint, 0) + 1
        page = _get(client, target, endpoint, source)
        page.html = None
        result.pages.append(page)
        status_of[target] = page.status
        if is_file(target) and page.status < 400:
            files[target] = page.status
    for target, source in links:
        if status_of.get(target) == 404:
            result.broken.append((target, source, 404))
    result.broken = list(dict.fromkeys(result.broken))
    return result


class _QueryCounter:
    """Counts the SQL statements of each request (an N+1 shows as hundreds)."""

    def __init__(self):
        self.n = 0

    def __call__(self, *args, **kwargs):
        self.n += 1


_counter = _QueryCounter()
_listening: set[int] = set()


def _count_queries(app) -> None:
    from sqlalchemy import event

    from budget_app.extensions import db
    with app.app_context():
        engine = db.engine
    if id(engine) not in _listening:
        event.listen(engine, "before_cursor_execute", _counter)
        _listening.add(id(engine))


def _get(client, url, endpoint, source) -> Page:
    _count_queries(client.application)
    before = _counter.n
    started = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - started
    body = response.get_data()
    page = Page(url, endpoint, response.status_code, seconds, len(body), found_on=source,
                role=getattr(client, "crawl_role", ""), queries=_counter.n - before)
    page.html = body.decode("utf-8", "replace") if response.mimetype == "text/html" and response.status_code == 200 \
        else None
    return page


def summary(results: list[CrawlResult]) -> str:
    pages = [p for r in results for p in r.pages]
    if not pages:
        return "crawl: no page"
    slowest = max(pages, key=lambda p: p.seconds)
    times = sorted(p.seconds for p in pages)
    p95 = times[int(0.95 * (len(times) - 1))]
    longest = max(pages, key=lambda p: p.longest_list)
    most_queries = max(pages, key=lambda p: p.queries)
    roles = sorted({r.role for r in results})
    langs = sorted({r.lang for r in results})
    per_role = ", ".join(f"{r.role}/{r.lang} {len(r.pages)}" for r in results)
    return (f"crawl: {len(pages)} page views ({len({p.url for p in pages})} distinct URLs, "
            f"{len({p.endpoint for p in pages})} routes), roles {', '.join(roles)}, languages {', '.join(langs)}; "
            f"5xx: {sum(1 for p in pages if p.status >= 500)}; broken links: {sum(len(r.broken) for r in results)}; "
            f"links seen {sum(r.links_seen for r in results)}, left unchecked {sum(r.unchecked_links for r in results)}; "
            f"server time median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"slowest {slowest.url} (as {slowest.role}, {slowest.seconds * 1000:.0f} ms); longest list {longest.longest_list} rows ({longest.url}); "
            f"largest page {max(p.size for p in pages) // 1024} KB; most SQL statements {most_queries.queries} "
            f"({most_queries.url})\n  per role: {per_role}")


def per_route(results: list[CrawlResult]) -> list[tuple[str, int, float, float, float]]:
    """(endpoint, requests, p50, p95, max) in seconds, slowest first."""
    by: dict[str, list[float]] = {}
    for r in results:
        for p in r.pages:
            by.setdefault(p.endpoint, []).append(p.seconds)
    rows = []
    for endpoint, times in by.items():
        times.sort()
        rows.append((endpoint, len(times), statistics.median(times), times[int(0.95 * (len(times) - 1))], times[-1]))
    return sorted(rows, key=lambda r: -r[4])


def id_contexts() -> list[dict]:
    """Sets of URL values that belong together, for a few councils and every cycle phase."""
    from budget_app.auth.models import User
    from budget_app.cycles.models import Ballot, BudgetCycle
    from budget_app.reference.models import Sector
    from citizen_budget.models import CitizenBudgetVersion
    from budget_app.tenancy import Council, Membership
    from councils.models import Meeting, PartnerOrganization, Recommendation
    from priorities.models import Priority, PriorityComment, RankingRound

    per_council = []
    sector = Sector.query.first()
    for slug in ("hebron", "ramallah", "jerusalem", "nablus"):
        contexts = []
        per_council.append(contexts)
        council = Council.query.filter_by(slug=slug).one()
        comment = (PriorityComment.query.join(Priority).filter(Priority.council_id == council.id)
                   .order_by(PriorityComment.id).first())
        common = {
            "slug": slug, "council_id": council.id,
            "user_id": Membership.query.filter_by(council_id=council.id).first().user_id,
            "membership_id": Membership.query.filter_by(council_id=council.id).first().id,
            "meeting_id": Meeting.query.filter_by(council_id=council.id).order_by(Meeting.id).first().id,
            "rec_id": Recommendation.query.filter_by(council_id=council.id).order_by(Recommendation.id).first().id,
            "partner_id": PartnerOrganization.query.filter_by(council_id=council.id).first().id,
            "round_id": RankingRound.query.filter_by(council_id=council.id).order_by(RankingRound.id).first().id,
            "priority_id": comment.priority_id if comment else Priority.query.filter_by(council_id=council.id).first().id,
            "comment_id": comment.id if comment else 0, "kind": "sectors", "item_id": sector.id,
        }
        # The imported city-wide cycle first (the largest pages), then the newest.
        cycles = sorted(BudgetCycle.query.filter_by(council_id=council.id),
                        key=lambda c: (not c.source.endswith(".pb"), -c.fiscal_year, c.id))
        for cycle in cycles:
            version = (CitizenBudgetVersion.query.filter_by(council_id=council.id, fiscal_year=cycle.fiscal_year)
                       .order_by(CitizenBudgetVersion.number.desc()).first())
            ballot = Ballot.query.filter_by(cycle_id=cycle.id, source="paper").first()
            for fmt in ("csv", "xlsx"):
                contexts.append({**common, "cycle_id": cycle.id, "year": cycle.fiscal_year, "fmt": fmt,
                                 "number": version.number if version else 1,
                                 "proposal_id": cycle.proposals[0].id if cycle.proposals else 0,
                                 "ballot_id": ballot.id if ballot else 0})
    # Interleaved (hebron, ramallah, nablus, hebron, ...), so a few URLs per route cover several
    # councils and cycles.
    contexts = [c for group in zip(*[c + [c[-1]] * (max(map(len, per_council)) - len(c)) for c in per_council])
                for c in group]
    admin = User.query.filter_by(email="admin@sharaka.test").one()
    contexts.append({"user_id": admin.id, "fmt": "json"})
    return contexts
