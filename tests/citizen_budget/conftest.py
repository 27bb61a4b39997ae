"""Citizen-budget tests: make ``cb_testlib`` importable (pytest runs with --import-mode=importlib)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty page caches (ids are reused once tables are emptied)."""
    from citizen_budget import render
    for cache in (render.SNAPSHOTS, render.BODIES, render.PAGES):
        cache.clear()
    yield


@pytest.fixture
def in_english(app):
    with app.test_request_context("/?lang=en"):
        yield
