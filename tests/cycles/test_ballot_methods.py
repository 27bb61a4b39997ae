"""The ballot-method registry: every method brings its own template macros and labels, and the
pages use them (a new method is a module in budget_app/cycles/methods plus its template)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import render_template_string

from budget_app.cycles.methods import METHODS, PB_VOTE_TYPES, BallotMethod

MACROS = ("input", "instructions", "rule", "group_note", "receipt_item")


def _cycle(method):
    return SimpleNamespace(method=method, max_choices=3, points_total=10, min_spend_pct=50,
                           envelope_minor=1_000_000, currency="ILS")


@pytest.mark.parametrize("key", list(METHODS))
def test_each_method_has_its_partial_with_every_macro(app, key):
    method = METHODS[key]
    assert isinstance(method, BallotMethod) and method.key == key and str(method) == key
    assert method.partial == f"cycles/methods/{key}.html"
    proposal = SimpleNamespace(id=7, cost_minor=500, exclusive_group="")
    item = SimpleNamespace(points=2, rank=1)
    html = render_template_string(
        "{% import method.partial as m %}" + "|".join(
            f"{{{{ m.{name}({args}) }}}}" for name, args in (("input", "p, None, cycle"), ("instructions", "cycle"),
                                                         ("rule", "cycle"), ("group_note", ""),
                                                         ("receipt_item", "item"))),
        method=method, cycle=_cycle(method), p=proposal, item=item)
    parts = html.split("|")
    assert len(parts) == len(MACROS)
    assert 'id="p-7"' in parts[0] and 'data-cost="500"' in parts[0]
    assert all(parts[i].strip() for i in (1, 2, 3)), parts


@pytest.mark.parametrize("key", list(METHODS))
def test_each_method_labels_are_translated(app, key):
    from flask_babel import force_locale
    method = METHODS[key]
    for attr in ("label", "short_label", "public_label", "input_header", "paper_help", "score_label"):
        english = str(getattr(method, attr))
        with force_locale("ar"):
            arabic = str(getattr(method, attr))
        assert english and arabic != english, (key, attr)


def test_exported_ballots_import_back_as_ballots_of_the_same_kind():
    """A cycle's .pb export, read by ``flask pb import``, gives a method that stores the same ballots."""
    for method in METHODS.values():
        assert METHODS[PB_VOTE_TYPES[method.pb_vote_type]].tally_kind == method.tally_kind, method.key
    assert METHODS[PB_VOTE_TYPES["scoring"]].tally_kind == "cumulative"
    assert METHODS[PB_VOTE_TYPES["choose-1"]].tally_kind == "approval"


def test_the_design_check_reads_what_each_method_says_of_itself():
    """The ballot-design check (budget_app.tally.design) names no method: a method's ballot kind and
    parameters decide which of its warnings apply."""
    from budget_app.tally.design import check_design

    def warned(key, rule, **values):
        found = check_design({"a": 300, "b": 350}, 1000, method=METHODS[key], rule=rule, **values)
        return {w["code"] for w in found} & {"method_ignored", "min_spend_unreachable", "too_few_proposals"}

    assert {k for k in METHODS if warned(k, "phragmen")} == {"cumulative", "ranked"}
    assert {k for k in METHODS if warned(k, "greedy", min_spend_pct=70)} == {"cost_limited"}
    assert {k for k in METHODS if warned(k, "greedy", max_choices=5)} == {"approval", "ranked"}
    assert check_design({"a": 300}, 1000, method=METHODS["ranked"], rule="phragmen")[-1] == {
        "code": "method_ignored", "method": "ranked", "rule": "phragmen"}
