"""Spreadsheet downloads (CSV and Excel) from pandas frames, safe against formula injection."""
from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING

from flask import Response

if TYPE_CHECKING:  # annotations only: the module itself imports it where it is used
    import pandas as pd

# A cell starting with one of these is run as a formula by Excel/LibreOffice; a leading
# apostrophe makes it text (OWASP "CSV injection"). Tab, CR and LF are in the OWASP list too.
# Spreadsheets skip leading white space before a formula sign, and LibreOffice reads the
# full-width signs (＝＋－＠) as formula signs: those are caught too.
FORMULA_SIGNS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
LEADING_SPACE = " \t\r\n\u00a0\u3000"


def neutralize(value):
    if not isinstance(value, str) or not value:
        return value
    if value[0] in "\t\r\n" or value.lstrip(LEADING_SPACE)[:1] in FORMULA_SIGNS:
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd  # pandas: imported when a download is built, not at start-up (1/3 s of import time)
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralize)
    out.columns = [neutralize(str(c)) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    # UTF-8 with BOM so Excel opens Arabic text correctly.
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frames: dict[str, pd.DataFrame] | pd.DataFrame, sheet_name: str = "data") -> bytes:
    import pandas as pd  # pandas: imported when a download is built, not at start-up (1/3 s of import time)
    if isinstance(frames, pd.DataFrame):
        frames = {sheet_name: frames}
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in frames.items():
            safe_frame(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(frame_or_frames, filename: str, fmt: str) -> Response:
    """A download response in ``fmt`` ("csv" or "xlsx")."""
    import pandas as pd  # pandas: imported when a download is built, not at start-up (1/3 s of import time)
    if fmt == "csv":
        frame = frame_or_frames if isinstance(frame_or_frames, pd.DataFrame) else next(iter(frame_or_frames.values()))
        body = csv_bytes(frame)
    elif fmt == "xlsx":
        body = xlsx_bytes(frame_or_frames)
    else:
        raise ValueError(fmt)
    response = Response(body, content_type=CONTENT_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def dated_name(*parts) -> str:
    return "-".join(str(p) for p in parts if p) + "-" + date.today().isoformat()
