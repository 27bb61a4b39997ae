"""The one table of tally rules: Pabulib names both ways, completion, and labels in both languages."""
from __future__ import annotations

import subprocess
import sys

from budget_app.tally.rules import RULES, TALLY_RULES, completes, rule_from_pb


def test_pabulib_names_read_back_as_the_same_rule():
    for key, rule in TALLY_RULES.items():
        assert rule_from_pb(rule.pb_name) == key
        assert all(rule_from_pb(alias) == key for alias in rule.pb_aliases)
    assert rule_from_pb("  EqualShares ") == "mes"
    assert rule_from_pb("something else") == "greedy"
    assert RULES == ("greedy", "mes", "mes-add1", "phragmen")


def test_completion_applies_to_the_equal_shares_rules_only():
    assert [r for r in RULES if completes(r)] == ["mes", "mes-add1"]
    assert not completes("unknown")
    assert [r.key for r in TALLY_RULES.values() if r.approvals_only] == ["phragmen"]


def test_every_rule_text_has_its_arabic(app):
    from flask_babel import force_locale, gettext, pgettext
    for rule in TALLY_RULES.values():
        with force_locale("ar"):
            public = (pgettext(rule.public_context, rule.public_label) if rule.public_context
                      else gettext(rule.public_label))
            texts = [gettext(rule.label), public, gettext(rule.explanation)]
        assert all(t and not t.isascii() for t in texts), (rule.key, texts)


def test_the_rule_table_loads_without_flask():
    code = "import sys, budget_app.tally.rules; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
