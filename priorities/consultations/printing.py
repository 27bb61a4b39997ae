"""The sheet of cards: each card has the code grouped for reading aloud, a QR code leading to
the ballot with the code, and the address to type it at.

Two outputs from the same cards: an HTML page with a print stylesheet (QR codes as inline SVG,
one path each), and a PDF drawn with fpdf2. The QR module matrices of a whole sheet are built
at once (:mod:`priorities.consultations.qr`: one numpy product learned from ``segno``, the
reference encoder, instead of one pure-Python symbol a card). fpdf2 is pure Python, maintained,
fast enough for thousands of cards (each QR one small inline 1-bit image), and shapes Arabic
through HarfBuzz (``uharfbuzz``) with the DejaVu Sans font shipped beside this module;
rendering the HTML page to PDF in a browser or WeasyPrint would need a browser or Pango on
every server and is far slower for 10,000 cards.

The QR payload is the ballot's short address in upper case (``HTTPS://HOST/C/CODE``): QR's
alphanumeric mode holds it in a smaller symbol, easier to scan from a small card.
"""
from __future__ import annotations

import re
from pathlib import Path

from flask import Response, request
from flask_babel import gettext as _

from priorities.consultations import codes

FONTS = Path(__file__).parent / "fonts"
CARDS_PER_PAGE = 10  # A4, two columns of five cards of 95 × 55 mm
HTML_PART = 1000  # cards per HTML sheet page (100 A4 pages; each part well within the request deadline)
PDF_PART = 2500  # cards per PDF file (250 pages)


def parts(total: int, size: int) -> list[tuple[int, int]]:
    """[(start, end)] slices of ``total`` cards, ``size`` at a time (at least one, even empty)."""
    return [(start, min(start + size, total)) for start in range(0, total, size)] or [(0, 0)]


def scan_base() -> str:
    """``HTTP(S)://HOST/C/``: what precedes the code in the QR payload."""
    return request.host_url.upper() + "C/"


def payloads(plain: list[str]) -> list[str]:
    base = scan_base()
    return [base + code for code in plain]


def cards(plain: list[str]) -> list[dict]:
    """The cards for the HTML sheet: grouped code, QR as inline SVG, the address to type at."""
    from priorities.consultations import qr  # numpy: imported when a sheet is printed, not at start-up

    mats = qr.matrices(payloads(plain), varying=codes.LENGTH)
    paths = qr.svg_paths(mats)
    out = []
    for code, path, mat in zip(plain, paths, mats):
        grouped = codes.grouped(code)
        out.append({"code": grouped, "svg": qr.svg(path, len(mat), grouped)})
    return out


def _qr_ops(hex_rows: str, n: int, x: float, y: float, size: float, k: float, page_h: float) -> str:
    """The QR code as one inline 1-bit image (hex-encoded, a pixel a module, scaled without
    smoothing): one small operator per card instead of hundreds of rectangles."""
    return (f"q {size * k:.2f} 0 0 {size * k:.2f} {x * k:.2f} {(page_h - y - size) * k:.2f} cm "
            f"BI /W {n} /H {n} /BPC 1 /CS /G /D [1 0] /I false /F /AHx ID {hex_rows}> EI Q")


CARD_W, CARD_H, LEFT, TOP = 95.0, 55.0, 10.0, 11.0


