"""The sheet of cards: each card has the code grouped for reading aloud, a QR code (``segno``)
leading to the ballot with the code, and the address to type it at.

Two outputs from the same cards: an HTML page with a print stylesheet (QR codes as inline SVG),
and a PDF drawn with fpdf2. fpdf2 is pure Python, maintained, fast enough for thousands of
cards (the QR modules are drawn as vector rectangles, no image per card), and shapes Arabic
through HarfBuzz (``uharfbuzz``) with the DejaVu Sans font shipped beside this module;
rendering the HTML page to PDF in a browser or WeasyPrint would need a browser or Pango on
every server and is far slower for 10,000 cards.

The QR payload is the ballot's short address in upper case (``HTTPS://HOST/C/CODE``): QR's
alphanumeric mode holds it in a smaller symbol, easier to scan from a small card.
"""
from __future__ import annotations

from pathlib import Path

import segno
from flask import Response, request
from flask_babel import gettext as _

from priorities.consultations import codes

FONTS = Path(__file__).parent / "fonts"
CARDS_PER_PAGE = 10  # A4, two columns of five cards of 95 × 55 mm
HTML_PART = 200  # cards per HTML sheet page
PDF_PART = 1000  # cards per PDF file


def parts(total: int, size: int) -> list[tuple[int, int]]:
    """[(start, end)] slices of ``total`` cards, ``size`` at a time (at least one, even empty)."""
    return [(start, min(start + size, total)) for start in range(0, total, size)] or [(0, 0)]


def scan_base() -> str:
    """``HTTP(S)://HOST/C/``: what precedes the code in the QR payload."""
    return request.host_url.upper() + "C/"


def qr_for(payload: str):
    # A fixed mask: choosing the best of eight takes most of segno's time, and any mask scans.
    return segno.make(payload, error="m", mask=0, micro=False)


def cards(plain: list[str]) -> list[dict]:
    """The cards for the HTML sheet: grouped code, QR as inline SVG, the address to type at."""
    base = scan_base()
    out = []
    for code in plain:
        qr = qr_for(base + code)
        out.append({"code": codes.grouped(code), "svg": qr.svg_inline(scale=3, border=2, omitsize=True,
                                                                      title=codes.grouped(code))})
    return out


def _qr_ops(qr, x: float, y: float, size: float, k: float, page_h: float) -> str:
    """The QR code as one inline 1-bit image (hex-encoded, a pixel a module, scaled without
    smoothing): one small operator per card instead of hundreds of rectangles."""
    rows = qr.matrix  # one bytearray a row, 1 for a dark module, without the quiet zone
    n = len(rows)
    pad = "0" * (-n % 8)
    data = "".join(f"{int(''.join('1' if m else '0' for m in row) + pad, 2):0{(n + len(pad)) // 4}x}" for row in rows)
    return (f"q {size * k:.2f} 0 0 {size * k:.2f} {x * k:.2f} {(page_h - y - size) * k:.2f} cm "
            f"BI /W {n} /H {n} /BPC 1 /CS /G /D [1 0] /I false /F /AHx ID {data}> EI Q")


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


def pdf_bytes(consultation, batch, plain: list[str], first: int = 0) -> bytes:
    """The PDF sheet of ``plain`` codes (A4, ten cards a page, cut lines).

    Shaping Arabic text costs milliseconds a line, so the text every card shares is shaped and
    drawn once, on the first card, and its PDF operators are repeated on the others, moved by a
    transformation matrix (``q 1 0 0 1 dx dy cm … Q``); only the code and its number are drawn per
    card (Latin, without shaping). fpdf2 has no public call for raw operators: ``_out`` is used,
    and the test compares the text of every card read back from the PDF."""
    from fpdf import FPDF  # heavy library: imported when a sheet is printed, not at start-up

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.add_font("sans", fname=str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("mono", fname=str(FONTS / "DejaVuSansMono-Bold.ttf"))
    pdf.set_fill_color(0, 0, 0)
    pdf.set_draw_color(170, 170, 170)
    pdf.set_line_width(0.1)
    k, page_h = pdf.k, pdf.h
    base = scan_base()
    stamp = b""
    for index, code in enumerate(plain):
        slot = index % CARDS_PER_PAGE
        if slot == 0:
            pdf.add_page()
        x, y = _card_origin(slot)
        pdf.rect(x, y, CARD_W, CARD_H)
        if not stamp:
            contents = pdf.pages[pdf.page].contents
            before = len(contents)
            pdf.set_text_shaping(True)
            _constant_text(pdf, consultation, x, y)
            pdf.set_text_shaping(False)
            stamp, stamp_origin = bytes(contents[before:]), (x, y)
        else:
            dx, dy = (x - stamp_origin[0]) * k, (stamp_origin[1] - y) * k
            pdf._out(f"q 1 0 0 1 {dx:.2f} {dy:.2f} cm".encode() + b"\n" + stamp + b"Q")
        pdf._out(_qr_ops(qr_for(base + code), x + 4, y + 12, 30, k, page_h))
        pdf.set_font("mono", size=13)
        pdf.set_xy(x + 37, y + 18)
        pdf.cell(CARD_W - 40, 8, codes.grouped(code), align="C")
        pdf.set_font("sans", size=7)  # also puts the shared text's font on this page's resources
        pdf.set_xy(x + 37, y + 46)
        pdf.cell(CARD_W - 40, 4, f"#{batch.id} · {first + index + 1}", align="L")
    return bytes(pdf.output())


def pdf_response(consultation, batch, plain: list[str], first: int = 0, part: int = 1) -> Response:
    response = Response(pdf_bytes(consultation, batch, plain, first), content_type="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="consultation-{consultation.id}-codes-{batch.id}-{part}.pdf"')
    response.headers["Cache-Control"] = "no-store"
    return response


def sheet_title(consultation) -> str:
    return _("Access codes: %(question)s", question=consultation.question)
