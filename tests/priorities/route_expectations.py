"""Who may use the priorities routes."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from matrix import Route  # noqa: E402
from priority_factories import make_comment, make_priority, make_round  # noqa: E402

H = {"slug": "hebron"}
MEMBER = "member4"  # helpers.ROLE_EMAILS["member"]


def _priority(w):
    return {"slug": "hebron", "priority_id": make_priority(w.hebron, w.users[MEMBER]).id}


def _comment(w):
    p = make_priority(w.hebron, w.users[MEMBER])
    return {"slug": "hebron", "priority_id": p.id, "comment_id": make_comment(p, w.users[MEMBER]).id}


def _evidence(w):
    """A submitted priority of the member's with a PDF as evidence."""
    from budget_app.extensions import db
    from budget_app.uploads import services
    from priorities.evidence import OWNER
    from upload_files import pdf

    p = make_priority(w.hebron, w.users[MEMBER])
    a = services.attach(OWNER, p, data=pdf(1), filename="r.pdf", user=w.users[MEMBER])
    db.session.commit()
    return {"slug": "hebron", "priority_id": p.id, "attachment_id": a.id}


def _open_round(w):
    return {"slug": "hebron", "round_id": make_round(w.hebron, w.users["coordinator"]).id}


def _closed_round(w):
    return {"slug": "hebron", "round_id": make_round(w.hebron, w.users["coordinator"], closed=True).id, "fmt": "csv"}


# The author (member) and managers may edit; the director, who is neither, may not.
AUTHOR_OR_MANAGER = {"anonymous": "login", "outsider": 404, "member": "ok", "coordinator": "ok", "director": 403,
                     "reviewer": 403, "admin": "ok"}
# Deleting evidence: the author (member) deletes it first (roles run in order), so the coordinator
# and the administrator then find it gone; the director may not change the priority at all, nor the
# technical reviewer.
EVIDENCE_DELETED_BY_AUTHOR = {"anonymous": "login", "outsider": 404, "member": "ok", "coordinator": 404,
                              "director": 403, "reviewer": 403, "admin": 404}
# Only the author edits a comment.
AUTHOR_ONLY = {"anonymous": "login", "outsider": 404, "member": "ok", "coordinator": 403, "director": 403,
               "reviewer": 403, "admin": 403}
# Any member of the council votes; an administrator who is not a member does not, nor a technical
# reviewer (no seat).
VOTERS = {"anonymous": "login", "outsider": 404, "member": "ok", "coordinator": "ok", "director": "ok",
          "reviewer": 403, "admin": 403}

ROUTES = {
    "priorities.priority_list": Route("council", params=H),
    "priorities.priority_export": Route("council", params={"slug": "hebron", "fmt": "xlsx"}),
    "priorities.priority_new": Route("council", params=H),
    "priorities.priority_detail": Route("council", params=_priority),
    "priorities.priority_edit": Route(AUTHOR_OR_MANAGER, params=_priority),
    "priorities.priority_submit": Route(AUTHOR_OR_MANAGER, params=_priority),
    "priorities.priority_shortlist": Route("manage", params=_priority),
    "priorities.priority_unshortlist": Route("manage", params=_priority),
    "priorities.priority_decline": Route("manage", params=_priority),
    "priorities.priority_merge": Route("manage", params=_priority),
    "priorities.comment_add": Route("council", params=_priority),
    # Posted without a file: the form is refused (400) for those who may attach.
    "priorities.evidence_add": Route(AUTHOR_OR_MANAGER, params=_priority),
    "priorities.evidence_delete": Route(EVIDENCE_DELETED_BY_AUTHOR, params=_evidence),
    "priorities.comment_edit": Route(AUTHOR_ONLY, params=_comment),
    "priorities.comment_moderate": Route("manage", params=_comment),
    "priorities.round_list": Route("council", params=H),
    "priorities.round_new": Route("manage", params=H),
    "priorities.round_detail": Route("council", params=_open_round),
    "priorities.round_ballot": Route(VOTERS, params=_open_round),
    "priorities.round_close": Route("manage", params=_open_round),
    "priorities.round_export": Route("council", params=_closed_round),
}
