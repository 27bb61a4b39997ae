"""Real Pabulib files: our outcome == pabutools' outcome for every applicable rule.

Rules per vote type (see budget_app.tally docs):
* approval, choose-1 (= approval), knapsack (= approval): greedy, mes, mes+completion, mes-add1, phragmen;
* cumulative: greedy, mes, mes+completion, mes-add1 (points = satisfaction); phragmen is approval-only;
* ordinal: ranked projects are approved (pabutools' Cost_Sat on ordinal ballots); phragmen on the
  approval view of the ballots.

pabutools' mes-add1 takes 7-30 s per file, so its outcomes are stored below (computed with
pabutools 1.2.3); set TALLY_SLOW_ORACLE=1 to recompute them live.
"""
from __future__ import annotations

import os

import pytest

import tally_oracle as oracle
from budget_app.tally import parse_pb, tally_election

FILES = sorted(p.name for p in oracle.DATA.glob("*.pb"))

# pabutools 1.2.3: method_of_equal_shares(..., voter_budget_increment=1), selection order
MES_ADD1 = {
    "France_Toulouse_2019.pb": ["10", "20", "30", "1", "6", "12", "16", "18", "14", "27", "7", "13", "24", "26", "25", "28", "5", "29", "3", "23"],
    "Poland_Krakow_2018_Bienczyce.pb": ["6", "3", "7", "13"],
    "Poland_Poznan_2024_10_-_Swierczewo_Wilda_Zielony_Debiec__large.pb": ["RD-X.2", "RD-X.1"],
    "Poland_Swiecie_2023.pb": ["c12", "c10", "c20", "c21", "c2", "c13", "c3", "c1", "c9", "c11", "c4", "c7", "c19", "c5", "c17", "c18", "c14"],
    "Poland_Wieliczka_2023_Green_Budget.pb": ["24", "41", "40", "74", "19", "6", "58", "32", "25", "20", "60", "43", "29", "17", "39", "42", "26", "70", "34", "71", "62", "88", "61", "9", "7", "36", "56", "33", "66", "67", "69"],
    "US_Stanford_Dataset_PB_Cambridge_2015_vote_knapsacks.pb": ["262", "268", "265", "260", "256", "263", "264", "270", "259", "254", "272"],
}

_cache: dict = {}


def _load(name):
    if name not in _cache:
        path = oracle.DATA / name
        inst, prof = oracle.pabutools.election.parse_pabulib(str(path))
        _cache[name] = (parse_pb(path), inst, prof)
    return _cache[name]


CASES = [(f, r) for f in FILES for r in ("greedy", "mes", "mes+completion", "phragmen")]


@pytest.mark.parametrize("name,rule", CASES, ids=[f"{f[:30]}-{r}" for f, r in CASES])
def test_matches_pabutools(name, rule):
    election, inst, prof = _load(name)
    if rule == "phragmen" and election.vote_type in ("cumulative", "scoring"):
        with pytest.raises(ValueError):
            tally_election(election, rule)
        return
    base, completion = ("mes", True) if rule == "mes+completion" else (rule, False)
    ours = tally_election(election, base, completion=completion)
    theirs = oracle.run(inst, prof, base, completion=completion)
    assert set(ours.selected) == set(theirs)
    if rule != "phragmen":  # pabutools sorts Phragmén's outcome by name
        assert ours.selected == theirs
    assert {p for p, e in ours.explanations.items() if e.funded} == set(ours.selected)


@pytest.mark.parametrize("name", FILES, ids=[f[:30] for f in FILES])
def test_mes_add1_matches_pabutools(name):
    election, inst, prof = _load(name)
    ours = tally_election(election, "mes-add1")
    if os.environ.get("TALLY_SLOW_ORACLE"):
        expected = oracle.run(inst, prof, "mes-add1")
    else:
        expected = MES_ADD1[name]
    assert ours.selected == expected


def test_swiecie_mes_add1_reproduces_official_outcome():
    election = parse_pb(oracle.DATA / "Poland_Swiecie_2023.pb")
    official = election.selected_ids()
    assert official and len(official) == 17
    res = tally_election(election, "mes-add1")
    assert set(res.selected) == set(official)
    assert res.total_cost <= res.budget
    assert res.details["increments"] > 0


