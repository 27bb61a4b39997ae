"""Beneficiaries' consultations: the coordinator puts a question on the council's shortlist (or
a ranking round's priorities) to beneficiaries' forums, who answer with one-time access codes
printed on cards; the results sit beside the council's own ranking.

Blueprints: ``views.bp`` (public: the code, the ballot, the receipt) and ``manage.bp`` (the
coordinator's pages under /councils/<slug>/consultations/).
"""
from flask_babel import lazy_gettext as _l

from budget_app import audit
from budget_app.features import CouncilTab, Feature
from priorities.consultations import manage
from priorities.consultations.views import bp, scan_bp


def _register_audit():
    audit.words({
        "consultation.create": (_l("Consultation opened"), _l("%(who)s opened the consultation %(what)s")),
        "consultation.close": (_l("Consultation closed"), _l("%(who)s closed the consultation %(what)s")),
        "consultation.codes": (_l("Access codes generated"),
                               _l("%(who)s generated access codes for the consultation %(what)s")),
        "consultation.sheet_erase": (_l("Printed codes erased"),
                                     _l("%(who)s erased the printed codes of the consultation %(what)s")),
        "consultation.void": (_l("Access codes cancelled"),
                              _l("%(who)s cancelled unused codes of the consultation %(what)s")),
        "consultation.answer": (_l("Consultation answered"),
                                _l("A beneficiary answered the consultation %(what)s")),
        "consultation.paper_answer": (_l("Paper answer entered"),
                                      _l("%(who)s entered a paper answer to the consultation %(what)s")),
    }, kinds={"consultation": _l("Consultation")},
        describers={"consultation": "priorities.consultations.services:describe"},
        details={
        "size": (_l("Codes"), None),
        "batch": (_l("Batch"), None),
        "voided": (_l("Codes cancelled"), None),
        "answers": (_l("Answers"), None),
        "channel": (_l("Channel"), None),
        "meeting": (_l("Meeting"), None),
        "opens_at": (_l("Opens"), "date"),
    })
    audit.council_objects("consultation")


_register_audit()

feature = Feature(
    "consultations",
    blueprints=(bp, scan_bp, manage.bp),
    models=("priorities.consultations.models",),
    seeders=((35, "priorities.consultations.demo:seed"),),
    tabs=(CouncilTab("consultations", "consult_manage.consultations", _l("Consultations"), 62,
                     visible=lambda council, user: council.can_manage(user)),),
    card_links="priorities.consultations.services:public_links",
    activity_actions={"consultation.create": _l("Consultation opened"),
                      "consultation.close": _l("Consultation closed")},
    activity_objects={"consultation": "priorities.consultations.services:describe"},
)
