"""The public results of a decided cycle for the API (``/api/v1/results/<slug>/<year>``).

Published once voting is closed -- the anonymized ballots (``ballots.pb``) are public from then
on, so everything here can be recomputed by anyone. No personal data: the approval electorate's
user ids, part of the fingerprinted rules, are left out (so is the override's author).
"""
from __future__ import annotations

import json

from flask import url_for

from budget_app.cycles.models import BudgetCycle


def _public_rules(cycle: BudgetCycle) -> dict:
    rules = json.loads(cycle.rules_json) if cycle.rules_json else {}
    approval = rules.get("approval")
    if isinstance(approval, dict):
        rules["approval"] = {k: v for k, v in approval.items() if "electorate" not in k}
    rules.pop("council_id", None)
    return rules


def not_feasible_rows(cycle: BudgetCycle) -> list[dict]:
    """The proposals the feasibility review kept off the ballot, with the public reason."""
    return [{"code": p.code, "title_ar": p.title_ar, "title_en": p.title_en or "", "cost_minor": int(p.cost_minor),
             "reason": p.review.reason}
            for p in sorted(cycle.proposals, key=lambda p: p.code) if not p.on_ballot]


def public_results(council, year: int) -> dict | None:
    """The results of the council's cycle of ``year``, or None (no such cycle, or not tallied yet)."""
    cycle = BudgetCycle.query.filter_by(council_id=council.id, fiscal_year=year).first()
    if cycle is None or not cycle.voting_closed or not cycle.tally:
        return None
    tally = cycle.tally
    main = tally.get("main") or {}
    explanations = main.get("explanations") or {}
    margins = tally.get("margins") or {}
    final = set(cycle.final_selected_codes())
    proposals = []
    for p in sorted(cycle.ballot_proposals, key=lambda p: p.code):
        e = explanations.get(p.code) or {}
        m = margins.get(p.code)
        proposals.append({
            "code": p.code, "title_ar": p.title_ar, "title_en": p.title_en or "",
            "cost_minor": int(p.cost_minor), "votes": int(e.get("votes") or 0), "score": int(e.get("score") or 0),
            "funded": p.code in final, "funded_by_rule": p.code in set(main.get("selected") or []),
            "explanation": e,
            "margins": None if not m else {k: m.get(k) for k in ("max_cost_funded", "extra_supporters_needed",
                                                                  "cost_headroom", "supporters_to_spare",
                                                                  "not_within", "not_computed") if k in m},
        })
    return {
        "council": council.slug, "fiscal_year": year, "currency": cycle.currency,
        "title_ar": cycle.title_ar, "title_en": cycle.title_en or "", "phase": cycle.phase,
        "ballot_method": cycle.ballot_method, "rule": cycle.tally_rule, "completion": bool(main.get("completion")),
        "rules": _public_rules(cycle), "fingerprint": cycle.fingerprint or "",
        "ballots": int(tally.get("ballots") or 0), "computed_at": tally.get("computed_at") or "",
        "selection": {rule: list(data.get("selected") or []) for rule, data in (tally.get("comparison") or {}).items()},
        "final_selection": sorted(final),
        "override_reason": cycle.override_reason or "" if cycle.override else "",
        "proposals": proposals,
        "not_feasible": not_feasible_rows(cycle),
        "fairness": tally.get("fairness") or {},
        "proportionality": tally.get("proportionality") or {},
        "ballots_pb": url_for("cycles.export_pb", slug=council.slug, cycle_id=cycle.id, _external=True),
    }
