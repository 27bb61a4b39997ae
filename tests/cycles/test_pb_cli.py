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
