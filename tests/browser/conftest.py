"""Browser tests: Playwright drives the system Chromium against the app served on loopback.

Locally they skip (with the reason) when no Chromium is found; in CI (CI=true) a missing
browser is a failure.
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from browser_helpers import LAUNCH_ARGS, chromium_path  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _browser():
    path = chromium_path()
    if path is None:
        message = "Chromium not found (install Debian's chromium, or set CHROMIUM_PATH)"
        if IN_CI:
            pytest.fail(message + " — required in CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app, world):
    """The app on http://127.0.0.1:<free port>, in a thread, on the test database with ``world``."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def browser_page(_browser, request):
    """A fresh browser context (no cookies) and page; a screenshot is kept when a test fails."""
    context = _browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    context.set_default_timeout(15000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())  # "are you sure?" prompts: yes
    page.js_errors = errors
    _click = page.click

    def click_and_settle(selector, **kwargs):
        # A click that follows a link or submits a form returns once the next page's response
        # has arrived, before its HTML is parsed; an assertion that reads the page at once (a
        # locator count, which does not retry) could then see an empty document on a loaded
        # machine. Wait until the document the click led to is parsed.
        _click(selector, **kwargs)
        page.wait_for_load_state("domcontentloaded")

    page.click = click_and_settle
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        out = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/sharaka-screenshots"))
        out.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(out / f"{request.node.name}.png"), full_page=True)
        except Exception:  # the page may be gone; the failure itself matters more
            pass
    context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
