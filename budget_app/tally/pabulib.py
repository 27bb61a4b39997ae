"""Reading and writing Pabulib ``.pb`` files (https://pabulib.org/format).

Pure Python + NumPy. The parser is tolerant (CRLF or LF line endings, a UTF-8
BOM, extra columns, quoted fields containing ``;``, missing optional columns)
but strict about content: any malformed input raises :class:`PabulibError`
whose message names the 1-based line number and the problem.

Votes are stored compactly in CSR form (one row per ballot):

* ``election.ballot_ptr``  -- int64 array of length ``n_voters + 1``;
* ``election.ballot_proj`` -- int32 array of project *indices* (into
  ``election.projects``), in ballot order (rank order for ordinal ballots);
* ``election.ballot_points`` -- int64 array aligned with ``ballot_proj`` for
  cumulative / scoring ballots, else ``None``.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

__all__ = [
    "PabulibError",
    "PbProject",
    "Election",
    "parse_pb",
    "write_pb",
    "VOTE_TYPES",
]

#: vote types understood by the parser ("scoring" is parsed like "cumulative").
VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")

_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class PabulibError(ValueError):
    """A malformed Pabulib file. ``line`` is the 1-based line number (or None)."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line is not None else message)


def _parse_number(text: str) -> int | Fraction | None:
    """Parse '1200', '1200.50', '1,5' (decimal comma) into int or Fraction; None if invalid."""
    s = text.strip().replace(",", ".")
    if not _NUMBER_RE.match(s):
        return None
    try:
        value = Fraction(s)
    except (ValueError, ZeroDivisionError):
        return None
    return int(value) if value.denominator == 1 else value


def _format_number(value) -> str:
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        # exact decimal if possible, else fraction string (pabutools reads both via mpq)
        d = value.denominator
        while d % 2 == 0:
            d //= 2
        while d % 5 == 0:
            d //= 5
        if d == 1:
            from decimal import Decimal

            return format(Decimal(value.numerator) / Decimal(value.denominator), "f")
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class PbProject:
    """A project of a Pabulib election.

    ``extra`` holds every other column of the PROJECTS section (e.g. ``votes``,
    ``category``, ``selected``) as raw strings, in file order.
    """

    id: str
    cost: int | Fraction
    name: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def selected(self) -> bool | None:
        """The official outcome from the ``selected`` column (None if absent)."""
        v = self.extra.get("selected")
        if v is None or v.strip() == "" or v.strip().lower() == "none":
            return None
        try:
            return float(v) > 0
        except ValueError:
            return None


