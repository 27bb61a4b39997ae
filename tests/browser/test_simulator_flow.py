"""A citizen's budget simulator run on a 360 px phone, in Arabic (issue 13): the sliders appear
with the script, the live balance says what is left or over, the keyboard moves a slider, the
page fits the phone, and a balanced budget is sent and shown on its view-only page."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "simulator"))
from sim_testlib import make_simulation  # noqa: E402

WIDTH = 360


def test_a_citizen_divides_the_envelope_on_a_phone_in_arabic(app, world, live_server, _browser):
    from simulator.models import SimulationSubmission

    sim = make_simulation(world, envelope=900_000_00)
    lines = list(sim.lines)
    context = _browser.new_context(viewport={"width": WIDTH, "height": 740}, has_touch=True, locale="ar")
    context.set_default_timeout(20000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{live_server}/simulator/hebron/{sim.id}/?lang=ar")
        assert page.get_attribute("html", "dir") == "rtl"
        balance = page.locator("#sim-balance")
        assert balance.is_visible()
        assert "المتبقي للتوزيع" in balance.inner_text()  # every line starts at zero: all is left
        ranges = page.locator("input.sim-range")
        assert ranges.count() == len(lines) and ranges.first.is_visible()

        # Too much on one line: the balance says how much is over, live.
        page.fill(f"#line_{lines[0].id}", "1000000")
        assert "أكثر من المخصص" in balance.inner_text()
        # Typed amounts (with a thousands separator and Arabic-Indic digits) balance it.
        page.fill(f"#line_{lines[0].id}", "400,000")
        page.fill(f"#line_{lines[1].id}", "٣٠٠٠٠٠")
        page.fill(f"#line_{lines[2].id}", "199999")
        assert "المتبقي للتوزيع" in balance.inner_text()
        # The keyboard moves the last slider by one shekel: now it balances.
        page.focus(f'input.sim-range[data-for="line_{lines[2].id}"]')
        page.keyboard.press("ArrowUp")
        assert page.input_value(f"#line_{lines[2].id}") == "200000"
        assert "متوازنة" in balance.inner_text()

        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= WIDTH, f"the simulator is {width} px wide at {WIDTH} px"
        page.screenshot(path="/tmp/sharaka-simulator-360-ar.png", full_page=True)

        page.select_option("#age_band", "30-44")
        page.click("button[type=submit]")
        page.wait_for_url("**/s/**")
        assert "شكرًا لك" in page.inner_text("main")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH
        assert not errors, errors
    finally:
        context.close()
    row = SimulationSubmission.query.one()
    assert row.amounts == {lines[0].id: 400_000_00, lines[1].id: 300_000_00, lines[2].id: 200_000_00}
    assert row.age_band == "30-44" and not row.duplicate
