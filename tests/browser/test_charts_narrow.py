"""Charts on a 360 px phone (issue 10, sections 2 and 4): horizontal bars keep most of the width
for the bars, their category names wrapped beside them and clear of the bars (they took up to
260 px and Arabic names ran over the bars); a chart in a closed <details> is drawn when opened, at
the width it then has (Plotly drew it at 0 width, or its default 700 px)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "citizen_budget"))
from cb_testlib import publish_snapshot  # noqa: E402

PAGE = "/citizen-budget/hebron/2026/"

GEOMETRY_JS = """(id) => {
  const el = document.getElementById(id);
  const box = el.getBoundingClientRect();
  const plot = el.querySelector('.nsewdrag').getBoundingClientRect();
  const ticks = [...el.querySelectorAll('.yaxislayer-above .ytick text')].map(t => t.getBoundingClientRect())
    .map(r => ({left: r.left, right: r.right}));
  const svg = el.querySelector('.main-svg');
  return {left: box.left, right: box.right, width: box.width, plotLeft: plot.left, plotRight: plot.right,
          plotWidth: plot.width, ticks, svgWidth: parseFloat(svg.getAttribute('width')),
          doc: document.documentElement.scrollWidth};
}"""


@pytest.fixture
def phone(_browser):
    # bypass_csp: the details test adds a style element to the page it rewrites.
    context = _browser.new_context(viewport={"width": 360, "height": 800}, bypass_csp=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_horizontal_bars_leave_the_width_to_the_bars_at_360_px(live_server, phone, world, lang):
    publish_snapshot(world.hebron)
    phone.goto(f"{live_server}{PAGE}?lang={lang}")
    for chart in ("chart-groups", "chart-localities"):
        phone.wait_for_selector(f"#{chart}[data-chart-ready='true']", state="attached")
        g = phone.evaluate(GEOMETRY_JS, chart)
        assert g["svgWidth"] <= g["width"] + 1 and g["doc"] <= 360
        assert g["plotWidth"] >= 0.5 * g["width"], g  # the bars get at least half the chart
        assert g["ticks"]
        for tick in g["ticks"]:
            assert tick["left"] >= g["left"] - 1 and tick["right"] <= g["right"] + 1, (tick, g)  # inside the chart
            if lang == "ar":  # names on the right of the bars, not over them
                assert tick["left"] >= g["plotRight"] - 1, (tick, g)
            else:
                assert tick["right"] <= g["plotLeft"] + 1, (tick, g)
        # The hover label keeps the whole name (only the axis shows it wrapped).
        categories = phone.evaluate(f"document.getElementById('{chart}').data[0].y")
        ticktext = phone.evaluate(f"document.getElementById('{chart}').layout.yaxis.ticktext")
        assert len(categories) == len(ticktext) and all("<br>" not in c for c in categories)
    assert not phone.js_errors


def test_chart_in_a_closed_details_is_drawn_at_its_width_when_opened(live_server, phone, world):
    """The page is rewritten to fold the target-group chart into a closed <details>; its content
    is not laid out while closed (display: none, as Firefox and Safari do; this Chromium lays it
    out hidden), so the chart has no width until it is opened."""
    publish_snapshot(world.hebron)
    start = '<figure class="chart" aria-labelledby="chart-groups-alt">'

    def fold(route):
        response = route.fetch()
        html = response.text()
        i = html.index(start)
        j = html.index("</figure>", i) + len("</figure>")
        html = (html[:i] + '<details id="folded"><summary>open</summary><div class="fold-body">' + html[i:j]
                + "</div></details>" + html[j:])
        html = html.replace("</head>", "<style>details:not([open]) > .fold-body { display: none; }</style></head>", 1)
        route.fulfill(response=response, body=html)

    phone.route(lambda url: url.endswith(f"{PAGE}?lang=en"), fold)
    phone.goto(f"{live_server}{PAGE}?lang=en")
    phone.wait_for_selector("#chart-sectors[data-chart-ready='true']", state="attached")
    assert phone.locator("#folded #chart-groups").count() == 1
    assert phone.get_attribute("#chart-groups", "data-chart-pending") == "true"
    assert phone.locator("#chart-groups .main-svg").count() == 0  # not drawn while it has no width
    phone.click("#folded summary")
    phone.wait_for_selector("#chart-groups[data-chart-ready='true']", state="attached")
    g = phone.evaluate(GEOMETRY_JS, "chart-groups")
    assert 250 <= g["svgWidth"] <= g["width"] + 1 and g["doc"] <= 360, g
    # Closed and opened again: still at the container's width.
    phone.click("#folded summary")
    phone.click("#folded summary")
    phone.wait_for_timeout(300)
    assert phone.evaluate(GEOMETRY_JS, "chart-groups")["svgWidth"] <= g["width"] + 1
    assert not phone.js_errors


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_columns_over_named_categories_become_bars_on_a_phone(live_server, phone, world, lang):
    """Allocated and spent per sector were columns whose sector names ran into one another at
    360 px; on a phone they are horizontal bars with each name beside its bars (at 1366 px they
    stay columns)."""
    publish_snapshot(world.hebron)
    phone.goto(f"{live_server}{PAGE}?lang={lang}")
    phone.wait_for_selector("#chart-execution[data-chart-ready='true']", state="attached")
    assert phone.evaluate("document.getElementById('chart-execution').data.every(t => t.orientation === 'h')")
    assert phone.evaluate("document.getElementById('chart-execution').data[0].hovertemplate").startswith("%{y}")
    g = phone.evaluate(GEOMETRY_JS, "chart-execution")
    boxes = phone.evaluate("""[...document.querySelectorAll('#chart-execution .yaxislayer-above .ytick text')]
        .map(t => t.getBoundingClientRect()).map(r => [r.top, r.bottom, r.left, r.right])""")
    assert len(boxes) >= 3
    boxes.sort()
    for (top1, bottom1, *_a), (top2, *_b) in zip(boxes, boxes[1:]):
        assert bottom1 <= top2 + 1, boxes  # the names do not overlap
    for _t, _b, left, right in boxes:
        assert left >= g["left"] - 1 and right <= g["right"] + 1
    wide = phone.context.new_page()
    wide.set_viewport_size({"width": 1366, "height": 900})
    wide.goto(f"{live_server}{PAGE}?lang={lang}")
    wide.wait_for_selector("#chart-execution[data-chart-ready='true']", state="attached")
    assert wide.evaluate("document.getElementById('chart-execution').data.every(t => t.orientation !== 'h')")
