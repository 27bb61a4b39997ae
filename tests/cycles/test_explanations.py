"""Issue 9.4: explanations are true. Sentences are built from REAL engine output (the typed records
of ``budget_app.tally.explanations``), on the results page and in the citizen budget alike; shapes
stored before the contract still render, without inventing numbers."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from helpers import page_text

XY_PROJECTS = [("x", 27), ("y", 12)]
XY_BALLOTS = [{"x", "y"}, {"x"}, {"x"}, {"y"}, {"y"}, {"y"}]


def _xy(rule="mes", **kw):
    from budget_app.tally import tally
    return tally(XY_PROJECTS, XY_BALLOTS, 60, rule, **kw)


def test_mes_sentence_tells_what_each_supporter_really_paid(app):
    from budget_app.cycles import explain
    result = _xy()
    x, y = result.explanations["x"], result.explanations["y"]
    assert x.payments == [[10, 2], [7, 1]] and y.payments == [[3, 4]]
    with force_locale("en"):
        assert explain.explain(x, "ILS") == ("Funded by equal shares: 2 supporters paid ₪10 each and 1 supporter "
                                             "paid ₪7; ₪27 in total.")
        assert explain.explain(y, "ILS") == "Funded by equal shares: 4 supporters paid ₪3 each; ₪12 in total."
        # the stored JSON form reads the same
        assert explain.explain(result.to_dict()["explanations"]["x"], "ILS") == explain.explain(x, "ILS")
    with force_locale("ar"):
        text = explain.explain(x, "ILS")
        assert text.startswith("مموَّل بالحصص المتساوية: دفع مؤيدان") and "دفع مؤيد واحد" in text
        assert "Funded" not in text


def test_mes_not_affordable_and_other_rules_sentences_from_real_output(app):
    from budget_app.cycles import explain
    from budget_app.tally import tally
    mes = tally([("a", 100), ("b", 60), ("c", 50)], [{"a", "b"}, {"a"}, {"c"}], 150, "mes")
    greedy = _xy("greedy")
    phragmen = _xy("phragmen")
    add1 = tally([("a", 100), ("b", 60), ("c", 50)], [{"a", "b"}, {"a"}, {"c"}], 150, "mes-add1")
    with force_locale("en"):
        assert explain.explain(mes.explanations["b"], "ILS") == ("Not funded: its 1 supporter had only ₪0 left of "
                                                                 "the equal share; it costs ₪60.")
        assert explain.explain(greedy.explanations["y"], "ILS") == ("Funded: ranked 1 by votes; it costs ₪12 and "
                                                                    "₪60 were still available.")
        assert explain.explain(phragmen.explanations["y"], "ILS").startswith("Funded: its 4 supporters carried")
        assert explain.explain(add1.explanations["a"], "ILS").startswith("Funded by equal shares: 2 supporters paid")
        assert "₪27 in total" not in explain.explain(greedy.explanations["x"], "ILS")


def test_completion_sentence_from_real_output(app):
    from budget_app.cycles import explain
    from budget_app.tally import tally
    r = tally([("a", 100), ("b", 60), ("c", 50), ("d", 40)], [{"a", "b"}, {"a"}, {"c"}, {"d", "b"}], 200, "mes",
              completion=True)
    completed = [e for e in r.explanations.values() if e.phase == "completion"]
    with force_locale("en"):
        for e in completed:
            assert explain.explain(e, "ILS").startswith("Funded in the completion step: ")


def test_old_stored_shapes_still_render_without_invented_numbers(app):
    from budget_app.cycles import explain
    old = {"funded": True, "reason": "selected", "phase": "mes", "round": 2, "per_voter_payment": 10.0,
           "supporters": 3, "payers": 3, "capped_payers": 1, "total_paid": 27, "cost": 27, "votes": 3, "score": 3}
    with force_locale("en"):
        text = explain.explain(old, "ILS")
    assert text == "Funded by equal shares: its 3 supporters paid its cost of ₪27 from their equal shares of the budget."
    assert "each" not in text
    with force_locale("en"):
        assert explain.explain({}, "ILS") == "Not funded: nobody voted for it."
        assert explain.explain({"reason": "who-knows", "funded": True, "votes": 2}, "ILS") == "Not funded."


def _xy_cycle(world, rule="mes"):
    """A decided cycle with the issue's numbers: x (₪27) and y (₪12), ₪60, six ballots."""
    from budget_app.cycles.ballots import cast_ballot
    from budget_app.cycles.lifecycle import close_voting, create_cycle, open_voting
    from budget_app.cycles.proposals import save_proposal
    from budget_app.extensions import db
    director = world.users["director"]
    cycle = create_cycle(world.hebron, director, fiscal_year=2034, title_ar="موازنة", title_en="Budget",
                         envelope_minor=60 * 100, ballot_method="approval", tally_rule=rule,
                         mes_completion=False)
    for code, cost in XY_PROJECTS:
        save_proposal(cycle, code=code.upper(), title_ar=f"مشروع {code}", title_en=f"Project {code}",
                      cost_minor=cost * 100)
    from budget_app.cycles.review import review_all_feasible  # beside the other cycle services here
    review_all_feasible(cycle, director, "ممكن التنفيذ")
    open_voting(cycle, director)
    ids = {p.code: p.id for p in cycle.proposals}
    for k, ballot in enumerate(XY_BALLOTS, 1):
        cast_ballot(cycle, world.users[f"member{k}"], [ids[c.upper()] for c in sorted(ballot)])
    close_voting(cycle, director)
    db.session.commit()
    return cycle


