"""The rules of a budget cycle: their checks, their canonical form and fingerprint, and the
freeze that keeps them (and the proposals) unchanged once voting has opened.

Services of the cycles package take plain values and models, add and flush, and never commit:
the request (or the CLI command) commits once. A refused action raises :class:`CycleError`
whose message is meant for the user, already in the user's language.
"""
from __future__ import annotations

import hashlib
import json

from flask_babel import gettext as _
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from budget_app.cycles.errors import CycleError, FrozenError
from budget_app.cycles.methods import METHODS
from budget_app.cycles.models import AllocationProposal, BudgetCycle, ProposalFunding, ProposalReview
from budget_app.extensions import db
from budget_app.ministry_settings import DEFAULT_APPROVAL_QUORUM_MIN_PCT, approval_quorum_min_pct
from budget_app.tally import RULES
from budget_app.tenancy import SEAT_ROLES, Membership
from budget_app.utils import utcnow


RULE_FIELDS = ("envelope_minor", "currency", "ballot_method", "max_choices", "points_total", "min_spend_pct",
               "tally_rule", "mes_completion")


CYCLE_FIELDS = ("fiscal_year", "title_ar", "title_en", "description_ar", "description_en",
                "approval_quorum_pct") + RULE_FIELDS


def check_rules(values: dict) -> None:
    method = METHODS.get(values.get("ballot_method") or "")
    if method is None:
        raise CycleError(_("Choose a voting method."), field="ballot_method")
    if values.get("tally_rule") not in RULES:
        raise CycleError(_("Choose a tally rule."), field="tally_rule")
    if (values.get("envelope_minor") or 0) <= 0:
        raise CycleError(_("The envelope must be more than zero."), field="envelope")
    method.check_rules(values)
    pct = values.get("min_spend_pct")
    if pct is not None and not 0 <= pct <= 100:
        raise CycleError(_("The minimum share must be between 0 and 100 percent."), field="min_spend_pct")


def check_quorum(pct) -> None:
    """The approval quorum may not be below the ministry-wide minimum the administrator sets."""
    minimum = approval_quorum_min_pct()
    if pct is None or not minimum <= int(pct) <= 100:
        raise CycleError(_("The quorum must be between %(min)s%% (the ministry's minimum) and 100%% of the "
                           "council's members.", min=minimum), field="approval_quorum_pct")


def default_quorum_pct() -> int:
    """What a new cycle's quorum starts at: half the members, or the ministry's minimum if higher."""
    return max(DEFAULT_APPROVAL_QUORUM_MIN_PCT, approval_quorum_min_pct())


def ensure_not_frozen(cycle: BudgetCycle) -> None:
    if cycle.is_frozen:
        raise FrozenError(_("Voting has opened: the rules and the proposals are frozen and can no longer be "
                            "changed."))


def canonical_rules(cycle: BudgetCycle, proposals=None) -> dict:
    """The rules and proposal list that the fingerprint covers, as plain sorted data."""
    proposals = proposals if proposals is not None else cycle.proposals
    return {
        "cycle_id": cycle.id,
        "council_id": cycle.council_id,
        "fiscal_year": cycle.fiscal_year,
        "currency": cycle.currency,
        "envelope_minor": int(cycle.envelope_minor),
        "ballot_method": cycle.ballot_method,
        "max_choices": cycle.max_choices,
        "points_total": cycle.points_total,
        "min_spend_pct": cycle.min_spend_pct,
        "tally_rule": cycle.tally_rule,
        "mes_completion": bool(cycle.mes_completion),
        "ranked_scoring": cycle.method.ranked_scoring,
        "tie_break": "lexicographic by budget-line code",
        "proposals": sorted(
            ({"code": p.code, "title_ar": p.title_ar, "title_en": p.title_en or "", "cost_minor": int(p.cost_minor),
              "exclusive_group": p.exclusive_group or ""} | _review_rules(p) for p in proposals),
            key=lambda d: d["code"]),
    } | _approval_rules(cycle)


def _review_rules(proposal) -> dict:
    """A proposal's feasibility review as it enters the fingerprint (nothing when it has none:
    cycles frozen before reviews existed keep their published fingerprint)."""
    review = proposal.review
    if review is None:
        return {}
    revised = review.revised_cost_minor
    return {"review": {"outcome": review.outcome, "reason": review.reason, "changes": review.changes or "",
                       "original_cost_minor": int(review.original_cost_minor),
                       "revised_cost_minor": int(revised) if revised is not None else None}}


