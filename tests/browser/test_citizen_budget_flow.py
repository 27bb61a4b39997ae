"""The citizen budget in a real browser: Arabic and English, charts drawn from the app's own
Plotly bundle, axe-core with no serious or critical violation, keyboard reach, open data that
validates, feedback shown only after moderation.

axe-core is the npm package: its ``axe.min.js`` is installed on demand with
``npm install --prefix tests/browser/.axe axe-core@4`` (or named by ``AXE_CORE_JS``). Locally a
missing axe-core skips these tests with the reason; in CI it is a failure.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "citizen_budget"))
from browser_helpers import login  # noqa: E402
from cb_testlib import publish_snapshot, sample_snapshot  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
AXE_DIR = Path(__file__).parent / ".axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHARTS = ["chart-sources", "chart-sectors", "chart-groups", "chart-localities", "chart-execution", "chart-quarters",
          "chart-comparison"]


def axe_source() -> str:
    explicit = os.environ.get("AXE_CORE_JS")
    path = Path(explicit) if explicit else AXE_JS
    if not path.exists() and not explicit and shutil.which("npm"):
        subprocess.run(["npm", "install", "--prefix", str(AXE_DIR), "--no-save", "--no-package-lock", "--no-audit",
                        "--no-fund", "axe-core@4"], check=False, capture_output=True, timeout=300)
    if not path.exists():
        message = f"axe-core not found at {path} (npm install --prefix {AXE_DIR} axe-core@4)"
        if IN_CI:
            pytest.fail(message + " — required in CI")
        pytest.skip(message)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def axe():
    return axe_source()


@pytest.fixture
def published(app, world):
    publish_snapshot(world.hebron, sample_snapshot(execution=False), note="approved")
    publish_snapshot(world.hebron, note="Q2")
    return world


def run_axe(page, axe_js: str) -> list[dict]:
    # Injected through the DevTools protocol: the page's CSP (script-src 'self') stays untouched.
    page.evaluate(axe_js + "\n;undefined")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations'],
                                           runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def wait_for_charts(page, ids=CHARTS):
    for chart_id in ids:
        page.wait_for_selector(f"#{chart_id}[data-chart-ready='true']", state="attached")


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("path", ["/citizen-budget/hebron/2026/", "/citizen-budget/hebron/2026/v/1/"])
def test_axe_finds_no_serious_violation(live_server, browser_page, published, axe, lang, path):
    page = browser_page
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server}{path}?lang={lang}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    wait_for_charts(page, ["chart-sources", "chart-sectors"])
    violations = run_axe(page, axe)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
    assert page.js_errors == []
    # Nothing leaves the site: Plotly and everything else come from the app itself.
    assert all(url.startswith(live_server) or url.startswith("data:") for url in requests), requests


def test_citizen_reads_switches_language_and_keyboard_reaches_every_control(live_server, browser_page, published):
    page = browser_page
    page.goto(live_server + "/citizen-budget/")
    page.click("main a[href='/citizen-budget/hebron/2026/'] >> nth=0")
    assert page.locator("h1").inner_text().startswith("موازنة المواطن")
    wait_for_charts(page)
    assert "من كل 100 شيكل" in page.inner_text("main")
    # Each chart has its table next to it.
    assert page.locator(".cb-chart-block table").count() >= 6
    page.click("a.lang-switch")
    page.wait_for_url(re.compile(r"lang=en"))
    wait_for_charts(page)
    text = page.inner_text("main")
    assert "Out of every 100 shekels" in text and "Day centre for the elderly" in text
    assert page.evaluate("document.querySelector('#chart-sectors .main-svg') !== null")
    # Labels of the charts are in the page language.
    assert "Elderly" in page.inner_text("#chart-sectors")

    controls = page.evaluate("""() => Array.from(document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), select, textarea, summary'))
        .filter(el => !el.closest('.chart-canvas') && el.offsetParent !== null && el.tabIndex >= 0)
        .map((el, i) => { el.dataset.kbd = i; return i; })""")
    # Plotly's mode-bar buttons are reachable too; they take Tab presses of their own.
    tabbable = page.evaluate("document.querySelectorAll('a[href], button, input, select, textarea, summary').length")
    reached = set()
    for _ in range(tabbable + 10):
        page.keyboard.press("Tab")
        index = page.evaluate("document.activeElement && document.activeElement.dataset.kbd")
        if index is not None:
            reached.add(int(index))
    assert reached == set(controls), f"not reached by Tab: {sorted(set(controls) - reached)}"
    assert page.js_errors == []


def test_open_data_downloads_validate(live_server, browser_page, published, tmp_path):
    from frictionless import validate

    page = browser_page
    page.goto(live_server + "/citizen-budget/hebron/2026/?lang=en")
    href = page.get_attribute("a:has-text('Fiscal Data Package')", "href")
    descriptor = page.request.get(live_server + href)
    (tmp_path / "datapackage.json").write_bytes(descriptor.body())
    (tmp_path / "budget.csv").write_bytes(page.request.get(live_server + href.replace("datapackage.json",
                                                                                      "budget.csv")).body())
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    with page.expect_download() as info:
        page.click("a:text-is('Excel')")
    assert info.value.suggested_filename.endswith(".xlsx")


def test_feedback_appears_only_after_moderation(live_server, browser_page, published, _browser):
    page = browser_page
    page.goto(live_server + "/citizen-budget/hebron/2026/?lang=en")
    page.click("text=Send your opinion to the council")
    page.fill("textarea[name=body]", "Please add a bus for the day centre in Dura. https://example.org")
    page.click("main form button[type=submit]")
    assert "Thank you" in page.inner_text("main")
    assert "a bus for the day centre" not in page.inner_text("main section")

    coordinator = _browser.new_context(locale="en").new_page()
    login(coordinator, live_server, "coordinator@sharaka.test", lang="en")
    coordinator.goto(live_server + "/councils/hebron/feedback/")
    assert "a bus for the day centre" in coordinator.inner_text("main")
    coordinator.click("main form button:text-is('Publish')")
    coordinator.context.close()

    page.reload()
    section = page.inner_text("main section")
    assert "a bus for the day centre" in section
    assert page.locator("main section a[href^='https://example.org']").count() == 0