@dataclass
class Election:
    """A parsed Pabulib election (see module docstring for the vote arrays)."""

    meta: dict[str, str]
    projects: list[PbProject]
    vote_type: str
    budget: int | Fraction
    ballot_ptr: np.ndarray
    ballot_proj: np.ndarray
    ballot_points: np.ndarray | None = None
    voter_ids: list[str] = field(default_factory=list)
    #: other VOTES columns (age, sex, ...): column name -> list of raw strings
    vote_extra: dict[str, list[str]] = field(default_factory=dict)
    #: PROJECTS column order (for faithful export)
    project_columns: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ helpers
    @property
    def num_voters(self) -> int:
        return len(self.ballot_ptr) - 1

    @property
    def project_ids(self) -> list[str]:
        return [p.id for p in self.projects]

    def project_index(self) -> dict[str, int]:
        return {p.id: i for i, p in enumerate(self.projects)}

    @property
    def is_cardinal(self) -> bool:
        return self.ballot_points is not None

    def ballot(self, i: int):
        """Ballot ``i`` as a list of ids (approval/ordinal) or an id->points dict."""
        a, b = self.ballot_ptr[i], self.ballot_ptr[i + 1]
        ids = [self.projects[j].id for j in self.ballot_proj[a:b]]
        if self.ballot_points is None:
            return ids
        return dict(zip(ids, (int(x) for x in self.ballot_points[a:b])))

    def ballots(self) -> list:
        """All ballots (see :meth:`ballot`)."""
        return [self.ballot(i) for i in range(self.num_voters)]

    def selected_ids(self) -> list[str] | None:
        """Ids of projects marked selected in the file, or None if no such column."""
        if not any(p.selected is not None for p in self.projects):
            return None
        return [p.id for p in self.projects if p.selected]

    def vote_matrix(self, dtype=np.int64) -> np.ndarray:
        """Dense voters x projects matrix: 1 for approval, points for cardinal ballots."""
        n, m = self.num_voters, len(self.projects)
        mat = np.zeros((n, m), dtype=dtype)
        rows = np.repeat(np.arange(n), np.diff(self.ballot_ptr))
        vals = 1 if self.ballot_points is None else self.ballot_points
        mat[rows, self.ballot_proj] = vals
        return mat

    def anonymized(self) -> "Election":
        """Copy with voter ids 1..n and no per-voter metadata (for public export)."""
        return Election(
            meta=dict(self.meta),
            projects=list(self.projects),
            vote_type=self.vote_type,
            budget=self.budget,
            ballot_ptr=self.ballot_ptr,
            ballot_proj=self.ballot_proj,
            ballot_points=self.ballot_points,
            voter_ids=[str(i + 1) for i in range(self.num_voters)],
            vote_extra={},
            project_columns=list(self.project_columns),
        )

    @classmethod
    def from_ballots(
        cls,
        projects: Sequence,
        ballots: Sequence,
        budget: int | Fraction,
        vote_type: str = "approval",
        meta: Mapping[str, str] | None = None,
        voter_ids: Sequence[str] | None = None,
    ) -> "Election":
        """Build an election from app data.

        ``projects``: objects with ``id`` and ``cost`` (and optional ``name``) or
        ``(id, cost)`` / ``(id, cost, name)`` tuples. ``ballots``: iterables of ids
        (approval / choose-1 / ordinal, rank order kept) or ``{id: points}`` dicts
        (cumulative / scoring).
        """
        if vote_type not in VOTE_TYPES:
            raise ValueError(f"unknown vote_type {vote_type!r}")
        pbs: list[PbProject] = []
        for p in projects:
            if isinstance(p, PbProject):
                pbs.append(p)
            elif isinstance(p, (tuple, list)):
                pbs.append(PbProject(str(p[0]), p[1], str(p[2]) if len(p) > 2 else ""))
            else:
                pbs.append(PbProject(str(p.id), p.cost, str(getattr(p, "name", "") or "")))
        index = {p.id: i for i, p in enumerate(pbs)}
        if len(index) != len(pbs):
            raise ValueError("duplicate project id")
        cardinal = vote_type in ("cumulative", "scoring")
        ptr = [0]
        proj: list[int] = []
        pts: list[int] = []
        for b in ballots:
            if cardinal:
                for pid, v in dict(b).items():
                    proj.append(index[str(pid)])
                    pts.append(int(v))
            else:
                seen = set()
                for pid in b:
                    j = index[str(pid)]
                    if j not in seen:
                        seen.add(j)
                        proj.append(j)
            ptr.append(len(proj))
        n = len(ptr) - 1
        m = dict(meta or {})
        m.setdefault("description", "Exported from Sharaka")
        m.setdefault("country", "")
        m.setdefault("unit", "")
        m.setdefault("instance", "")
        m["num_projects"] = str(len(pbs))
        m["num_votes"] = str(n)
        m["budget"] = _format_number(budget)
        m["vote_type"] = vote_type
        m.setdefault("rule", "greedy")
        return cls(
            meta=m,
            projects=pbs,
            vote_type=vote_type,
            budget=budget,
            ballot_ptr=np.asarray(ptr, dtype=np.int64),
            ballot_proj=np.asarray(proj, dtype=np.int32),
            ballot_points=np.asarray(pts, dtype=np.int64) if cardinal else None,
            voter_ids=[str(v) for v in voter_ids] if voter_ids is not None else [str(i + 1) for i in range(n)],
            vote_extra={},
            project_columns=["project_id", "cost", "name"],
        )


# ---------------------------------------------------------------------------
# parsing
# ---------------------------------------------------------------------------

