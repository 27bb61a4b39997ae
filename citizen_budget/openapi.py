"""The OpenAPI 3.0 document of the public API (served at /api/v1/openapi.json)."""
from __future__ import annotations

YEAR_MIN, YEAR_MAX = 1900, 2200  # the fiscal years the API accepts

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


_DATE = {"type": "string", "format": "date", "nullable": True}
_MILESTONE = {"type": "object", "required": ["title_ar", "status"],
              "properties": {"title_ar": {"type": "string"}, "title_en": {"type": "string"},
                             "status": {"type": "string"}, "due_on": _DATE, "done_on": _DATE}}
_SECTION = {"type": "object", "nullable": True,
            "description": "Added by a later feature; null until then (see citizen_budget/records.py)"}
RECORD = {
    "type": "object", "description": "One allocation's public record (see citizen_budget/records.py). Money in "
                                     "integer minor units (*_minor), dates ISO 8601.",
    "required": ["code", "title_ar", "title_en", "fiscal_year", "currency", "status", "needs", "proposal", "vote",
                 "override", "approval", "milestones", "spending", "timeline", "review", "declarations", "evidence"],
    "properties": {
        "code": {"type": "string"}, "title_ar": {"type": "string"}, "title_en": {"type": "string"},
        "description_ar": {"type": "string"}, "description_en": {"type": "string"},
        "sector": {"$ref": "#/components/schemas/Ref"}, "locality": {"$ref": "#/components/schemas/Ref"},
        "target_groups": {"type": "array", "items": {"$ref": "#/components/schemas/Ref"}},
        "fiscal_year": {"type": "integer"}, "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "council": {"type": "object"},
        "status": {"type": "object", "required": ["key", "over_allocation"],
                   "properties": {"key": {"type": "string",
                                          "enum": ["not_funded", "approved", "in_progress", "completed"]},
                                  "over_allocation": {"type": "boolean"}}},
        "needs": {"type": "array", "items": {
            "type": "object", "required": ["id", "title_ar", "evidence_type", "meeting"],
            "properties": {"id": {"type": "integer"}, "title_ar": {"type": "string"}, "title_en": {"type": "string"},
                           "sector": {"$ref": "#/components/schemas/Ref"},
                           "locality": {"$ref": "#/components/schemas/Ref"},
                           "beneficiaries": {"type": "integer", "nullable": True},
                           "evidence_type": {"type": "string", "description": "social_registry, survey, field_visit, "
                                             "partner_report, meeting_recommendation; empty when not recorded"},
                           "meeting": {"type": "object", "nullable": True,
                                       "properties": {"kind": {"type": "string"}, "held_on": _DATE,
                                                      "title": {"type": "string"}}}}}},
        "proposal": {"type": "object", "required": ["amount_minor", "funding"],
                     "properties": {"amount_minor": {"type": "integer"},
                                    "beneficiaries": {"type": "integer", "nullable": True},
                                    "funding": {"type": "array", "items": {"type": "object"}},
                                    "implementing_organization": {"type": "string", "nullable": True}}},
        "vote": {"type": "object", "required": ["votes", "funded", "explanation"],
                 "properties": {"votes": {"type": "integer"}, "ballot_method": {"type": "string"},
                                "rule": {"type": "string"}, "funded": {"type": "boolean"},
                                "explanation": {"type": "object"},
                                "margin": {"type": "object", "nullable": True}}},
        "override": {"type": "object", "nullable": True,
                     "properties": {"kind": {"type": "string", "enum": ["added", "removed"]},
                                    "reason": {"type": "string"}}},
        "approval": {"type": "object", "nullable": True,
                     "properties": {"approved_on": _DATE, "yes": {"type": "integer", "nullable": True},
                                    "no": {"type": "integer", "nullable": True},
                                    "abstain": {"type": "integer", "nullable": True},
                                    "members": {"type": "integer", "nullable": True}}},
        "milestones": {"type": "array", "items": _MILESTONE},
        "spending": {"type": "object", "nullable": True,
                     "properties": {"allocated_minor": {"type": "integer"}, "executed_minor": {"type": "integer"},
                                    "remaining_minor": {"type": "integer"},
                                    "progress_pct": {"type": "integer", "nullable": True},
                                    "over_allocation": {"type": "boolean"},
                                    "justifications": {"type": "array", "items": {"type": "string"}},
                                    "quarters": {"type": "array", "items": {
                                        "type": "object", "required": ["quarter", "amount_minor", "cumulative_minor"],
                                        "properties": {"quarter": {"type": "integer", "minimum": 1, "maximum": 4},
                                                       "amount_minor": {"type": "integer"},
                                                       "cumulative_minor": {"type": "integer"},
                                                       "ends_on": {"type": "string", "format": "date"}}}},
                                    "by_source": {"type": "array", "items": {"type": "object"}}}},
        "timeline": {"type": "array", "items": {
            "type": "object", "required": ["on", "kind"],
            "properties": {"on": {"type": "string", "format": "date"},
                           "kind": {"type": "string", "enum": ["need", "approval", "milestone", "spending"]},
                           "title_ar": {"type": "string"}, "title_en": {"type": "string"},
                           "status": {"type": "string", "nullable": True},
                           "amount_minor": {"type": "integer", "nullable": True},
                           "cumulative_minor": {"type": "integer", "nullable": True}}}},
        "review": _SECTION, "declarations": _SECTION,
        "evidence": {"type": "array", "nullable": True, "items": {"type": "object"},
                     "description": "Added by a later feature; null until then"}}}

