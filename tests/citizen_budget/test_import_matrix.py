"""Every spreadsheet import is all-or-nothing, on SQLite and PostgreSQL alike (issue 9.1).

Each import × {bad first row, bad last row, duplicate key, unknown reference, wrong year}:
the row counts of every table are the same before and after, except the audit log, which
gains exactly the entry recording the refusal. A row's problems are all reported in one pass
(the unknown reference together with the row's other errors)."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from cb_testlib import approved_cycle
from helpers import page_text

sys.path.insert(0, str(Path(__file__).parent.parent / "cycles"))
from cycles_testlib import make_cycle  # noqa: E402

CASES = ("bad_first_row", "bad_last_row", "duplicate_key", "unknown_reference", "wrong_year")


def _csv(rows) -> io.BytesIO:
    return io.BytesIO("\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode("utf-8"))


def row_counts() -> dict[str, int]:
    from sqlalchemy import func, select

    from budget_app.extensions import db
    db.session.rollback()
    return {t.name: db.session.execute(select(func.count()).select_from(t)).scalar() for t in db.metadata.sorted_tables}


# Each import: how to set up a cycle, a valid file, how to spoil it for a case, and where to send it.
def proposals_setup(world):
    cycle = make_cycle(world, "preparing")
    from priorities.models import Priority
    from budget_app.extensions import db
    priority = Priority(council_id=world.hebron.id, fiscal_year=cycle.fiscal_year, title_ar="حاجة", title_en="Need",
                        status="shortlisted")
    db.session.add(priority)
    db.session.commit()
    header = ["Budget-line code", "Title (Arabic)", "Cost", "Locality", "Priorities", "Fiscal year"]
    rows = [["N01", "أ", "1000", "yatta", str(priority.id), str(cycle.fiscal_year)],
            ["N02", "ب", "2000", "", "", ""],
            ["N03", "ج", "3000", "dura", "", str(cycle.fiscal_year)]]
    spoil = {
        "bad_first_row": lambda r: r[0].__setitem__(2, "abc"),
        "bad_last_row": lambda r: r[-1].__setitem__(2, "-5"),
        "duplicate_key": lambda r: r[-1].__setitem__(0, "N01"),
        "unknown_reference": lambda r: (r[1].__setitem__(4, "999999"), r[1].__setitem__(2, "abc")),
        "wrong_year": lambda r: r[2].__setitem__(5, "2019"),
    }
    expect = {
        "bad_first_row": ["“abc” is not an amount"],
        "bad_last_row": ["“-5” is not an amount"],
        "duplicate_key": ["The code N01 is also on row 2."],
        "unknown_reference": ["No priority 999999 in this council.", "“abc” is not an amount"],
        "wrong_year": ["This file is for the fiscal year 2019"],
    }
    return cycle, f"/councils/hebron/cycles/{cycle.id}/proposals/import?lang=en", "file", header, rows, spoil, \
        expect, {}, "proposal.import_refused"


def paper_setup(world):
    cycle = make_cycle(world, "voting", max_choices=2)
    header = ["Choices", "Paper number", "Fiscal year"]
    rows = [["P01; P04", "1", str(cycle.fiscal_year)], ["P02", "2", ""], ["P05; P01", "3", str(cycle.fiscal_year)]]
    spoil = {
        "bad_first_row": lambda r: r[0].__setitem__(0, ""),
        "bad_last_row": lambda r: r[-1].__setitem__(0, "P01; P02; P04"),
        "duplicate_key": lambda r: r[-1].__setitem__(1, "1"),
        "unknown_reference": lambda r: (r[1].__setitem__(0, "P77"), r[1].__setitem__(2, "2019")),
        "wrong_year": lambda r: r[2].__setitem__(2, "2019"),
    }
    expect = {
        "bad_first_row": ["This value is required."],
        "bad_last_row": ["Choose at most 2 proposals; you chose 3."],
        "duplicate_key": ["The paper number 1 is also on row 2."],
        "unknown_reference": ["Unknown proposal code “P77”.", "This file is for the fiscal year 2019"],
        "wrong_year": ["This file is for the fiscal year 2019"],
    }
    data = {"import-meeting_id": "0", "import-meeting_label": "ملتقى يطا", "import-meeting_date": "2026-04-03"}
    return cycle, f"/councils/hebron/cycles/{cycle.id}/paper/import?lang=en", "import-file", header, rows, spoil, \
        expect, data, "ballot.paper_import_refused"


def spending_setup(world):
    cycle = approved_cycle(world, year=2026)
    header = ["Budget-line code", "Date", "Amount", "Quarter", "Funding source"]
    rows = [["P01", "2026-01-15", "1000", "1", "treasury"], ["P02", "2026-02-15", "1000", "1", ""],
            ["P04", "2026-03-15", "1000", "", "eu"]]
    spoil = {
        "bad_first_row": lambda r: r[0].__setitem__(3, "3"),  # the quarter does not match the date
        "bad_last_row": lambda r: r[-1].__setitem__(2, "abc"),
        "duplicate_key": lambda r: r.append(list(r[0])),
        "unknown_reference": lambda r: (r[1].__setitem__(0, "P03"), r[1].__setitem__(4, "nowhere")),
        "wrong_year": lambda r: r[2].__setitem__(1, "2025-03-15"),
    }
    expect = {
        "bad_first_row": ["The date 2026-01-15 is not in quarter 3."],
        "bad_last_row": ["“abc” is not an amount more than zero"],
        "duplicate_key": ["This row repeats row 2."],
        "unknown_reference": ["No approved allocation with the code P03.", "Unknown funding source “nowhere”"],
        "wrong_year": ["The date must fall within the fiscal year 2026."],
    }
    return cycle, f"/councils/hebron/cycles/{cycle.id}/execution/import?lang=en", "file", header, rows, spoil, \
        expect, {}, "execution.import_refused"


IMPORTS = {"proposals": (proposals_setup, "director"), "paper_ballots": (paper_setup, "coordinator"),
           "spending": (spending_setup, "director")}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("kind", sorted(IMPORTS))
def test_refused_import_changes_nothing_but_the_audit_log(app, world, in_english, kind, case):
    from budget_app.audit import AuditLog

    setup, role = IMPORTS[kind]
    cycle, url, field, header, rows, spoil, expect, data, refusal = setup(world)
    bad = [list(r) for r in rows]
    spoil[case](bad)
    client = app.test_client()
    client.login(f"{role}@sharaka.test")
    client.get(url)  # the first ?lang=en stores the user's language (and audits it): before counting
    before = row_counts()
    response = client.post_form(url, {**data, field: (_csv([header] + bad), "file.csv")},
                                content_type="multipart/form-data")
    assert response.status_code == 400
    text = page_text(response)
    assert "Nothing was imported" in text
    for message in expect[case]:
        assert message in text
    after = row_counts()
    changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    assert changed == {"audit_log": (before["audit_log"], before["audit_log"] + 1)}
    assert AuditLog.query.order_by(AuditLog.id.desc()).first().action == refusal

    # The corrected file goes through, once.
    response = client.post_form(url, {**data, field: (_csv([header] + rows), "file.csv")},
                                content_type="multipart/form-data")
    assert response.status_code == 302
    assert row_counts() != before


def test_spending_resent_after_refusal_is_recorded_once(app, world, in_english):
    """The issue's case: a refused file whose later rows were valid, corrected and sent again
    (twice): the spending is recorded exactly once."""
    from budget_app.cycles.execution.models import SpendingEntry

    cycle = approved_cycle(world, year=2026)
    client = app.test_client()
    client.login("director@sharaka.test")
    url = f"/councils/hebron/cycles/{cycle.id}/execution/import?lang=en"
    header = ["Budget-line code", "Date", "Amount", "Quarter"]
    bad = [header, ["P01", "2026-01-15", "1000", "3"], ["P01", "2026-01-20", "2000", "1"],
           ["P02", "2026-02-15", "3000", ""]]
    assert client.post_form(url, {"file": (_csv(bad), "s.csv")}, content_type="multipart/form-data").status_code == 400
    assert SpendingEntry.query.count() == 0
    good = [header, ["P01", "2026-01-15", "1000", "1"]] + bad[2:]
    assert client.post_form(url, {"file": (_csv(good), "s.csv")}, content_type="multipart/form-data").status_code == 302
    response = client.post_form(url, {"file": (_csv(good), "s.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "already recorded" in page_text(response)
    assert sorted(e.amount_minor for e in SpendingEntry.query) == [1000_00, 2000_00, 3000_00]


def test_paper_ballots_resent_are_not_counted_twice(app, world, in_english):
    from budget_app.cycles.models import Ballot

    cycle = make_cycle(world, "voting")
    client = app.test_client()
    client.login("coordinator@sharaka.test")
    data = {"import-meeting_id": "0", "import-meeting_label": "ملتقى يطا", "import-meeting_date": "2026-04-03"}
    rows = [["Choices", "Paper number"], ["P01; P04", "1"], ["P05", "2"]]
    url = f"/councils/hebron/cycles/{cycle.id}/paper/import?lang=en"
    assert client.post_form(url, {**data, "import-file": (_csv(rows), "p.csv")},
                            content_type="multipart/form-data").status_code == 302
    response = client.post_form(url, {**data, "import-file": (_csv(rows), "p.csv")},
                                content_type="multipart/form-data")
    assert response.status_code == 400 and "already imported" in page_text(response)
    assert Ballot.query.filter_by(cycle_id=cycle.id, source="paper").count() == 2


def test_savepoint_after_reads_stays_inside_the_request_transaction(app, world):
    """pysqlite let a SAVEPOINT issued after SELECTs open the transaction itself, so releasing it
    committed: a later rollback kept the row (the cause of the kept spending rows)."""
    from budget_app.extensions import db
    from budget_app.reference.models import Sector

    Sector.query.count()
    with db.session.begin_nested():
        db.session.add(Sector(code="tmp-sector", name_ar="مؤقت", name_en="Temporary"))
    db.session.rollback()
    assert Sector.query.filter_by(code="tmp-sector").count() == 0
