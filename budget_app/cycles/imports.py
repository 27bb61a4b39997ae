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

from flask import abort, current_app
from flask_babel import force_locale
from flask_babel import gettext as _

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000


class SpreadsheetError(Exception):
    """The file as a whole cannot be read (wrong type, damaged, empty); message for the user."""


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
def max_bytes() -> int:
    return int(current_app.config.get("CYCLES_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def read_table(upload, filename: str | None = None) -> list[list[str]]:
    """The file's first sheet as rows of strings (header first). ``upload`` is a Werkzeug
    ``FileStorage`` or bytes. Files over the limit answer 413; anything that is not really a
    spreadsheet raises :class:`SpreadsheetError`."""
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
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise SpreadsheetError(_("The file is empty."))
    if len(rows) - 1 > MAX_ROWS:
        raise SpreadsheetError(_("The file has more than %(n)s rows; split it into smaller files.", n=MAX_ROWS))
    return rows


def _read_xlsx(data: bytes) -> list[list[str]]:
    # An .xlsx is a zip with a workbook inside: check that before handing it to openpyxl, so a
    # renamed text or executable file gets a clear message rather than a parser error.
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise SpreadsheetError(_("This file is not a real Excel workbook (.xlsx), although its name says so."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if "[Content_Types].xml" not in zf.namelist() or not any(
                    n.startswith("xl/worksheets/") for n in zf.namelist()):
                raise SpreadsheetError(_("This file is not a real Excel workbook (.xlsx), although its name says "
                                         "so."))
        import openpyxl
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SpreadsheetError:
        raise
    except Exception:
        raise SpreadsheetError(_("The Excel file is damaged or could not be read."))
    try:
        ws = wb.worksheets[0]
        rows = []
        for values in ws.iter_rows(values_only=True):
            if len(rows) > MAX_ROWS + 1:
                break
            rows.append([_cell(v) for v in values])
        return rows
    finally:
        wb.close()


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
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


# Validating --------------------------------------------------------------------
@dataclass
class Importer:
    columns: list[Column]
    row_check: Callable[[dict, int, list], None] | None = None  # (record, row, errors) → add RowErrors
    errors: list[RowError] = field(default_factory=list)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def parse(self, table: list[list[str]]) -> tuple[list[tuple[int, dict]], list[RowError]]:
        """Map headers, parse every cell of every row; return ``(records, errors)``."""
        header, rows = table[0], table[1:]
        positions: dict[str, int] = {}
        lookup = {}
        for col in self.columns:
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
        if not rows:
            return [], [RowError(2, "", _("The file has a header row but no data rows."))]
        records = []
        for offset, row in enumerate(rows):
            number = offset + 2
            if not any(c.strip() for c in row):
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
            if not row_errors and self.row_check:
                self.row_check(record, number, row_errors)
            errors.extend(row_errors)
            records.append((number, record))
        return records, errors


# Template ----------------------------------------------------------------------
def template_frames(columns: list[Column], instructions_title) -> dict:
    """The template as pandas frames: the data sheet (headers in the page language + an example
    row) and an instructions sheet describing every column."""
    import pandas as pd

    data = pd.DataFrame([[c.example for c in columns]],
                        columns=[str(c.label) + (" *" if c.required else "") for c in columns])
    guide = pd.DataFrame([[str(c.label), c.key, _("required") if c.required else _("optional"), str(c.help)]
                          for c in columns],
                         columns=[_("Column"), _("Key"), _("Required?"), _("What to write")])
    return {"data": data, str(instructions_title)[:31]: guide}
