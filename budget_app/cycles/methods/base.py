"""What every ballot method says about itself; the four methods are subclasses, one file each.

A method knows its labels, which of the cycle's parameters it uses, how its ballot form is read,
how a ballot is checked against the frozen rules, how stored ballot items become the ``choices``
the forms use (and back), how the tally engine and Pabulib name its ballots, its template partial
and the column of the paper-ballot import. Nothing outside ``methods/`` switches on its key.
"""
from __future__ import annotations

import re
from collections import defaultdict

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from budget_app.cycles.errors import CycleError
from budget_app.i18n import ARABIC_DIGITS
from budget_app.tally.rules import TALLY_RULES


class BallotMethod:
    key: str = ""
    label = ""            # the cycle form: the method and what a voter does
    short_label = ""      # tables and headings
    public_label = ""     # the citizen budget: "each member ..."
    input_header = ""     # the ballot table's first column
    #: the tally engine's ballot kind: "approval" (sets), "cumulative" (points) or "ordinal" (ranks)
    tally_kind = "approval"
    #: Pabulib's vote_type when the ballots are exported
    pb_vote_type = "approval"
    #: the ballot's inputs, a CSS class of its table: ticks (check boxes), points or ranks
    inputs = "ticks"
    #: the results chart's axis: what a proposal's score counts
    score_label = _l("Votes")
    #: the ballot's running summary in the browser (static/cycles.js): choices, envelope, points or ranks
    summary = "choices"
    #: the cycle's parameters the method uses (the others are ignored)
    parameters: tuple[str, ...] = ()
    #: the results show each proposal's score beside its votes (points, Borda score)
    has_score = False
    #: how ranks are scored in the fingerprinted rules (None: no ranks)
    ranked_scoring: str | None = None
    paper_help = _l("The codes of the proposals ticked, separated by ;")
    paper_example = "P01; P04"

    @property
    def partial(self) -> str:
        """The template with this method's macros: ``input``, ``instructions`` and ``rule``."""
        return f"cycles/methods/{self.key}.html"

    def __str__(self) -> str:
        return self.key

    # The cycle's rules ----------------------------------------------------------
    def check_rules(self, values: dict) -> None:
        """Refuse settings this method cannot run with (``values``: the cycle's rule fields)."""
        rule = TALLY_RULES.get(values.get("tally_rule") or "")
        if rule is not None and rule.approvals_only and self.tally_kind != "approval":
            raise CycleError(_("Sequential Phragmén counts approvals only: choose approval or cost-limited voting, "
                               "or another rule."), field="tally_rule")

    def check_opening(self, cycle, proposals) -> None:
        """Refuse to open voting when no valid ballot could be filled in."""

    def form_errors(self, form) -> dict[str, str]:
        """The cycle form's missing parameters, ``{field: message}``."""
        return {}

    # Ballots --------------------------------------------------------------------
    def parse_form(self, proposals, formdata):
        """The ballot form's fields → ``choices`` (ids of the ticked proposals)."""
        ids = {p.id for p in proposals}
        return [int(v) for v in formdata.getlist("proposal") if v.isdigit() and int(v) in ids]

    def validate(self, cycle, choices, by_id) -> list[tuple[int, int, int | None]]:
        """Check ``choices`` against the frozen rules; ``[(proposal_id, points, rank)]``."""
        ordered = self._distinct(choices, by_id)
        refuse_two_of_a_group(ordered, by_id)
        return [(pid, 1, None) for pid in sorted(ordered)]

    def _distinct(self, choices, by_id, *, repeat_refused: str | None = None) -> list[int]:
        ordered = []
        for pid in list(choices or []):
            pid = int(pid)
            if pid not in by_id:
                raise CycleError(_("The ballot names a proposal that is not part of this vote."))
            if pid in ordered:
                if repeat_refused:
                    raise CycleError(repeat_refused)
                continue
            ordered.append(pid)
        if not ordered:
            raise CycleError(_("Choose at least one proposal."))
        return ordered

    def choices_of(self, items) -> list | dict:
        """Stored ballot items → the ``choices`` value the forms use."""
        return [i.proposal_id for i in items]

    def template_values(self, choices) -> dict:
        """``choices`` → ``{proposal_id: value}`` for the ballot template (True for a tick)."""
        return dict.fromkeys(choices or (), True)

    def engine_ballot(self, coded_items):
        """``[(code, points)]`` of one ballot, in rank order → the engine's ballot."""
        return [code for code, _pts in coded_items]

    def item_rows(self, ballot, proposal_id_of) -> list[tuple[int, int, int | None]]:
        """An engine/Pabulib ballot keyed by proposal code → ``[(proposal_id, points, rank)]``."""
        return [(proposal_id_of[c], 1, None) for c in ballot]

    def tally_options(self, cycle) -> dict:
        """Options of the tally engine for these ballots (beyond ``ballot_kind``)."""
        return {}

    def parse_paper(self, parts, code_id):
        """The paper-import cell split into parts → ``choices``."""
        return [code_id(part) for part in parts]

    # Pabulib --------------------------------------------------------------------
    def pb_meta(self, cycle, budget) -> dict:
        """Pabulib META lines this method adds to an export."""
        return {"max_length": str(cycle.max_choices)} if cycle.max_choices else {}

    def from_pb(self, election) -> dict:
        """The cycle parameters of a Pabulib file with this method's ballots."""
        return {}


def refuse_two_of_a_group(chosen_ids, by_id) -> None:
    """Mutually exclusive proposals (same group label) cannot both be funded, so a ballot that
    chooses (or gives points to) two of them is refused, naming them."""
    groups = defaultdict(list)
    for pid in chosen_ids:
        label = by_id[pid].exclusive_group
        if label:
            groups[label].append(by_id[pid].code)
    for codes in groups.values():
        if len(codes) > 1:
            raise CycleError(_("Proposals %(codes)s are alternatives (only one of them can be funded): choose at "
                               "most one of them.", codes=", ".join(sorted(codes))))


def parse_int(text) -> int | None:
    """A whole number as typed on a ballot (Arabic-Indic digits too); None when empty.
    Raises ValueError for anything else."""
    if text is None:
        return None
    s = str(text).strip().translate(ARABIC_DIGITS)
    if not s:
        return None
    if not re.fullmatch(r"-?\d+", s):
        raise ValueError("not a whole number")
    return int(s)
