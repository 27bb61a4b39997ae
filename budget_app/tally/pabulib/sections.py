"""The first stage of reading a Pabulib file: its text, cut into its three sections.

A section starts at a line whose only field is ``META``, ``PROJECTS`` or ``VOTES``; its first
non-blank line is its header. :meth:`Sections.rows` gives a small section row by row,
:meth:`Sections.columns` the big VOTES section column by column (the fast path: one
``str.split`` over the whole section).
"""

from __future__ import annotations

import csv
import os
import re

from .values import PabulibError

SECTIONS = ("meta", "projects", "votes")
# Searched in "\n" + text: the literal first character lets the regex engine skip from line to
# line instead of trying a match at every character (4.5 MB: 110 ms -> a few ms).
_SECTION_RE = re.compile(r'\n[ \t]*"?((?i:META|PROJECTS|VOTES))"?[ \t;]*$', re.M)


def read_text(source) -> str:
    """The text of ``source`` (see :func:`~budget_app.tally.pabulib.parse_pb`), BOM removed, LF line
    endings."""
    if hasattr(source, "read"):
        data = source.read()
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    else:
        text = _read_source(source)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _read_source(source) -> str:
    if isinstance(source, bytes):
        return source.decode("utf-8-sig")
    if isinstance(source, os.PathLike):
        with open(source, "rb") as fh:
            return fh.read().decode("utf-8-sig")
    if isinstance(source, str):
        if "\n" not in source and "\r" not in source and len(source) < 4096:
            try:
                is_file = os.path.isfile(source)
            except (OSError, ValueError):
                is_file = False
            if is_file:
                with open(source, "rb") as fh:
                    return fh.read().decode("utf-8-sig")
            raise PabulibError(f"file not found: {source!r}")
        return source[1:] if source.startswith("\ufeff") else source
    raise TypeError(f"cannot read a Pabulib election from {type(source).__name__}")


def _csv_rows(lines: list[str], first_line_no: int):
    """Yield (line_no, fields) for non-blank lines (csv with ';', quotes allowed)."""
    reader = csv.reader(lines, delimiter=";", quotechar='"')
    for row in reader:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        yield first_line_no + reader.line_num - 1, row


class Sections:
    """Where the META, PROJECTS and VOTES sections of ``text`` are (checked: each once, in that
    order, nothing before META)."""

    def __init__(self, text: str):
        self.text = text
        self.starts: dict[str, int] = {}  # section -> 0-based line index of its title
        self.spans: dict[str, tuple[int, int]] = {}  # section -> (char start, char end) of the title line
        order: list[str] = []
        for mt in _SECTION_RE.finditer("\n" + text):
            head = mt.group(1).lower()
            start, end = mt.start(), mt.end() - 1  # in text: the title line, from its first character
            line_idx = text.count("\n", 0, start)
            if head in self.starts:
                raise PabulibError(f"duplicate {head.upper()} section", line_idx + 1)
            self.starts[head] = line_idx
            self.spans[head] = (start, end)
            order.append(head)
        for sec in SECTIONS:
            if sec not in self.starts:
                raise PabulibError(f"missing {sec.upper()} section")
        if order != list(SECTIONS):
            raise PabulibError("sections must appear in the order META, PROJECTS, VOTES", self.starts[order[1]] + 1)
        before = text[: self.spans["meta"][0]]
        if before.strip():
            k = next(i for i, l in enumerate(before.split("\n")) if l.strip())
            raise PabulibError("file must start with the META section", k + 1)

    def title_line(self, sec: str) -> int:
        """The 1-based line number of the section's title."""
        return self.starts[sec] + 1

    def _body(self, sec: str) -> str:
        """The text after the section's title line, up to the next section."""
        pos = self.spans[sec][1] + 1
        nxt = [self.spans[s][0] for s in SECTIONS if self.spans[s][0] > self.spans[sec][0]]
        end = min(nxt) if nxt else len(self.text)
        return self.text[pos:end] if pos <= end else ""

    def rows(self, sec: str):
        """``(header line number, header, [(line number, fields)])`` of a section, blank lines skipped."""
        first = self.starts[sec] + 2  # 1-based number of the first line after the title
        seg_text = self._body(sec)
        seg = seg_text.split("\n")
        if '"' not in seg_text:
            rows = [(first + k, l.split(";")) for k, l in enumerate(seg) if l and not l.isspace()]
        else:
            rows = list(_csv_rows(seg, first))
        if not rows:
            raise PabulibError(f"{sec.upper()} section has no header line", self.title_line(sec))
        header_line, header = rows[0]
        return header_line, [h.strip() for h in header], rows[1:]

    def columns(self, sec: str):
        """Like :meth:`rows` but column by column: ``(header line number, header, line numbers,
        columns)``, each column a list of raw strings (missing trailing fields empty)."""
        seg_text = self._body(sec)
        if '"' in seg_text:
            return self._quoted_columns(sec)
        first = self.starts[sec] + 2
        body = seg_text.rstrip("\n")
        seg = body.split("\n") if body else []
        nos = range(first, first + len(seg))
        if not body or "\n\n" in body or body.startswith("\n") or "\n " in body or "\n\t" in body:
            keep = [k for k, l in enumerate(seg) if l and not l.isspace()]
            seg = [seg[k] for k in keep]
            nos = [first + k for k in keep]
        if not seg:
            raise PabulibError(f"{sec.upper()} section has no header line", self.title_line(sec))
        header = [h.strip() for h in seg[0].split(";")]
        width = len(header)
        body, line_nos = seg[1:], list(nos[1:])
        counts = [l.count(";") for l in body]
        if any(c != width - 1 for c in counts):
            for k, c in enumerate(counts):
                if c > width - 1:
                    raise PabulibError(f"line has {c + 1} fields but the header has {width}", line_nos[k])
            body = [l + ";" * (width - 1 - c) for l, c in zip(body, counts)]
        flat = ";".join(body).split(";") if body else []
        cols = [flat[k::width] for k in range(width)]
        return nos[0], header, line_nos, cols

    def _quoted_columns(self, sec: str):
        """:meth:`columns` of a section with quoted fields (read with the CSV reader)."""
        hl, header, rows = self.rows(sec)
        width = len(header)
        for line_no, row in rows:
            if len(row) > width:
                raise PabulibError(f"line has {len(row)} fields but the header has {width}", line_no)
        line_nos = [ln for ln, _ in rows]
        cols = [[(r[k] if len(r) > k else "") for _, r in rows] for k in range(width)]
        return hl, header, line_nos, cols
