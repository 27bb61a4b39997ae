"""Ranked voting: each voter ranks up to ``max_choices`` proposals, scored by Borda."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from budget_app.cycles.errors import CycleError
from budget_app.cycles.methods.base import BallotMethod, parse_int


class Ranked(BallotMethod):
    key = "ranked"
    label = _l("Ranked: rank your top choices")
    short_label = _l("Ranked")
    public_label = _l("each member ranked their top proposals")
    input_header = _l("Rank")
    tally_kind = "ordinal"
    pb_vote_type = "ordinal"
    summary = "ranks"
    inputs = "ranks"
    parameters = ("max_choices",)
    has_score = True
    ranked_scoring = "borda"
    paper_help = _l("Proposal codes in the voter's order, first choice first, separated by ;")
    paper_example = "P04; P01; P02"

    def check_rules(self, values: dict) -> None:
        super().check_rules(values)
        if not (values.get("max_choices") or 0) > 0:
            raise CycleError(_("Ranked voting needs how many proposals each voter ranks."), field="max_choices")

    def check_opening(self, cycle, proposals) -> None:
        if cycle.max_choices and cycle.max_choices < 1:
            raise CycleError(_("The number of choices must be at least one."))

    def form_errors(self, form) -> dict[str, str]:
        if not form.max_choices.data:
            return {"max_choices": _("Ranked voting needs how many proposals each voter ranks.")}
        return {}

    def parse_form(self, proposals, formdata):
        ranked = []
        for p in proposals:
            value = parse_int(formdata.get(f"rank-{p.id}"))
            if value:
                ranked.append((value, p.id))
        ranks = [r for r, _pid in ranked]
        if len(ranks) != len(set(ranks)):
            raise CycleError(_("Two proposals have the same rank: give each rank only once."))
        if sorted(ranks) != list(range(1, len(ranks) + 1)):
            # Renumbering "2" alone into "1" would record a ballot the voter did not fill in.
            missing = [r for r in range(1, max(ranks) + 1) if r not in ranks]
            raise CycleError(_(
                "The ranks must start at 1 and follow without gaps: rank %(missing)s is missing. Give 1 to "
                "your first choice, 2 to the next, and so on.", missing=", ".join(map(str, missing))))
        return [pid for _rank, pid in sorted(ranked)]

    def validate(self, cycle, choices, by_id):
        # Ranking two alternatives of a group is allowed: the order says which one the voter
        # prefers should the other not be funded.
        ordered = self._distinct(choices, by_id, repeat_refused=_("Each proposal can be ranked only once."))
        if len(ordered) > cycle.max_choices:
            raise CycleError(ngettext("Rank at most %(num)s proposal.", "Rank at most %(num)s proposals.",
                                      cycle.max_choices))
        return [(pid, 1, rank) for rank, pid in enumerate(ordered, 1)]

    def choices_of(self, items):
        return [i.proposal_id for i in sorted(items, key=lambda i: i.rank or 0)]

    def template_values(self, choices):
        return {pid: rank for rank, pid in enumerate(choices or (), 1)}

    def item_rows(self, ballot, proposal_id_of):
        return [(proposal_id_of[c], 1, r) for r, c in enumerate(ballot, 1)]

    def tally_options(self, cycle) -> dict:
        return {"ordinal_scoring": self.ranked_scoring, "borda_top": cycle.max_choices}

    def from_pb(self, election) -> dict:
        declared = election.meta.get("max_length", "")
        if declared.isdigit():
            return {"max_choices": int(declared)}
        lengths = election.ballot_ptr[1:] - election.ballot_ptr[:-1]
        return {"max_choices": int(lengths.max())}
