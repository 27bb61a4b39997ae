"""The budget simulator (issue 13): opening a simulation, the balance and min/max checks, a
closed simulation, duplicates from one address, and the public form refusing unbalanced or
tampered budgets with nothing saved."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from helpers import page_text
from sim_testlib import balanced, form_data, make_simulation


def _count(model=None):
    from simulator.models import SimulationSubmission
    return (model or SimulationSubmission).query.count()


# Services --------------------------------------------------------------------------------
def test_open_starts_each_line_from_last_years_decided_allocation(world):
    from budget_app import demo
    from budget_app.extensions import db
    from simulator import services
    from simulator.models import Simulation

    demo.run_seeders(demo.DemoContext(password=world.password, echo=lambda *a: None))
    db.session.commit()
    year = date.today().year + 1
    sim = Simulation.query.filter_by(council_id=world.hebron.id, fiscal_year=year).one()
    baseline_year, by_sector = services.starting_points(world.hebron, year)
    assert sim.baseline_year == baseline_year == year - 1
    assert {line.sector_id: line.baseline_minor for line in sim.lines if line.baseline_minor} == \
        {k: v for k, v in by_sector.items() if v}
    assert sum(line.baseline_minor for line in sim.lines) > 0
    # Hebron's next-year cycle is decided: the results compare with the council's allocation.
    r = services.results(sim)
    assert r["final_decided"] and r["count"] == 45 and r["duplicates"] == 3


def test_no_decided_cycle_starts_from_zero_and_the_open_is_audited(world):
    from budget_app.audit import AuditLog

    sim = make_simulation(world)
    assert sim.baseline_year is None and all(line.baseline_minor == 0 for line in sim.lines)
    assert [line.code for line in sim.lines] == ["disability", "elderly", "youth"]
    entry = AuditLog.query.filter_by(action="simulation.open").one()
    assert entry.object_id == str(sim.id) and entry.council_id == world.hebron.id


def test_opening_refuses_impossible_limits_and_a_second_simulation_of_the_year(world, in_english):
    from budget_app.reference.models import Sector
    from simulator import services

    sim = make_simulation(world, envelope=900_000_00)
    sectors = {s.code: s.id for s in Sector.query}
    kwargs = dict(title_ar="س", envelope_minor=900_000_00, closes_on=date.today() + timedelta(days=3))
    with pytest.raises(services.SimulationError, match="already has a simulation"):
        services.open_simulation(world.hebron, None, fiscal_year=sim.fiscal_year, **kwargs)
    with pytest.raises(services.SimulationError, match="minimum is above the maximum"):
        services.open_simulation(world.hebron, None, fiscal_year=2030,
                                 limits={sectors["youth"]: (500_00, 100_00)}, **kwargs)
    with pytest.raises(services.SimulationError, match="minimums add up"):
        services.open_simulation(world.hebron, None, fiscal_year=2030,
                                 limits={sectors["youth"]: (600_000_00, None), sectors["elderly"]: (600_000_00, None)},
                                 **kwargs)
    with pytest.raises(services.SimulationError, match="maximums add up"):
        services.open_simulation(world.hebron, None, fiscal_year=2030,
                                 limits={sectors[c]: (None, 100_000_00) for c in ("disability", "elderly", "youth")},
                                 **kwargs)
    with pytest.raises(services.SimulationError, match="in the past"):
        services.open_simulation(world.hebron, None, fiscal_year=2030, title_ar="س", envelope_minor=1_00,
                                 closes_on=date.today() - timedelta(days=1))


def test_balance_says_how_much_is_over_or_under(world, in_english):
    from simulator import services

    sim = make_simulation(world, envelope=900_000_00)
    amounts = balanced(sim)
    assert services.balance_problems(sim, amounts) == []
    first = sim.lines[0].id
    over = {**amounts, first: amounts[first] + 25_000_00}
    assert any("25,000" in p and "over" in p for p in services.balance_problems(sim, over))
    under = {**amounts, first: amounts[first] - 1_50}
    assert any("1.50" in p and "not allocated" in p for p in services.balance_problems(sim, under))
    # A line missing, or one of another simulation: refused as a form that does not match.
    assert "does not match" in services.balance_problems(sim, {k: v for k, v in amounts.items() if k != first})[0]
    assert "zero or more" in " ".join(services.balance_problems(sim, {**amounts, first: -5}))


def test_minimum_and_maximum_per_line(world, in_english):
    from budget_app.reference.models import Sector
    from simulator import services

    ids = {s.code: s.id for s in Sector.query}
    sim = make_simulation(world, envelope=900_000_00,
                          limits={ids["disability"]: (400_000_00, None), ids["youth"]: (None, 100_000_00)})
    lines = {line.code: line.id for line in sim.lines}
    low = {lines["disability"]: 300_000_00, lines["elderly"]: 500_000_00, lines["youth"]: 100_000_00}
    assert any("at least" in p for p in services.balance_problems(sim, low))
    high = {lines["disability"]: 400_000_00, lines["elderly"]: 300_000_00, lines["youth"]: 200_000_00}
    assert any("at most" in p for p in services.balance_problems(sim, high))
    ok = {lines["disability"]: 400_000_00, lines["elderly"]: 400_000_00, lines["youth"]: 100_000_00}
    assert services.balance_problems(sim, ok) == []


def test_a_closed_simulation_takes_no_submission(world, in_english):
    from budget_app.extensions import db
    from simulator import services

    sim = make_simulation(world)
    services.close_simulation(sim, world.users["director"])
    db.session.commit()
    with pytest.raises(services.SimulationError, match="closed"):
        services.submit(sim, balanced(sim), address="192.0.2.1")
    with pytest.raises(services.SimulationError, match="already closed"):
        services.close_simulation(sim, world.users["director"])
    # Past its closing date it is closed too, without the director.
    later = make_simulation(world, year=2028, closes_in=0)
    with pytest.raises(services.SimulationError, match="closed"):
        services.submit(later, balanced(later), address="192.0.2.1", today=date.today() + timedelta(days=1))
    assert _count() == 0


def test_a_second_submission_from_one_address_is_flagged_not_counted(world):
    from budget_app.extensions import db
    from simulator import services

    sim = make_simulation(world)
    first = services.submit(sim, balanced(sim), address="192.0.2.1")
    second = services.submit(sim, balanced(sim), address="192.0.2.1")
    other = services.submit(sim, balanced(sim), address="192.0.2.2")
    db.session.commit()
    assert (first.duplicate, second.duplicate, other.duplicate) == (False, True, False)
    assert first.address_hash == second.address_hash and "192.0.2.1" not in first.address_hash
    r = services.results(sim)
    assert (r["count"], r["duplicates"]) == (2, 1)
    share = balanced(sim)
    assert [line["stats"]["median"] for line in r["lines"]] == [share[line.id] for line in sim.lines]


# Requests --------------------------------------------------------------------------------
def _url(sim):
    return f"/simulator/hebron/{sim.id}/"


def test_a_balanced_budget_is_saved_with_a_view_link_and_a_second_is_refused(app, world, en_client):
    client = en_client
    from simulator.models import SimulationSubmission

    sim = make_simulation(world)
    response = client.post_form(_url(sim), form_data(sim, balanced(sim), age_band="30-44", gender="female"))
    assert response.status_code == 302
    row = SimulationSubmission.query.one()
    assert row.token in response.headers["Location"] and row.age_band == "30-44"
    view = client.get(response.headers["Location"])
    assert view.status_code == 200 and "Thank you" in page_text(view)
    # The same browser (its signed cookie) cannot send a second one.
    again = client.post_form(_url(sim), form_data(sim, balanced(sim)))
    assert again.status_code == 409 and _count() == 1
    assert "already sent" in page_text(client.get(_url(sim)))


@pytest.mark.parametrize("lang,words", [("en", "over the envelope"), ("ar", "أكثر من المخصص")])
def test_an_unbalanced_budget_is_refused_with_the_amount_over_and_nothing_saved(app, world, client, lang, words):
    sim = make_simulation(world, envelope=900_000_00)
    amounts = balanced(sim)
    amounts[sim.lines[0].id] += 12_345_00
    client.get(f"/?lang={lang}")
    response = client.post_form(_url(sim), form_data(sim, amounts))
    assert response.status_code == 400
    text = page_text(response)
    assert words in text and "12,345" in text
    assert _count() == 0


def test_an_unbalanced_budget_short_of_the_envelope_says_how_much_is_missing(app, world, en_client):
    client = en_client
    sim = make_simulation(world, envelope=900_000_00)
    amounts = balanced(sim)
    amounts[sim.lines[1].id] -= 700_00
    response = client.post_form(_url(sim), form_data(sim, amounts))
    assert response.status_code == 400 and "700" in page_text(response) and "not allocated" in page_text(response)
    assert _count() == 0


@pytest.mark.parametrize("tamper", ["missing line", "negative", "huge", "letters", "bad choice", "no csrf"])
def test_tampered_submissions_are_refused_and_nothing_saved(app, world, client, tamper):
    sim = make_simulation(world)
    data = form_data(sim, balanced(sim))
    first = f"line_{sim.lines[0].id}"
    if tamper == "missing line":
        del data[first]
        data["line_999999"] = "900000"
    elif tamper == "negative":
        data[first] = "-100"
    elif tamper == "huge":
        data[first] = "9" * 40
    elif tamper == "letters":
        data[first] = "lots"
    elif tamper == "bad choice":
        data["gender"] = "somebody's name"
    if tamper == "no csrf":
        response = client.post(_url(sim), data=data)
    else:
        response = client.post_form(_url(sim), data)
    assert response.status_code == 400
    assert _count() == 0


def test_the_public_form_works_as_a_plain_form_and_asks_for_no_identity(app, world, client):
    sim = make_simulation(world)
    html = client.get(_url(sim)).get_data(as_text=True)
    for line in sim.lines:
        assert f'name="line_{line.id}"' in html
    assert 'type="range"' in html and " hidden" in html  # sliders appear only with the script
    for field in ("name", "phone", "national", "email"):
        assert f'name="{field}' not in html


def test_results_are_public_only_once_closed_and_the_csv_has_every_submission(app, world, en_client):
    client = en_client
    from budget_app.extensions import db
    from simulator import services

    sim = make_simulation(world)
    services.submit(sim, balanced(sim), address="192.0.2.1")
    services.submit(sim, balanced(sim), address="192.0.2.1")
    db.session.commit()
    assert "published when the simulation closes" in page_text(client.get(f"/simulator/hebron/{sim.id}/results"))
    client.login("director@sharaka.test")
    council_page = client.get(f"/councils/hebron/simulations/{sim.id}/")
    assert council_page.status_code == 200 and "1 budget counted" in page_text(council_page)
    csv = client.get(f"/councils/hebron/simulations/{sim.id}/submissions.csv").get_data(as_text=True)
    assert csv.count("\n") == 3 and ",no," in csv and ",yes," in csv
    assert client.post_form(f"/councils/hebron/simulations/{sim.id}/close").status_code == 302
    client.logout()
    public = client.get(f"/simulator/hebron/{sim.id}/results")
    assert "What citizens proposed" in page_text(public)


def test_the_director_opens_a_simulation_in_the_browser_form(app, world, en_client):
    client = en_client
    from budget_app.audit import AuditLog
    from budget_app.reference.models import Sector
    from simulator.models import Simulation

    client.login("director@sharaka.test")
    youth = Sector.query.filter_by(code="youth").one()
    response = client.post_form("/councils/hebron/simulations/", {
        "fiscal_year": "2027", "title_ar": "محاكاة", "envelope": "1,200,000",
        "closes_on": (date.today() + timedelta(days=20)).isoformat(), f"min_{youth.id}": "50000"})
    assert response.status_code == 302, page_text(response)
    sim = Simulation.query.one()
    assert sim.envelope_minor == 1_200_000_00
    assert next(line for line in sim.lines if line.sector_id == youth.id).min_minor == 50_000_00
    assert AuditLog.query.filter_by(action="simulation.open").count() == 1
    # A member may not.
    client.logout()
    client.login("member1@sharaka.test")
    assert client.get("/councils/hebron/simulations/").status_code == 403


def test_breakdowns_by_the_optional_answers_hide_small_groups(world, in_english):
    from budget_app.extensions import db
    from budget_app.reference.models import Governorate, Locality
    from simulator import services

    sim = make_simulation(world)
    hebron = Governorate.query.filter_by(code="hebron").one()
    other = Governorate.query.filter(Governorate.id != hebron.id).first()
    locality = Locality.query.first()
    for i in range(7):
        services.submit(sim, balanced(sim), address=f"192.0.2.{i + 1}", uses_services="yes" if i < 5 else "no",
                        age_band="18-29" if i < 6 else "", governorate_id=hebron.id if i < 6 else other.id,
                        locality_id=locality.id if i < 3 else None)
    db.session.commit()
    breakdowns = services.results(sim)["breakdowns"]
    assert [b["key"] for b in breakdowns] == ["governorate", "locality", "age", "gender", "services"]
    governorate, place, age, gender, uses = breakdowns
    assert [(g["label"], g["count"]) for g in governorate["groups"]] == [(hebron.name, 6)]
    assert governorate["hidden"] == 1 and governorate["not_said"] == 0
    assert place["groups"] == [] and place["hidden"] == 3 and place["not_said"] == 4
    assert [(g["label"], g["count"]) for g in uses["groups"]] == [("Yes", 5)] and uses["hidden"] == 2
    assert uses["groups"][0]["means"] == [balanced(sim)[line.id] for line in sim.lines]
    assert [(g["label"], g["count"]) for g in age["groups"]] == [("18 to 29", 6)] and age["not_said"] == 1
    assert gender["groups"] == [] and gender["not_said"] == 7


def test_the_results_page_has_a_chart_and_its_table_for_each_question_with_a_group_to_show(app, world,
                                                                                         en_client):
    import json
    import re

    from budget_app.extensions import db
    from simulator import services

    sim = make_simulation(world)
    for i in range(6):
        services.submit(sim, balanced(sim), address=f"192.0.2.{i + 1}", gender="female" if i < 5 else "male",
                        age_band="60-plus" if i < 2 else "")
    db.session.commit()
    en_client.login("director@sharaka.test")
    html = en_client.get(f"/councils/hebron/simulations/{sim.id}/").get_data(as_text=True)
    assert 'id="sim-who-gender-chart"' in html and 'id="sim-who-age-chart"' not in html
    payload = json.loads(re.search(r'id="sim-who-gender-chart-data">(.*?)</script>', html, re.S).group(1))
    assert [trace["name"] for trace in payload["data"]] == ["Woman (5)"]
    assert payload["layout"]["showlegend"] is True  # a lone group is still named
    assert len(payload["data"][0]["x"]) == len(sim.lines)
    text = page_text(en_client.get(f"/councils/hebron/simulations/{sim.id}/"))
    assert "Average per line: Gender" in text and "1 budget is in groups too small to show" in text
    assert "2 budgets are in groups too small to show" in text  # the two aged 60 or older


def test_the_excel_workbook_has_the_line_statistics_and_every_budget_with_formulas_neutralized(app, world,
                                                                                                en_client):
    import io

    import openpyxl

    from budget_app.extensions import db
    from simulator import services

    sim = make_simulation(world)
    sim.lines[0].label_en = "=HYPERLINK(\"http://x\")"  # a label an attacker might have typed
    db.session.flush()
    share = balanced(sim)
    services.submit(sim, share, address="192.0.2.1", age_band="18-29")
    services.submit(sim, share, address="192.0.2.1")
    db.session.commit()
    en_client.login("director@sharaka.test")
    response = en_client.get(f"/councils/hebron/simulations/{sim.id}/results.xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response.content_type
    assert f'simulation-hebron-{sim.fiscal_year}.xlsx' in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Lines", "Budgets", "Simulation"]
    lines = list(book["Lines"].values)
    header = lines[0]
    assert header[:2] == ("Code", "Line") and "Citizens' median" in header
    rows = {r[0]: dict(zip(header, r)) for r in lines[1:]}
    first = sim.lines[0]
    assert rows[first.code]["Line"].startswith("'=")  # text, not a formula
    assert rows[first.code]["Citizens' median"] == share[first.id] / 100
    assert rows[first.code]["Budgets counted"] == 1
    budgets = list(book["Budgets"].values)
    assert len(budgets) == 3 and budgets[0][:2] == ("submitted_at", "counted")
    assert sorted(r[1] for r in budgets[1:]) == ["no", "yes"]
    assert budgets[1][2] == share[first.id] / 100  # a number, not text
    # The CSV of the budgets goes through the same neutralization.
    csv = en_client.get(f"/councils/hebron/simulations/{sim.id}/submissions.csv").get_data(as_text=True)
    assert csv.count("\n") == 3 and "18-29" in csv
    en_client.logout()
    en_client.login("member1@sharaka.test")
    assert en_client.get(f"/councils/hebron/simulations/{sim.id}/results.xlsx").status_code == 403


# Lines from the shortlisted priorities ------------------------------------------------------
def test_a_simulation_of_shortlisted_priorities_starts_from_the_costs_scaled_to_the_envelope(world, in_english):
    from sim_testlib import shortlisted

    from budget_app.extensions import db
    from simulator import services

    rows = shortlisted(world)
    costs = {rows[0].id: 500_000_00, rows[1].id: 300_000_00, rows[2].id: 200_000_33}
    sim = services.open_simulation(world.hebron, world.users["director"], fiscal_year=2027, title_ar="أولويات",
                                   envelope_minor=800_000_00, closes_on=date.today() + timedelta(days=5),
                                   line_source="priorities", costs=costs, limits={rows[2].id: (50_000_00, None)})
    db.session.commit()
    assert sim.of_priorities and sim.baseline_year is None
    assert [line.priority_id for line in sim.lines] == [p.id for p in rows]  # the submitted one is not a line
    assert [line.label for line in sim.lines] == ["Priority 1", "Priority 2", "Priority 3"]
    assert [line.estimated_cost_minor for line in sim.lines] == [500_000_00, 300_000_00, 200_000_33]
    starts = [line.baseline_minor for line in sim.lines]
    assert sum(starts) == 800_000_00 and all(s % 100 == 0 for s in starts)  # balanced, whole shekels
    assert starts[1:] == [239_999_00, 160_000_00] and sim.lines[2].min_minor == 50_000_00
    assert services.balance_problems(sim, {line.id: line.baseline_minor for line in sim.lines}) == []
    r = services.results(sim)
    assert r["of_priorities"] and [line["reference"] for line in r["lines"]] == [500_000_00, 300_000_00, 200_000_33]


def test_a_simulation_of_priorities_needs_each_cost_and_a_shortlist_of_that_year(world, in_english):
    from sim_testlib import shortlisted

    from simulator import services
    from simulator.models import Simulation

    rows = shortlisted(world)
    kwargs = dict(title_ar="أولويات", envelope_minor=800_000_00, closes_on=date.today() + timedelta(days=5),
                  line_source="priorities")
    with pytest.raises(services.SimulationError, match="Priority 2: give its estimated cost") as caught:
        services.open_simulation(world.hebron, None, fiscal_year=2027,
                                 costs={rows[0].id: 1_00, rows[2].id: 1_00}, **kwargs)
    assert caught.value.field == f"pcost_{rows[1].id}"
    with pytest.raises(services.SimulationError, match="no shortlisted priority for 2028"):
        services.open_simulation(world.hebron, None, fiscal_year=2028, costs={p.id: 1_00 for p in rows}, **kwargs)
    with pytest.raises(services.SimulationError, match="maximums add up"):
        services.open_simulation(world.hebron, None, fiscal_year=2027, costs={p.id: 1_00 for p in rows},
                                 limits={p.id: (None, 1_00) for p in rows}, **kwargs)
    with pytest.raises(services.SimulationError, match="Choose one"):
        services.open_simulation(world.hebron, None, fiscal_year=2027, **{**kwargs, "line_source": "other"})
    assert Simulation.query.count() == 0


def test_the_council_allocation_of_priority_lines_splits_an_allocation_between_its_priorities(world):
    from types import SimpleNamespace as NS

    from simulator import services

    lines = [NS(id=1, priority_id=10, sector_id=5, code="priority-10"),
             NS(id=2, priority_id=11, sector_id=5, code="priority-11"),
             NS(id=3, priority_id=12, sector_id=6, code="priority-12")]
    funded = [(5, None, [10], 100_00), (5, None, [10, 11], 301), (6, None, [99], 7_00), (6, None, [], 9_00)]
    assert services.split_by_line(lines, funded, True) == {1: 100_00 + 151, 2: 150, 3: 0}
    sectors = [NS(id=1, priority_id=None, sector_id=5, code="elderly"), NS(id=2, priority_id=None, sector_id=6,
                                                                        code="youth")]
    assert services.split_by_line(sectors, funded, False) == {1: 100_00 + 301, 2: 16_00}
    # From a snapshot, sectors are known by their code only.
    assert services.split_by_line(sectors, [(None, "youth", [], 5_00)], False) == {1: 0, 2: 5_00}


def test_the_director_opens_a_simulation_of_priorities_in_the_form(app, world, en_client):
    from sim_testlib import shortlisted

    from simulator.models import Simulation

    rows = shortlisted(world)
    client = en_client
    client.login("director@sharaka.test")
    page = client.get("/councils/hebron/simulations/")
    html = page.get_data(as_text=True)
    assert 'name="line_source"' in html and f'name="pcost_{rows[0].id}"' in html
    assert "Shortlisted for 2027" in page_text(page) and "ليست في القائمة" not in html
    data = {"fiscal_year": "2027", "title_ar": "أولويات", "envelope": "900,000", "line_source": "priorities",
            "closes_on": (date.today() + timedelta(days=20)).isoformat(),
            f"pcost_{rows[0].id}": "400,000", f"pcost_{rows[1].id}": "200,000"}
    refused = client.post_form("/councils/hebron/simulations/", data)
    assert refused.status_code == 400 and "Priority 3: give its estimated cost" in page_text(refused)
    assert Simulation.query.count() == 0
    response = client.post_form("/councils/hebron/simulations/", {**data, f"pcost_{rows[2].id}": "300000"})
    assert response.status_code == 302, page_text(response)
    sim = Simulation.query.one()
    assert sim.line_source == "priorities" and [line.baseline_minor for line in sim.lines] == \
        [400_000_00, 200_000_00, 300_000_00]
    client.logout()
    public = page_text(client.get(f"/simulator/hebron/{sim.id}/"))
    assert "shortlisted priorities" in public and "Estimated cost: ₪400,000" in public.replace("\u00a0", "")
