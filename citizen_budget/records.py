"""One public record per allocation: from the needs it answers to the money spent on it.

:func:`allocation_record` is a pure function of a published snapshot (no Flask, no database,
like :mod:`citizen_budget.figures`): it returns a plain, JSON-able dict that the record page,
the open data and the API all show. Money is in integer minor units, dates are ISO strings.

The record's sections (each always present; empty when there is nothing to say)::

    {"code", "title_ar", "title_en", "description_ar", "description_en", "sector", "locality",
     "target_groups", "fiscal_year", "currency", "council": {slug, name_ar, name_en},
     "status": {"key": not_funded | approved | in_progress | completed, "over_allocation": bool},
     "needs": [{id, title_ar, title_en, sector, locality, beneficiaries,
                evidence_type ("" when not recorded), meeting: None | {kind, held_on, title}}],
     "proposal": {amount_minor, beneficiaries, funding: [{code, name_ar, name_en, amount_minor}],
                  implementing_organization: None | str},
     "vote": {votes, ballot_method, rule, funded, explanation: {...}, margin: None | {...}},
     "override": None | {"kind": "added" | "removed", "reason": str},
     "approval": None | {approved_on, yes, no, abstain, members},
     "milestones": [{title_ar, title_en, status, due_on, done_on}],
     "spending": None | {allocated_minor, executed_minor, remaining_minor, progress_pct,
                         over_allocation, justifications: [str],
                         quarters: [{quarter, amount_minor, cumulative_minor, ends_on}],
                         by_source: [{code, name_ar, name_en, amount_minor}]},
     "timeline": [{on, kind, title_ar, title_en, status, amount_minor, cumulative_minor}],
     # Optional sections, None until a feature fills them (see OPTIONAL_SECTIONS):
     "review": None, "declarations": None, "evidence": None}

Adding a section: put its data on the snapshot's allocation under the section's name (the
snapshot is where the domain is read, :mod:`citizen_budget.snapshot`), list the name in
``OPTIONAL_SECTIONS`` (it is copied here as is, or None), and add its partial
``templates/citizen_budget/record/_<name>.html``; the page includes it when the value is not None.
"""
from __future__ import annotations

from datetime import date

# Sections other features add (issue 15): the feasibility review (§3), the declared conflicts of
# interest and recusals (§4), photos and documents as evidence (§2). Each is copied from the
# snapshot's allocation when present; None otherwise (the page then shows nothing of it).
OPTIONAL_SECTIONS = ("review", "declarations", "evidence")

STATUSES = ("not_funded", "approved", "in_progress", "completed")
QUARTER_ENDS = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
# Order of same-day entries on the timeline.
TIMELINE_ORDER = {"need": 0, "approval": 1, "milestone": 2, "spending": 3}


def find_allocation(snapshot: dict, code: str) -> dict | None:
    for a in snapshot.get("allocations") or []:
        if a.get("code") == code:
            return a
    return None


def _status(a: dict) -> dict:
    execution = a.get("execution") or {}
    if not a.get("funded"):
        key = "not_funded"
    else:
        milestones = a.get("milestones") or []
        progress = execution.get("progress_pct")
        if progress == 100:  # the director's word that the work is done
            key = "completed"
        elif execution.get("executed_minor") or progress or any(
                m.get("status") in ("done", "in_progress", "delayed") for m in milestones):
            key = "in_progress"
        else:
            key = "approved"
    return {"key": key, "over_allocation": bool(execution.get("over_allocation"))}


def _needs(snapshot: dict, a: dict) -> list[dict]:
    by_id = {p["id"]: p for p in snapshot.get("priorities") or []}
    out = []
    for pid in a.get("priorities") or []:
        p = by_id.get(pid)
        if p is None:
            continue
        out.append({"id": p["id"], "title_ar": p.get("title_ar", ""), "title_en": p.get("title_en", ""),
                    "sector": p.get("sector"), "locality": p.get("locality"),
                    "beneficiaries": p.get("beneficiaries"), "evidence_type": p.get("evidence_type") or "",
                    "meeting": p.get("evidence_meeting")})
    return out


def _proposal(snapshot: dict, a: dict) -> dict:
    sources = {s["code"]: s for s in snapshot.get("funding_sources") or []}
    funding = [{"code": f["code"], "name_ar": (sources.get(f["code"]) or {}).get("name_ar", f["code"]),
                "name_en": (sources.get(f["code"]) or {}).get("name_en", f["code"]), "amount_minor": f["amount_minor"]}
               for f in a.get("funding") or []]
    return {"amount_minor": a["amount_minor"], "beneficiaries": a.get("beneficiaries"), "funding": funding,
            "implementing_organization": a.get("implementing_organization") or None}


def _vote(snapshot: dict, a: dict) -> dict:
    cycle = snapshot.get("cycle") or {}
    return {"votes": a.get("votes") or 0, "ballot_method": cycle.get("ballot_method", ""), "rule": cycle.get("rule", ""),
            "funded": bool(a.get("funded")), "explanation": a.get("explanation") or {}, "margin": a.get("margin")}


def _approval(snapshot: dict) -> dict | None:
    cycle = snapshot.get("cycle") or {}
    if not cycle.get("approved"):
        return None
    counts = (snapshot.get("participation") or {}).get("approval") or {}
    return {"approved_on": cycle.get("approved_on"),
            **{k: counts.get(k) for k in ("yes", "no", "abstain", "members")}}