def test_mes_add1_with_completion_matches_pabutools():
    election, inst, prof = _load("Poland_Krakow_2018_Bienczyce.pb")
    ours = tally_election(election, "mes-add1", completion=True)
    assert ours.selected == oracle.run(inst, prof, "mes-add1", completion=True)


# --------------------------------------------------------------------------- big files
# pabutools 1.2.3 outcomes (15-70 s each to recompute, hence stored here).
BIG = {
    "Poland_Warszawa_2024.pb": {
        "greedy": ["194", "1117", "191", "1317", "1282", "1502", "1741", "1242", "1082", "1498", "1018", "1535", "1378"],
        "mes": ["194", "1117", "191", "1282", "1502", "1741", "1242", "1018", "1498", "638", "153", "779", "1155", "130", "18", "306", "729", "399", "1152", "1566", "1123", "1241", "1349", "1079", "598", "283", "1378", "264", "1085", "485", "676", "1286", "1084", "708", "667", "355", "859", "1321", "1701", "1492", "1068", "1090", "686", "608", "890", "679"],
        "mes+completion_extra": ["1317", "308", "1025", "1256", "282"],
        "phragmen": ["1018", "1025", "1068", "1079", "1084", "1085", "1090", "1123", "1127", "1152", "1155", "1241", "1242", "1256", "1282", "1286", "130", "1321", "1336", "1349", "1378", "1448", "1492", "1498", "1502", "1514", "153", "1566", "1701", "1741", "18", "191", "194", "264", "282", "283", "306", "308", "333", "355", "399", "485", "594", "597", "598", "599", "608", "638", "667", "676", "679", "686", "697", "708", "716", "729", "779", "832", "859", "890", "924", "949", "966"],
    },
    "Poland_Lodz_2024.pb": {
        "greedy": ["L022", "L065", "L040", "L150", "L151", "L043", "L004", "L014", "L095", "L031", "L106", "L093", "L119", "L003"],
        "mes": ["L022", "L150", "L043", "L151", "L031", "L174", "L099", "L067", "L069", "L079", "L114", "L175", "L033", "L119", "L001", "L008", "L213", "L113", "L118", "L007", "L221", "L212", "L105", "L204", "L072", "L112", "L003", "L017", "L028", "L224", "L047", "L011", "L117", "L111", "L120", "L190", "L195", "L051", "L187", "L196", "L029", "L050", "L116", "L013", "L138", "L055", "L130", "L192", "L191", "L075", "L162", "L115", "L165"],
        "mes+completion_extra": ["L065", "L040", "L004", "L014", "L106", "L048", "L139"],
        "phragmen": ["L001", "L003", "L007", "L008", "L011", "L012", "L013", "L014", "L017", "L022", "L024", "L026", "L028", "L029", "L030", "L031", "L033", "L040", "L043", "L045", "L047", "L048", "L050", "L051", "L055", "L063", "L067", "L069", "L072", "L073", "L075", "L078", "L079", "L080", "L094", "L099", "L105", "L106", "L110", "L111", "L112", "L113", "L114", "L115", "L116", "L117", "L118", "L119", "L120", "L130", "L138", "L139", "L142", "L150", "L151", "L157", "L162", "L165", "L174", "L175", "L176", "L182", "L187", "L189", "L190", "L191", "L192", "L195", "L196", "L197", "L204", "L212", "L213", "L221", "L222", "L223", "L224"],
    },
}


@pytest.mark.parametrize("name", sorted(BIG))
def test_big_files(name):
    d = oracle.pabulib_dir()
    if d is None or not (d / name).is_file():
        pytest.skip(f"{name} not found: set PABULIB_DIR or provide ../shared/data/pabulib")
    election = parse_pb(d / name)
    greedy = tally_election(election, "greedy")
    mes = tally_election(election, "mes")
    exp = BIG[name]
    assert greedy.selected == exp["greedy"]
    assert mes.selected == exp["mes"]
    comp = tally_election(election, "mes", completion=True)
    assert comp.selected == exp["mes"] + exp["mes+completion_extra"]
    assert sorted(tally_election(election, "phragmen").selected) == exp["phragmen"]
