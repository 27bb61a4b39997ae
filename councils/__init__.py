"""Council work: meetings, workshops and forums, recommendations, partner organizations,
membership pages and the council's overview (councils and memberships themselves are the core's,
budget_app.tenancy)."""
from flask_babel import lazy_gettext as _l

from budget_app import audit
from budget_app.features import CouncilTab, Feature
from councils.labels import (MEETING_KIND_LABELS, MOU_STATUS_LABELS, RECOMMENDATION_KIND_LABELS,
                             RECOMMENDATION_STATUS_LABELS)
from councils.notices import KINDS as NOTIFICATION_KINDS
from councils.views import bp


def _register_audit():

    audit.words({
        "meeting.create": (_l("Meeting recorded"), _l("%(who)s recorded the meeting %(what)s")),
        "meeting.update": (_l("Meeting updated"), _l("%(who)s updated the meeting %(what)s")),
        "meeting.delete": (_l("Meeting deleted"), _l("%(who)s deleted the meeting “%(title)s”")),
        "recommendation.create": (_l("Recommendation recorded"), _l("%(who)s recorded the recommendation %(what)s")),
        "recommendation.update": (_l("Recommendation followed up"),
                                  _l("%(who)s followed up the recommendation %(what)s")),
        "partner.create": (_l("Partner organization added"), _l("%(who)s added the partner organization %(what)s")),
        "partner.update": (_l("Partner organization changed"),
                           _l("%(who)s changed the partner organization %(what)s")),
        "partner.delete": (_l("Partner organization removed"),
                           _l("%(who)s removed the partner organization “%(name)s”")),
    }, kinds={"meeting": _l("Meeting"), "recommendation": _l("Recommendation"),
              "partner_organization": _l("Partner organization")},
        details={
        "meeting.create:kind": (_l("Kind"), dict(MEETING_KIND_LABELS)),
        "meeting.update:kind": (_l("Kind"), dict(MEETING_KIND_LABELS)),
        "recommendation.create:kind": (_l("Kind"), dict(RECOMMENDATION_KIND_LABELS)),
        "recommendation.update:status": (_l("Status"), dict(RECOMMENDATION_STATUS_LABELS)),
        "mou_status": (_l("Memorandum of understanding"), dict(MOU_STATUS_LABELS)),
        "title": (_l("Title"), None),
        "attendees": (_l("Members present"), None),
        "outside_participants": (_l("Other participants"), None),
        "owner": (_l("Owner"), None),
        "due_date": (_l("Due date"), "date"),
        "follow_up": (_l("Follow-up"), None),
        "text": (_l("Text"), None),
        "status": (_l("Status"), None),
        "kind": (_l("Kind"), None),
    })


_register_audit()


feature = Feature(
    "councils",
    blueprints=(bp,),
    models=("councils.models",),
    seeders=((20, "councils.demo:seed"),),
    tabs=(CouncilTab("overview", "councils.council_home", _l("Overview"), 10),
          CouncilTab("meetings", "councils.meeting_list", _l("Meetings"), 20),
          CouncilTab("recommendations", "councils.recommendation_list", _l("Recommendations"), 30),
          CouncilTab("partners", "councils.partner_list", _l("Partners"), 40),
          CouncilTab("summary", "councils.summary", _l("Summary"), 90)),
    tasks="councils.services:my_tasks",
    notifications=NOTIFICATION_KINDS,
    reminders=("councils.notices:due_recommendations",),
    activity_objects={"meeting": "councils.services:describe_meetings",
                      "recommendation": "councils.services:describe_recommendations",
                      "partner_organization": "councils.services:describe_partners",
                      "membership": "councils.services:describe_memberships"},
)
