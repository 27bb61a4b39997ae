"""Every route of the app, for every role: anonymous, another council's member, member,
coordinator, budget director, administrator. A route without a declared expectation fails,
so a new route cannot be forgotten."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from helpers import ROLE_EMAILS
from matrix import LOGIN, OK, ROLES

TESTS = Path(__file__).parent
sys.path.insert(0, str(TESTS))


def load_expectations() -> dict:
    routes = {}
    for path in sorted(TESTS.rglob("route_expectations.py")):
        spec = importlib.util.spec_from_file_location(f"route_expectations_{abs(hash(path))}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        overlap = set(routes) & set(module.ROUTES)
        assert not overlap, f"endpoints declared twice: {overlap}"
        routes.update(module.ROUTES)
    return routes


EXPECTATIONS = load_expectations()


def app_endpoints() -> dict[str, set[str]]:
    from budget_app import create_app
    from helpers import app_config

    app = create_app(app_config("sqlite://"))
    out: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        out.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return out


ENDPOINTS = app_endpoints()


def test_every_route_has_an_expectation():
    missing = sorted(set(ENDPOINTS) - set(EXPECTATIONS))
    assert not missing, f"routes with no permission expectation: {missing}"
    stale = sorted(set(EXPECTATIONS) - set(ENDPOINTS))
    assert not stale, f"expectations for routes that no longer exist: {stale}"


CASES = [
    pytest.param(endpoint, method, id=f"{endpoint}-{method}")
    for endpoint in sorted(ENDPOINTS) if endpoint in EXPECTATIONS
    for method in sorted(ENDPOINTS[endpoint])
    if EXPECTATIONS[endpoint].methods is None or method in EXPECTATIONS[endpoint].methods
]


def outcome(response) -> str | int:
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and "/login" in location:
        return LOGIN
    if response.status_code in (401, 403, 404, 405, 429):
        return response.status_code
    if response.status_code >= 500:
        return response.status_code
    return OK


@pytest.mark.parametrize("endpoint,method", CASES)
def test_route_permissions(app, world, endpoint, method):
    from flask import url_for

    route = EXPECTATIONS[endpoint]
    with app.test_request_context():
        url = url_for(endpoint, **route.url_values(world))
    failures = []
    for role in ROLES:
        client = app.test_client()
        if ROLE_EMAILS[role]:
            client.login(ROLE_EMAILS[role])
        if method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=method,
                                   data={**route.form_data(world), "csrf_token": client.csrf_token()})
        got, want = outcome(response), route.expected(role)
        if got != want:
            failures.append(f"{role}: expected {want}, got {got} ({response.status_code})")
    assert not failures, f"{method} {url}\n" + "\n".join(failures)
