"""Priorities: local priority needs, discussion, ranking rounds."""
from flask_babel import lazy_gettext as _l

from budget_app import audit
from budget_app.features import CouncilTab, Feature, HomeCard
from priorities.labels import METHOD_LABELS
from priorities.notices import KINDS as NOTIFICATION_KINDS
from priorities.views import bp


def _register_audit():

    audit.words({
        "priority.create": (_l("Priority recorded"), _l("%(who)s recorded the priority %(what)s")),
        "priority.update": (_l("Priority changed"), _l("%(who)s changed the priority %(what)s")),
        "priority.submit": (_l("Priority submitted"), _l("%(who)s submitted the priority %(what)s")),
        "priority.shortlist": (_l("Priority shortlisted"), _l("%(who)s shortlisted the priority %(what)s")),
        "priority.unshortlist": (_l("Priority taken off the shortlist"),
                                 _l("%(who)s took the priority %(what)s off the shortlist")),
        "priority.decline": (_l("Priority declined"), _l("%(who)s declined the priority %(what)s")),
        "priority.merge": (_l("Priorities merged"), _l("%(who)s merged the priority %(what)s into another")),
        "priority.comment": (_l("Comment on a priority"), _l("%(who)s commented on the priority %(what)s")),
        "priority.comment_edit": (_l("Comment edited"), _l("%(who)s edited a comment on the priority %(what)s")),
        "priority.comment_hide": (_l("Comment hidden"), _l("%(who)s hid a comment on the priority %(what)s")),
        "priority.comment_show": (_l("Comment shown again"),
                                  _l("%(who)s showed again a comment on the priority %(what)s")),
        "round.open": (_l("Ranking round opened"), _l("%(who)s opened the ranking round %(what)s")),
        "round.close": (_l("Ranking round closed"), _l("%(who)s closed the ranking round %(what)s")),
        "round.ballot": (_l("Ranking ballot cast"), _l("%(who)s ranked the priorities in the round %(what)s")),
        "round.ballot_update": (_l("Ranking ballot changed"),
                                _l("%(who)s changed their ranking in the round %(what)s")),
    }, kinds={"priority": _l("Priority"), "priority_comment": _l("Comment on a priority"),
              "ranking_round": _l("Ranking round"), "round_ballot": _l("Ranking ballot")},
        about={"round.ballot": ("ranking_round", "round"), "round.ballot_update": ("ranking_round", "round")},
        details={
        "round.open:method": (_l("Method"), dict(METHOD_LABELS)),
        "priorities": (_l("Priorities"), None),
        "closes_at": (_l("Closes"), "date"),
        "fiscal_year": (_l("Fiscal year"), "code"),
        "reason": (_l("Reason"), None),
        "into": (_l("Merged into priority"), "code"),
        "priority": (_l("Priority"), "code"),
        "round": (_l("Ranking round"), "code"),
    })


_register_audit()


feature = Feature(
    "priorities",
    blueprints=(bp,),
    models=("priorities.models",),
    seeders=((30, "priorities.demo:seed"),),
    tabs=(CouncilTab("priorities", "priorities.priority_list", _l("Priorities"), 50),
          CouncilTab("rounds", "priorities.round_list", _l("Ranking rounds"), 60)),
    tasks="priorities.services:my_tasks",
    activity_objects={"priority": "priorities.services:describe_priorities",
                      "priority_comment": "priorities.services:describe_comments",
                      "ranking_round": "priorities.services:describe_rounds"},
    home_cards=(HomeCard("rounds", "priorities/_home_rounds.html", "priorities.services:home_card", 30),),
    attachment_owners=("priorities.evidence:OWNER",),
    notifications=NOTIFICATION_KINDS,
    reminders=("priorities.notices:closing_rounds",),
)
