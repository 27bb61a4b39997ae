"""The beneficiaries' ranking beside the council's: on the consultation's page, the ranking
round's results, a priority's page and the citizen budget ("beneficiaries' forums put this in
position 3; the council put it in position 1")."""
from __future__ import annotations

from dataclasses import dataclass

from budget_app.extensions import db
from priorities import services as priority_services
from priorities.consultations import services
from priorities.consultations.models import Consultation, ConsultationAnswer, consultation_priority


@dataclass
class Row:
    priority: object
    beneficiaries: int  # position among the consultation's priorities
    score: int
    voters: int
    council: int | None  # position in the council's round, None when it has none to compare


def rows(consultation) -> tuple[list[Row], object | None]:
    """The consultation's ranking with the council's position of each priority, and the round
    compared with (None when the council has no closed or visible round of the year)."""
    result = services.results(consultation)
    rnd = services.council_round(consultation)
    council_positions = {}
    if rnd is not None and rnd.results_visible():
        council_positions = {r.priority.id: r.position for r in priority_services.results(rnd)["rows"]}
    else:
        rnd = None
    return [Row(r.priority, r.position, r.score, r.voters, council_positions.get(r.priority.id))
            for r in result["rows"]], rnd


def _answered(query):
    """Consultations of ``query`` that have at least one answer (a ranking of no answer says nothing)."""
    answered = {cid for (cid,) in db.session.query(ConsultationAnswer.consultation_id).distinct()}
    return [c for c in query if c.id in answered]


def for_round(rnd) -> list[dict]:
    """The consultations to show on a round's results: the round's own, and those on the
    council's shortlist of the round's year; each with {priority id: position} and its answers."""
    candidates = Consultation.query.filter(Consultation.council_id == rnd.council_id,
                                           db.or_(Consultation.round_id == rnd.id,
                                                  db.and_(Consultation.round_id.is_(None),
                                                          Consultation.fiscal_year == rnd.fiscal_year))
                                           ).order_by(Consultation.opens_at).all()
    out = []
    for consultation in _answered(candidates):
        result = services.results(consultation)
        out.append({"consultation": consultation, "answers": result["answers"], "of": len(result["rows"]),
                    "positions": {r.priority.id: r.position for r in result["rows"]}})
    return out


def for_priority(priority) -> list[dict]:
    """Where the consultations that asked about ``priority`` put it."""
    ids = [cid for (cid,) in db.session.query(consultation_priority.c.consultation_id)
           .filter(consultation_priority.c.priority_id == priority.id)]
    if not ids:
        return []
    out = []
    for consultation in _answered(Consultation.query.filter(Consultation.id.in_(ids)).order_by(Consultation.opens_at)):
        result = services.results(consultation)
        position = next(r.position for r in result["rows"] if r.priority.id == priority.id)
        out.append({"consultation": consultation, "position": position, "of": len(result["rows"]),
                    "answers": result["answers"]})
    return out


def for_citizen_budget(council_id: int, fiscal_year: int) -> list[dict]:
    """Closed consultations of the council's year as plain data for the citizen budget's snapshot."""
    out = []
    for consultation in _answered(Consultation.query.filter_by(council_id=council_id, fiscal_year=fiscal_year)
                                  .order_by(Consultation.opens_at)):
        if not consultation.is_closed():
            continue
        result = services.results(consultation)
        ranked, rnd = rows(consultation)
        out.append({"question_ar": consultation.question_ar, "question_en": consultation.question_en or "",
                    "method": consultation.method, "answers": result["answers"], "online": result["online"],
                    "paper": result["paper"], "compared_with_round": rnd is not None,
                    "rows": [{"priority_id": r.priority.id, "title_ar": r.priority.title_ar,
                              "title_en": r.priority.title_en or "", "position": r.beneficiaries,
                              "score": r.score, "council_position": r.council} for r in ranked]})
    return out
