"""QR codes for a whole sheet of cards at once, as module matrices, SVG paths and PDF images.

segno builds one QR code in pure Python in 3–15 ms, which is 30 s to several minutes for a
10,000-card sheet. Every card of a sheet carries the same kind of text: the same address
followed by a 13-character code, so every symbol has the same version, mode (alphanumeric),
error correction level (M), mask (fixed: 0) and length. For such a family the module matrix is
an *affine* function, over GF(2), of the bits that encode the varying characters: the data
bits are placed at fixed positions, the Reed–Solomon check bytes are linear in the data bytes
(addition in GF(256) is XOR), interleaving and placement are a fixed permutation, and the
mask, format and version information are fixed. So::

    matrix(text) = matrix(reference) XOR  sum over the varying bits b that differ  delta_b

where each ``delta_b`` (the modules that one bit flips) is learned once per family from segno
itself: two texts that differ in that one bit, encoded by segno, XORed. A 10,000-card sheet is
then one matrix product (numpy) instead of 10,000 symbols built in Python, and segno stays the
reference encoder: the family is checked against it (mode and version of every learning
symbol) and falls back to segno code by code for anything that is not such a family. The
tests compare the matrices with segno's for random codes and decode the drawn symbols with
zxing-cpp, so a broken encoder fails them.

Alphanumeric mode groups the text in pairs of characters, each pair an 11-bit number
(45 × first + second) and a last single character a 6-bit one; only the groups holding a
varying character are learned (7 groups, 77 bits, about 84 segno symbols, for a code of 13).
"""
from __future__ import annotations

import functools
import re
import threading

import numpy as np
import segno
from markupsafe import escape

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUE = np.full(256, -1, dtype=np.int16)
for _i, _c in enumerate(ALNUM):
    _VALUE[ord(_c)] = _i
_ALNUM_TEXT = re.compile(r"[0-9A-Z $%*+\-./:]*")
QUIET = 2  # modules of white border drawn around each symbol (the card's margin adds to it)


def make(text: str):
    """The reference symbol: segno, error correction M, fixed mask 0 (any mask scans; choosing
    the best of eight takes most of segno's time), never a Micro QR."""
    return segno.make(text, error="m", mask=0, micro=False)


def _segno_matrix(text: str) -> np.ndarray:
    return np.array(make(text).matrix, dtype=np.uint8)


def _groups(length: int) -> list[tuple[int, int, int]]:
    """(start, end, bits) of each alphanumeric group of a text of ``length`` characters."""
    return [(i, min(i + 2, length), 11 if i + 1 < length else 6) for i in range(0, length, 2)]


def _group_values(texts: list[str], length: int) -> np.ndarray:
    """The alphanumeric value of every group of every text, shape (texts, groups)."""
    raw = np.frombuffer("".join(texts).encode("latin-1"), dtype=np.uint8).reshape(len(texts), length)
    chars = _VALUE[raw].astype(np.int32)
    pairs = chars[:, 0:length - 1:2] * 45 + chars[:, 1:length:2]
    if length % 2:
        return np.concatenate([pairs, chars[:, -1:]], axis=1)
    return pairs


