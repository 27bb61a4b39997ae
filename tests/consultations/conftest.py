import pytest


@pytest.fixture
def client(app):
    """A visitor whose browser asks for English (the messages checked are the English ones)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
