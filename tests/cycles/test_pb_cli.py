"""``flask pb tally|import|export``: Pabulib interop from the command line."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
FILES = ["Poland_Swiecie_2023.pb", "France_Toulouse_2019.pb", "Poland_Krakow_2018_Bienczyce.pb",
         "Poland_Poznan_2024_10_-_Swierczewo_Wilda_Zielony_Debiec__large.pb",
         "US_Stanford_Dataset_PB_Cambridge_2015_vote_knapsacks.pb"]


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("rule", ["greedy", "mes"])
def test_tally_json_matches_engine(runner, name, rule):
    from budget_app.tally import tally_file
    result = runner.invoke(args=["pb", "tally", str(DATA / name), "--rule", rule, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out == json.loads(json.dumps(tally_file(DATA / name, rule)))
    assert set(out) == {"rule", "selected", "cost", "budget"}


def test_tally_plain_prints_ids_and_accepts_crlf(runner, tmp_path):
    text = (DATA / "Poland_Swiecie_2023.pb").read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
    path = tmp_path / "crlf.pb"
    path.write_bytes(text.encode())
    result = runner.invoke(args=["pb", "tally", str(path), "--rule", "mes-add1", "--completion"])
    assert result.exit_code == 0
    selected = result.output.split()
    assert "c12" in selected


def test_malformed_file_names_the_line(runner, tmp_path):
    path = tmp_path / "bad.pb"
    path.write_text("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;abc\n"
                    "VOTES\nvoter_id;vote\n1;1\n")
    result = runner.invoke(args=["pb", "tally", str(path)])
    assert result.exit_code != 0
    assert "line 7" in result.output


def test_import_creates_cycle_with_anonymous_ballots_and_result(runner, world):
    from budget_app.cycles.models import Ballot, BudgetCycle
    from budget_app.tally import parse_pb, tally_election
    path = DATA / "Poland_Swiecie_2023.pb"
    result = runner.invoke(args=["pb", "import", str(path), "--council", "hebron", "--year", "2023"])
    assert result.exit_code == 0, result.output
    cycle = BudgetCycle.query.one()
    election = parse_pb(path)
    assert cycle.phase == "decided" and cycle.tally_rule == "mes-add1" and cycle.source == path.name
    assert len(cycle.proposals) == len(election.projects)
    assert Ballot.query.filter_by(cycle_id=cycle.id, source="imported", user_id=None).count() == election.num_voters
    expected = tally_election(election, "mes-add1", completion=True)
    assert cycle.tally["main"]["selected"] == expected.selected
    assert sorted(expected.selected) == sorted(election.selected_ids())  # the official outcome


@pytest.mark.parametrize("name", ["France_Toulouse_2019.pb", "Poland_Krakow_2018_Bienczyce.pb"])
def test_import_then_export_roundtrip(runner, world, tmp_path, name):
    from budget_app.cycles.models import BudgetCycle
    from budget_app.tally import parse_pb
    assert runner.invoke(args=["pb", "import", str(DATA / name), "--council", "hebron", "--year", "2020",
                               "--rule", "greedy"]).exit_code == 0
    cycle = BudgetCycle.query.one()
    out = tmp_path / "out.pb"
    result = runner.invoke(args=["pb", "export", str(cycle.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    original, exported = parse_pb(DATA / name), parse_pb(out)
    assert exported.num_voters == original.num_voters and exported.vote_type == original.vote_type
    key = (lambda b: tuple(sorted(b.items())) if isinstance(b, dict) else tuple(b))
    assert sorted(map(key, exported.ballots())) == sorted(map(key, original.ballots()))
    assert exported.voter_ids == [str(i) for i in range(1, original.num_voters + 1)]


def test_import_unknown_council(runner, world):
    result = runner.invoke(args=["pb", "import", str(DATA / "Poland_Swiecie_2023.pb"), "--council", "nowhere",
                                 "--year", "2023"])
    assert result.exit_code != 0 and "nowhere" in result.output


def test_import_refusal_is_a_clear_message_and_saves_nothing(runner, world, tmp_path):
    from budget_app.cycles.models import BudgetCycle
    path = tmp_path / "one.pb"
    path.write_text("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;50\n"
                    "VOTES\nvoter_id;vote\n1;1\n")
    result = runner.invoke(args=["pb", "import", str(path), "--council", "hebron", "--year", "2023"])
    assert result.exit_code != 0 and "at least two proposals" in result.output
    assert BudgetCycle.query.count() == 0


@pytest.mark.parametrize("rule", ["greedy", "mes"])
def test_tally_margins_json(runner, rule):
    """--margins adds the four numbers per project; each is checked by re-running the rule."""
    from budget_app.tally import parse_pb, tally_election
    from budget_app.tally.api import ProjectSpec, tally

    path = DATA / "Poland_Krakow_2018_Bienczyce.pb"
    result = runner.invoke(args=["pb", "tally", str(path), "--rule", rule, "--json", "--margins"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    election = parse_pb(path)
    assert out["selected"] == tally_election(election, rule).selected
    assert set(out["margins"]) == set(election.project_ids)
    ballots = [list(b) for b in election.ballots()]
    for pid, rec in out["margins"].items():
        assert set(rec) == {"max_cost_funded", "extra_supporters_needed", "cost_headroom", "supporters_to_spare"}
        funded = pid in out["selected"]
        assert (rec["cost_headroom"] is not None) == funded
        if not funded and rec["max_cost_funded"] is not None:
            projects = [ProjectSpec(p.id, rec["max_cost_funded"] if p.id == pid else p.cost) for p in election.projects]
            assert pid in tally(projects, ballots, election.budget, rule).selected
        if not funded and rec["extra_supporters_needed"] is not None:
            projects = [ProjectSpec(p.id, p.cost) for p in election.projects]
            more = ballots + [[pid]] * rec["extra_supporters_needed"]
            assert pid in tally(projects, more, election.budget, rule).selected


def test_analyse_json_has_the_metric_names(runner):
    from budget_app.tally import election_profile, parse_pb, tally_election
    from budget_app.tally.fairness import fairness_metrics

    path = DATA / "Poland_Swiecie_2023.pb"
    result = runner.invoke(args=["pb", "analyse", str(path), "--rule", "mes", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    for key in ("percent_non_empty_handed", "avg_satisfaction", "satisfaction_histogram",
                "gini_coefficient_of_satisfaction", "unspent", "proportionality"):
        assert key in out
    election = parse_pb(path)
    expected = fairness_metrics(election_profile(election), tally_election(election, "mes").selected)
    assert out["gini_coefficient_of_satisfaction"] == expected["gini_coefficient_of_satisfaction"]
    assert out["proportionality"]["guarantee"] == "ejr_up_to_one"
    assert out["proportionality"]["ejr_up_to_one"]["reason"] == "too_large"  # 2,553 ballots


def test_analyse_plain_text(runner):
    result = runner.invoke(args=["pb", "analyse", str(DATA / "Poland_Krakow_2018_Bienczyce.pb"), "--rule", "mes"])
    assert result.exit_code == 0, result.output
    assert "percent_non_empty_handed: 0.7642" in result.output and "ejr_up_to_one: yes" in result.output