def _text_with(reference: str, start: int, end: int, value: int) -> str:
    chars = (ALNUM[value // 45] + ALNUM[value % 45]) if end - start == 2 else ALNUM[value]
    return reference[:start] + chars + reference[end:]


class Family:
    """Texts of one length sharing ``reference``'s characters outside ``varying`` positions."""

    def __init__(self, reference: str, first_varying: int):
        self.reference = reference
        self.length = len(reference)
        symbol = make(reference)
        if symbol.mode != "alphanumeric":
            raise ValueError("not an alphanumeric family")
        version = symbol.version
        self.base = np.array(symbol.matrix, dtype=np.uint8)
        self.size = self.base.shape[0]
        groups = _groups(self.length)
        self.groups = [g for g, (start, end, _bits) in enumerate(groups) if end > first_varying]
        deltas, widths = [], []
        for g in self.groups:
            start, end, bits = groups[g]
            zero_text = _text_with(reference, start, end, 0)
            zero = make(zero_text)
            if zero.mode != "alphanumeric" or zero.version != version:
                raise ValueError("the family changes version or mode")
            zero_matrix = np.array(zero.matrix, dtype=np.uint8)
            for bit in range(bits):
                other = make(_text_with(reference, start, end, 1 << bit))
                if other.mode != "alphanumeric" or other.version != version:
                    raise ValueError("the family changes version or mode")
                deltas.append((np.array(other.matrix, dtype=np.uint8) ^ zero_matrix).ravel())
            widths.append(bits)
        self.widths = widths
        self.deltas = np.array(deltas, dtype=np.float32)  # (learned bits, modules)
        self.reference_values = _group_values([reference], self.length)[0, self.groups]

    def matrices(self, texts: list[str], chunk: int = 2000) -> np.ndarray:
        """Module matrices (1 = dark) of ``texts``, shape (texts, size, size), uint8."""
        out = np.empty((len(texts), self.size, self.size), dtype=np.uint8)
        for first in range(0, len(texts), chunk):
            part = texts[first:first + chunk]
            values = _group_values(part, self.length)[:, self.groups] ^ self.reference_values
            bits = np.concatenate([(values[:, [j]] >> np.arange(w)) & 1 for j, w in enumerate(self.widths)], axis=1)
            flips = (bits.astype(np.float32) @ self.deltas).astype(np.int32) & 1  # exact: sums below 2^24
            out[first:first + len(part)] = (flips.astype(np.uint8) ^ self.base.ravel()).reshape(-1, self.size, self.size)
        return out


_lock = threading.Lock()
_families: dict[tuple[str, int], Family | None] = {}  # (prefix, length) → learned family (None: not one)
LEARN_FROM = 20  # fewer texts than this are encoded by segno directly unless their family is known


def matrices(texts: list[str], varying: int | None = None) -> np.ndarray | list[np.ndarray]:
    """The module matrices of ``texts`` (1 = dark, without quiet zone): one array of shape
    (texts, size, size) for a family of texts sharing all but their last ``varying``
    characters (default: their common prefix), else a list of segno's matrices one by one."""
    if not texts:
        return np.zeros((0, 0, 0), dtype=np.uint8)
    length = len(texts[0])
    prefix = texts[0][:length - varying] if varying else _common_prefix(texts)
    family = None
    if (0 < length - len(prefix) <= 16 and all(len(t) == length and t.startswith(prefix) for t in texts)
            and _ALNUM_TEXT.fullmatch("".join(texts)) is not None):
        key = (prefix, length)
        with _lock:
            if key not in _families and len(texts) >= LEARN_FROM:
                if len(_families) >= 32:
                    _families.clear()
                try:
                    _families[key] = Family(prefix + "0" * (length - len(prefix)), len(prefix))
                except ValueError:
                    _families[key] = None
            family = _families.get(key)
    if family is not None:
        return family.matrices(texts)
    return [_segno_matrix(t) for t in texts]


def _common_prefix(texts: list[str]) -> str:
    first, last = min(texts), max(texts)
    n = 0
    while n < len(first) and n < len(last) and first[n] == last[n]:
        n += 1
    return first[:n]


# Drawing ----------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _run_tokens(size: int) -> list[str]:
    """SVG path pieces ``M{x} {y}h{length}`` for every (row, column, length) of a size."""
    return [f"M{x} {y}.5h{n}" for y in range(size) for x in range(size) for n in range(size + 1)]


def svg_paths(mats) -> list[str]:
    """One SVG path (``d``) per matrix: a horizontal line of stroke width 1 per run of dark
    modules, in module units, the symbol's corner at (0, 0)."""
    if isinstance(mats, list):
        return [svg_paths(m[None])[0] for m in mats]
    count, size = mats.shape[0], mats.shape[1]
    if count == 0:
        return []
    padded = np.zeros((count, size, size + 2), dtype=np.int8)
    padded[:, :, 1:-1] = mats
    edges = np.diff(padded, axis=2)  # +1 where a run of dark modules starts, -1 after it ends
    starts = np.flatnonzero(edges == 1)
    lengths = np.flatnonzero(edges == -1) - starts  # runs start and end in the same row, in order
    row_index, column = np.divmod(starts, size + 1)
    card = row_index // size
    index = (((row_index % size) * size + column) * (size + 1) + lengths).tolist()
    tokens = _run_tokens(size)
    bounds = np.searchsorted(card, np.arange(count + 1)).tolist()
    return ["".join([tokens[i] for i in index[bounds[c]:bounds[c + 1]]]) for c in range(count)]


def svg(path: str, size: int, title: str) -> str:
    """An inline SVG of one symbol with its quiet zone, scaled by the page's CSS."""
    full = size + 2 * QUIET
    return (f'<svg viewBox="0 0 {full} {full}" class="segno" role="img" xmlns="http://www.w3.org/2000/svg">'
            f'<title>{escape(title)}</title><rect width="{full}" height="{full}" fill="#fff"/>'
            f'<path transform="translate({QUIET},{QUIET})" stroke="#000" d="{path}"/></svg>')


def pdf_image_rows(mats) -> list[str]:
    """Each matrix as the hex data of a 1-bit image, a row at a time padded to whole bytes
    (1 = dark: drawn with ``/Decode [1 0]``)."""
    if isinstance(mats, list):
        return [pdf_image_rows(m[None])[0] for m in mats]
    packed = np.packbits(mats, axis=2)
    return [card.tobytes().hex() for card in packed]
