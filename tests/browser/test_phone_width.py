"""No page is wider than a 360 px phone, in Arabic or in English (issue 10, section 2).

Every GET page of ``app.url_map`` is visited, on the full demo data, by each role that may open
it (its access level in tests/**/route_expectations.py), with one browser context per role and
language, and ``document.documentElement.scrollWidth`` must not exceed the viewport. An element
that scrolls inside its own container (a wide table in ``.table-scroll``) does not widen the
document, so it passes; hiding the overflow of the whole page would hide the bug, so it fails.

One URL per route rule, filled with real ids from the demo database; a cycle's ballot, paper
ballots and page once for each ballot method (cycles open for voting are added when the demo
lacks one). Downloads, JSON and the API are not pages and are left out.
"""
from __future__ import annotations

import json

import re
import time
from dataclasses import dataclass
from datetime import date

import pytest

from browser_helpers import login
from helpers import PASSWORD, ROLE_EMAILS
from matrix import OK
from test_permission_matrix import EXPECTATIONS

WIDTH = 360
ROLES = ("anonymous", "member", "coordinator", "director", "admin")
# The reviewer (technical staff) is measured only on the pages none of the roles above opens (the
# review form): the council pages a reviewer reads are the ones the member reads.
EXTRA_ROLES = ("reviewer",)
# Not HTML pages: files, JSON, the API, the health check; logout is a POST; a set-password
# page needs a live one-time token (its form is the change-password form, measured).
# files.attachment_file serves a photo or a PDF, not a page.
SKIP_ENDPOINTS = {"static", "main.healthz", "auth.logout", "auth.set_password", "files.attachment_file"}
SKIP_PREFIXES = ("api.", "assets.")
FILE_RULE = re.compile(r"(<fmt>|\.(pb|csv|json|zip|xlsx)$)")

MEASURE_JS = """() => {
  const doc = document.documentElement, vw = doc.clientWidth;
  const hidden = [doc, document.body].filter(el => {
    const s = getComputedStyle(el); return s.overflowX !== 'visible' && s.overflowX !== 'auto';
  }).map(el => el.tagName.toLowerCase());
  const scrolls = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
    }
    return false;
  };
  const wide = [];
  if (doc.scrollWidth > vw) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || (r.right <= vw + 1 && r.left >= -1) || scrolls(el) ||
          el.matches('.skip-link, .visually-hidden, .visually-hidden *')) continue;
      if ([...el.children].some(c => { const q = c.getBoundingClientRect(); return q.right > vw + 1 || q.left < -1; })) continue;
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      wide.push(name + ' [' + Math.round(r.left) + '..' + Math.round(r.right) + '] ' +
                (el.textContent || '').trim().slice(0, 40));
      if (wide.length >= 4) break;
    }
  }
  return {scrollWidth: doc.scrollWidth, viewport: vw, hidden: hidden, wide: wide};
}"""


@dataclass
class DemoIds:
    slug: str
    year: int
    main_cycle: object
    voting: dict  # ballot method -> cycle open for voting
    preparing: object
    values: dict  # URL parameter -> real id


def _voting_cycles(council, director, year):
    """A cycle open for voting for each ballot method the demo lacks, with the demo's proposals."""
    from budget_app.cycles import demo as cycles_demo
    from budget_app.cycles.lifecycle import create_cycle, open_voting
    from budget_app.cycles.methods import METHODS
    from budget_app.cycles.models import BudgetCycle
    from budget_app.cycles.proposals import save_proposal
    from budget_app.reference.models import Locality, Sector

    sectors = {s.code: s.id for s in Sector.query}
    localities = {loc.code: loc.id for loc in Locality.query}
    rules = {"approval": {"max_choices": 3}, "cost_limited": {"min_spend_pct": 50},
             "cumulative": {"points_total": 10}, "ranked": {"max_choices": 3}}
    voting = {c.ballot_method: c for c in BudgetCycle.query.filter_by(council_id=council.id, phase="voting")}
    for offset, method in enumerate(m for m in METHODS if m not in voting):
        cycle = create_cycle(
            council, director, fiscal_year=year + 1 + offset, title_ar=f"دورة تصويت تجريبية ({method})",
            title_en=f"Trial voting cycle ({method})", envelope_minor=1_000_000 * 100, ballot_method=method,
            tally_rule="greedy", **rules[method])
        for code, ar, en, sector, locality, _groups, cost, group, *_answers in cycles_demo.PROPOSALS:
            save_proposal(cycle, code=code, title_ar=ar, title_en=en, sector_id=sectors.get(sector),
                          locality_id=localities.get(locality), cost_minor=cost * 100,
                          exclusive_group=group)
        from budget_app.cycles.review import review_all_feasible  # beside the other cycle services here
        review_all_feasible(cycle, director, "ممكن التنفيذ")
        open_voting(cycle, director)
        voting[method] = cycle
    return voting


