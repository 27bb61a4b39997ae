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


def _open_round(w):
    return {"slug": "hebron", "round_id": make_round(w.hebron, w.users["coordinator"]).id}


def _closed_round(w):
    return {"slug": "hebron", "round_id": make_round(w.hebron, w.users["coordinator"], closed=True).id, "fmt": "csv"}


# The author (member) and managers may edit; the director, who is neither, may not.
AUTHOR_OR_MANAGER = {"anonymous": "login", "outsider": 404, "member": "ok", "coordinator": "ok", "director": 403,
                     "admin": "ok"}
# Only the author edits a comment.
AUTHOR_ONLY = {"anonymous": "login", "outsider": 404, "member": "ok", "coordinator": 403, "director": 403,
               "admin": 403}
# Any member of the council votes; an administrator who is not a member does not.
VOTERS = {"anonymous": "login", "outsider": 404, "member": "ok", "coordinator": "ok", "director": "ok", "admin": 403}

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
    "priorities.comment_edit": Route(AUTHOR_ONLY, params=_comment),
    "priorities.comment_moderate": Route("manage", params=_comment),
    "priorities.round_list": Route("council", params=H),
    "priorities.round_new": Route("manage", params=H),
    "priorities.round_detail": Route("council", params=_open_round),
    "priorities.round_ballot": Route(VOTERS, params=_open_round),
    "priorities.round_close": Route("manage", params=_open_round),
    "priorities.round_export": Route("council", params=_closed_round),
}
