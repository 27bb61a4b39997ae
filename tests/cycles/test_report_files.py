"""The fairness report and the margins as files: from the results page and from the citizen budget's
open data (with their Data Package schema), read back and compared with the stored report."""
from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import pytest

from cycles_testlib import make_cycle


def _rows(body: bytes, name: str) -> list[dict]:
    from budget_app.spreadsheets import read_table
    header, *rows = read_table(body, name)
    return [dict(zip(header, r)) for r in rows]


def test_results_page_files_match_the_report(client, world):
    cycle = make_cycle(world, "decided")
    report = cycle.tally["fairness"]
    client.login("member1@sharaka.test")
    page = client.get(f"/councils/hebron/cycles/{cycle.id}/results?lang=en")
    assert f"/cycles/{cycle.id}/fairness.csv" in page.text and f"/cycles/{cycle.id}/margins.xlsx" in page.text
    got = client.get(f"/councils/hebron/cycles/{cycle.id}/fairness.csv")
    assert got.status_code == 200 and got.headers["Content-Type"].startswith("text/csv")
    rows = {r["rule"]: r for r in _rows(got.data, "f.csv")}
    assert set(rows) == set(report)
    for rule, rep in report.items():
        r = rows[rule]
        assert r["outcome"] == "computed" and r["cycle_rule"] == ("true" if rule == cycle.tally_rule else "false")
        assert int(r["num_voters"]) == rep["num_voters"]
        assert int(r["voters_with_funded_proposal"]) == rep["non_empty_handed"]
        assert float(r["percent_non_empty_handed"]) == pytest.approx(rep["percent_non_empty_handed"])
        assert float(r["gini_coefficient_of_satisfaction"]) == pytest.approx(rep["gini_coefficient_of_satisfaction"])
        assert float(r["avg_satisfaction"]) == pytest.approx(rep["avg_satisfaction"])
        assert float(r["unspent"]) == pytest.approx(rep["unspent"]["unspent"])
        assert r["ejr_up_to_one"] in ("satisfied", "not_satisfied", "not_checked")
    assert rows["greedy"]["rule_name_en"] == "Greedy by votes" and rows["greedy"]["rule_name_ar"] != "Greedy by votes"
    margins = cycle.tally["margins"]
    excel = client.get(f"/councils/hebron/cycles/{cycle.id}/margins.xlsx")
    assert excel.status_code == 200
    by_code = {r["رمز بند الموازنة / Budget-line code"]: r for r in _rows(excel.data, "m.xlsx")}
    assert set(by_code) == {p.code for p in cycle.proposals}
    for code, m in margins.items():
        r = by_code[code]
        for key, header in (("extra_supporters_needed", "مؤيدون إضافيون لازمون / Extra supporters needed"),
                            ("supporters_to_spare", "مؤيدون يمكن الاستغناء عنهم / Supporters to spare")):
            assert (r[header] or None) == (None if m.get(key) is None else str(m[key]))
        for key, header in (("max_cost_funded", "أعلى تكلفة كان سيُموَّل بها / Highest cost at which it would have been funded"),
                            ("cost_headroom", "هامش التكلفة / Cost headroom")):
            assert (float(r[header]) if r[header] else None) == (None if m.get(key) is None else pytest.approx(m[key]))
    assert client.get(f"/councils/hebron/cycles/{cycle.id}/margins.pdf").status_code == 404
    preparing = make_cycle(world, "preparing", year=2031)
    assert client.get(f"/councils/hebron/cycles/{preparing.id}/fairness.csv").status_code == 404


def test_open_data_files_and_their_schema(app, world, client, tmp_path):
    from citizen_budget import services
    from budget_app.extensions import db
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "citizen_budget"))
    from cb_testlib import approved_cycle
    cycle = approved_cycle(world, year=2026)
    services.publish_version(world.hebron, 2026)
    db.session.commit()
    base = "/citizen-budget/hebron/2026/v/1"
    page = client.get("/citizen-budget/hebron/2026/?lang=en")
    assert f"{base}/fairness.csv" in page.text and f"{base}/margins.xlsx" in page.text
    descriptor = json.loads(client.get(f"{base}/datapackage.json").data)
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert {"budget", "fairness", "margins"} <= set(resources)
    for table in ("fairness", "margins"):
        body = client.get(f"{base}/{table}.csv")
        assert body.status_code == 200
        header = body.data.decode("utf-8").splitlines()[0].split(",")
        assert header == [f["name"] for f in resources[table]["schema"]["fields"]]  # the schema describes the file
        assert all(f["description"] and f["type"] in ("string", "number", "integer", "boolean")
                   for f in resources[table]["schema"]["fields"])
    fair = _rows(client.get(f"{base}/fairness.csv").data, "f.csv")
    rep = cycle.tally["fairness"][cycle.tally_rule]
    assert len(fair) == 1 and fair[0]["rule"] == cycle.tally_rule and fair[0]["outcome"] == "computed"
    assert float(fair[0]["percent_non_empty_handed"]) == pytest.approx(rep["percent_non_empty_handed"])
    assert float(fair[0]["gini_coefficient_of_satisfaction"]) == pytest.approx(rep["gini_coefficient_of_satisfaction"])
    xlsx = _rows(client.get(f"{base}/margins.xlsx").data, "m.xlsx")
    assert {r["رمز بند الموازنة / Budget-line code"] for r in xlsx} == {p.code for p in cycle.proposals}
    csv_rows = {r["budget_line_code"]: r for r in _rows(client.get(f"{base}/margins.csv").data, "m.csv")}
    for code, m in cycle.tally["margins"].items():
        assert (csv_rows[code]["extra_supporters_needed"] or None) == (
            None if m.get("extra_supporters_needed") is None else str(m["extra_supporters_needed"]))
    with zipfile.ZipFile(io.BytesIO(client.get(f"{base}/datapackage.zip").data)) as zf:
        assert {"datapackage.json", "budget.csv", "fairness.csv", "margins.csv"} <= set(zf.namelist())
        assert zf.read("fairness.csv") == client.get(f"{base}/fairness.csv").data
        zf.extractall(tmp_path)
    from frictionless import validate
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
