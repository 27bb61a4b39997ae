"""The partial Plotly bundle: served by hash, immutable, and able to draw every chart the app makes."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_manifest_matches_the_committed_bundle_and_its_entry():
    from budget_app.charts import VENDOR, bundle_manifest
    manifest = bundle_manifest()
    body = (VENDOR / manifest["file"]).read_bytes()
    assert hashlib.sha256(body).hexdigest() == manifest["sha256"]
    entry = (ROOT / "tools" / "plotly-bundle" / "entry.js").read_text()
    registered = set(re.findall(r'plotly\.js/lib/([a-z0-9]+)"', entry)) - {"core"}
    assert registered == set(manifest["traces"])
    lock = json.loads((ROOT / "tools" / "plotly-bundle" / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/plotly.js"]["version"] == manifest["plotly.js"]
    # Plotly's Arabic locale is in the bundle (the toolbar and dates speak Arabic)
    assert b'moduleType:"locale",name:"ar"' in body
    for trace in manifest["traces"]:
        assert f'name:"{trace}"'.encode() in body


def test_bundle_is_served_by_hash_and_cached_forever(client):
    from budget_app.charts import bundle_manifest, plotly_url
    with client.application.test_request_context():
        url = plotly_url()
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert hashlib.sha256(response.data).hexdigest() == bundle_manifest()["sha256"]
    assert client.get("/assets/plotly-0000000000000000.min.js").status_code == 404
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_bundle_is_sent_brotli_compressed(client):
    from budget_app.charts import plotly_url
    with client.application.test_request_context():
        url = plotly_url()
    response = client.get(url, headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] == "br"
    assert len(response.data) < 400_000  # precompressed at Brotli 11
    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in gz.headers["Vary"]
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and len(plain.data) > 1_000_000


def test_a_chart_with_a_trace_type_the_bundle_lacks_is_refused():
    import plotly.graph_objects as go

    from budget_app.charts import UnsupportedTrace, chart_payload
    assert '"type":"bar"' in chart_payload(go.Figure(go.Bar(x=[1], y=[2]))).replace(" ", "")
    with pytest.raises(UnsupportedTrace, match="scatter3d"):
        chart_payload(go.Figure(go.Scatter3d(x=[1], y=[2], z=[3])))
    with pytest.raises(UnsupportedTrace, match="scatter"):
        chart_payload({"data": [{"x": [1]}], "layout": {}})  # Plotly's default type


def test_static_files_are_addressed_by_content_and_cached_forever(client):
    import re
    body = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/app\.css\?v=([0-9a-f]{12}))"', body)
    assert css, "the stylesheet link carries its content hash"
    response = client.get(css.group(1))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert hashlib.sha256(response.data).hexdigest().startswith(css.group(2))
    stale = client.get("/static/app.css?v=000000000000")
    assert "immutable" not in stale.headers.get("Cache-Control", "")
    assert client.get("/static/../budget_app/__init__.py?v=x").status_code == 404
