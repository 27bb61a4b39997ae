"""Budget-cycle tests: make ``cycles_testlib`` importable (pytest runs with --import-mode=importlib)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest


@pytest.fixture(autouse=True)
def _english_request(request):
    """Services translate their messages; give them a request in English unless a test says otherwise."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.test_request_context("/?lang=en"):
        yield
