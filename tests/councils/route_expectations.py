"""Who may use the council-work routes (the council home is declared by the core)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from council_work_factories import make_meeting, make_partner, make_recommendation, membership_of  # noqa: E402
from matrix import Route  # noqa: E402

H = {"slug": "hebron"}


def _meeting(w):
    return {"slug": "hebron", "meeting_id": make_meeting(w.hebron).id}


def _rec(w):
    return {"slug": "hebron", "rec_id": make_recommendation(make_meeting(w.hebron)).id}


def _partner(w):
    return {"slug": "hebron", "partner_id": make_partner(w.hebron).id}


def _member8(w):
    return {"slug": "hebron", "membership_id": membership_of(w.hebron, "member8@sharaka.test").id}


# Deleting routes: the coordinator deletes first (roles run in order), so the admin then gets 404.
AFTER_DELETE = {"anonymous": "login", "outsider": 404, "member": 403, "coordinator": "ok", "director": 403,
                "reviewer": 403, "admin": 404}

ROUTES = {
    "councils.meeting_list": Route("council", params=H),
    "councils.meeting_new": Route("manage", params=H),
    "councils.meeting_detail": Route("council", params=_meeting),
    "councils.meeting_edit": Route("manage", params=_meeting),
    "councils.meeting_delete": Route(AFTER_DELETE, params=_meeting),
    "councils.meetings_export": Route("council", params={"slug": "hebron", "fmt": "csv"}),
    "councils.recommendation_new": Route("manage", params=_meeting),
    "councils.recommendation_list": Route("council", params=H),
    "councils.recommendation_edit": Route("manage", params=_rec),
    "councils.recommendations_export": Route("council", params={"slug": "hebron", "fmt": "xlsx"}),
    "councils.partner_list": Route("council", params=H),
    "councils.partner_new": Route("manage", params=H),
    "councils.partner_edit": Route("manage", params=_partner),
    "councils.partner_delete": Route(AFTER_DELETE, params=_partner),
    "councils.members": Route("manage", params=H),
    "councils.member_edit": Route("manage", params=_member8),
    "councils.member_remove": Route(AFTER_DELETE, params=_member8),
    "councils.summary": Route("council", params=H),
}
