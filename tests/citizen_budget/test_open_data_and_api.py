"""Open data (CSV, Excel, JSON, Fiscal Data Package validated by frictionless) and the public API
(fuzzed by schemathesis against its own OpenAPI document)."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from cb_testlib import publish_snapshot

BASE = "/citizen-budget/hebron/2026/v/1"


def test_csv_and_excel_neutralize_formulas(client, world):
    publish_snapshot(world.hebron)
    csv = client.get(BASE + "/data.csv")
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    text = csv.data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'=cmd" in text
    assert "\n=" not in text and ",=" not in text
    assert "P01" in text and "400000.00" in text
    xlsx = client.get(BASE + "/data.xlsx")
    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert {"allocations", "funding_sources", "execution", "fiscal_data"} <= set(wb.sheetnames)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for cell in row:
                assert not (isinstance(cell, str) and cell.startswith("=")), cell
    assert "immutable" in csv.headers["Cache-Control"] and csv.headers.get("ETag")


def test_json_download_is_the_snapshot_without_personal_data(client, world):
    publish_snapshot(world.hebron)
    data = client.get(BASE + "/data.json").get_json()
    assert data["version"]["version"] == 1 and len(data["version"]["content_hash"]) == 64
    assert data["snapshot"]["allocations"][0]["code"] == "P01"
    assert data["totals"]["allocated"] == "900000.00"


def test_fiscal_data_package_validates_with_frictionless(client, world, tmp_path):
    from frictionless import validate

    publish_snapshot(world.hebron)
    descriptor = client.get(BASE + "/datapackage.json").get_json()
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    (tmp_path / "budget.csv").write_bytes(client.get(BASE + "/budget.csv").data)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    assert fields["amount"]["columnType"] == "value"
    assert descriptor["fiscalPeriod"] == {"start": "2026-01-01", "end": "2026-12-31"}
    import csv as csvmod
    rows = list(csvmod.DictReader(io.StringIO((tmp_path / "budget.csv").read_text())))
    phases = {(r["direction"], r["phase"]) for r in rows}
    assert phases == {("revenue", "approved"), ("expenditure", "approved"), ("expenditure", "executed")}
    assert all(r["currency"] == "ILS" for r in rows)
    approved = sum(float(r["amount"]) for r in rows if r["phase"] == "approved" and r["direction"] == "expenditure")
    assert approved == 900_000
    assert {r["programme_code"] for r in rows if r["direction"] == "expenditure"} == {"P01", "P02", "P03"}
    # The zip holds the same two files, and validates too.
    archive = zipfile.ZipFile(io.BytesIO(client.get(BASE + "/datapackage.zip").data))
    assert sorted(archive.namelist()) == ["budget.csv", "datapackage.json"]
    unzipped = tmp_path / "zip"
    archive.extractall(unzipped)
    assert validate(str(unzipped / "datapackage.json")).valid


def test_api_lists_and_details(client, world):
    publish_snapshot(world.hebron)
    councils = client.get("/api/v1/councils").get_json()["councils"]
    assert next(c for c in councils if c["slug"] == "hebron")["citizen_budget_years"] == [2026]
    listed = client.get("/api/v1/citizen-budgets").get_json()["citizen_budgets"]
    assert listed[0]["council"] == "hebron" and listed[0]["latest_version"] == 1
    budget = client.get("/api/v1/citizen-budgets/hebron/2026").get_json()
    assert budget["totals"]["allocated"] == "900000.00"
    allocations = client.get("/api/v1/citizen-budgets/hebron/2026/allocations?version=1").get_json()
    assert [a["code"] for a in allocations["allocations"]] == ["P01", "P02", "P03", "P04"]
    execution = client.get("/api/v1/citizen-budgets/hebron/2026/execution").get_json()
    assert execution["executed"] == "125000.00"
    assert client.get("/api/v1/citizen-budgets/nablus/2026").status_code == 404
    assert client.get("/api/v1/citizen-budgets/hebron/99999999999").status_code == 404
    response = client.get("/api/v1/citizen-budgets/hebron/2026/allocations?version=x")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == 400
    assert client.post("/api/v1/councils").status_code in (400, 405)  # read-only


# schemathesis' pytest plugin does not work with pytest 9 yet: drive it with Hypothesis directly,
# one property test per operation of the document.
def _operations():
    from budget_app import create_app
    from citizen_budget.openapi import document
    from helpers import app_config

    with create_app(app_config("sqlite://")).test_request_context():
        raw = document("http://localhost/api/v1")
    return [op.ok() for op in schemathesis.openapi.from_dict(raw).get_all_operations()]


OPERATIONS = _operations()


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_api_conforms_to_its_openapi_document(app, world, operation):
    """No 5xx, and every response matches the documented status codes and schemas."""
    from hypothesis import given

    publish_snapshot(world.hebron)
    if operation.path.startswith("/results"):  # a real decided cycle, so the example reaches its results
        from cb_testlib import approved_cycle
        approved_cycle(world, year=2026)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    live = schema[operation.path]["GET"]

    def call(case):
        # The WSGI transport does not decode compressed bodies; compression is tested elsewhere.
        case.call_and_validate(headers={"Accept-Encoding": "identity"})

    quick = dict(deadline=None, suppress_health_check=list(HealthCheck), database=None)
    settings(max_examples=30, **quick)(given(case=live.as_strategy())(call))()
    # The documented examples (hebron, 2026, version 1) reach the published budget.
    for strategy in live.get_strategies_from_examples():
        settings(max_examples=1, **quick)(given(case=strategy)(call))()


def test_api_results_of_a_decided_cycle(client, world):
    from cb_testlib import approved_cycle
    approved_cycle(world, year=2026)
    data = client.get("/api/v1/results/hebron/2026").get_json()
    assert data["rule"] and data["fingerprint"] and data["ballots"] > 0
    assert set(data["final_selection"]) == {p["code"] for p in data["proposals"] if p["funded"]}
    assert data["rule"] in data["selection"] and data["rule"] in data["fairness"]
    report = data["fairness"][data["rule"]]
    assert 0 <= report["percent_non_empty_handed"] <= 1 and "gini_coefficient_of_satisfaction" in report
    for p in data["proposals"]:
        assert p["explanation"]["reason"] and set(p["margins"]) >= {"max_cost_funded", "extra_supporters_needed",
                                                                   "cost_headroom", "supporters_to_spare"}
    assert "electorate" not in json.dumps(data["rules"])  # no personal data
    assert data["ballots_pb"].endswith("/ballots.pb")
    assert client.get(data["ballots_pb"].replace("http://localhost", "")).status_code == 200
    assert client.get("/api/v1/results/hebron/2040").status_code == 404
    assert client.get("/api/v1/results/nowhere/2026").status_code == 404
