"""Who may use the consultations' routes: the code pages are public (a wrong code is refused,
not forbidden), the council's pages are for its coordinators."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from matrix import Route  # noqa: E402
from consult_testlib import make_consultation  # noqa: E402



def _consultation(world):
    consultation, _codes = make_consultation(world)
    return {"slug": "hebron", "consultation_id": consultation.id}


def _batch(world):
    consultation, _codes = make_consultation(world)
    return {"slug": "hebron", "consultation_id": consultation.id, "batch_id": consultation.batches[0].id}


def _receipt(world):
    from budget_app.extensions import db
    from priorities.consultations import services

    consultation, codes = make_consultation(world)
    ids = [p.id for p in consultation.priorities]
    row = services.answer(codes[0], {ids[0]: 3})
    db.session.commit()
    return {"receipt": row.receipt}


ROUTES = {
    "consult.enter": Route("public"),
    # Everyone reaches these; a missing or malformed code is refused (400), never forbidden.
    "consult.answer": Route("public"),
    "consult.receipt": Route("public", params=_receipt),
    "consult_scan.scan": Route("public", params={"code": "NOT-A-CODE"}),
    "consult_manage.consultations": Route("manage", params={"slug": "hebron"}),
    "consult_manage.detail": Route("manage", params=_consultation),
    "consult_manage.new_batch": Route("manage", params=_consultation),
    # The sheet's key is in the session of the coordinator who generated it: a coordinator's new
    # session finds the sheet gone (410, counted as allowed).
    "consult_manage.cards": Route("manage", params=_batch),
    "consult_manage.cards_pdf": Route("manage", params=_batch),
    "consult_manage.erase": Route("manage", params=_batch),
    "consult_manage.void": Route("manage", params=_consultation),
    "consult_manage.close": Route("manage", params=_consultation),
    "consult_manage.paper": Route("manage", params=_consultation),
    "consult_manage.export": Route("manage", params=_consultation),
}
