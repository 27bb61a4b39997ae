"""Hostile .xlsx files built in memory (zip bombs of rows, of cells, of shared strings), and a
workbook whose zip directory lies about its sizes. Shared by the tests and the measurement script."""
from __future__ import annotations

import io
import struct
import zipfile

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
CONTENT_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="xml" ContentType="application/xml"/></Types>')
WORKBOOK = (f'<?xml version="1.0"?><workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>')
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Budget-line code</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>Title (Arabic)</t></is></c><c r="C1" t="inlineStr"><is><t>Cost</t></is>'
              '</c></row>')


def workbook(sheet_body, shared_strings=None) -> bytes:
    """An .xlsx with one sheet whose <sheetData> holds ``sheet_body`` (str or an iterable of
    str chunks, streamed into the archive), with no <dimension> element."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0"?><worksheet {NS}><sheetData>'.encode())
            for chunk in ([sheet_body] if isinstance(sheet_body, str) else sheet_body):
                out.write(chunk.encode())
            out.write(b"</sheetData></worksheet>")
        if shared_strings is not None:
            with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
                out.write(f'<?xml version="1.0"?><sst {NS}>'.encode())
                for chunk in shared_strings:
                    out.write(chunk.encode())
                out.write(b"</sst>")
    return buf.getvalue()


def _repeat(piece: str, count: int, per: int = 10_000):
    block = piece * per
    for start in range(0, count, per):
        yield block if count - start >= per else piece * (count - start)


def rows_bomb(rows: int = 2_000_000) -> bytes:
    """Millions of small rows without row numbers or <dimension>: a tiny file that unpacks to
    a hundred megabytes and more."""
    return workbook([HEADER_ROW] + list(_repeat('<row><c t="inlineStr"><is><t>P1</t></is></c><c><v>1</v></c>'
                                                '<c><v>5</v></c></row>', rows)))


def wide_row(cells: int = 1_000_000) -> bytes:
    """One row of a million cells or more."""
    return workbook([HEADER_ROW, '<row r="2">'] + list(_repeat("<c><v>1</v></c>", cells)) + ["</row>"])


def shared_strings_bomb(strings: int = 1_000_000) -> bytes:
    """A million shared strings or more (most never used by a cell)."""
    return workbook(HEADER_ROW + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>',
                    _repeat("<si><t>x</t></si>", strings))


def many_rows(rows: int) -> bytes:
    """Ordinary rows, more of them than an import allows."""
    return workbook([HEADER_ROW] + [f'<row r="{i + 2}"><c r="A{i + 2}" t="inlineStr"><is><t>C{i}</t></is></c>'
                                    f'<c r="C{i + 2}"><v>{i + 1}</v></c></row>' for i in range(rows)])


def lying_sizes(data: bytes, declared: int = 1000) -> bytes:
    """The same archive with every member's unpacked size in the zip directory set to ``declared``
    (what an attacker writes to slip past a check of the directory alone)."""
    out = bytearray(data)
    pos = 0
    while True:
        pos = out.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        struct.pack_into("<I", out, pos + 24, declared)
        pos += 4
    pos = 0
    while True:
        pos = out.find(b"PK\x03\x04", pos)
        if pos < 0:
            break
        struct.pack_into("<I", out, pos + 22, declared)
        pos += 4
    return bytes(out)
