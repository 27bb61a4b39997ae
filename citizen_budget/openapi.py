"""The OpenAPI 3.0 document of the public API (served at /api/v1/openapi.json)."""
from __future__ import annotations

from citizen_budget.api import YEAR_MAX, YEAR_MIN

MONEY = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "description": "Amount in major units, exact decimal"}
REF = {"type": "object", "nullable": True, "required": ["code", "name_ar", "name_en"],
       "properties": {"code": {"type": "string"}, "name_ar": {"type": "string"}, "name_en": {"type": "string"}}}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message"],
    "properties": {"code": {"type": "integer"}, "title": {"type": "string"}, "message": {"type": "string"}}}}}
VERSION_META = {"type": "object", "required": ["council", "fiscal_year", "version", "content_hash", "published_at"],
                "properties": {"council": {"type": "string"}, "fiscal_year": {"type": "integer"},
                               "version": {"type": "integer", "minimum": 1},
                               "content_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                               "published_at": {"type": "string", "format": "date-time"},
                               "note": {"type": "string"}, "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}}}
TOTALS = {"type": "object", "required": ["envelope", "allocated", "executed", "funding", "currency"],
          "properties": {"envelope": MONEY, "allocated": MONEY, "executed": MONEY, "funding": MONEY,
                         "funded_allocations": {"type": "integer", "minimum": 0},
                         "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}}}
COUNCIL = {"type": "object", "required": ["slug", "name_ar", "name_en", "citizen_budget_years"],
           "properties": {"slug": {"type": "string"}, "name_ar": {"type": "string"}, "name_en": {"type": "string"},
                          "contact_email": {"type": "string"},
                          "citizen_budget_years": {"type": "array", "items": {"type": "integer"}},
                          "url": {"type": "string"}}}
ALLOCATION = {"type": "object", "required": ["code", "title_ar", "title_en", "funded", "amount"],
              "properties": {"code": {"type": "string"}, "title_ar": {"type": "string"},
                             "title_en": {"type": "string"}, "funded": {"type": "boolean"},
                             "sector": {"$ref": "#/components/schemas/Ref"},
                             "locality": {"$ref": "#/components/schemas/Ref"},
                             "target_groups": {"type": "array", "items": {"$ref": "#/components/schemas/Ref"}},
                             "amount": MONEY, "beneficiaries": {"type": "integer", "nullable": True},
                             "votes": {"type": "integer"}, "decision_reason": {"type": "string"},
                             "executed": {**MONEY, "nullable": True},
                             "progress_pct": {"type": "integer", "nullable": True, "minimum": 0, "maximum": 100},
                             "over_allocation": {"type": "boolean"}}}
SNAPSHOT = {"type": "object", "description": "The frozen citizen budget (see citizen_budget/snapshot.py).",
            "required": ["schema", "fiscal_year", "currency", "council", "envelope_minor", "funding_sources",
                         "allocations", "participation", "texts"],
            "properties": {"schema": {"type": "integer"}, "fiscal_year": {"type": "integer"},
                           "currency": {"type": "string"}, "council": {"type": "object"},
                           "envelope_minor": {"type": "integer"}, "funding_sources": {"type": "array"},
                           "allocations": {"type": "array"}, "priorities": {"type": "array"},
                           "participation": {"type": "object"},
                           "previous_year": {"type": "object", "nullable": True}, "texts": {"type": "object"}}}


def _param(name, schema, where="path", description="", example=None):
    param = {"name": name, "in": where, "required": where == "path", "schema": schema, "description": description}
    if example is not None:
        param["example"] = example
    return param


SLUG = _param("slug", {"type": "string", "minLength": 1, "maxLength": 60}, description="Council slug, e.g. hebron",
              example="hebron")
YEAR = _param("year", {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX}, description="Fiscal year",
              example=2026)
VERSION_Q = _param("version", {"type": "integer", "minimum": 1, "maximum": 100000}, "query",
                   "A published version number (default: the latest)")


def _op(summary, schema, params=(), not_found=True, bad_request=False):
    responses = {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}}
    if not_found:
        responses["404"] = {"description": "Not found", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}
    if bad_request:
        responses["400"] = {"description": "Bad request", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}
    return {"get": {"summary": summary, "parameters": list(params), "responses": responses}}


def document(server_url: str) -> dict:
    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731
    return {
        "openapi": "3.0.3",
        "info": {"title": "Sharaka public API", "version": "1.0.0",
                 "description": "Read-only open data of the joint planning councils' published citizen budgets. "
                                "Amounts are exact decimal strings in the budget's currency (ISO 4217).",
                 "license": {"name": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}},
        "servers": [{"url": server_url}],
        "paths": {
            "/openapi.json": _op("This document", {"type": "object"}, not_found=False),
            "/councils": _op("Active councils and the years with a published citizen budget", {
                "type": "object", "required": ["councils"],
                "properties": {"councils": {"type": "array", "items": ref("Council")}}}, not_found=False),
            "/councils/{slug}": _op("One council", ref("Council"), [SLUG]),
            "/citizen-budgets": _op("Every published citizen budget (latest version of each)", {
                "type": "object", "required": ["citizen_budgets"],
                "properties": {"citizen_budgets": {"type": "array", "items": {
                    "type": "object", "required": ["council", "fiscal_year", "latest_version", "published_at"],
                    "properties": {"council": {"type": "string"}, "fiscal_year": {"type": "integer"},
                                   "latest_version": {"type": "integer"},
                                   "published_at": {"type": "string", "format": "date-time"},
                                   "url": {"type": "string"}}}}}}, not_found=False),
            "/citizen-budgets/{slug}/{year}": _op("A citizen budget: its versions and totals", {
                "type": "object", "required": ["council", "fiscal_year", "latest_version", "versions", "totals"],
                "properties": {"council": {"type": "string"}, "fiscal_year": {"type": "integer"},
                               "currency": {"type": "string"}, "latest_version": ref("VersionMeta"),
                               "versions": {"type": "array", "items": {
                                   "type": "object", "required": ["version", "content_hash", "published_at"],
                                   "properties": {"version": {"type": "integer"},
                                                  "content_hash": {"type": "string"},
                                                  "published_at": {"type": "string", "format": "date-time"},
                                                  "note": {"type": "string"}, "url": {"type": "string"}}}},
                               "totals": ref("Totals"), "page": {"type": "string"}}}, [SLUG, YEAR]),
            "/citizen-budgets/{slug}/{year}/versions/{number}": _op("One published version, in full", {
                "type": "object", "required": ["version", "totals", "snapshot"],
                "properties": {"version": ref("VersionMeta"), "totals": ref("Totals"),
                               "snapshot": ref("Snapshot")}},
                [SLUG, YEAR, _param("number", {"type": "integer", "minimum": 1, "maximum": 100000}, example=1)]),
            "/citizen-budgets/{slug}/{year}/allocations": _op("Allocation proposals, funded or not", {
                "type": "object", "required": ["version", "currency", "allocations"],
                "properties": {"version": {"type": "integer"}, "currency": {"type": "string"},
                               "allocations": {"type": "array", "items": ref("Allocation")}}},
                [SLUG, YEAR, VERSION_Q], bad_request=True),
            "/citizen-budgets/{slug}/{year}/execution": _op("Spending per funded allocation and quarter", {
                "type": "object", "required": ["version", "currency", "allocated", "executed", "by_quarter",
                                               "allocations"],
                "properties": {"version": {"type": "integer"}, "currency": {"type": "string"},
                               "allocated": MONEY, "executed": MONEY,
                               "by_quarter": {"type": "array", "items": {
                                   "type": "object", "required": ["quarter", "amount"],
                                   "properties": {"quarter": {"type": "integer", "minimum": 1, "maximum": 4},
                                                  "amount": MONEY}}},
                               "allocations": {"type": "array", "items": {
                                   "type": "object", "required": ["code", "allocated", "executed", "quarters"],
                                   "properties": {"code": {"type": "string"}, "allocated": MONEY, "executed": MONEY,
                                                  "progress_pct": {"type": "integer", "nullable": True},
                                                  "over_allocation": {"type": "boolean"},
                                                  "quarters": {"type": "array"}, "milestones": {"type": "array"}}}}}},
                [SLUG, YEAR, VERSION_Q], bad_request=True),
        },
        "components": {"schemas": {"Ref": REF, "Error": ERROR, "VersionMeta": VERSION_META, "Totals": TOTALS,
                                   "Council": COUNCIL, "Allocation": ALLOCATION, "Snapshot": SNAPSHOT}},
    }
