"""Hostile spreadsheets (issue 9.2): refused with a clear 4xx before or while parsing, never
read beyond the caps. Files are built in memory (see hostile_files.py); the bounds are asserted
by construction (bytes read, rows and cells kept), never by timing."""
from __future__ import annotations

import io

import openpyxl
import pytest

import hostile_files as hostile
from cycles_testlib import make_cycle
from helpers import page_text

BOMBS = {
    "rows": lambda: hostile.rows_bomb(300_000),
    "wide_row": lambda: hostile.wide_row(1_000_000),
    "shared_strings": lambda: hostile.shared_strings_bomb(1_000_000),
}


@pytest.fixture
def bytes_read(monkeypatch):
    """The unpacked bytes read from each member of the archive."""
    from budget_app import spreadsheets
    counts = {}
    real = spreadsheets._Bounded.read

    def read(self, size=-1):
        chunk = real(self, size)
        counts[self.stream.name] = self.count
        return chunk
    monkeypatch.setattr(spreadsheets._Bounded, "read", read)
    return counts


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_hostile_archive_is_refused_before_anything_is_unpacked(app, bytes_read, kind):
    from budget_app.spreadsheets import SpreadsheetError, read_table

    with pytest.raises(SpreadsheetError) as err:
        read_table(BOMBS[kind](), "bomb.xlsx")
    assert "unpacks to far more data than an import holds" in str(err.value)
    assert bytes_read == {}  # judged from the archive's directory alone


@pytest.fixture
def trusting_inspection(monkeypatch):
    """Limits of the archive check lifted, so the streaming caps alone must stop the reading."""
    from budget_app import spreadsheets
    for name in ("MAX_UNCOMPRESSED", "MAX_SHEET_BYTES", "MAX_SHARED_STRINGS_BYTES"):
        monkeypatch.setattr(spreadsheets, name, 10 ** 12)
    monkeypatch.setattr(spreadsheets, "MAX_RATIO", 10 ** 9)


def test_rows_are_capped_as_the_sheet_streams(app, trusting_inspection, bytes_read):
    from budget_app import spreadsheets
    data = hostile.rows_bomb(300_000)
    with pytest.raises(spreadsheets.SpreadsheetError) as err:
        spreadsheets.read_table(data, "bomb.xlsx")
    assert "more than 5000 rows" in str(err.value)
    row = len('<row><c t="inlineStr"><is><t>P1</t></is></c><c><v>1</v></c><c><v>5</v></c></row>')
    sheet = bytes_read["xl/worksheets/sheet1.xml"]
    # stopped right after the cap: the cap's rows plus what one read-ahead holds, of 18 MB
    assert sheet <= (spreadsheets.MAX_ROWS + 2) * row + 2 * 64 * 1024 + 1000
    assert sheet < 300_000 * row / 30


def test_empty_rows_count_against_the_cap_too(app, trusting_inspection, bytes_read):
    from budget_app import spreadsheets
    data = hostile.workbook([hostile.HEADER_ROW] + ["<row/>" * 10_000] * 100)
    with pytest.raises(spreadsheets.SpreadsheetError):
        spreadsheets.read_table(data, "empty-rows.xlsx")
    assert bytes_read["xl/worksheets/sheet1.xml"] <= (spreadsheets.MAX_ROW_ELEMENTS + 1) * 6 + 2 * 64 * 1024 + 1000


def test_cells_per_row_are_capped_as_the_row_streams(app, trusting_inspection, bytes_read):
    from budget_app import spreadsheets
    with pytest.raises(spreadsheets.SpreadsheetError) as err:
        spreadsheets.read_table(hostile.wide_row(1_000_000), "wide.xlsx")
    assert "Row 2 has more than 100 cells" in str(err.value)
    assert bytes_read["xl/worksheets/sheet1.xml"] <= (spreadsheets.MAX_COLUMNS + 1) * 15 + 2 * 64 * 1024 + 1000


def test_shared_strings_are_capped_as_they_stream(app, trusting_inspection, bytes_read):
    from budget_app import spreadsheets
    with pytest.raises(spreadsheets.SpreadsheetError):
        spreadsheets.read_table(hostile.shared_strings_bomb(1_000_000), "strings.xlsx")
    assert bytes_read["xl/sharedStrings.xml"] <= (spreadsheets.MAX_SHARED_STRINGS + 1) * 17 + 2 * 64 * 1024 + 1000
    assert "xl/worksheets/sheet1.xml" not in bytes_read


