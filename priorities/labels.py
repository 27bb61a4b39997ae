"""Labels of the priorities vocabulary (in the priorities catalog)."""
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "shortlisted": _l("Shortlisted"),
    "merged": _l("Merged into another"),
    "declined": _l("Declined"),
}
EVIDENCE_LABELS = {
    "social_registry": _l("National social registry data"),
    "survey": _l("Survey"),
    "field_visit": _l("Field visit"),
    "partner_report": _l("Partner report"),
    "meeting_recommendation": _l("Meeting recommendation"),
}
METHOD_LABELS = {
    "points": _l("Points (each member distributes K points)"),
    "ranking": _l("Ranking (top N, Borda scores)"),
}
SORT_LABELS = {
    "newest": _l("Newest first"),
    "oldest": _l("Oldest first"),
    "beneficiaries": _l("Most beneficiaries"),
    "title": _l("Title"),
    "comments": _l("Most discussed"),
}


def label(mapping: dict, key) -> str:
    return str(mapping.get(key, key or ""))
