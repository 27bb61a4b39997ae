"""Hostile integers never give a 5xx: every int URL part, every numeric query-string parameter
and every numeric form field of every route of ``app.url_map``, as each role, with GET, HEAD
and POST (with a CSRF token). Out of range is a 404 or a form error.

Routes are reached with the realistic URL values of the permission matrix (``route_expectations``);
numeric query parameters are found in the source (``int_arg("name")``); numeric form fields are
found on the pages themselves (number inputs, ``inputmode`` numeric/decimal, selects and
checkboxes whose values are ids), collected by the form's ``action``.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest

from helpers import ROLE_EMAILS, app_config
from matrix import OK, ROLES
from test_permission_matrix import EXPECTATIONS

# One value of each kind of trouble: zero (a division, an empty page), negative, past a 32-bit
# column (PostgreSQL's integer), past a 64-bit one (SQLite, PostgreSQL's bigint, Python's C ints).
EXTREMES = ("0", "-1", str(2**31), str(10**20))


def fuzzes_urls(endpoint: str, role: str) -> bool:
    """Whether ``role`` walks ``endpoint`` with hostile integers in its URL and query string.

    A refused role stops at the permission check, before the URL's ids are read; what matters is
    each way in that reads them: as the admin (every object), as a member (a member's own checks),
    as a visitor (no login), and as a director or coordinator where neither of the first two may
    go (deleting a meeting or a spending line)."""
    route = EXPECTATIONS[endpoint]
    if role in ("admin", "member", "anonymous"):
        return True
    if route.expected("admin") == OK or route.expected("member") == OK:
        return False
    first = next((r for r in ("director", "coordinator", "outsider") if route.expected(r) == OK), None)
    return role == first



HUGE_AMOUNT = "9999999999999999999999999"
ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("budget_app", "councils", "priorities", "citizen_budget", "simulator")
# Logging out would end the role's session for the rest of the walk.
NOT_POSTED = {"auth.logout"}
ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def query_parameter_names() -> set[str]:
    names = {"page", "year", "sector", "target_group", "locality", "meeting", "version"}
    pattern = re.compile(r"""(?:int_arg|_int_arg)\(\s*["'](\w+)["']|args\.get\(\s*["'](\w+)["'][^)]*type=int""")
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for match in pattern.finditer(path.read_text(encoding="utf-8")):
                names.add(match.group(1) or match.group(2))
    return names


QUERY_NAMES = sorted(query_parameter_names())


TEXT_DEFAULTS = {"date": "2026-03-15", "datetime-local": "2026-03-15T10:00", "email": "fuzz@sharaka.test",
                 "number": "1", "time": "10:00"}


class FormFields(HTMLParser):
    """The fields of each form on one page, by action: a plausible value for each (its own value,
    else something valid-looking) and which of them are numeric."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.forms: dict[str, dict] = {}
        self._form = None
        self._select = None
        self._textarea = None

    def _set(self, name, value):
        self._form["values"].setdefault(name, value)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urlsplit(a.get("action") or self.page_path).path
            self._form = self.forms.setdefault(action, {"values": {}, "numeric": set()})
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "option" and self._select:
            value = a.get("value", "")
            if value.isdigit():
                self._form["numeric"].add(self._select)
            if value and (self._select not in self._form["values"] or "selected" in a):
                self._form["values"][self._select] = value
        elif not name or name == "csrf_token":
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            value = a.get("value", "")
            if kind in ("submit", "button", "file", "reset", "image"):
                return
            if kind in ("checkbox", "radio"):
                if value.isdigit():
                    self._form["numeric"].add(name)
                if "checked" in a or kind == "radio":
                    self._set(name, value or "y")
                return
            if kind == "number" or a.get("inputmode") in ("numeric", "decimal"):
                self._form["numeric"].add(name)
                self._set(name, value or "1")
                return
            self._set(name, value or TEXT_DEFAULTS.get(kind, "Fuzz"))
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._set(name, "Fuzz")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def fill(rule, values: dict, override: dict) -> str:
    def part(match):
        converter, name = match.group(1), match.group(2)
        if name in override:
            return override[name]
        # A route sharing another's factory may name one more id: the first object (1) stands in.
        return quote(str(values.get(name, 1)), safe="")
    return ARG.sub(part, rule.rule)


def int_args(rule) -> list[str]:
    return [name for converter, name in ARG.findall(rule.rule) if converter == "int"]


def walk(app, world, role):
    """Yield (method, url, data) for every request of the fuzz, for ``role``."""
    rules = [r for r in app.url_map.iter_rules()
             if r.endpoint in EXPECTATIONS and not r.endpoint.endswith("static")]
    from budget_app.extensions import db

    values, by_factory, by_arguments, retry = {}, {}, {}, []
    for rule in rules:
        if rule.endpoint in values:
            continue
        params = EXPECTATIONS[rule.endpoint].params
        if id(params) not in by_factory:
            try:
                by_factory[id(params)] = EXPECTATIONS[rule.endpoint].url_values(world)
            except Exception:
                # Two factories building the same object (a unique name, a second publication):
                # use what another route of the same arguments was given.
                db.session.rollback()
                retry.append(rule)
                continue
        values[rule.endpoint] = by_factory[id(params)]
        by_arguments.setdefault(frozenset(rule.arguments), values[rule.endpoint])
    for rule in retry:
        # The closest arguments another route was given; a missing number is 1 (the first one).
        best = max(by_arguments, key=lambda names: len(names & rule.arguments) - len(names - rule.arguments))
        values[rule.endpoint] = {name: by_arguments[best].get(name, 1) for name in rule.arguments}
    return rules, values


def check(client, method, url, data=None, failures=None):
    SENT.append(url)
    try:
        if method == "POST":
            response = client.post(url, data={**(data or {}), "csrf_token": client.csrf_token()})
        else:
            response = client.open(url, method=method)
    except Exception as error:  # testing mode lets errors through: a 500 in production
        from budget_app.extensions import db
        db.session.rollback()
        failures.append(f"{method} {url} {data or ''} -> {type(error).__name__}: {str(error)[:200]}")
        return None
    if response.status_code >= 500:
        failures.append(f"{method} {url} {data or ''} -> {response.status_code}")
    return response


SENT: list[str] = []  # every request sent, so that a walk which sent nothing fails


def _roles_with(rule_filter) -> list[str]:
    from budget_app import create_app

    rules = [r for r in create_app(app_config("sqlite://")).url_map.iter_rules() if r.endpoint in EXPECTATIONS and rule_filter(r)]
    return [role for role in ROLES if any(fuzzes_urls(r.endpoint, role) for r in rules)]


URL_FUZZ_ROLES = _roles_with(lambda rule: bool(int_args(rule)))
QUERY_FUZZ_ROLES = _roles_with(lambda rule: "GET" in rule.methods)


def methods_of(rule):
    return sorted((rule.methods or set()) & {"GET", "HEAD", "POST"})


def logged_in(app, role):
    SENT.clear()
    client = app.test_client()
    if ROLE_EMAILS[role]:
        client.login(ROLE_EMAILS[role])
    return client


@pytest.mark.parametrize("role", URL_FUZZ_ROLES)
def test_extreme_integers_in_urls_never_give_5xx(app, world, role):
    client = logged_in(app, role)
    rules, values = walk(app, world, role)
    failures = []
    for rule in rules:
        names = int_args(rule)
        if not names or not fuzzes_urls(rule.endpoint, role):
            continue
        for value in EXTREMES:
            url = fill(rule, values[rule.endpoint], dict.fromkeys(names, value))
            for method in methods_of(rule):
                if method == "POST" and rule.endpoint in NOT_POSTED:
                    continue
                check(client, method, url, failures=failures)
    assert SENT, "the walk sent no request"
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", QUERY_FUZZ_ROLES)
def test_extreme_integers_in_query_strings_never_give_5xx(app, world, role):
    client = logged_in(app, role)
    rules, values = walk(app, world, role)
    failures = []
    for rule in rules:
        if "GET" not in rule.methods or not fuzzes_urls(rule.endpoint, role):
            continue
        base = fill(rule, values[rule.endpoint], {})
        for value in EXTREMES:
            url = base + "?" + urlencode([(name, value) for name in QUERY_NAMES])
            check(client, "GET", url, failures=failures)
        check(client, "HEAD", url, failures=failures)  # HEAD runs the same view
    assert SENT, "the walk sent no request"
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_extreme_integers_in_forms_never_give_5xx(app, world, role):
    client = logged_in(app, role)
    admin = logged_in(app, "admin")  # sees every form, to learn the fields of each action
    rules, values = walk(app, world, role)
    adapter = app.url_map.bind("localhost")
    forms: dict[str, dict] = {}
    for rule in rules:
        if "GET" not in rule.methods:
            continue
        url = fill(rule, values[rule.endpoint], {})
        response = admin.get(url)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        parser = FormFields(urlsplit(url).path)
        parser.feed(response.get_data(as_text=True))
        for action, form in parser.forms.items():
            try:
                endpoint, _ = adapter.match(action, method="POST")
            except Exception:
                continue
            known = forms.setdefault(endpoint, {"values": {}, "numeric": set()})
            for name, value in form["values"].items():
                known["values"].setdefault(name, value)
            known["numeric"] |= form["numeric"]
    assert forms, "no form was found"
    failures = []
    for rule in rules:
        if "POST" not in rule.methods or rule.endpoint in NOT_POSTED:
            continue
        route = EXPECTATIONS[rule.endpoint]
        url = fill(rule, values[rule.endpoint], {})
        form = forms.get(rule.endpoint, {"values": {}, "numeric": set()})
        base = {**form["values"], **route.form_data(world)}
        numeric = form["numeric"] | {k for k, v in base.items() if str(v).isdigit()}
        if route.expected(role) != OK:
            # Refused before the form is read: one request with every number too large is enough.
            check(client, "POST", url, {**base, **dict.fromkeys(numeric, HUGE_AMOUNT)}, failures)
            continue
        # One field at a time, the others valid: a bounded field's error must not hide another.
        for name in sorted(numeric):
            for value in EXTREMES + (HUGE_AMOUNT,):
                check(client, "POST", url, {**base, name: value}, failures)
    assert SENT, "the walk sent no request"
    assert not failures, "\n".join(failures)