def test_results_page_shows_the_real_payments(client, world):
    cycle = _xy_cycle(world)
    assert cycle.tally["main"]["explanations"]["X"]["payments"] == [[10, 2], [7, 1]]
    client.logout()
    client.login("member1@sharaka.test")
    text = page_text(client.get(f"/councils/hebron/cycles/{cycle.id}/results?lang=en"))
    assert "2 supporters paid ₪10 each and 1 supporter paid ₪7; ₪27 in total." in text
    assert "3 supporters paid ₪10 each" not in text
    text = page_text(client.get(f"/councils/hebron/cycles/{cycle.id}/results?lang=ar"))
    assert "دفع مؤيدان" in text


def test_citizen_budget_reads_the_same_payments_and_old_snapshots_still_render(app, world):
    from budget_app.cycles.approval import approve_allocation, cast_approval_vote
    from citizen_budget import labels
    from citizen_budget.snapshot import build_snapshot
    cycle = _xy_cycle(world)
    for key in ("member1", "member2", "member3", "member4", "member5", "member6", "coordinator"):
        cast_approval_vote(cycle, world.users[key], "yes")
    approve_allocation(cycle, world.users["director"])
    snapshot = build_snapshot(cycle)
    x = next(a for a in snapshot["allocations"] if a["code"] == "X")
    assert x["explanation"]["payments_minor"] == [[1000, 2], [700, 1]]
    with force_locale("en"):
        assert labels.explanation_sentence(x, "ILS", {}) == (
            "Funded: its supporters paid for it from their equal shares of the budget: 2 supporters paid ₪10 each "
            "and 1 supporter paid ₪7.")
        old = dict(x, explanation={k: v for k, v in x["explanation"].items() if k != "payments_minor"})
        assert labels.explanation_sentence(old, "ILS", {}) == (
            "Funded: its supporters together could pay for it from their equal shares of the budget.")


@pytest.mark.parametrize("rule", ["greedy", "mes", "mes-add1", "phragmen"])
def test_cli_explain_prints_the_contract(runner, tmp_path, rule):
    import json
    path = tmp_path / "xy.pb"
    path.write_text("META\nkey;value\nbudget;60\nvote_type;approval\nPROJECTS\nproject_id;cost\nx;27\ny;12\n"
                    "VOTES\nvoter_id;vote\n1;x,y\n2;x\n3;x\n4;y\n5;y\n6;y\n", encoding="utf-8")
    out = runner.invoke(args=["pb", "tally", str(path), "--rule", rule, "--json", "--explain"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["voters"] == 6 and set(data["explanations"]) == {"x", "y"}
    for pid, e in data["explanations"].items():
        assert e["funded"] == (pid in data["selected"]) and e["reason"]
        if rule in ("mes", "mes-add1") and e["funded"]:
            assert sum(a * n for a, n in e["payments"]) == e["cost"]
    if rule == "mes":
        assert data["explanations"]["x"]["payments"] == [[10, 2], [7, 1]]
    if rule == "greedy":
        assert data["explanations"]["y"]["remaining_before"] == 60
    plain = runner.invoke(args=["pb", "tally", str(path), "--rule", rule, "--json"])
    assert "explanations" not in json.loads(plain.output)


def test_many_different_payments_and_supporters_with_nothing_left(app):
    from budget_app.cycles import explain
    from budget_app.tally import tally
    projects = [("p0", 30), ("p1", 9), ("p2", 6), ("p3", 8), ("p4", 32), ("p5", 9)]
    ballots = [{"p0", "p1", "p2", "p3"}, {"p0", "p1", "p2", "p5"}, {"p0", "p1", "p2", "p3", "p4", "p5"},
               {"p1", "p2", "p3", "p4", "p5"}, {"p0", "p1", "p4", "p5"}, {"p0", "p2", "p3", "p4"},
               {"p0", "p2", "p4"}, {"p0", "p1", "p2", "p3"}, {"p0", "p2", "p4", "p5"}]
    e = tally(projects, ballots, 103, "mes").explanations["p5"]
    assert len(e.payments) == 4 and e.supporters - e.payers == 1
    assert sum(a * n for a, n in e.payments) == pytest.approx(9)
    with force_locale("en"):
        text = explain.explain(e, "ILS")
    assert text.startswith("Funded by equal shares: 1 supporter paid ₪4.76, 3 other supporters paid between ₪0.86 "
                           "and ₪1.77")
    assert "1 supporter had nothing left to pay; ₪9 in total." in text
