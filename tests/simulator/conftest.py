"""Simulator tests: make ``sim_testlib`` importable (pytest runs with --import-mode=importlib)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest  # noqa: E402


@pytest.fixture
def in_english(app):
    """Services' messages in English (Arabic is the default language)."""
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def en_client(client):
    """A test client that reads the pages in English."""
    client.get("/?lang=en")
    return client
