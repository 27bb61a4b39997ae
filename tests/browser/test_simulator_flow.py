"""A citizen's budget simulator run on a 360 px phone, in Arabic and English (issue 13): the
sliders appear with the script, the live balance says what is left or over, the keyboard moves a slider, the
page fits the phone, and a balanced budget is sent and shown on its view-only page."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "simulator"))
import pytest  # noqa: E402
from sim_testlib import make_simulation  # noqa: E402

WIDTH = 360
# What the live balance and the thank-you notice say, in each language.
WORDS = {
    "ar": {"dir": "rtl", "left": "المتبقي للتوزيع", "over": "أكثر من المخصص", "balanced": "متوازنة",
           "thanks": "شكرًا لك"},
    "en": {"dir": "ltr", "left": "Left to allocate", "over": "Over the envelope", "balanced": "Balanced",
           "thanks": "Thank you"},
}


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_citizen_divides_the_envelope_on_a_phone(app, world, live_server, _browser, lang):
    from simulator.models import SimulationSubmission

    words = WORDS[lang]
    sim = make_simulation(world, envelope=900_000_00)
    lines = list(sim.lines)
    context = _browser.new_context(viewport={"width": WIDTH, "height": 740}, has_touch=True, locale=lang)
    context.set_default_timeout(20000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{live_server}/simulator/hebron/{sim.id}/?lang={lang}")
        assert page.get_attribute("html", "dir") == words["dir"]
        balance = page.locator("#sim-balance")
        assert balance.is_visible()
        assert words["left"] in balance.inner_text()  # every line starts at zero: all is left
        ranges = page.locator("input.sim-range")
        assert ranges.count() == len(lines) and ranges.first.is_visible()

        # Too much on one line: the balance says how much is over, live.
        page.fill(f"#line_{lines[0].id}", "1000000")
        assert words["over"] in balance.inner_text()
        # Typed amounts (with a thousands separator and Arabic-Indic digits) balance it.
        page.fill(f"#line_{lines[0].id}", "400,000")
        page.fill(f"#line_{lines[1].id}", "٣٠٠٠٠٠")
        page.fill(f"#line_{lines[2].id}", "199999")
        assert words["left"] in balance.inner_text()
        # The keyboard moves the last slider by one shekel: now it balances.
        page.focus(f'input.sim-range[data-for="line_{lines[2].id}"]')
        page.keyboard.press("ArrowUp")
        assert page.input_value(f"#line_{lines[2].id}") == "200000"
        assert words["balanced"] in balance.inner_text()

        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= WIDTH, f"the simulator is {width} px wide at {WIDTH} px"
        page.screenshot(path=f"/tmp/sharaka-simulator-360-{lang}.png", full_page=True)

        page.select_option("#age_band", "30-44")
        page.click("button[type=submit]")
        page.wait_for_url("**/s/**")
        assert words["thanks"] in page.inner_text("main")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH
        assert not errors, errors
    finally:
        context.close()
    row = SimulationSubmission.query.one()
    assert row.amounts == {lines[0].id: 400_000_00, lines[1].id: 300_000_00, lines[2].id: 200_000_00}
    assert row.age_band == "30-44" and not row.duplicate


def _closed_simulation_with_budgets(world, year: int = 2026, count: int = 12):
    """A closed simulation of hebron's ``year`` with ``count`` budgets and their optional answers."""
    from budget_app.extensions import db
    from budget_app.reference.models import Governorate
    from simulator import services

    sim = make_simulation(world, year=year, envelope=900_000_00)
    lines = list(sim.lines)
    governorate = Governorate.query.filter_by(code="hebron").one()
    for i in range(count):
        first = (200_000 + 10_000 * i) * 100
        amounts = {lines[0].id: first, lines[1].id: 400_000_00, lines[2].id: 900_000_00 - first - 400_000_00}
        services.submit(sim, amounts, address=f"192.0.2.{i + 1}", governorate_id=governorate.id,
                        gender="female" if i % 2 else "male", age_band="30-44" if i < 6 else "18-29",
                        uses_services="yes" if i < 8 else "no")
    services.close_simulation(sim, world.users["director"])
    db.session.commit()
    return sim


def test_the_results_and_the_citizen_budget_section_fit_a_phone_in_arabic(app, world, live_server, _browser):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "citizen_budget"))
    from cb_testlib import publish_snapshot

    publish_snapshot(world.hebron)  # the citizen budget of 2026
    sim = _closed_simulation_with_budgets(world)
    context = _browser.new_context(viewport={"width": WIDTH, "height": 740}, has_touch=True, locale="ar")
    context.set_default_timeout(20000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{live_server}/simulator/hebron/{sim.id}/results?lang=ar")
        for key in ("governorate", "age", "gender", "services"):
            page.wait_for_selector(f"#sim-who-{key}-chart .main-svg")
        assert page.locator("#sim-who-locality-chart").count() == 0  # nobody gave a locality
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= WIDTH, f"the results are {width} px wide at {WIDTH} px"
        page.screenshot(path="/tmp/sharaka-simulator-results-360-ar.png", full_page=True)

        page.goto(f"{live_server}/citizen-budget/hebron/2026/?lang=ar")
        section = page.locator(f"#cb-simulation-{sim.id}")
        assert "ما اقترحه المواطنون، وما قرّره المجلس" in section.inner_text()
        page.wait_for_selector(f"#chart-simulation-{sim.id} .main-svg")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= WIDTH, f"the citizen budget is {width} px wide at {WIDTH} px"
        section.screenshot(path="/tmp/sharaka-simulator-citizen-budget-360-ar.png")
        section.locator("a", has_text="النتائج الكاملة للمحاكاة").click()
        page.wait_for_url(f"**/simulator/hebron/{sim.id}/results")
        assert not errors, errors
    finally:
        context.close()


def test_the_director_opens_a_simulation_of_priorities_on_a_phone_in_arabic(app, world, live_server, _browser):
    from browser_helpers import login
    from sim_testlib import shortlisted

    from simulator.models import Simulation

    rows = shortlisted(world, year=2027)
    context = _browser.new_context(viewport={"width": WIDTH, "height": 740}, has_touch=True, locale="ar")
    context.set_default_timeout(20000)
    page = context.new_page()
    try:
        login(page, live_server, "director@sharaka.test", lang="ar")
        page.goto(f"{live_server}/councils/hebron/simulations/?lang=ar")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= WIDTH, f"the director's form is {width} px wide at {WIDTH} px"
        page.fill("#fiscal_year", "2027")
        page.fill("#title_ar", "أولويات 2027")
        page.fill("#envelope", "900000")
        page.fill("#closes_on", "2099-01-31")
        page.check("input[name=line_source][value=priorities]")
        for p, cost in zip(rows, ("400000", "300000", "200000")):
            page.fill(f"#pcost_{p.id}", cost)
        page.click("button:has-text('افتح المحاكاة')")
        page.wait_for_url("**/simulations/*/")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH
        sim = Simulation.query.one()
        page.goto(f"{live_server}/simulator/hebron/{sim.id}/?lang=ar")
        assert "الكلفة التقديرية" in page.inner_text("main")
        assert "متوازنة" in page.inner_text("#sim-balance")  # the costs scaled to the envelope balance
        assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH
    finally:
        context.close()
    assert sim.of_priorities and sum(line.baseline_minor for line in sim.lines) == 900_000_00
