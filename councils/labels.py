"""Labels of the council-work vocabulary (in the councils catalog), keyed by stored value."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

MEETING_KIND_LABELS = {
    "council_meeting": _l("Council meeting"),
    "workshop": _l("Training workshop"),
    "forum": _l("Consultative forum"),
}
PARTICIPANT_CATEGORY_LABELS = {
    "directorate_managers": _l("Directorate managers"),
    "supervisors": _l("Supervisors"),
    "social_workers": _l("Social workers"),
    "partner_organizations": _l("Partner organizations"),
    "beneficiaries": _l("Beneficiaries"),
    "other": _l("Other participants"),
}
GENDER_LABELS = {"female": _l("Women"), "male": _l("Men")}
# One person's gender, as recorded with their council membership ("" when not recorded).
MEMBER_GENDER_LABELS = {"": _l("Not recorded"), "female": _l("Woman"), "male": _l("Man")}
RECOMMENDATION_KIND_LABELS = {"recommendation": _l("Recommendation"), "decision": _l("Decision")}
RECOMMENDATION_STATUS_LABELS = {
    "open": _l("Open"),
    "in_progress": _l("In progress"),
    "done": lazy_pgettext("recommendation", "Done"),
    "dropped": _l("Dropped"),
}
PARTNER_TYPE_LABELS = {
    "governmental": _l("Governmental body"),
    "ngo": _l("NGO"),
    "charity": _l("Charitable society"),
    "private": _l("Private sector"),
    "international": _l("International organization"),
    "community": _l("Community-based organization"),
}
MOU_STATUS_LABELS = {
    "none": _l("No memorandum"),
    "in_preparation": _l("Memorandum in preparation"),
    "signed": _l("Memorandum signed"),
    "expired": _l("Memorandum expired"),
}
# Audit actions shown as "recent activity" on the council page.
ACTIVITY_LABELS = {
    "meeting.create": _l("Meeting recorded"),
    "meeting.update": _l("Meeting updated"),
    "recommendation.create": _l("Recommendation recorded"),
    "recommendation.update": _l("Recommendation followed up"),
    "partner.create": _l("Partner organization added"),
    "membership.create": _l("Member added"),
    "priority.create": _l("Priority recorded"),
    "priority.submit": _l("Priority submitted"),
    "priority.shortlist": _l("Priority shortlisted"),
    "priority.merge": _l("Priorities merged"),
    "priority.decline": _l("Priority declined"),
    "priority.comment": _l("Comment on a priority"),
    "round.open": _l("Ranking round opened"),
    "round.close": _l("Ranking round closed"),
}


def label(mapping: dict, key) -> str:
    return str(mapping.get(key, key or ""))
