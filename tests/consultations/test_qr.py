"""The printed QR codes stay scannable: the sheet's fast encoder gives exactly segno's symbols,
and the symbols drawn in the HTML sheet (SVG paths) and in the PDF (inline images) decode,
with zxing-cpp, to the card's address."""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import zxingcpp  # test dependency: decodes the QR codes as a phone's scanner would

sys.path.insert(0, str(Path(__file__).parent))

from consult_testlib import make_consultation  # noqa: E402


def decode(matrix) -> list[str]:
    """What a scanner reads from a module matrix (1 = dark), drawn 4 pixels a module with a
    quiet zone."""
    light = np.pad(1 - np.asarray(matrix, dtype=np.uint8), 4, constant_values=1)
    image = (np.kron(light, np.ones((4, 4), dtype=np.uint8)) * 255).astype(np.uint8)
    return [found.text for found in zxingcpp.read_barcodes(image)]


def from_svg(svg: str) -> np.ndarray:
    """The module matrix drawn by one card's SVG (runs ``M x y.5 h n``)."""
    size = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    matrix = np.zeros((size, size), dtype=np.uint8)
    border = int(re.search(r"translate\((\d+),", svg).group(1))
    for x, y, n in re.findall(r"M(\d+) (\d+)\.5h(\d+)", svg):
        matrix[int(y) + border, int(x) + border:int(x) + border + int(n)] = 1
    return matrix


@pytest.mark.parametrize("base", ["HTTPS://SHARAKA.EXAMPLE.PS/C/", "HTTP://127.0.0.1:5072/C/",
                                  "HTTPS://CONSULT.MINISTRY-OF-SOCIAL-DEVELOPMENT.EXAMPLE.GOV.PS/C/"])
def test_the_sheet_encoder_gives_segnos_symbols(base):
    from priorities.consultations import codes, qr

    texts = [base + codes.new_code() for _ in range(300)]
    mats = qr.matrices(texts, varying=codes.LENGTH)
    assert isinstance(mats, np.ndarray) and mats.shape[0] == 300  # the batch path, not segno one by one
    for text, matrix in zip(texts, mats):
        assert np.array_equal(matrix, np.array(qr.make(text).matrix, dtype=np.uint8)), text
    for i in (0, 151, 299):
        assert decode(mats[i]) == [texts[i]]


def test_a_broken_symbol_does_not_decode_to_the_card():
    """The check above can fail: a symbol with modules flipped is not read as the card's text."""
    from priorities.consultations import codes, qr

    text = "HTTPS://SHARAKA.EXAMPLE.PS/C/" + codes.new_code()
    matrix = np.array(qr.make(text).matrix, dtype=np.uint8)
    broken = matrix.copy()
    broken[9:20, 9:20] ^= 1  # a block of data modules past what error correction M repairs
    assert decode(matrix) == [text] and decode(broken) != [text]


def test_texts_outside_a_family_are_encoded_one_by_one():
    from priorities.consultations import qr

    texts = ["https://lower.case/C/" + str(i) for i in range(30)]  # not alphanumeric: byte mode
    mats = qr.matrices(texts)
    assert isinstance(mats, list)
    assert decode(mats[3]) == [texts[3]]


def test_html_sheet_qr_codes_decode_to_each_card(app, world):
    from priorities.consultations import codes, printing

    consultation, plain = make_consultation(world, codes=30)
    with app.test_request_context("/", base_url="https://sharaka.example.ps"):
        cards = printing.cards(plain)
    for code, card in zip(plain, cards):
        assert card["code"] == codes.grouped(code)
        assert decode(from_svg(card["svg"])) == ["HTTPS://SHARAKA.EXAMPLE.PS/C/" + code]


def test_pdf_sheet_qr_codes_decode_to_each_card(app, world):
    from pypdf import PdfReader

    from priorities.consultations import printing

    consultation, plain = make_consultation(world, codes=25)
    with app.test_request_context("/", base_url="https://sharaka.example.ps"):
        data = printing.pdf_bytes(consultation, consultation.batches[0], plain)
    reader = PdfReader(io.BytesIO(data))
    found = []
    for page in reader.pages:
        content = page.get_contents().get_data()
        for width, height, hexdata in re.findall(rb"BI /W (\d+) /H (\d+) .*? ID ([0-9a-f]+)> EI", content):
            n = int(width)
            assert n == int(height)
            rows = np.frombuffer(bytes.fromhex(hexdata.decode()), dtype=np.uint8).reshape(n, -1)
            found.append(np.unpackbits(rows, axis=1)[:, :n])
    assert len(found) == 25
    assert [decode(m) for m in found] == [["HTTPS://SHARAKA.EXAMPLE.PS/C/" + c] for c in plain]
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.count("Scan the square, or type the code at") == 25
