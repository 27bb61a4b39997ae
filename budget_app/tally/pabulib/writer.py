"""Writing a Pabulib file, safe by construction for any id, name or value (see :func:`write_pb`):
the output reads back, with our parser and with pabutools', as the same election."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from typing import Sequence

from .election import Election
from .values import format_number

#: words a reader takes for a section title (or pabutools for "no value") when alone in a field
_RESERVED = frozenset({"meta", "projects", "votes", "none"})
#: column holding the original project ids when :func:`safe_project_ids` had to replace them
ORIGINAL_ID_COLUMN = "original_id"


def _clean(text) -> str:
    """A free-text field (name, META value, extra column) as one line: every line or paragraph
    separator and control character (what ``str.splitlines`` or a CSV reader would split on, NUL
    included) becomes a space. ``;`` and ``"`` stay: the writer quotes such a field the CSV way,
    as real Pabulib files do, and both readers (ours and pabutools) unquote it."""
    text = "" if text is None else str(text)
    if text.isprintable():
        return text.strip()
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text).strip()


def encode_original_id(pid: str) -> str:
    """An original project id as one safe field: ``\\`` doubled, and every control character,
    line separator and space at either end (and the first letter of "none") written ``\\uXXXX``
    (:func:`decode_original_id`
    gives the id back)."""
    out = []
    last = len(pid) - 1
    for k, ch in enumerate(pid):
        if ch == "\\":
            out.append("\\\\")
        elif (unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ((k == 0 or k == last) and ch.isspace())
              or (k == 0 and pid.lower() == "none")):  # pabutools drops a field "none"
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def decode_original_id(text: str) -> str:
    """The inverse of :func:`encode_original_id`."""
    return re.sub(r"\\(\\|u[0-9a-f]{4})", lambda m: "\\" if m.group(1) == "\\" else chr(int(m.group(1)[1:], 16)),
                  text)


def _is_safe_id(pid: str) -> bool:
    """An id that every reader gives back unchanged: not empty, no separator (``,`` ``;``), no
    quote, no space or control character, not a word readers treat specially."""
    return (bool(pid) and pid.isprintable() and not any(ch in ',;"' or ch.isspace() for ch in pid)
            and pid.lower() not in _RESERVED)


def safe_project_ids(ids: Sequence[str]) -> dict[str, str]:
    """Project ids to write: each id itself when all of them are safe (see :func:`_is_safe_id`),
    else zero-padded ranks ``01``, ``02``, ... in the *string order of the original ids*.

    Keeping that order matters: rules break ties lexicographically on the id, so a recount of the
    written file with any tool funds exactly what the original ids funded."""
    ids = [str(i) for i in ids]
    if all(_is_safe_id(i) for i in ids):
        return {i: i for i in ids}
    width = len(str(len(ids)))
    return {pid: str(rank).zfill(width) for rank, pid in enumerate(sorted(ids), 1)}


def write_pb(election: Election) -> str:
    """Serialise an election to Pabulib text (LF line endings, ``;`` separated,
    fields quoted only when needed). ``num_projects``/``num_votes`` are updated.
    The output is readable by :func:`~.reader.parse_pb` and by pabutools' ``parse_pabulib``,
    and recounts to the same outcome, whatever the ids, names and values hold:

    * project ids go through :func:`safe_project_ids`; when they had to be replaced, the
      original ids are kept in an ``original_id`` column (:func:`encode_original_id`);
    * voter ids are renumbered 1..n when one is unsafe or repeated;
    * names, META values and extra columns are cleaned to one line (:func:`_clean`);
      ``;`` and ``"`` in them are CSV-quoted.
    """
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", quotechar='"', lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    _write_meta(buf, w, election)
    id_map = safe_project_ids([p.id for p in election.projects])
    _write_projects(buf, w, election, id_map)
    _write_votes(buf, w, election, id_map)
    return buf.getvalue()


def _write_meta(buf, w, election: Election) -> None:
    meta = dict(election.meta)
    meta["num_projects"] = str(len(election.projects))
    meta["num_votes"] = str(election.num_voters)
    meta["budget"] = format_number(election.budget)
    meta["vote_type"] = election.vote_type
    buf.write("META\n")
    w.writerow(["key", "value"])
    for k, v in meta.items():
        k = _clean(k) or "key"
        w.writerow([k + "_" if k.lower() in _RESERVED else k, _clean(v)])


def _write_projects(buf, w, election: Election, id_map: dict[str, str]) -> None:
    mapped = any(k != v for k, v in id_map.items())
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
    if mapped and ORIGINAL_ID_COLUMN not in cols:
        cols.append(ORIGINAL_ID_COLUMN)
    w.writerow([_clean(c) for c in cols])
    for p in election.projects:
        row = []
        for c in cols:
            if c == "project_id":
                row.append(id_map[p.id])
            elif c == "cost":
                row.append(format_number(p.cost))
            elif c == "name":
                row.append(_clean(p.name))
            elif c == ORIGINAL_ID_COLUMN and mapped:
                row.append(encode_original_id(p.id))
            else:
                row.append(_clean(p.extra.get(c, "")))
        w.writerow(row)


def _write_votes(buf, w, election: Election, id_map: dict[str, str]) -> None:
    buf.write("VOTES\n")
    cardinal = election.ballot_points is not None
    extra_cols = list(election.vote_extra)
    header = ["voter_id", "vote"] + (["points"] if cardinal else []) + [_clean(c) for c in extra_cols]
    w.writerow(header)
    ids = [id_map[p.id] for p in election.projects]
    ptr = election.ballot_ptr.tolist()
    proj = election.ballot_proj.tolist()
    pts = election.ballot_points.tolist() if cardinal else None
    n = election.num_voters
    voter_ids = [str(v) for v in election.voter_ids] if len(election.voter_ids) == n else []
    if not voter_ids or len(set(voter_ids)) != n or not all(_is_safe_id(v) for v in voter_ids):
        voter_ids = [str(i + 1) for i in range(n)]
    extra_vals = [election.vote_extra[c] for c in extra_cols]
    clean_extra = any(not all(str(x).isprintable() for x in vals) for vals in extra_vals)
    for k in range(n):
        a, b = ptr[k], ptr[k + 1]
        row = [voter_ids[k], ",".join(ids[j] for j in proj[a:b])]
        if cardinal:
            # pabutools reads an empty points field as one value; "none" is its word for no points
            row.append(",".join(str(x) for x in pts[a:b]) if b > a else "none")
        row.extend((_clean(vals[k]) if clean_extra else vals[k]) for vals in extra_vals)
        w.writerow(row)
