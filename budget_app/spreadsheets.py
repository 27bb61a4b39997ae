"""All-or-nothing spreadsheet import (Excel .xlsx or CSV), reusable for any table.

Every row is validated first; if any row has a problem nothing is imported and each problem
is reported with its row number (as the spreadsheet shows it: the header is row 1) and its
column, in the user's language. Headers are accepted in Arabic or English (or the column
key), in any order; unknown columns are ignored. A template with the headers, an example row
and, for Excel, an instructions sheet can be downloaded.

Usage::

    importer = Importer([Column("code", _l("Code"), required=True), ...])
    table = read_table(file_storage)             # raises SpreadsheetError / 413
    records, errors = importer.parse(table)      # records: [(row_number, {key: value})]
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, Callable
from xml.etree.ElementTree import iterparse

from flask import abort, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from budget_app.errors import DomainError

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000


class SpreadsheetError(DomainError):
    """The file as a whole cannot be read (wrong type, damaged, empty); message for the user, on
    the upload field (``file``)."""

    def __init__(self, message, field: str | None = "file"):
        super().__init__(message, field)


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Column:
    key: str
    label: Any  # lazy string: the header in the user's language
    required: bool = False
    parse: Callable[[str], Any] | None = None  # raises ValueError(message for the user)
    help: Any = ""
    example: str = ""

    def headers(self) -> set[str]:
        names = {normalize_header(self.key)}
        for lang in ("ar", "en"):
            with force_locale(lang):
                names.add(normalize_header(str(self.label)))
        return names


def normalize_header(text) -> str:
    text = str(text or "").replace("*", "").replace("\u200f", "").replace("\u200e", "").strip().casefold()
    return re.sub(r"[\s_]+", " ", text)


# Reading -----------------------------------------------------------------------
# Limits of what a legitimate import holds, enforced as the file is read (never trusting what
# the file says about itself: neither the zip directory's sizes nor the sheet's <dimension>).
MAX_COLUMNS = 100              # cells per row (a legitimate import has about 20)
MAX_CELL_CHARS = 10_000        # characters in one cell
MAX_LINE_CHARS = 200_000       # characters in one CSV line
MAX_ROW_ELEMENTS = 2 * MAX_ROWS + 1000  # rows, empty ones included, read before giving up
MAX_MEMBERS = 300              # files inside the .xlsx archive
MAX_UNCOMPRESSED = 40 * 1024 * 1024    # all the archive's files, unpacked
MAX_SHEET_BYTES = 24 * 1024 * 1024     # the worksheet read, unpacked
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024
MAX_SHARED_STRINGS = 120_000  # distinct texts: a full import has fewer
MAX_OTHER_MEMBER_BYTES = 5 * 1024 * 1024  # workbook.xml, styles.xml, ...
MAX_RATIO = 200                # unpacked / packed size of one member (zip bombs reach 1,000+)
RATIO_FLOOR = 1024 * 1024      # small members may compress very well: only judge larger ones


def max_bytes() -> int:
    return int(current_app.config.get("CYCLES_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def read_table(upload, filename: str | None = None) -> list[list[str]]:
    """The file's first sheet as rows of strings (header first). ``upload`` is a Werkzeug
    ``FileStorage`` or bytes. Files over the limit answer 413; anything that is not really a
    spreadsheet, or exceeds a limit of rows, cells or size, raises :class:`SpreadsheetError`."""
    if hasattr(upload, "read"):
        filename = filename or getattr(upload, "filename", "") or ""
        data = upload.read(max_bytes() + 1)
    else:
        data = upload
    if len(data) > max_bytes():
        abort(413)
    name = (filename or "").lower()
    if not data:
        raise SpreadsheetError(_("The file is empty."))
    if name.endswith(".xlsx"):
        rows = _read_xlsx(data)
    elif name.endswith((".csv", ".txt")):
        rows = _read_csv(data)
    elif name.endswith(".xls"):
        raise SpreadsheetError(_("Old Excel files (.xls) cannot be read: save the file as .xlsx and try again."))
    else:
        raise SpreadsheetError(_("Send an Excel file (.xlsx) or a CSV file."))
    if not rows:
        raise SpreadsheetError(_("The file is empty."))
    if len(rows) - 1 > MAX_ROWS:
        raise _too_many_rows()
    return rows


def _too_many_rows() -> SpreadsheetError:
    return SpreadsheetError(ngettext("The file has more than %(num)s row; split it into smaller files.",
                                     "The file has more than %(num)s rows; split it into smaller files.", MAX_ROWS))


def _too_many_cells(row: int) -> SpreadsheetError:
    return SpreadsheetError(_("Row %(row)s has more than %(n)s cells: this is not an import file of this page.",
                              row=row, n=MAX_COLUMNS))


def _cell_too_long(row: int) -> SpreadsheetError:
    return SpreadsheetError(_("A cell on row %(row)s holds more than %(n)s characters.", row=row,
                              n=MAX_CELL_CHARS))


def _hostile() -> SpreadsheetError:
    return SpreadsheetError(_("This Excel file unpacks to far more data than an import holds (it may be built to "
                              "overload the server), so it was not read. Copy the rows into a new workbook and send "
                              "that."))


def _not_xlsx() -> SpreadsheetError:
    return SpreadsheetError(_("This file is not a real Excel workbook (.xlsx), although its name says so."))


def _damaged() -> SpreadsheetError:
    return SpreadsheetError(_("The Excel file is damaged or could not be read."))


def _keep_row(rows: list, values: list[str], number: int) -> None:
    """Append a non-empty row, refusing the file as soon as it holds more rows than allowed."""
    if any(v.strip() for v in values):
        rows.append(values)
        if len(rows) - 1 > MAX_ROWS:
            raise _too_many_rows()


def inspect_xlsx(data: bytes) -> zipfile.ZipFile:
    """Open the archive and refuse it, before anything is unpacked, if its directory declares more
    files, more unpacked bytes or a higher compression ratio than an import can hold. The reading
    itself counts bytes again (:class:`_Bounded`), since a directory can lie."""
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise _not_xlsx()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        members = zf.infolist()
    except Exception:
        raise _damaged()
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        raise _not_xlsx()
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
        raise _hostile()
    for m in members:
        if m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise _hostile()
        limit = (MAX_SHEET_BYTES if m.filename.startswith("xl/worksheets/") else
                 MAX_SHARED_STRINGS_BYTES if m.filename == "xl/sharedStrings.xml" else MAX_OTHER_MEMBER_BYTES)
        if m.file_size > limit:
            raise _hostile()
    return zf


class _Bounded(io.RawIOBase):
    """A member of the archive, read at most ``limit`` unpacked bytes (then refused as hostile),
    refusing any DTD: entity definitions are how XML multiplies a small file."""

    def __init__(self, stream, limit: int):
        self.stream, self.limit, self.count, self.tail = stream, limit, 0, b""

    def readable(self):
        return True

    def read(self, size=-1):
        chunk = self.stream.read(64 * 1024 if size is None or size < 0 else min(size, 64 * 1024))
        self.count += len(chunk)
        if self.count > self.limit:
            raise _hostile()
        window = self.tail + chunk
        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
            raise _hostile()
        self.tail = window[-16:]
        return chunk

    def readinto(self, buffer):  # pragma: no cover - ElementTree calls read()
        chunk = self.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)


def _events(zf: zipfile.ZipFile, name: str, limit: int, tags: set[str], events=("start", "end")):
    """``(event, local name, element)`` of one XML member, streamed, for the elements named in ``tags``."""

    local_names: dict[str, str] = {}
    with zf.open(name) as raw:
        for event, elem in iterparse(_Bounded(raw, limit), events=events):
            local = local_names.get(elem.tag)
            if local is None:
                local = local_names[elem.tag] = elem.tag.rpartition("}")[2]
            if local in tags:
                yield event, local, elem


def _text_of(elem) -> str:
    """The text of a shared string or an inline string: ``<t>`` or rich-text runs ``<r><t>``."""
    if len(elem) == 1 and not len(elem[0]):  # the usual case: one <t>
        return elem[0].text or ""
    return "".join(t.text or "" for t in elem.iter() if t.tag.rpartition("}")[2] == "t")


def _first_sheet(zf: zipfile.ZipFile) -> tuple[str, bool]:
    """The path of the workbook's first sheet, and whether dates count from 1904."""
    names = set(zf.namelist())
    target, date1904 = None, False
    try:
        rid = None
        for event, local, elem in _events(zf, "xl/workbook.xml", MAX_OTHER_MEMBER_BYTES, {"sheet", "workbookPr"}):
            if event != "end":
                continue
            if local == "workbookPr":
                date1904 = elem.get("date1904", "").lower() in ("1", "true")
            elif local == "sheet" and rid is None:
                rid = next((v for k, v in elem.attrib.items() if k.rpartition("}")[2] == "id"), None)
        if rid and "xl/_rels/workbook.xml.rels" in names:
            for event, local, elem in _events(zf, "xl/_rels/workbook.xml.rels", MAX_OTHER_MEMBER_BYTES,
                                              {"Relationship"}):
                if event == "end" and elem.get("Id") == rid:
                    path = elem.get("Target", "")
                    target = path.lstrip("/") if path.startswith("/") else "xl/" + path
    except (KeyError, SyntaxError):
        target = None
    if target not in names:
        sheets = sorted(n for n in names if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n))
        if not sheets:
            raise _not_xlsx()
        target = sheets[0]
    return target, date1904


