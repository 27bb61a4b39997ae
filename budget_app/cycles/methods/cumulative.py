"""Cumulative voting: each voter shares ``points_total`` points among the proposals."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from budget_app.cycles.errors import CycleError
from budget_app.cycles.methods.base import BallotMethod, parse_int, refuse_two_of_a_group
from budget_app.i18n import format_number


class Cumulative(BallotMethod):
    key = "cumulative"
    label = _l("Cumulative: share a number of points")
    short_label = _l("Cumulative points")
    public_label = _l("each member shared a number of points among the proposals")
    input_header = _l("Points")
    tally_kind = "cumulative"
    pb_vote_type = "cumulative"
    summary = "points"
    inputs = "points"
    parameters = ("points_total",)
    has_score = True
    score_label = _l("Points")
    paper_help = _l("Proposal codes with points: code: points; code: points.")
    paper_example = "P01: 3; P04: 2"

    def check_rules(self, values: dict) -> None:
        if not (values.get("points_total") or 0) > 0:
            raise CycleError(_("Cumulative voting needs the number of points each voter shares."),
                             field="points_total")
        super().check_rules(values)

    def form_errors(self, form) -> dict[str, str]:
        if not form.points_total.data:
            return {"points_total": _("Cumulative voting needs the number of points each voter shares.")}
        return {}

    def parse_form(self, proposals, formdata):
        out = {}
        for p in proposals:
            value = parse_int(formdata.get(f"points-{p.id}"))
            if value:
                out[p.id] = value
        return out

    def validate(self, cycle, choices, by_id):
        items = {}
        for pid, pts in dict(choices or {}).items():
            if int(pid) not in by_id:
                raise CycleError(_("The ballot names a proposal that is not part of this vote."))
            pts = int(pts)
            if pts < 0:
                raise CycleError(_("Points cannot be negative."))
            if pts:
                items[int(pid)] = pts
        used = sum(items.values())
        if used == 0:
            raise CycleError(_("Give at least one point to a proposal."))
        if used > cycle.points_total:
            raise CycleError(ngettext("You gave %(num)s point; you have %(total)s to share.",
                                      "You gave %(num)s points; you have %(total)s to share.", used,
                                      total=format_number(cycle.points_total)))
        refuse_two_of_a_group(items, by_id)
        return [(pid, pts, None) for pid, pts in sorted(items.items())]

    def choices_of(self, items):
        return {i.proposal_id: i.points for i in items}

    def template_values(self, choices):
        return dict(choices or {})

    def engine_ballot(self, coded_items):
        return {code: pts for code, pts in coded_items}

    def item_rows(self, ballot, proposal_id_of):
        return [(proposal_id_of[c], int(p), None) for c, p in ballot.items()]

    def parse_paper(self, parts, code_id):
        out = {}
        for part in parts:
            code, sep, pts = part.rpartition(":")
            if not sep or not pts.strip().isdigit():
                raise ValueError(_("Write code: points; code: points (e.g. P01: 3; P04: 2)."))
            out[code_id(code)] = out.get(code_id(code), 0) + int(pts)
        return out

    def pb_meta(self, cycle, budget) -> dict:
        return {"max_sum_points": str(cycle.points_total)} | super().pb_meta(cycle, budget)

    def from_pb(self, election) -> dict:
        sums = [sum(election.ballot(i).values()) for i in range(election.num_voters)] or [1]
        declared = election.meta.get("max_sum_points", "")
        return {"points_total": max(int(float(declared)) if declared.replace(".", "").isdigit() else 0, max(sums))}
