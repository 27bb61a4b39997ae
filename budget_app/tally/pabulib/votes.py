"""The VOTES section, the big one: one ballot a line, read column by column into CSR arrays
(see :mod:`.election`). The project ids of the ``vote`` column are looked up vectorised when
they are plain numbers (:func:`_numeric_tokens`) or short (:func:`_fast_tokens`), else with one
``str.split`` and a dict."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .sections import Sections
from .values import CARDINAL_VOTE_TYPES, MAX_POINTS, PabulibError, parse_number


@dataclass
class Votes:
    """The ballots of a VOTES section (the fields of :class:`~.election.Election` of that name)."""

    ballot_ptr: np.ndarray
    ballot_proj: np.ndarray
    ballot_points: np.ndarray | None
    voter_ids: list[str]
    vote_extra: dict[str, list[str]]


def parse_votes(sections: Sections, vote_type: str, index: dict[str, int]) -> Votes:
    """The ballots, checked against the projects (``index``: project id -> position) and the
    vote type: known ids, points where the type gives points, no project twice on a ranked or
    points ballot (twice on an approval ballot counts once), one project on a choose-1 ballot,
    each voter id once."""
    vline, vheader, vline_nos, columns = sections.columns("votes")
    if "vote" not in vheader:
        raise PabulibError("VOTES header lacks the 'vote' column", vline)
    cardinal = vote_type in CARDINAL_VOTE_TYPES
    i_vote = vheader.index("vote")
    i_points = vheader.index("points") if "points" in vheader else None
    if cardinal and i_points is None:
        raise PabulibError(f"VOTES header lacks the 'points' column required for {vote_type} votes", vline)
    i_voter = vheader.index("voter_id") if "voter_id" in vheader else None
    n = len(vline_nos)

    proj, lengths = _vote_tokens(columns[i_vote], index, vline_nos)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=ptr[1:])
    points = _points(columns[i_points], lengths, vline_nos) if cardinal else None
    if len(proj) and _has_duplicates(ptr, lengths, proj, len(index)):
        if cardinal or vote_type == "ordinal":
            raise PabulibError("project listed twice in the same vote", vline_nos[_first_duplicate_row(ptr, proj)])
        # approval: a repeated id is the same approval (as in pabutools)
        proj, ptr = _dedupe_csr(ptr, proj)
    if vote_type == "choose-1" and n:
        over = np.flatnonzero(np.diff(ptr) > 1)
        if len(over):
            k = int(over[0])
            raise PabulibError(f"a choose-1 vote lists {int(ptr[k + 1] - ptr[k])} projects (at most 1)",
                               vline_nos[k])
    voter_ids = _voter_ids(columns[i_voter] if i_voter is not None else None, vline_nos)
    vote_extra = {
        vheader[k]: list(columns[k])
        for k in range(len(vheader))
        if k not in (i_vote, i_points, i_voter)
    }
    return Votes(ptr, proj, points, voter_ids, vote_extra)


def _vote_tokens(votes, index: dict[str, int], line_nos: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """``(proj, lengths)`` of the ``vote`` column: the project positions of every ballot, one after
    the other, and how many each ballot lists. An empty or unknown id names its line."""
    probe = "\n".join(votes)
    if " " in probe or "\t" in probe or "one" in probe or "ONE" in probe:
        votes = tuple("" if v.strip().lower() == "none" else ",".join(t.strip() for t in v.strip().split(","))
                      for v in votes)
    del probe
    fast = (_numeric_tokens(votes, index) or _fast_tokens(votes, index)) if len(line_nos) else None
    if fast is not None:
        return fast
    lengths = np.array([(v.count(",") + 1) if v else 0 for v in votes], dtype=np.int64)
    joined = ",".join([v for v in votes if v])
    tokens = joined.split(",") if joined else []
    try:
        proj = np.fromiter(map(index.__getitem__, tokens), dtype=np.int32, count=len(tokens))
    except KeyError:
        for k, line_no in enumerate(line_nos):
            v = votes[k]
            for t in v.split(",") if v else []:
                if t not in index:
                    what = "empty project id" if not t else f"unknown project id {t!r}"
                    raise PabulibError(f"{what} in vote", line_no)
        raise  # pragma: no cover
    return proj, lengths


def _numeric_tokens(votes, index: dict[str, int]):
    """When every project id is a plain decimal number ("153"; not "0153", "+1" or "١٥٣"), the
    whole ``vote`` column is read by NumPy's number parser in one call and each number looked up
    in the sorted ids. Returns (proj, lengths) or None when this does not apply or anything looks
    unusual (an empty vote, a token that is not a number, an unknown id, a number written with more
    characters than the id it equals): the other paths then decide, and word the errors."""
    ids = list(index)
    if not ids or not all(i.isascii() and i.isdigit() and len(i) <= 18 and (i[0] != "0" or i == "0") for i in ids):
        return None
    if not all(votes):
        return None  # an empty vote (a blank ballot)
    text = ";".join(votes)
    try:
        buf = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    except UnicodeEncodeError:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy warns, and stops, at the first character it cannot read
        try:
            values = np.fromstring(text.replace(";", ","), dtype=np.int64, sep=",")
        except (ValueError, DeprecationWarning):
            return None
    is_sep = (buf == 44) | (buf == 59)
    separators = np.cumsum(is_sep)
    if len(values) != int(separators[-1]) + 1:
        return None
    keys = np.array([int(i) for i in ids], dtype=np.int64)
    order = np.argsort(keys)
    sorted_keys = keys[order]
    pos = np.minimum(np.searchsorted(sorted_keys, values), len(ids) - 1)
    if not np.array_equal(sorted_keys[pos], values):
        return None  # an unknown id
    found = order[pos]
    id_chars = np.array([len(i) for i in ids], dtype=np.int64)
    if int(id_chars[found].sum()) != len(buf) - len(values) + 1:
        return None  # "018" or "+18" read as 18: not the id "18"
    positions = np.fromiter(index.values(), dtype=np.int64, count=len(ids))
    boundaries = separators[buf == 59]  # tokens before each ballot's end
    lengths = np.diff(np.concatenate([[0], boundaries, [len(values)]]))
    return positions[found].astype(np.int32), lengths.astype(np.int64)


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


def _points(pts_strs, lengths, line_nos: list[int]) -> np.ndarray:
    """The ``points`` column, aligned with the ballots' projects: as many values as the vote lists,
    each a whole number from 0 to :data:`MAX_POINTS`."""
    pts: list[int] = []
    for k, line_no in enumerate(line_nos):
        s = pts_strs[k].strip()
        s = "" if s.lower() == "none" else s
        items = s.split(",") if s else []
        if len(items) != lengths[k]:
            raise PabulibError(f"vote lists {lengths[k]} projects but points lists {len(items)} values", line_no)
        for it in items:
            val = parse_number(it)
            if val is None or val < 0:
                raise PabulibError(f"points value {it.strip()!r} is not a non-negative number", line_no)
            if not isinstance(val, int):
                raise PabulibError(f"points value {it.strip()!r} is not an integer", line_no)
            if val > MAX_POINTS:
                raise PabulibError(f"points value {it.strip()!r} is larger than {MAX_POINTS:,}".replace(",", " "),
                                   line_no)
            pts.append(val)
    return np.asarray(pts, dtype=np.int64)


def _voter_ids(column, line_nos: list[int]) -> list[str]:
    """The ``voter_id`` column (each id once), or 1..n when the file has none."""
    n = len(line_nos)
    voter_ids = list(column) if column is not None else [str(k + 1) for k in range(n)]
    probe = "\n".join(voter_ids)
    if " " in probe or "\t" in probe:
        voter_ids = [v.strip() for v in voter_ids]
    if column is not None and len(set(voter_ids)) != n:
        first: dict[str, int] = {}
        for k, v in enumerate(voter_ids):
            if v in first:
                raise PabulibError(f"voter_id {v!r} is also on line {line_nos[first[v]]}", line_nos[k])
            first[v] = k
    return voter_ids


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