def _approval_rules(cycle: BudgetCycle) -> dict:
    """The council approval's electorate and quorum, for the fingerprint. Cycles frozen before the
    electorate was part of the rules (source "migration" or "first_use") keep their original
    fingerprint: it was published, so it is not recomputed."""
    electorate = cycle.electorate
    if not electorate or electorate.get("source") != ELECTORATE_AT_OPENING:
        return {}
    return {"approval": {"electorate_user_ids": sorted(int(i) for i in electorate["user_ids"]),
                         "quorum_pct": int(cycle.approval_quorum_pct)}}


def canonical_json(data: dict) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def fingerprint_of(rules: dict) -> str:
    return hashlib.sha256(canonical_json(rules).encode("utf-8")).hexdigest()


def group_fingerprint(fingerprint: str) -> str:
    """For reading aloud and comparing: groups of 8 hex digits."""
    return " ".join(fingerprint[i:i + 8] for i in range(0, len(fingerprint), 8))


def verify_fingerprint(cycle: BudgetCycle) -> bool:
    """True when the current rules and proposals still match the fingerprint taken when voting opened."""
    if not cycle.fingerprint:
        return False
    return fingerprint_of(canonical_rules(cycle)) == cycle.fingerprint and \
        fingerprint_of(json.loads(cycle.rules_json)) == cycle.fingerprint


# Where a cycle's frozen electorate came from: taken when voting opened (inside the fingerprint), or,
# for cycles that were past that point before electorates were frozen, from the membership of the
# day the migration ran (or of the first approval action, should one have been missed).
ELECTORATE_AT_OPENING = "voting_opened"


ELECTORATE_AT_MIGRATION = "migration"


ELECTORATE_AT_FIRST_USE = "first_use"


def current_member_ids(council_id: int) -> list[int]:
    """Every person holding a seat in the council now (members, coordinators, directors; not the
    technical reviewers, who hold no seat)."""
    return sorted(r[0] for r in db.session.execute(
        select(Membership.user_id).where(Membership.council_id == council_id, Membership.role.in_(SEAT_ROLES))))


def electorate_json(user_ids, source: str) -> str:
    return canonical_json({"user_ids": sorted(int(i) for i in user_ids), "source": source,
                           "frozen_at": utcnow().isoformat(timespec="seconds")})


FROZEN_CYCLE_ATTRS = RULE_FIELDS + ("fiscal_year", "approval_quorum_pct")


def _committed(obj, attr):
    hist = inspect(obj).attrs[attr].history
    if hist.deleted:
        return hist.deleted[0]
    if hist.unchanged:
        return hist.unchanged[0]
    if hist.added and not inspect(obj).persistent:
        return None
    return getattr(obj, attr)


def _refuse_frozen_changes(session, flush_context, instances):
    """Last line of defence: whatever code path tries it, rules and proposals of a cycle whose
    voting has opened cannot change (only deleting the whole cycle is allowed)."""
    deleted_cycles = {o.id for o in session.deleted if isinstance(o, BudgetCycle)}
    for obj in list(session.dirty):
        if isinstance(obj, BudgetCycle) and _committed(obj, "fingerprint"):
            electorate_changed = inspect(obj).attrs["electorate_json"].history.has_changes() \
                and _committed(obj, "electorate_json")  # set once (first use), never changed
            if (electorate_changed or any(inspect(obj).attrs[a].history.has_changes() for a in FROZEN_CYCLE_ATTRS)) \
                    and session.is_modified(obj):
                raise FrozenError(_("Voting has opened: the rules and the proposals are frozen and can no "
                                    "longer be changed."))
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        proposal = obj if isinstance(obj, AllocationProposal) else (
            obj.proposal if isinstance(obj, (ProposalFunding, ProposalReview)) else None)
        if proposal is None or proposal.cycle_id in deleted_cycles:
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        cycle = proposal.cycle or (db.session.get(BudgetCycle, proposal.cycle_id) if proposal.cycle_id else None)
        if cycle is not None and _committed(cycle, "fingerprint"):
            raise FrozenError(_("Voting has opened: the rules and the proposals are frozen and can no longer "
                                "be changed."))


def register_freeze_guard() -> None:
    """Install the freeze guard on every session (called once when the cycles blueprint is
    registered on an application; calling it again does nothing)."""
    if not event.contains(Session, "before_flush", _refuse_frozen_changes):
        event.listen(Session, "before_flush", _refuse_frozen_changes)
