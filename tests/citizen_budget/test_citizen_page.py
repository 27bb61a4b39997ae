"""The public citizen budget page, rendered from a published (hand-made) snapshot."""
from __future__ import annotations

import re

from cb_testlib import publish_snapshot, sample_snapshot
from helpers import page_text


def test_page_in_arabic_by_default_and_english_on_switch(client, world):
    publish_snapshot(world.hebron)
    response = client.get("/citizen-budget/hebron/2026/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    text = page_text(response)
    assert "موازنة المواطن 2026" in text or "2026" in text
    assert "مركز نهاري لكبار السن" in text
    english = client.get("/citizen-budget/hebron/2026/?lang=en")
    text = page_text(english)
    assert '<html lang="en" dir="ltr">' in english.get_data(as_text=True)
    assert "Citizen budget 2026" in text
    assert "Day centre for the elderly" in text
    assert "Out of every 100 shekels, 45 go to Elderly." in text
    assert "Out of every 100 shekels, 67 come from Ministry of Social Development treasury." in text
    assert "₪900,000" in text  # allocated
    assert "Who decided, and how" in text
    assert "21" in text and "ballots cast (9 online, 12 on paper)" in text


def test_every_chart_has_a_table_and_a_text_alternative(client, world):
    publish_snapshot(world.hebron)
    html = client.get("/citizen-budget/hebron/2026/?lang=en").get_data(as_text=True)
    charts = re.findall(r'<div class="chart-canvas" dir="ltr" id="([^"]+)".*?<figcaption id="[^"]+-alt"[^>]*>([^<]+)<', html, re.S)
    ids = {c[0] for c in charts}
    assert {"chart-sources", "chart-sectors", "chart-groups", "chart-localities", "chart-execution",
            "chart-quarters", "chart-comparison"} <= ids
    assert all(len(alt) > 30 for _id, alt in charts)
    assert html.count("<table") >= len(ids)
    assert "cdn" not in html.lower()
    assert "/assets/plotly-" in html


def test_markdown_texts_are_sanitized_and_figures_escaped(client, world):
    publish_snapshot(world.hebron)
    html = client.get("/citizen-budget/hebron/2026/?lang=en").get_data(as_text=True)
    assert "<strong>citizen budget</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "href=\"javascript" not in html


def test_earlier_versions_stay_viewable_and_link_to_latest(client, world):
    publish_snapshot(world.hebron, sample_snapshot(execution=False), note="approved")
    publish_snapshot(world.hebron, note="Q2 execution")
    latest = page_text(client.get("/citizen-budget/hebron/2026/?lang=en"))
    assert "Version 2" in latest and "Allocated and spent so far" in latest
    first = client.get("/citizen-budget/hebron/2026/v/1/?lang=en")
    assert first.status_code == 200
    text = page_text(first)
    assert "You are reading an earlier version." in text
    assert "Allocated and spent so far" not in text
    assert client.get("/citizen-budget/hebron/2026/v/3/").status_code == 404


def test_nothing_unpublished_is_visible(client, world):
    assert client.get("/citizen-budget/hebron/2026/").status_code == 404
    assert client.get("/citizen-budget/nablus/2026/").status_code == 404
    assert client.get("/citizen-budget/hebron/2026/v/1/data.csv").status_code == 404
    assert client.get("/citizen-budget/nope/2026/").status_code == 404
    assert "hebron" not in client.get("/citizen-budget/").get_data(as_text=True).split("<main")[1]


def test_index_lists_published_budgets(client, world):
    publish_snapshot(world.hebron)
    response = client.get("/citizen-budget/?lang=en")
    assert "/citizen-budget/hebron/2026/" in response.get_data(as_text=True)


def test_etag_cache_control_and_304(client, world):
    publish_snapshot(world.hebron)
    first = client.get("/citizen-budget/hebron/2026/")
    etag = first.headers["ETag"]
    assert "public" in first.headers["Cache-Control"]
    assert "Set-Cookie" not in first.headers
    assert "Accept-Language" in first.headers["Vary"]
    again = client.get("/citizen-budget/hebron/2026/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    english = client.get("/citizen-budget/hebron/2026/?lang=en", headers={"If-None-Match": etag})
    assert english.status_code == 200  # another language is another representation
    assert "private" in english.headers["Cache-Control"]


def test_page_is_compressed(client, world):
    publish_snapshot(world.hebron)
    response = client.get("/citizen-budget/hebron/2026/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    import gzip
    assert b"citizen-budget" in gzip.decompress(response.data)


def test_logged_in_page_is_private(client, world):
    publish_snapshot(world.hebron)
    client.login("member1@sharaka.test")
    response = client.get("/citizen-budget/hebron/2026/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("private")


def test_no_recomputation_per_request(client, world, monkeypatch):
    publish_snapshot(world.hebron)
    client.get("/citizen-budget/hebron/2026/")
    from citizen_budget import render

    def boom(*a, **k):
        raise AssertionError("rendered again")
    monkeypatch.setattr(render, "render_body", boom)
    monkeypatch.setattr(render, "compute", boom)
    assert client.get("/citizen-budget/hebron/2026/").status_code == 200


def test_print_stylesheet_is_linked(client, world):
    publish_snapshot(world.hebron)
    html = client.get("/citizen-budget/hebron/2026/").get_data(as_text=True)
    assert "citizen_budget.css" in html
    css = client.get("/static/citizen_budget.css").get_data(as_text=True)
    assert "@media print" in css and "size: A4" in css


def test_fairness_report_and_margins_on_the_citizen_budget(client, world):
    from budget_app.extensions import db
    from cb_testlib import approved_cycle
    from citizen_budget import services

    approved_cycle(world, year=2026)
    version = services.publish_version(world.hebron, 2026, note="")
    db.session.commit()
    import json
    snapshot = json.loads(version.snapshot_json)
    assert snapshot["fairness"]["report"]["num_voters"] > 0
    assert any(a["margin"] for a in snapshot["allocations"])
    text = page_text(client.get("/citizen-budget/hebron/2026/?lang=en"))
    assert "How fair is the result?" in text and "supported at least one funded proposal." in text
    assert "Would have been funded" in text or "could have stayed home" in text or "at any higher cost" in text.lower()
    arabic = page_text(client.get("/citizen-budget/hebron/2026/?lang=ar"))
    assert "ما مدى عدالة النتيجة؟" in arabic and "%(" not in arabic
