"""The tally rules and ballot kinds as data, without the engine (no NumPy): forms, pages, the
Pabulib import/export and the command line read them at start-up.

The texts are English and only marked for the catalog (``N_``, ``NP_``: this package imports
nothing of the application, Flask-Babel included); the pages translate them where they show them.
"""
from __future__ import annotations

from dataclasses import dataclass


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated where it is shown."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark ``message`` for the catalog under ``context`` (see :attr:`TallyRule.public_context`)."""
    return message


@dataclass(frozen=True)
class TallyRule:
    key: str
    label: str                     # the council's pages and forms: the rule's exact name
    public_label: str              # the citizen budget: a plainer name
    explanation: str               # the citizen budget: how the rule funds proposals, in one or two sentences
    pb_name: str                   # Pabulib's META "rule"
    completes: bool = False        # the "complete with greedy" option applies
    equal_shares: bool = False     # voters hold equal shares of the budget (Method of Equal Shares)
    approvals_only: bool = False   # counts approval ballots only (not points or ranks)
    pb_aliases: tuple[str, ...] = ()  # other Pabulib names read as this rule
    public_context: str | None = None  # catalog context of ``public_label``, where its Arabic differs
    #: the proportionality property the rule is proven to satisfy (``proportionality.PROPERTIES``), or None
    guarantee: str | None = None


# Peters, Pierczyński & Skowron, "Proportional participatory budgeting with additive utilities"
# (NeurIPS 2021): the Method of Equal Shares satisfies EJR up to one project (cost satisfaction for
# approval ballots, additive points for cardinal ones); adding projects keeps it, so its completions do.
_EQUAL_SHARES = N_("Every voter held an equal share of the budget; a proposal was funded when its supporters "
                   "together could pay for it. This gives each group of voters a fair part of the budget.")

TALLY_RULES: dict[str, TallyRule] = {r.key: r for r in (
    TallyRule("greedy", N_("Greedy by votes"), NP_("citizen budget", "Greedy by votes"),
              N_("Proposals were funded in order of the votes they received, as long as money was left."),
              "greedy", public_context="citizen budget"),
    TallyRule("mes", N_("Method of Equal Shares"), N_("Method of Equal Shares"), _EQUAL_SHARES, "equalshares",
              completes=True, equal_shares=True, guarantee="ejr_up_to_one"),
    TallyRule("mes-add1", N_("Method of Equal Shares (add-one completion)"), N_("Method of Equal Shares"),
              _EQUAL_SHARES, "equalshares/add1", completes=True, equal_shares=True,
              pb_aliases=("equalshares/add1-comparison",), guarantee="ejr_up_to_one"),
    TallyRule("phragmen", N_("Sequential Phragmén"), N_("Sequential Phragmén"),
              N_("Proposals were funded one by one, spreading the cost as evenly as possible among their "
                 "supporters."), "phragmen", approvals_only=True),
)}
RULES = tuple(TALLY_RULES)
BALLOT_KINDS = ("approval", "choose-1", "cumulative", "scoring", "ordinal")


def rule_from_pb(name: str, default: str = "greedy") -> str:
    """The rule a Pabulib file's META ``rule`` names (``default`` when it names none of ours)."""
    name = (name or "").strip().lower()
    for rule in TALLY_RULES.values():
        if name == rule.pb_name or name in rule.pb_aliases:
            return rule.key
    return default


def completes(rule: str) -> bool:
    """Whether the "complete with greedy" option applies to ``rule``."""
    return rule in TALLY_RULES and TALLY_RULES[rule].completes