_NUM = {"type": "number"}
_MARGINS = {"type": "object", "nullable": True, "description": "What it would have taken (currency units; each "
            "number checked by re-running the rule)",
            "properties": {"max_cost_funded": {**_NUM, "nullable": True},
                           "extra_supporters_needed": {"type": "integer", "nullable": True},
                           "cost_headroom": {**_NUM, "nullable": True},
                           "supporters_to_spare": {"type": "integer", "nullable": True},
                           "not_within": {"type": "integer"}, "not_computed": {"type": "boolean"}}}
RESULTS = {"type": "object",
           "required": ["council", "fiscal_year", "currency", "rule", "rules", "fingerprint", "ballots", "selection",
                        "final_selection", "proposals", "fairness", "proportionality", "ballots_pb"],
           "properties": {
               "council": {"type": "string"}, "fiscal_year": {"type": "integer"}, "currency": {"type": "string"},
               "title_ar": {"type": "string"}, "title_en": {"type": "string"}, "phase": {"type": "string"},
               "ballot_method": {"type": "string"}, "rule": {"type": "string"}, "completion": {"type": "boolean"},
               "rules": {"type": "object", "description": "The rules frozen when voting opened"},
               "fingerprint": {"type": "string"}, "ballots": {"type": "integer", "minimum": 0},
               "computed_at": {"type": "string"},
               "selection": {"type": "object", "description": "Rule -> funded budget-line codes",
                             "additionalProperties": {"type": "array", "items": {"type": "string"}}},
               "final_selection": {"type": "array", "items": {"type": "string"}},
               "override_reason": {"type": "string"},
               "proposals": {"type": "array", "items": {
                   "type": "object", "required": ["code", "cost_minor", "votes", "funded", "explanation", "margins"],
                   "properties": {"code": {"type": "string"}, "title_ar": {"type": "string"},
                                  "title_en": {"type": "string"}, "cost_minor": {"type": "integer"},
                                  "votes": {"type": "integer"}, "score": {"type": "integer"},
                                  "funded": {"type": "boolean"}, "funded_by_rule": {"type": "boolean"},
                                  "explanation": {"type": "object"}, "margins": _MARGINS}}},
               "fairness": {"type": "object", "description": "Rule -> fairness report (percent_non_empty_handed, "
                            "avg_satisfaction, satisfaction_histogram, gini_coefficient_of_satisfaction, unspent, "
                            "groups)"},
               "proportionality": {"type": "object", "description": "Rule -> exact EJR-up-to-one / PJR checks"},
               "ballots_pb": {"type": "string", "description": "The anonymized ballots (Pabulib)"}}}


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
            "/citizen-budgets/{slug}/{year}/allocations/{code}": _op("One allocation's public record: the needs "
                                                                     "it answers, the vote, the approval, "
                                                                     "milestones and spending, as a timeline", {
                "type": "object", "required": ["version", "currency", "record"],
                "properties": {"version": {"type": "integer"}, "currency": {"type": "string"},
                               "record": ref("Record"), "page": {"type": "string"}}},
                [SLUG, YEAR, _param("code", {"type": "string", "minLength": 1, "maxLength": 60},
                                    description="Budget-line code of the allocation", example="P01"), VERSION_Q],
                bad_request=True),
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
            "/results/{slug}/{year}": _op("A decided budget cycle's results (public once voting is closed)",
                                          ref("Results"), [SLUG, YEAR]),
        },
        "components": {"schemas": {"Results": RESULTS, "Ref": REF, "Error": ERROR, "VersionMeta": VERSION_META, "Totals": TOTALS,
                                   "Council": COUNCIL, "Allocation": ALLOCATION, "Snapshot": SNAPSHOT,
                                   "Record": RECORD}},
    }