def _spending(snapshot: dict, a: dict) -> dict | None:
    execution = a.get("execution")
    if not a.get("funded") or execution is None:
        return None
    year = snapshot["fiscal_year"]
    per_quarter: dict[int, int] = {}
    per_source: dict[str | None, int] = {}
    for s in execution.get("spending") or []:
        per_quarter[s["quarter"]] = per_quarter.get(s["quarter"], 0) + s["amount_minor"]
        per_source[s.get("funding_source")] = per_source.get(s.get("funding_source"), 0) + s["amount_minor"]
    quarters, cumulative = [], 0
    for q in (1, 2, 3, 4):
        cumulative += per_quarter.get(q, 0)
        quarters.append({"quarter": q, "amount_minor": per_quarter.get(q, 0), "cumulative_minor": cumulative,
                         "ends_on": date(year, *QUARTER_ENDS[q]).isoformat()})
    sources = {s["code"]: s for s in snapshot.get("funding_sources") or []}
    by_source = [{"code": code, "name_ar": (sources.get(code) or {}).get("name_ar", ""),
                  "name_en": (sources.get(code) or {}).get("name_en", ""), "amount_minor": amount}
                 for code, amount in sorted(per_source.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))]
    executed = int(execution.get("executed_minor") or 0)
    return {"allocated_minor": a["amount_minor"], "executed_minor": executed,
            "remaining_minor": a["amount_minor"] - executed, "progress_pct": execution.get("progress_pct"),
            "over_allocation": bool(execution.get("over_allocation")),
            "justifications": list(execution.get("justifications") or []), "quarters": quarters,
            "by_source": by_source}


def _timeline(needs: list, approval: dict | None, milestones: list, spending: dict | None) -> list[dict]:
    """Everything dated, oldest first: where the needs were raised, the council's approval, each
    milestone (on the day done, else the day due) and the spending of each quarter (at its end)."""
    rows = []
    seen_meetings = set()
    for need in needs:
        m = need.get("meeting")
        if m and m.get("held_on") and (m["held_on"], m.get("title")) not in seen_meetings:
            seen_meetings.add((m["held_on"], m.get("title")))
            rows.append({"on": m["held_on"], "kind": "need", "title_ar": m.get("title") or "",
                         "title_en": m.get("title") or "", "status": m.get("kind"), "amount_minor": None,
                         "cumulative_minor": None})
    if approval and approval.get("approved_on"):
        rows.append({"on": approval["approved_on"], "kind": "approval", "title_ar": "", "title_en": "",
                     "status": None, "amount_minor": None, "cumulative_minor": None})
    for m in milestones:
        day = m.get("done_on") or m.get("due_on")
        if day:
            rows.append({"on": day, "kind": "milestone", "title_ar": m.get("title_ar") or "",
                         "title_en": m.get("title_en") or "", "status": m.get("status"), "amount_minor": None,
                         "cumulative_minor": None})
    for q in (spending or {}).get("quarters", []):
        if q["amount_minor"]:
            rows.append({"on": q["ends_on"], "kind": "spending", "title_ar": "", "title_en": "",
                         "status": str(q["quarter"]), "amount_minor": q["amount_minor"],
                         "cumulative_minor": q["cumulative_minor"]})
    return sorted(rows, key=lambda r: (r["on"], TIMELINE_ORDER[r["kind"]]))


def allocation_record(snapshot: dict, code: str) -> dict | None:
    """The public record of the allocation ``code`` of a published snapshot (None: no such code)."""
    a = find_allocation(snapshot, code)
    if a is None:
        return None
    cycle = snapshot.get("cycle") or {}
    needs = _needs(snapshot, a)
    approval = _approval(snapshot)
    milestones = list(a.get("milestones") or []) if a.get("funded") else []
    spending = _spending(snapshot, a)
    override = a.get("override")
    record = {
        "code": a["code"], "title_ar": a.get("title_ar", ""), "title_en": a.get("title_en", ""),
        "description_ar": a.get("description_ar", ""), "description_en": a.get("description_en", ""),
        "sector": a.get("sector"), "locality": a.get("locality"),
        "target_groups": [t for t in a.get("target_groups") or [] if t],
        "fiscal_year": snapshot["fiscal_year"], "currency": snapshot["currency"],
        "council": {k: snapshot["council"].get(k, "") for k in ("slug", "name_ar", "name_en")},
        "status": _status(a),
        "needs": needs,
        "proposal": _proposal(snapshot, a),
        "vote": _vote(snapshot, a),
        "override": {"kind": override, "reason": cycle.get("override_reason") or ""} if override else None,
        "approval": approval,
        "milestones": milestones,
        "spending": spending,
        "timeline": _timeline(needs, approval, milestones, spending),
    }
    for name in OPTIONAL_SECTIONS:
        record[name] = a.get(name)
    if record["declarations"] is None:
        record["declarations"] = _declarations(snapshot, a["code"])
    return record


def _declarations(snapshot: dict, code: str) -> dict | None:
    """The council's published declarations of interest (``participation.declarations``: recused
    members by organization and the proposals concerned) as they concern this allocation."""
    published = (snapshot.get("participation") or {}).get("declarations")
    if not published:
        return None
    recused = [r for r in published.get("recused") or [] if code in (r.get("codes") or [])]
    return {"recusals": len(recused), "organizations": sorted({r["organization"] for r in recused if r.get("organization")})}