_SECTIONS = ("meta", "projects", "votes")
_SECTION_RE = re.compile(r'^[ \t]*"?(META|PROJECTS|VOTES)"?[ \t;]*$', re.M | re.I)


def _read_text(source) -> str:
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


def _rows(lines: list[str], first_line_no: int):
    """Yield (line_no, fields) for non-blank lines (csv with ';', quotes allowed)."""
    reader = csv.reader(lines, delimiter=";", quotechar='"')
    for row in reader:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        yield first_line_no + reader.line_num - 1, row


def parse_pb(source) -> Election:
    """Parse a Pabulib election.

    ``source`` is a path (``str`` without newlines or ``os.PathLike``), the file
    content as ``str``/``bytes``, or a binary/text file object.

    Raises :class:`PabulibError` (a ``ValueError``) for malformed content.
    """
    if hasattr(source, "read"):
        data = source.read()
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    else:
        text = _read_text(source)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")

    # locate sections: a line whose (only) field is META / PROJECTS / VOTES
    starts: dict[str, int] = {}  # section -> 0-based line index of its title
    spans: dict[str, tuple[int, int]] = {}  # section -> (char start, char end) of the title line
    order: list[str] = []
    for mt in _SECTION_RE.finditer(text):
        head = mt.group(1).lower()
        line_idx = text.count("\n", 0, mt.start())
        if head in starts:
            raise PabulibError(f"duplicate {head.upper()} section", line_idx + 1)
        starts[head] = line_idx
        spans[head] = (mt.start(), mt.end())
        order.append(head)
    for sec in _SECTIONS:
        if sec not in starts:
            raise PabulibError(f"missing {sec.upper()} section")
    if order != list(_SECTIONS):
        raise PabulibError("sections must appear in the order META, PROJECTS, VOTES", starts[order[1]] + 1)
    before = text[: spans["meta"][0]]
    if before.strip():
        k = next(i for i, l in enumerate(before.split("\n")) if l.strip())
        raise PabulibError("file must start with the META section", k + 1)

    def section(sec: str):
        a = starts[sec] + 1  # 0-based index of the first line after the title
        pos = spans[sec][1] + 1
        nxt = [spans[s][0] for s in _SECTIONS if spans[s][0] > spans[sec][0]]
        end = min(nxt) if nxt else len(text)
        seg_text = text[pos:end] if pos <= end else ""
        seg = seg_text.split("\n")
        if '"' not in seg_text:
            rows = [(a + 1 + k, l.split(";")) for k, l in enumerate(seg) if l and not l.isspace()]
        else:
            rows = list(_rows(seg, a + 1))
        if not rows:
            raise PabulibError(f"{sec.upper()} section has no header line", starts[sec] + 1)
        header_line, header = rows[0]
        return header_line, [h.strip() for h in header], rows[1:]

    def section_columns(sec: str):
        """Like section() but column-oriented (fast path for the big VOTES section)."""
        a = starts[sec] + 1
        pos = spans[sec][1] + 1
        nxt = [spans[s][0] for s in _SECTIONS if spans[s][0] > spans[sec][0]]
        end = min(nxt) if nxt else len(text)
        seg_text = text[pos:end] if pos <= end else ""
        if '"' in seg_text:
            hl, header, rows = section(sec)
            width = len(header)
            for line_no, row in rows:
                if len(row) > width:
                    raise PabulibError(f"line has {len(row)} fields but the header has {width}", line_no)
            line_nos = [ln for ln, _ in rows]
            cols = [[(r[k] if len(r) > k else "") for _, r in rows] for k in range(width)]
            return hl, header, line_nos, cols
        body = seg_text.rstrip("\n")
        seg = body.split("\n") if body else []
        nos = range(a + 1, a + 1 + len(seg))
        if not body or "\n\n" in body or body.startswith("\n") or "\n " in body or "\n\t" in body:
            keep = [k for k, l in enumerate(seg) if l and not l.isspace()]
            seg = [seg[k] for k in keep]
            nos = [a + 1 + k for k in keep]
        if not seg:
            raise PabulibError(f"{sec.upper()} section has no header line", starts[sec] + 1)
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

    # ---------------- META
    _, _, meta_rows = section("meta")
    meta: dict[str, str] = {}
    for line_no, row in meta_rows:
        if len(row) < 2:
            raise PabulibError(f"META line must be 'key;value', got {';'.join(row)!r}", line_no)
        meta[row[0].strip()] = ";".join(row[1:]).strip()
    if "budget" not in meta:
        raise PabulibError("META section lacks the 'budget' key", starts["meta"] + 1)
    budget = _parse_number(meta["budget"])
    if budget is None or budget < 0:
        raise PabulibError(f"budget {meta['budget']!r} is not a non-negative number", _meta_line(meta_rows, "budget"))
    vote_type = meta.get("vote_type", "approval").strip().lower()
    if vote_type not in VOTE_TYPES:
        raise PabulibError(
            f"unsupported vote_type {meta.get('vote_type')!r} (expected one of {', '.join(VOTE_TYPES)})",
            _meta_line(meta_rows, "vote_type"),
        )

    # ---------------- PROJECTS
    hline, pheader, prows = section("projects")
    if "project_id" not in pheader:
        raise PabulibError("PROJECTS header lacks the 'project_id' column", hline)
    if "cost" not in pheader:
        raise PabulibError("PROJECTS header lacks the 'cost' column", hline)
    i_id, i_cost = pheader.index("project_id"), pheader.index("cost")
    i_name = pheader.index("name") if "name" in pheader else None
    projects: list[PbProject] = []
    index: dict[str, int] = {}
    for line_no, row in prows:
        if len(row) > len(pheader):
            raise PabulibError(f"project line has {len(row)} fields but the header has {len(pheader)}", line_no)
        row = row + [""] * (len(pheader) - len(row))
        pid = row[i_id].strip()
        if not pid:
            raise PabulibError("empty project_id", line_no)
        if pid in index:
            raise PabulibError(f"duplicate project_id {pid!r}", line_no)
        cost = _parse_number(row[i_cost])
        if cost is None:
            raise PabulibError(f"cost {row[i_cost].strip()!r} of project {pid!r} is not a number", line_no)
        if cost < 0:
            raise PabulibError(f"cost of project {pid!r} is negative", line_no)
        extra = {
            pheader[k]: row[k].strip()
            for k in range(len(pheader))
            if k not in (i_id, i_cost, i_name)
        }
        name = row[i_name].strip() if i_name is not None else ""
        index[pid] = len(projects)
        projects.append(PbProject(pid, cost, name, extra))

    # ---------------- VOTES
    vline, vheader, vline_nos, columns = section_columns("votes")
    if "vote" not in vheader:
        raise PabulibError("VOTES header lacks the 'vote' column", vline)
    cardinal = vote_type in ("cumulative", "scoring")
    i_vote = vheader.index("vote")
    i_points = vheader.index("points") if "points" in vheader else None
    if cardinal and i_points is None:
        raise PabulibError(f"VOTES header lacks the 'points' column required for {vote_type} votes", vline)
    i_voter = vheader.index("voter_id") if "voter_id" in vheader else None
    width = len(vheader)
    n = len(vline_nos)

    def col(k):
        return columns[k]

    votes = col(i_vote)
    probe = "\n".join(votes)
    if " " in probe or "\t" in probe or "one" in probe or "ONE" in probe:
        votes = tuple("" if v.strip().lower() == "none" else ",".join(t.strip() for t in v.strip().split(",")) for v in votes)
    del probe
    fast = _fast_tokens(votes, index) if n else None
    if fast is not None:
        proj, lengths = fast
    else:
        lengths = np.array([(v.count(",") + 1) if v else 0 for v in votes], dtype=np.int64)
        joined = ",".join([v for v in votes if v])
        tokens = joined.split(",") if joined else []
        try:
            proj = np.fromiter(map(index.__getitem__, tokens), dtype=np.int32, count=len(tokens))
        except KeyError:
            for k, line_no in enumerate(vline_nos):
                v = votes[k]
                for t in v.split(",") if v else []:
                    if t not in index:
                        what = "empty project id" if not t else f"unknown project id {t!r}"
                        raise PabulibError(f"{what} in vote", line_no)
            raise  # pragma: no cover
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=ptr[1:])

    points = None
    if cardinal:
        pts_strs = col(i_points)
        pts: list[int] = []
        for k, line_no in enumerate(vline_nos):
            s = pts_strs[k].strip()
            s = "" if s.lower() == "none" else s
            items = s.split(",") if s else []
            if len(items) != lengths[k]:
                raise PabulibError(
                    f"vote lists {lengths[k]} projects but points lists {len(items)} values", line_no
                )
            for it in items:
                val = _parse_number(it)
                if val is None or val < 0:
                    raise PabulibError(f"points value {it.strip()!r} is not a non-negative number", line_no)
                if not isinstance(val, int):
                    raise PabulibError(f"points value {it.strip()!r} is not an integer", line_no)
                pts.append(val)
        points = np.asarray(pts, dtype=np.int64)

    # duplicates inside a ballot
    if len(proj):
        if _has_duplicates(ptr, lengths, proj, len(projects)):
            if cardinal or vote_type == "ordinal":
                seen_dup = _first_duplicate_row(ptr, proj)
                raise PabulibError("project listed twice in the same vote", vline_nos[seen_dup])
            # approval: a repeated id is the same approval (as in pabutools)
            proj, ptr = _dedupe_csr(ptr, proj)

    voter_ids = col(i_voter) if i_voter is not None else [str(k + 1) for k in range(n)]
    voter_ids = list(voter_ids)
    probe = "\n".join(voter_ids)
    if " " in probe or "\t" in probe:
        voter_ids = [v.strip() for v in voter_ids]
    vote_extra = {
        vheader[k]: list(col(k))
        for k in range(width)
        if k not in (i_vote, i_points, i_voter)
    }
    return Election(
        meta=meta,
        projects=projects,
        vote_type=vote_type,
        budget=budget,
        ballot_ptr=ptr,
        ballot_proj=proj,
        ballot_points=points,
        voter_ids=voter_ids,
        vote_extra=vote_extra,
        project_columns=pheader,
    )


