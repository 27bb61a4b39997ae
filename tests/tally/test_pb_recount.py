"""Issue 9.3: "anyone can recount". Whatever the ids and names hold, the written ``.pb`` parses with
pabutools and with our parser and recounts to the outcome computed on the original data; the
reader refuses what the format forbids or a rule cannot count, naming the line."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tally_oracle as oracle
from budget_app.tally import Election, PabulibError, parse_pb, tally, tally_election, write_pb
from budget_app.tally.pabulib import ORIGINAL_ID_COLUMN, decode_original_id, encode_original_id, safe_project_ids


def pabutools_parse(text: str):
    from pabutools.election.pabulib import parse_pabulib_from_string
    return parse_pabulib_from_string(text)


def back_to_original(election_or_instance, names):
    """Map written project ids back to the original ones (the ``original_id`` column, if any)."""
    if isinstance(election_or_instance, Election):
        table = {p.id: decode_original_id(p.extra.get(ORIGINAL_ID_COLUMN, p.id))
                 for p in election_or_instance.projects}
    else:
        meta = election_or_instance.project_meta
        table = {p.name: decode_original_id(meta[p].get(ORIGINAL_ID_COLUMN, p.name)) for p in election_or_instance}
    return [table[n] for n in names]


def recounts(projects, ballots, budget, rule, vote_type="approval"):
    """(stored, ours, pabutools): the outcome on the original data and both recounts of the file."""
    kind = "cumulative" if vote_type == "cumulative" else "approval"
    stored = tally([(pid, cost) for pid, cost, _ in projects], ballots, budget, rule, ballot_kind=kind)
    text = write_pb(Election.from_ballots(projects, ballots, budget, vote_type=vote_type,
                                          meta={"description": projects[0][2] if projects else ""}))
    ours = parse_pb(text)
    assert ours.num_voters == len(ballots) and len(ours.projects) == len(projects)
    again = back_to_original(ours, tally_election(ours, rule).selected)
    inst, prof = pabutools_parse(text)
    assert len(prof) == len(ballots) and len(inst) == len(projects)
    theirs = back_to_original(inst, oracle.run(inst, prof, rule))
    return stored.selected, again, theirs


def test_issue_example_codes_with_a_comma_recount_to_the_same_winner():
    projects = [("A", 500, "a"), ("B", 500, "b"), ("A,B", 900, "both")]
    ballots = [["A,B"]] * 3 + [["A"], ["B"]]
    stored, ours, theirs = recounts(projects, ballots, 1000, "greedy")
    assert stored == ["A,B"]
    assert ours == stored and set(theirs) == set(stored)


def test_a_title_with_a_line_break_and_votes_does_not_break_the_file():
    projects = [("p1", 10, "Park\nVOTES\nvoter_id;vote"), ("p2", 20, 'say "hi"; bye\r\n\u2028end')]
    text = write_pb(Election.from_ballots(projects, [["p1"], ["p2", "p1"]], 25,
                                          meta={"description": "line one\nMETA\nline three"}))
    el = parse_pb(text)
    assert [p.name for p in el.projects] == ["Park VOTES voter_id;vote", 'say "hi"; bye   end']
    assert el.meta["description"] == "line one META line three"
    inst, prof = pabutools_parse(text)
    assert len(prof) == 2 and sorted(p.name for p in inst) == ["p1", "p2"]


def test_safe_ids_keep_the_tie_breaking_order():
    ids = ["b", "a;", "10", "9", "none", "٣"]
    mapped = safe_project_ids(ids)
    assert sorted(ids) == sorted(ids, key=mapped.__getitem__)
    assert len(set(mapped.values())) == len(ids)
    assert safe_project_ids(["P01", "P-02", "2026/SOC.4"]) == {"P01": "P01", "P-02": "P-02",
                                                                 "2026/SOC.4": "2026/SOC.4"}


@given(CODE_ANY := st.text())
def test_original_ids_survive_encoding(pid):
    encoded = encode_original_id(pid)
    assert encoded.isprintable() or not any(c in encoded for c in "\n\r\x00")
    assert encoded == encoded.strip() and encoded.lower() != "none"
    assert decode_original_id(encoded) == pid


# Hostile characters: separators of the format, quotes, every kind of line break, spaces, NUL,
# Arabic(-Indic) digits and letters, and the words readers treat specially.
HOSTILE = st.sampled_from(list(',;"\'\n\r\t \x00\x0b\x0c\x1c\x85\u2028\u2029٠١٢٣۴') + list("AaBb019ب")
                          + ["none", "None", "VOTES", "META", "projects", ":", "=", "\ufeff"])
CODE = st.lists(HOSTILE, min_size=1, max_size=5).map("".join)
TITLE = st.lists(HOSTILE | st.text(max_size=3), max_size=6).map("".join)


@st.composite
def elections(draw):
    codes = draw(st.lists(CODE, min_size=1, max_size=6, unique=True))
    projects = [(c, draw(st.integers(1, 60)), draw(TITLE)) for c in codes]
    vote_type = draw(st.sampled_from(["approval", "cumulative"]))
    n = draw(st.integers(0, 8))
    ballots = []
    for _ in range(n):
        chosen = draw(st.lists(st.sampled_from(codes), unique=True, max_size=len(codes)))
        if vote_type == "cumulative":
            ballots.append({c: draw(st.integers(1, 5)) for c in chosen})
        else:
            ballots.append(chosen)
    rules = ["greedy", "mes", "mes-add1"] + (["phragmen"] if vote_type == "approval" else [])
    return projects, ballots, draw(st.integers(0, 120)), draw(st.sampled_from(rules)), vote_type


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_property_export_parse_recount_equals_stored(case):
    projects, ballots, budget, rule, vote_type = case
    stored, ours, theirs = recounts(projects, ballots, budget, rule, vote_type)
    assert ours == stored
    assert sorted(theirs) == sorted(stored)


# The reader ---------------------------------------------------------------------------
BASE = """META
key;value
budget;100
vote_type;{vote_type}
PROJECTS
project_id;cost;name
a;{cost};Park
b;50;Library
VOTES
voter_id;vote
1;a
2;{vote2}
3;b
"""


@pytest.mark.parametrize("fields,line,fragment", [
    ({"vote_type": "choose-1", "vote2": "a,b"}, 12, "a choose-1 vote lists 2 projects"),
    ({"vote2": "b\n1;a"}, 13, "voter_id '1' is also on line 11"),
    ({"cost": "1" * 30}, 7, "is larger than 1 000 000 000 000"),
    ({"cost": "12.123456"}, 7, "has more than 4 decimals"),
    ({"vote2": "b\nVOTES\nvoter_id;vote\n9;a"}, 13, "duplicate VOTES section"),
])
def test_reader_refuses_what_cannot_be_counted_naming_the_line(fields, line, fragment):
    values = {"vote_type": "approval", "cost": "60", "vote2": "a"} | fields
    with pytest.raises(PabulibError) as info:
        parse_pb(BASE.format(**values))
    assert info.value.line == line and fragment in str(info.value)


def test_reader_refuses_a_huge_budget_and_huge_points():
    with pytest.raises(PabulibError, match=r"^line 3: budget .* is larger than"):
        parse_pb(BASE.format(vote_type="approval", cost="60", vote2="a").replace("budget;100", "budget;1e40"))
    cum = BASE.format(vote_type="cumulative", cost="60", vote2="a").replace(
        "voter_id;vote\n1;a\n2;a\n3;b", "voter_id;vote;points\n1;a;1\n2;a;99999999999999999999\n3;b;2")
    with pytest.raises(PabulibError, match=r"^line 12: points value .* is larger than"):
        parse_pb(cum)


def test_a_valid_choose1_file_still_parses_and_counts():
    el = parse_pb(BASE.format(vote_type="choose-1", cost="60", vote2="a"))
    assert el.num_voters == 3 and tally_election(el, "greedy").selected == ["a"]


def test_engine_refuses_amounts_it_cannot_count_exactly():
    with pytest.raises(ValueError, match="too large"):
        tally([("a", 10**17), ("b", 5)], [["a"]] * 200, 10**18, "mes")