def _card_origin(slot: int) -> tuple[float, float]:
    return LEFT + (slot % 2) * CARD_W, TOP + (slot // 2) * CARD_H


def _constant_text(pdf, consultation, x: float, y: float) -> None:
    """What every card of the sheet says (council, question, how to answer), drawn once."""
    width = CARD_W
    pdf.set_font("sans", size=8)
    pdf.set_xy(x + 3, y + 3)
    pdf.cell(width - 6, 4, consultation.council.name_ar, align="R")
    pdf.set_xy(x + 3, y + 7)
    pdf.cell(width - 6, 4, consultation.question_ar[:90], align="R")
    pdf.set_font("sans", size=7)
    pdf.set_xy(x + 37, y + 30)
    pdf.cell(width - 40, 4, "امسح المربع أو اكتب الرمز على", align="R")
    pdf.set_xy(x + 37, y + 34)
    pdf.cell(width - 40, 4, "Scan the square, or type the code at", align="L")
    pdf.set_xy(x + 37, y + 38)
    pdf.cell(width - 40, 4, request.host_url.rstrip("/") + "/consult/", align="L")


_TEXT_OP = re.compile(rb"BT (-?[\d.]+) (-?[\d.]+) Td \(")


class _Line:
    """A line of Latin text drawn the same way on every card (same font, size and position in
    the card, only the characters differ): drawn once by fpdf2 on the first card, whose
    position of the text is read from the operators fpdf2 wrote, then written directly on the
    others (``BT /F.. Tf x y Td (glyphs) Tj ET``), moved to each card. Cells cost about a
    millisecond each in fpdf2, two a card: 20 s for 10,000 cards; this costs microseconds."""

    def __init__(self, pdf, family: str, size: float, ops: bytes, origin: tuple[float, float]):
        match = _TEXT_OP.search(ops)
        if match is None:  # fpdf2 writes text differently than this module expects
            raise RuntimeError("unexpected PDF text operators from fpdf2")
        self.pdf, self.font, self.size = pdf, pdf.fonts[family], size
        self.x, self.y, self.origin = float(match.group(1)), float(match.group(2)), origin
        self.glyphs: dict[str, str] = {}

    def ops(self, text: str, x: float, y: float) -> str:
        glyphs = self.glyphs
        for char in text:
            if char not in glyphs:
                glyphs[char] = chr(self.font.subset.pick(ord(char)))  # the font subset keeps the glyph
        escaped = self.font.escape_text("".join(glyphs[c] for c in text))
        k = self.pdf.k
        return (f"BT /F{self.font.i} {self.size:.2f} Tf {self.x + (x - self.origin[0]) * k:.2f} "
                f"{self.y - (y - self.origin[1]) * k:.2f} Td ({escaped}) Tj ET")


def pdf_bytes(consultation, batch, plain: list[str], first: int = 0) -> bytes:
    """The PDF sheet of ``plain`` codes (A4, ten cards a page, cut lines).

    Shaping Arabic text costs milliseconds a line, so the text every card shares is shaped and
    drawn once, on the first card, and its PDF operators are repeated on the others, moved by a
    transformation matrix (``q 1 0 0 1 dx dy cm … Q``); the code and its number (Latin, without
    shaping) are drawn by fpdf2 on the first card and written directly on the others
    (:class:`_Line`). fpdf2 has no public call for raw operators: ``_out`` is used (and the
    page's font resources are declared as fpdf2 does), and the tests read back the text of
    every card and decode its QR code from the PDF."""
    # fpdf2 and the sheet's QR encoder (NumPy) are heavy: imported when a sheet is printed,
    # not at start-up
    from fpdf import FPDF
    from fpdf.enums import PDFResourceType

    from priorities.consultations import qr

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.add_font("sans", fname=str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("mono", fname=str(FONTS / "DejaVuSansMono-Bold.ttf"))
    pdf.set_fill_color(0, 0, 0)
    pdf.set_draw_color(170, 170, 170)
    pdf.set_line_width(0.1)
    k, page_h = pdf.k, pdf.h
    mats = qr.matrices(payloads(plain), varying=codes.LENGTH)
    images = qr.pdf_image_rows(mats)
    stamp = b""
    for index, code in enumerate(plain):
        slot = index % CARDS_PER_PAGE
        if slot == 0:
            pdf.add_page()
            for family in ("sans", "mono"):  # the fonts the copied operators use, on this page's resources
                pdf._resource_catalog.add(PDFResourceType.FONT, pdf.fonts[family].i, pdf.page)
        x, y = _card_origin(slot)
        pdf._out(f"{x * k:.2f} {(page_h - y) * k:.2f} {CARD_W * k:.2f} {-CARD_H * k:.2f} re S")  # cut line
        number = f"#{batch.id} · {first + index + 1}"
        if not stamp:
            contents = pdf.pages[pdf.page].contents
            before = len(contents)
            pdf.set_text_shaping(True)
            _constant_text(pdf, consultation, x, y)
            pdf.set_text_shaping(False)
            stamp, stamp_origin = bytes(contents[before:]), (x, y)
            lines = []
            for family, size, dy, height, text, align in (("mono", 13, 18, 8, codes.grouped(code), "C"),
                                                           ("sans", 7, 46, 4, number, "L")):
                pdf.set_font(family, size=size)
                before = len(contents)
                pdf.set_xy(x + 37, y + dy)
                pdf.cell(CARD_W - 40, height, text, align=align)
                lines.append(_Line(pdf, family, size, bytes(contents[before:]), (x, y)))
            code_line, number_line = lines
        else:
            dx, dy = (x - stamp_origin[0]) * k, (stamp_origin[1] - y) * k
            pdf._out(f"q 1 0 0 1 {dx:.2f} {dy:.2f} cm".encode() + b"\n" + stamp + b"Q")
            pdf._out(code_line.ops(codes.grouped(code), x, y))
            pdf._out(number_line.ops(number, x, y))
        pdf._out(_qr_ops(images[index], len(mats[index]), x + 4, y + 12, 30, k, page_h))
    return bytes(pdf.output())


def pdf_response(consultation, batch, plain: list[str], first: int = 0, part: int = 1) -> Response:
    response = Response(pdf_bytes(consultation, batch, plain, first), content_type="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="consultation-{consultation.id}-codes-{batch.id}-{part}.pdf"')
    response.headers["Cache-Control"] = "no-store"
    return response


def sheet_title(consultation) -> str:
    return _("Access codes: %(question)s", question=consultation.question)