def _meta_line(meta_rows, key):
    for line_no, row in meta_rows:
        if row and row[0].strip() == key:
            return line_no
    return None


def _fast_tokens(votes, index: dict[str, int]):
    """Vectorised vote tokenizer: project ids of at most 8 UTF-8 bytes are packed into
    uint64 keys and looked up with searchsorted. Returns (proj, lengths) or None when
    the fast path does not apply (the caller then uses the plain-Python path, which
    also produces the precise error messages)."""
    enc = [pid.encode("utf-8") for pid in index]
    if not enc or any(len(e) > 8 or len(e) == 0 or b"\0" in e for e in enc):
        return None
    n = len(votes)
    raw = ";".join(votes).encode("utf-8")
    buf = np.frombuffer(raw, dtype=np.uint8)
    sep = np.flatnonzero((buf == 44) | (buf == 59))
    semi = buf[sep] == 59
    if int(semi.sum()) != n - 1:
        return None
    starts = np.concatenate([[0], sep + 1])
    tok_len = np.concatenate([sep, [len(buf)]]) - starts
    ballot_of_tok = np.concatenate([[0], np.cumsum(semi)])
    ntok = np.bincount(ballot_of_tok, minlength=n)
    empty = tok_len == 0
    if empty.any() and np.any(ntok[ballot_of_tok[empty]] != 1):
        return None  # empty id inside a non-empty vote
    if np.any(tok_len > 8):
        return None
    keep = ~empty
    st, ln = starts[keep], tok_len[keep]
    padded = np.concatenate([buf, np.zeros(8, dtype=np.uint8)])
    key = np.zeros(len(st), dtype=np.uint64)
    for k in range(8):
        byte = padded[st + k].astype(np.uint64)
        byte[ln <= k] = 0
        key |= byte << np.uint64(8 * k)
    id_keys = np.array([int.from_bytes(e.ljust(8, b"\0"), "little") for e in enc], dtype=np.uint64)
    order = np.argsort(id_keys)
    sk = id_keys[order]
    pos = np.minimum(np.searchsorted(sk, key), len(sk) - 1)
    if not np.array_equal(sk[pos], key):
        return None  # unknown id: let the slow path report it
    vals = np.fromiter(index.values(), dtype=np.int64, count=len(index))
    proj = vals[order[pos]].astype(np.int32)
    lengths = ntok - np.bincount(ballot_of_tok[empty], minlength=n)
    return proj, lengths.astype(np.int64)


