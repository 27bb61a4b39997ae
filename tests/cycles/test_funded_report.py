"""When the director changes the computed allocation, the fairness report also describes the set
actually funded, side by side with the rule's (results page, its file, the citizen budget)."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from cycles_testlib import make_cycle
from helpers import page_text

# Default ballots: member1 P01 P04, member2 P01 P02, member3 P03 P05, member4 P01. Greedy funds P01,
# P02, P04 (member3 gets nothing: 3 of 4 voters). The director funds P01 P03 P05 instead (the whole
# ₪1,000,000): every voter gets something; cost satisfaction 400k, 400k, 600k, 400k -> ₪450,000 on average.
CHANGED = ["P01", "P03", "P05"]


@pytest.fixture
def changed(app, world):
    from budget_app.cycles.approval import override_selection
    from budget_app.extensions import db
    cycle = make_cycle(world, "decided")
    assert cycle.tally["main"]["selected"] == ["P01", "P02", "P04"]
    override_selection(cycle, world.users["director"], CHANGED, "The council's social survey favours these three.")
    db.session.commit()
    return cycle


def test_the_funded_set_has_its_report(changed):
    funded = changed.override["fairness"]
    assert funded["non_empty_handed"] == 4 and funded["percent_non_empty_handed"] == 1.0
    assert funded["avg_satisfaction"] == 450_000 and funded["unspent"]["unspent"] == 0
    assert changed.tally["fairness"]["greedy"]["non_empty_handed"] == 3
    prop = changed.override["proportionality"]
    assert {"ejr_up_to_one", "pjr"} <= set(prop) and prop["guarantee"] is None
    assert changed.final_selected_codes() == CHANGED


def test_results_page_and_file_show_both(client, changed):
    client.login("member2@sharaka.test")
    text = page_text(client.get(f"/councils/hebron/cycles/{changed.id}/results?lang=en"))
    assert "The allocation funded, beside the rule's" in text
    assert "Voters with a funded proposal 75% 100%" in text
    assert "100% of the voters (4 of 4) supported at least one funded proposal." in text
    arabic = page_text(client.get(f"/councils/hebron/cycles/{changed.id}/results?lang=ar"))
    assert "The allocation funded" not in arabic and "%(" not in arabic
    from budget_app.spreadsheets import read_table
    header, *rows = read_table(client.get(f"/councils/hebron/cycles/{changed.id}/fairness.csv").data, "f.csv")
    records = [dict(zip(header, r)) for r in rows]
    funded = [r for r in records if r["outcome"] == "funded"]
    assert len(funded) == 1 and funded[0]["rule"] == "greedy" and funded[0]["percent_non_empty_handed"] == "1.0"
    assert funded[0]["spent"] == "1000000.00" and funded[0]["unspent"] == "0.00"


def test_citizen_budget_says_which_one_was_funded(client, world, changed):
    from budget_app.cycles.approval import approve_allocation, cast_approval_vote
    from budget_app.extensions import db
    from citizen_budget import services
    for key in ("member1", "member2", "member3", "member4", "member5", "member6", "coordinator"):
        cast_approval_vote(changed, world.users[key], "yes")
    approve_allocation(changed, world.users["director"])
    services.publish_version(world.hebron, changed.fiscal_year)
    db.session.commit()
    text = page_text(client.get(f"/citizen-budget/hebron/{changed.fiscal_year}/?lang=en"))
    assert "The allocation funded is the one the budget director changed, not the rule's." in text
    assert "100% of the voters (4 of 4)" in text and "75% of the voters (3 of 4)" in text
    assert text.index("100% of the voters") < text.index("The allocation the rule computed:") < text.index("75%")
    arabic = page_text(client.get(f"/citizen-budget/hebron/{changed.fiscal_year}/?lang=ar"))
    assert "The allocation funded" not in arabic and "%(" not in arabic
    rows = client.get(f"/citizen-budget/hebron/{changed.fiscal_year}/v/1/fairness.csv").data.decode().splitlines()
    assert len(rows) == 3 and rows[2].split(",")[3] == "funded"


def test_an_older_override_is_measured_when_shown(client, changed):
    """An override stored before the funded set had its report: measured on the results page."""
    from budget_app.extensions import db
    stored = dict(changed.override)
    del stored["fairness"], stored["proportionality"]
    changed.override_json = stored
    db.session.commit()
    client.login("member2@sharaka.test")
    text = page_text(client.get(f"/councils/hebron/cycles/{changed.id}/results?lang=en"))
    assert "Voters with a funded proposal 75% 100%" in text and "EJR yes not checked" in text
