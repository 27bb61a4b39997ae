"""Photos and documents in the citizen budget: what a published version shows, and so what the
public may open.

A version's snapshot names each attachment it shows by ``attachment_id`` (milestones' photos and
documents, the allocation record's evidence). An attachment is public once a published version
of its council names it: the public sees exactly what was published, and a photo added later
stays with the council until the next version. Published versions never change, so the ids each
names are cached by its content hash.
"""
from __future__ import annotations

import json

from budget_app.cache import LRU
from budget_app.extensions import db
from citizen_budget.models import CitizenBudgetVersion

_NAMED = LRU(512)  # content hash of a version -> frozenset of the attachment ids its snapshot names


def named_in(snapshot) -> set[int]:
    """Every ``attachment_id`` anywhere in a snapshot (dicts and lists, any depth)."""
    found: set[int] = set()
    stack = [snapshot]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("attachment_id"), int):
                found.add(item["attachment_id"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def published_attachment_ids(attachments) -> set[int]:
    """The ids among ``attachments`` that a published version of their council shows."""
    wanted: dict[int, set[int]] = {}
    for a in attachments:
        wanted.setdefault(a.council_id, set()).add(a.id)
    public: set[int] = set()
    for council_id, ids in wanted.items():
        hashes = [h for (h,) in db.session.query(CitizenBudgetVersion.content_hash).filter_by(council_id=council_id)]
        missing = [h for h in hashes if _NAMED.get(h) is None]
        if missing:
            rows = db.session.query(CitizenBudgetVersion.content_hash, CitizenBudgetVersion.snapshot_json).filter(
                CitizenBudgetVersion.council_id == council_id, CitizenBudgetVersion.content_hash.in_(missing))
            for content_hash, snapshot_json in rows:
                _NAMED.set(content_hash, frozenset(named_in(json.loads(snapshot_json))))
        for content_hash in hashes:
            public |= ids & (_NAMED.get(content_hash) or frozenset())
    return public