def _has_duplicates(ptr, lengths, proj, m) -> bool:
    n = len(ptr) - 1
    rows_idx = np.repeat(np.arange(n, dtype=np.int64), lengths)
    if n * m <= 50_000_000:
        mat = np.zeros((n, max(m, 1)), dtype=np.uint8)
        mat[rows_idx, proj] = 1
        return int(np.count_nonzero(mat)) != len(proj)
    key = np.sort(rows_idx * m + proj)
    return bool(np.any(key[1:] == key[:-1]))


def _first_duplicate_row(ptr, proj) -> int:
    for k in range(len(ptr) - 1):
        seg = proj[ptr[k] : ptr[k + 1]]
        if len(np.unique(seg)) != len(seg):
            return k
    return 0  # pragma: no cover


def _dedupe_csr(ptr, proj):
    new_proj: list[int] = []
    new_ptr = [0]
    for k in range(len(ptr) - 1):
        seen = set()
        for j in proj[ptr[k] : ptr[k + 1]].tolist():
            if j not in seen:
                seen.add(j)
                new_proj.append(j)
        new_ptr.append(len(new_proj))
    return np.asarray(new_proj, dtype=np.int32), np.asarray(new_ptr, dtype=np.int64)


# ---------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------


def write_pb(election: Election) -> str:
    """Serialise an election to Pabulib text (LF line endings, ``;`` separated,
    fields quoted only when needed). ``num_projects``/``num_votes`` are updated.
    The output is readable by :func:`parse_pb` and by pabutools' ``parse_pabulib``.
    """
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", quotechar='"', lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    meta = dict(election.meta)
    meta["num_projects"] = str(len(election.projects))
    meta["num_votes"] = str(election.num_voters)
    meta["budget"] = _format_number(election.budget)
    meta["vote_type"] = election.vote_type
    buf.write("META\n")
    w.writerow(["key", "value"])
    for k, v in meta.items():
        w.writerow([k, v])

    buf.write("PROJECTS\n")
    cols = ["project_id", "cost"]
    if any(p.name for p in election.projects) or "name" in election.project_columns:
        cols.append("name")
    for c in election.project_columns:
        if c not in cols:
            cols.append(c)
    for p in election.projects:
        for c in p.extra:
            if c not in cols:
                cols.append(c)
    w.writerow(cols)
    for p in election.projects:
        row = []
        for c in cols:
            if c == "project_id":
                row.append(p.id)
            elif c == "cost":
                row.append(_format_number(p.cost))
            elif c == "name":
                row.append(p.name)
            else:
                row.append(p.extra.get(c, ""))
        w.writerow(row)

    buf.write("VOTES\n")
    cardinal = election.ballot_points is not None
    extra_cols = list(election.vote_extra)
    header = ["voter_id", "vote"] + (["points"] if cardinal else []) + extra_cols
    w.writerow(header)
    ids = [p.id for p in election.projects]
    ptr = election.ballot_ptr.tolist()
    proj = election.ballot_proj.tolist()
    pts = election.ballot_points.tolist() if cardinal else None
    voter_ids = election.voter_ids or [str(i + 1) for i in range(election.num_voters)]
    extra_vals = [election.vote_extra[c] for c in extra_cols]
    for k in range(election.num_voters):
        a, b = ptr[k], ptr[k + 1]
        row = [voter_ids[k], ",".join(ids[j] for j in proj[a:b])]
        if cardinal:
            row.append(",".join(str(x) for x in pts[a:b]))
        row.extend(vals[k] for vals in extra_vals)
        w.writerow(row)
    return buf.getvalue()
