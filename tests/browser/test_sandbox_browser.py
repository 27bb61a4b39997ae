"""The rule sandbox on a phone, in Arabic and English: the director of a cycle being prepared sees
each rule run on the council's closed ranking round, a drawn chart and its table, nothing wider
than 360 px, no script error."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "cycles"))

from browser_helpers import login  # noqa: E402
from cycles_testlib import make_cycle  # noqa: E402
from test_sandbox import _link, _priority, _round  # noqa: E402


def test_sandbox_on_a_phone_in_both_languages(live_server, browser_page, world):
    cycle = make_cycle(world, "preparing", envelope=1_200_000, completion=False)
    a, b, c, d = (_priority(world, t) for t in ("A", "B", "C", "D"))
    _link(cycle, {"P01": [a], "P02": [b], "P04": [c]})
    _round(world, [a, b, c, d], {"member1": {0: 10}, "member2": {0: 5}, "member3": {0: 5, 2: 5},
                                 "member4": {1: 10}, "member5": {2: 3}, "member6": {3: 10}})
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 800})
    login(page, live_server, "director@sharaka.test")
    url = f"{live_server}/councils/hebron/cycles/{cycle.id}/"
    for lang, heading, mes in (("ar", "تجربة القواعد", "طريقة الحصص المتساوية"),
                               ("en", "Rule sandbox", "Method of Equal Shares")):
        page.goto(f"{url}?lang={lang}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        section = page.locator("section.sandbox")
        assert heading in section.locator("h2").inner_text()
        page.wait_for_selector("#sandbox-chart .main-svg", timeout=20000)  # Plotly drew the chart
        rows = section.locator("table.sandbox-table tbody tr")
        assert rows.count() == 4
        mes_row = section.locator("tr[data-rule=mes]")
        assert mes in mes_row.inner_text() and "P01" in mes_row.inner_text() and "P02" not in mes_row.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        box = section.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 361
    assert not page.js_errors, page.js_errors
