"""Approval voting: each voter ticks the proposals they support (at most ``max_choices``)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from budget_app.cycles.errors import CycleError
from budget_app.cycles.methods.base import BallotMethod
from budget_app.i18n import format_number


class Approval(BallotMethod):
    key = "approval"
    label = _l("Approval: choose the proposals you support")
    short_label = _l("Approval")
    public_label = _l("each member chose the proposals they support")
    input_header = _l("Choose")
    parameters = ("max_choices",)

    def check_opening(self, cycle, proposals) -> None:
        if cycle.max_choices and cycle.max_choices < 1:
            raise CycleError(_("The number of choices must be at least one."))

    def validate(self, cycle, choices, by_id):
        chosen = self._distinct(choices, by_id)
        if cycle.max_choices and len(chosen) > cycle.max_choices:
            raise CycleError(ngettext("Choose at most %(num)s proposal; you chose %(chosen)s.",
                                      "Choose at most %(num)s proposals; you chose %(chosen)s.", cycle.max_choices,
                                      chosen=format_number(len(chosen))))
        return super().validate(cycle, chosen, by_id)

    def from_pb(self, election) -> dict:
        if election.vote_type == "choose-1":
            return {"max_choices": 1}
        declared = election.meta.get("max_length", "")
        return {"max_choices": int(declared)} if declared.isdigit() else {}