def _date_styles(zf: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles that show numbers as dates (so 46112 reads as 2026-03-31)."""
    # heavy library: imported on first use, not at start-up
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    if "xl/styles.xml" not in zf.namelist():
        return set()
    formats = dict(BUILTIN_FORMATS)
    styles, in_xfs = [], False
    for event, local, elem in _events(zf, "xl/styles.xml", MAX_OTHER_MEMBER_BYTES, {"numFmt", "cellXfs", "xf"}):
        if local == "cellXfs":
            in_xfs = event == "start"
        elif event == "end" and local == "numFmt" and (elem.get("numFmtId") or "").isdigit():
            formats[int(elem.get("numFmtId"))] = elem.get("formatCode", "")
        elif event == "end" and local == "xf" and in_xfs:
            styles.append(int(elem.get("numFmtId") or 0) if (elem.get("numFmtId") or "0").isdigit() else 0)
    return {i for i, fmt_id in enumerate(styles) if is_date_format(formats.get(fmt_id) or "")}


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in zf.namelist():
        return []
    out = []
    root = None
    for event, local, elem in _events(zf, "xl/sharedStrings.xml", MAX_SHARED_STRINGS_BYTES, {"sst", "si"}):
        if local == "sst":
            root = elem
            continue
        if event == "end":
            out.append(_text_of(elem)[:MAX_CELL_CHARS + 1])
            if root is not None:
                root.clear()  # the strings read are kept as text only
            if len(out) > MAX_SHARED_STRINGS:
                raise _hostile()
    return out


def _column_index(ref: str | None, default: int) -> int:
    letters = "".join(ch for ch in (ref or "") if ch.isalpha()).upper()
    if not letters:
        return default
    index = 0
    for ch in letters[:4]:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _read_xlsx(data: bytes) -> list[list[str]]:
    """Stream the first sheet cell by cell: rows, cells per row and cell length are capped as
    they arrive, so no file can make the server build more than ``MAX_ROWS`` × ``MAX_COLUMNS``."""
    zf = inspect_xlsx(data)
    try:
        with zf:
            sheet, date1904 = _first_sheet(zf)
            dates = _date_styles(zf)
            strings = _shared_strings(zf)
            rows: list[list[str]] = []
            row: list[str] = []
            row_number = elements = 0
            current_row = sheet_data = None
            for event, local, elem in _events(zf, sheet, MAX_SHEET_BYTES, {"sheetData", "row", "c"}):
                if local == "sheetData":
                    sheet_data = elem
                    continue
                if local == "row":
                    if event == "start":
                        elements += 1
                        if elements > MAX_ROW_ELEMENTS:
                            raise _too_many_rows()
                        current_row, row = elem, []
                        row_number = int(elem.get("r")) if (elem.get("r") or "").isdigit() else row_number + 1
                    else:
                        _keep_row(rows, row, row_number)
                        if sheet_data is not None:
                            sheet_data.clear()  # finished rows are not kept in the tree
                        current_row = None
                    continue
                if event != "end":
                    continue
                index = _column_index(elem.get("r"), len(row))
                if index >= MAX_COLUMNS or len(row) >= MAX_COLUMNS:
                    raise _too_many_cells(row_number)
                value = _xlsx_value(elem, strings, dates, date1904)
                if len(value) > MAX_CELL_CHARS:
                    raise _cell_too_long(row_number)
                if index > len(row):
                    row.extend([""] * (index - len(row)))
                if index < len(row):
                    row[index] = value
                else:
                    row.append(value)
                elem.clear()
                if current_row is not None:
                    current_row.clear()  # drop the finished cell: memory stays one cell deep
            return rows
    except SpreadsheetError:
        raise
    except Exception:
        raise _damaged()


def _xlsx_value(cell, strings: list[str], dates: set[int], date1904: bool) -> str:
    kind = cell.get("t", "n")
    v = next((child.text or "" for child in cell if child.tag.rpartition("}")[2] == "v"), None)
    if kind == "inlineStr":
        inline = next((child for child in cell if child.tag.rpartition("}")[2] == "is"), None)
        return (_text_of(inline) if inline is not None else "").strip()
    if v is None:
        return ""
    if kind == "s":
        try:
            return strings[int(v)].strip()
        except (ValueError, IndexError):
            raise _damaged()
    if kind == "b":
        return "True" if v.strip() in ("1", "true") else "False"
    if kind in ("str", "e", "d"):
        return v.strip()[:10] if kind == "d" else v.strip()
    try:
        number = float(v)
    except ValueError:
        return v.strip()
    style = cell.get("s") or "0"
    if style.isdigit() and int(style) in dates:
        # heavy library: imported on first use, not at start-up
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel
        try:
            return from_excel(number, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900).isoformat()[:10]
        except (ValueError, OverflowError):
            return v.strip()
    return _cell(number)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def _read_csv(data: bytes) -> list[list[str]]:
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(_("This file is not a text CSV file."))
    for encoding in ("utf-8-sig", "cp1256"):  # cp1256: Arabic Windows, what older Excel saves
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1256 decodes almost anything
        raise SpreadsheetError(_("The file's text encoding is not recognised; save it as CSV UTF-8."))
    sample = text[:4096]
    delimiter = max((",", ";", "\t"), key=lambda d: sample.split("\n", 1)[0].count(d))
    rows: list[list[str]] = []

    def lines():
        for number, line in enumerate(io.StringIO(text), start=1):
            if len(line) > MAX_LINE_CHARS:
                raise SpreadsheetError(_("Line %(row)s of the file is longer than %(n)s characters.", row=number,
                                         n=MAX_LINE_CHARS))
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                raise _too_many_cells(reader.line_num)
            if any(len(c) > MAX_CELL_CHARS for c in row):
                raise _cell_too_long(reader.line_num)
            _keep_row(rows, [c.strip() for c in row], reader.line_num)
    except csv.Error:
        raise SpreadsheetError(_("The CSV file could not be read (a quote is probably not closed)."))
    return rows


# Validating --------------------------------------------------------------------
# The template's example row carries this column; a row with anything in it is skipped, so a
# template sent back with its example left in cannot create or overwrite anything.
SAMPLE_KEY = "sample"


def sample_column() -> Column:
    return Column(SAMPLE_KEY, _l("Sample row"), False, None,
                  _l("Filled in only on the template's example row, which is never imported. Leave it empty on "
                     "your rows."), "")


def sample_marker() -> str:
    return _("example (not imported)")


def fiscal_year_column(year: int) -> Column:
    """An optional column naming the fiscal year the file was prepared for: a file of another
    year's cycle is refused instead of landing in this one."""
    def parse(raw):
        value = raw.strip()
        if not value.isdigit() or int(value) != int(year):
            raise ValueError(_("This file is for the fiscal year %(found)s; this cycle is %(year)s.", found=value,
                               year=year))
        return int(value)
    return Column("fiscal_year", _l("Fiscal year"), False, parse,
                  _l("Optional: the fiscal year of the cycle the file is meant for."), str(year))


@dataclass
class Importer:
    columns: list[Column]
    # (record, row, errors) → add RowErrors. Called for every row, also when some of its cells
    # failed (those are None in ``record``), so a file's problems are all reported in one pass.
    row_check: Callable[[dict, int, list], None] | None = None
    errors: list[RowError] = field(default_factory=list)
    skipped_samples: list[int] = field(default_factory=list)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def _is_example(self, row: list[str], positions: dict[str, int]) -> bool:
        """A row equal to the template's example on every column that has one (templates
        downloaded before the sample column existed)."""
        compared = 0
        for col in self.columns:
            if not col.example or col.key not in positions:
                continue
            raw = row[positions[col.key]].strip() if positions[col.key] < len(row) else ""
            if normalize_header(raw) != normalize_header(col.example):
                return False
            compared += 1
        return compared >= 3

    def parse(self, table: list[list[str]]) -> tuple[list[tuple[int, dict]], list[RowError]]:
        """Map headers, parse every cell of every row; return ``(records, errors)``. The
        template's example row is skipped (its row numbers in ``skipped_samples``)."""
        header, rows = table[0], table[1:]
        positions: dict[str, int] = {}
        lookup = {}
        for col in self.columns + [sample_column()]:
            for name in col.headers():
                lookup[name] = col.key
        for index, name in enumerate(header):
            key = lookup.get(normalize_header(name))
            if key and key not in positions:
                positions[key] = index
        errors: list[RowError] = []
        for col in self.columns:
            if col.required and col.key not in positions:
                errors.append(RowError(1, str(col.label), _("This required column is missing from the header row.")))
        if errors:
            return [], errors
        self.skipped_samples = []
        records = []
        for offset, row in enumerate(rows):
            number = offset + 2
            if not any(c.strip() for c in row):
                continue
            marker = positions.get(SAMPLE_KEY)
            if (marker is not None and marker < len(row) and row[marker].strip()) or self._is_example(row, positions):
                self.skipped_samples.append(number)
                continue
            record = {}
            row_errors: list[RowError] = []
            for col in self.columns:
                raw = row[positions[col.key]].strip() if col.key in positions and positions[col.key] < len(row) \
                    else ""
                if not raw:
                    if col.required:
                        row_errors.append(RowError(number, str(col.label), _("This value is required.")))
                    record[col.key] = None
                    continue
                try:
                    record[col.key] = col.parse(raw) if col.parse else raw
                except ValueError as exc:
                    row_errors.append(RowError(number, str(col.label), str(exc)))
                    record[col.key] = None
            if self.row_check:
                self.row_check(record, number, row_errors)
            errors.extend(row_errors)
            records.append((number, record))
        if not records and not errors:
            errors.append(RowError(2, "", _("The file has a header row but no data rows.")))
        return records, errors


# Template ----------------------------------------------------------------------
def template_frames(columns: list[Column], instructions_title) -> dict:
    """The template as pandas frames: the data sheet (headers in the page language + an example
    row marked as a sample, which the import skips) and an instructions sheet describing every column."""
    import pandas as pd  # heavy library: imported on first use, not at start-up

    columns = list(columns) + [sample_column()]
    data = pd.DataFrame([[c.example for c in columns[:-1]] + [sample_marker()]],
                        columns=[str(c.label) + (" *" if c.required else "") for c in columns])
    guide = pd.DataFrame([[str(c.label), c.key, _("required") if c.required else _("optional"), str(c.help)]
                          for c in columns],
                         columns=[_("Column"), _("Key"), _("Required?"), _("What to write")])
    return {"data": data, str(instructions_title)[:31]: guide}