@pytest.fixture
def demo_ids(app, world):
    from budget_app import demo
    from budget_app.auth.models import User
    from budget_app.cycles.lifecycle import create_cycle
    from budget_app.cycles.models import BudgetCycle
    from budget_app.extensions import db
    from budget_app.reference.models import Sector
    from citizen_budget.models import CitizenBudgetVersion
    from budget_app.tenancy import Membership
    from councils.models import Meeting, PartnerOrganization, Recommendation
    from priorities.models import Priority, PriorityComment, RankingRound

    demo.run_seeders(demo.DemoContext(password=PASSWORD, echo=lambda *a: None))
    db.session.commit()
    council = world.hebron
    director = User.query.filter_by(email="director@sharaka.test").one()
    year = date.today().year
    cycles = BudgetCycle.query.filter_by(council_id=council.id).order_by(BudgetCycle.id).all()
    main_cycle = next(c for c in cycles if c.tally_json)
    voting = _voting_cycles(council, director, year + 5)
    preparing = next((c for c in cycles if c.phase == "preparing"), None) or create_cycle(
        council, director, fiscal_year=year + 20, title_ar="دورة قيد الإعداد", title_en="A cycle being prepared",
        envelope_minor=500_000 * 100, ballot_method="approval", tally_rule="greedy")
    db.session.commit()
    selected = set(main_cycle.final_selected_codes())
    proposal = next(p for p in main_cycle.proposals if p.code in selected)
    comment = PriorityComment.query.first()
    version = CitizenBudgetVersion.query.filter_by(council_id=council.id, fiscal_year=year).first()
    from simulator.models import Simulation, SimulationSubmission
    simulation = Simulation.query.filter_by(council_id=council.id, status="open").first()
    from priorities.consultations.demo import demo_codes
    from priorities.consultations.models import Consultation, ConsultationAnswer
    consultation = Consultation.query.filter_by(council_id=council.id).order_by(Consultation.id).first()
    values = {
        "slug": council.slug, "year": year, "council_id": council.id,
        "user_id": world.users["member1"].id,
        "membership_id": Membership.query.filter_by(council_id=council.id).first().id,
        "meeting_id": Meeting.query.filter_by(council_id=council.id).first().id,
        "partner_id": PartnerOrganization.query.filter_by(council_id=council.id).first().id,
        "rec_id": Recommendation.query.filter_by(council_id=council.id).first().id,
        "priority_id": comment.priority_id if comment else Priority.query.filter_by(council_id=council.id).first().id,
        "comment_id": comment.id if comment else None,
        "round_id": RankingRound.query.filter_by(council_id=council.id).first().id,
        "kind": "localities", "item_id": Sector.query.first().id,
        "number": version.number if version else 1,
        "cycle_id": main_cycle.id, "proposal_id": proposal.id,
        # A funded allocation of the published citizen budget (its public record).
        # An allocation record's code (…/allocations/<code>/); a consultation's access code is "code"
        # of the other rules (/C/<code>): one dict key cannot hold both.
        "allocation_code": next((a["code"] for a in json.loads(version.snapshot_json)["allocations"]
                                 if a["funded"]), None)
        if version else None,
        # The demo's open simulation of hebron (its public page, results notice and one submission).
        "sim_id": simulation.id, "token": SimulationSubmission.query.filter_by(simulation_id=simulation.id).first().token,
        # The demo's open consultation of hebron: its pages, a receipt, and a published demo code
        # (opening its ballot does not use it).
        "consultation_id": consultation.id, "batch_id": consultation.batches[0].id,
        "receipt": ConsultationAnswer.query.filter_by(consultation_id=consultation.id).first().receipt,
        "code": demo_codes()[0],
    }
    return DemoIds(council.slug, year, main_cycle, voting, preparing, values)


def _cycle_variants(endpoint: str, ids: DemoIds) -> list[tuple[str, object]]:
    """Which cycles a cycle page is measured on: the ballot in every method, editing on a draft."""
    if endpoint == "cycles.cycle_detail":  # the preparing one shows the ballot-design check and rule sandbox
        return ([("decided", ids.main_cycle)] + [(method, c) for method, c in ids.voting.items()]
                + [("preparing", ids.preparing)])
    if endpoint in ("cycles.vote", "cycles.paper_ballots"):
        return [("decided", ids.main_cycle)] + [(method, c) for method, c in ids.voting.items()]
    if endpoint in ("cycles.cycle_edit", "cycles.proposal_new", "cycles.proposal_import", "cycles.proposal_review"):
        return [("preparing", ids.preparing)]
    return [("", ids.main_cycle)]


