"""Helpers for browser tests (import with ``from browser_helpers import login``)."""
from __future__ import annotations

import os
import shutil

from helpers import PASSWORD

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]


def chromium_path() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


def login(page, base_url: str, email: str, password: str = PASSWORD, lang: str | None = None) -> None:
    """Log in through the form, as a person would; lands on the dashboard."""
    page.goto(f"{base_url}/login" + (f"?lang={lang}" if lang else ""))
    assert "/login" in page.url, f"the login page sent {email} on to {page.url}: someone is still logged in"
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]:not(.link-button)")
    # Wait for the redirect itself ("commit"), not for every image and script of the dashboard to
    # load: a slow sub-resource on a loaded machine is not a failed login.
    try:
        page.wait_for_url(lambda url: "/login" not in url, wait_until="commit", timeout=30000)
    except Exception as exc:  # say why the login did not go through, not only that it timed out
        flashes = page.locator(".flash, .alert, [role=alert], .errors").all_inner_texts() if "/login" in page.url else []
        raise AssertionError(f"login as {email} did not leave {page.url} within 30 s: {flashes or exc}") from exc
    page.wait_for_load_state("domcontentloaded")


def logout(page) -> None:
    page.click("form[action$='/logout'] button")
    page.wait_for_load_state()