def test_cell_length_is_capped(app, trusting_inspection):
    from budget_app import spreadsheets
    data = hostile.workbook(hostile.HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "x" * 20_000 +
                            "</t></is></c></row>")
    with pytest.raises(spreadsheets.SpreadsheetError) as err:
        spreadsheets.read_table(data, "long.xlsx")
    assert "A cell on row 2 holds more than 10000 characters" in str(err.value)


def test_a_directory_that_lies_about_sizes_reads_no_more_than_it_declares(app, bytes_read):
    from budget_app import spreadsheets
    with pytest.raises(spreadsheets.SpreadsheetError) as err:
        spreadsheets.read_table(hostile.lying_sizes(hostile.rows_bomb(300_000)), "liar.xlsx")
    assert "damaged" in str(err.value)
    assert max(bytes_read.values()) <= 1000


def test_entity_definitions_are_refused(app):
    from budget_app import spreadsheets
    import zipfile
    template = hostile.workbook("")
    doc = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><worksheet ' + hostile.NS +
           '><sheetData><row r="1"><c t="inlineStr"><is><t>&lol;</t></is></c></row></sheetData></worksheet>')
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in src.namelist():
            zf.writestr(name, doc if name.endswith("sheet1.xml") else src.read(name))
    with pytest.raises(spreadsheets.SpreadsheetError) as err:
        spreadsheets.read_table(buf.getvalue(), "entities.xlsx")
    assert "unpacks to far more data" in str(err.value)


def test_an_ordinary_workbook_reads_as_before(app):
    """Numbers, dates, shared and inline strings, gaps between cells, formulas' cached values."""
    import datetime

    from budget_app import spreadsheets
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Budget-line code", "Date", "Amount", None, "Note"])
    ws.append(["P01", datetime.date(2026, 3, 31), 12000, None, "دفعة أولى"])
    ws.append(["P02", datetime.datetime(2026, 4, 1, 10, 30), 2500.5, None, "  spaced  "])
    ws["E4"] = "only E"
    buf = io.BytesIO()
    wb.save(buf)
    assert spreadsheets.read_table(buf.getvalue(), "ok.xlsx") == [
        ["Budget-line code", "Date", "Amount", "", "Note"], ["P01", "2026-03-31", "12000", "", "دفعة أولى"],
        ["P02", "2026-04-01", "2500.5", "", "spaced"], ["", "", "", "", "only E"]]


@pytest.mark.parametrize("text,message", [
    ("Choices\n" + "P01\n" * 5001, "more than 5000 rows"),
    ("Choices\n" + "P01" + "," * 200 + "\n", "Row 2 has more than 100 cells"),
    ("Choices\n" + "x" * 250_000 + "\n", "Line 2 of the file is longer than 200000 characters"),
    ('Choices\n"' + "x" * 20_000 + '"\n', "A cell on row 2 holds more than 10000 characters"),
])
def test_csv_is_capped(app, text, message):
    from budget_app import spreadsheets
    with pytest.raises(spreadsheets.SpreadsheetError) as err:
        spreadsheets.read_table(text.encode(), "file.csv")
    assert message in str(err.value)


@pytest.mark.parametrize("kind", sorted(BOMBS))
@pytest.mark.parametrize("lang,expected", [("en", "unpacks to far more data"), ("ar", "")])
def test_hostile_upload_gets_a_clear_400_in_the_users_language(client, world, kind, lang, expected):
    from budget_app.audit import AuditLog
    cycle = make_cycle(world)
    client.login("director@sharaka.test")
    response = client.post_form(f"/councils/hebron/cycles/{cycle.id}/proposals/import?lang={lang}",
                                {"file": (io.BytesIO(BOMBS[kind]()), "bomb.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 400
    text = page_text(response)
    if lang == "en":
        assert expected in text
    else:
        assert "unpacks to far more data" not in text and "Excel" in text
    assert AuditLog.query.filter_by(action="proposal.import_refused").count() == 1