def phone_pages(app, ids: DemoIds) -> list[tuple[str, str, tuple[str, ...]]]:
    """(label, path, roles) for every HTML page rule of the app."""
    from flask import url_for

    pages, unresolved = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        endpoint = rule.endpoint
        if ("GET" not in rule.methods or endpoint in SKIP_ENDPOINTS or endpoint.endswith(".static")
                or endpoint.startswith(SKIP_PREFIXES) or FILE_RULE.search(rule.rule)):
            continue
        route = EXPECTATIONS.get(endpoint)
        roles = tuple(r for r in ROLES if route is None or route.expected(r) == OK)
        # Public pages as a citizen (the header with an account is measured on every other page);
        # the admin sees what a council's roles see, so only the admin pages are measured as the admin.
        if route is not None and route.access == "public":
            roles = ("anonymous",)
        elif route is not None and route.access not in ("admin", "login"):
            roles = tuple(r for r in roles if r != "admin")
        roles = roles or tuple(r for r in EXTRA_ROLES if route is not None and route.expected(r) == OK)
        variants = _cycle_variants(endpoint, ids) if "cycle_id" in rule.arguments else [("", None)]
        for variant, cycle in variants:
            values = dict(ids.values)
            if "/allocations/<" in rule.rule:
                values["code"] = values["allocation_code"]
            if cycle is not None:
                values["cycle_id"] = cycle.id
                if "proposal_id" in rule.arguments and cycle is not ids.main_cycle:
                    values["proposal_id"] = cycle.proposals[0].id
            missing = [a for a in rule.arguments if values.get(a) is None]
            if missing:
                unresolved.append(f"{endpoint}: {missing}")
                continue
            with app.test_request_context():
                path = url_for(endpoint, **{a: values[a] for a in rule.arguments})
            pages.append((f"{endpoint}{'[' + variant + ']' if variant else ''}", path, roles))
    assert not unresolved, ("page rules whose URL values this test cannot fill from the demo (add them to "
                            f"demo_ids): {unresolved}")
    return pages


def _measure(page, base: str, path: str, lang: str) -> dict | None:
    sep = "&" if "?" in path else "?"
    response = page.goto(f"{base}{path}{sep}lang={lang}", wait_until="domcontentloaded")
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return None
    if page.locator("[data-chart]").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-chart]')].every(el => el.hasAttribute('data-chart-ready'))",
            timeout=60000)
    result = page.evaluate(MEASURE_JS)
    result["status"] = response.status
    result["final"] = page.url
    return result


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_page_fits_a_360px_phone(live_server, _browser, app, demo_ids, lang, capsys):
    pages = phone_pages(app, demo_ids)
    failures, measured, by_role, timings = [], 0, {}, []
    # One browser context per language, its cookies cleared between roles: the HTTP cache (and
    # the Plotly bundle in it) is kept, which is most of the time a chart page takes.
    context = _browser.new_context(viewport={"width": WIDTH, "height": 740}, has_touch=True, locale=lang)
    context.set_default_timeout(60000)
    page = context.new_page()
    try:
        for role in ROLES + EXTRA_ROLES:
            # Leave the last page first: a response still on its way would set the previous
            # role's session cookie again after the cookies are cleared (seen as a login page
            # that redirected, or a login refused for a stale CSRF token, under load).
            page.goto("about:blank")
            context.clear_cookies()
            if ROLE_EMAILS[role]:
                login(page, live_server, ROLE_EMAILS[role], lang=lang)
            for label, path, roles in pages:
                if role not in roles:
                    continue
                started = time.monotonic()
                result = _measure(page, live_server, path, lang)
                timings.append((time.monotonic() - started, label))
                if result is None:
                    continue
                measured += 1
                by_role[role] = by_role.get(role, 0) + 1
                if result["status"] >= 500 or result["status"] == 404:
                    # a 404 is a wrong demo id: the page meant was not measured
                    failures.append(f"{role} {label} {path}: HTTP {result['status']}")
                if result["scrollWidth"] > WIDTH or result["hidden"]:
                    failures.append(f"{role} {label} {path}: {result['scrollWidth']} px wide"
                                    + (f", overflow hidden on {result['hidden']}" if result["hidden"] else "")
                                    + "".join(f"\n      {w}" for w in result["wide"]))
    finally:
        context.close()
    with capsys.disabled():
        slowest = ", ".join(f"{label} {seconds:.1f} s" for seconds, label in sorted(timings, reverse=True)[:3])
        print(f"\n[{lang}] {measured} page views at {WIDTH} px in {sum(t for t, _ in timings):.0f} s: {by_role}; "
              f"slowest: {slowest}")
    assert measured > 100, f"only {measured} page views measured"
    assert not failures, f"{len(failures)} of {measured} page views wider than {WIDTH} px ({lang}):\n" + \
        "\n".join(failures)
