"""Reading and writing Pabulib ``.pb`` files (https://pabulib.org/format).

Pure Python + NumPy. The parser is tolerant (CRLF or LF line endings, a UTF-8
BOM, extra columns, quoted fields containing ``;``, missing optional columns)
but strict about content: any malformed input raises :class:`PabulibError`
whose message names the 1-based line number and the problem.

The parser also refuses what the format forbids or a rule cannot count: a ``choose-1``
ballot with more than one project, a voter id used twice, amounts beyond
:data:`MAX_AMOUNT` or with more than :data:`MAX_DECIMALS` decimals, points beyond
:data:`MAX_POINTS`, a second META/PROJECTS/VOTES section.

The writer is safe by construction for any id, name or value (see :func:`write_pb`).

The modules, in the order a file is read:

* :mod:`.values` -- vote types, limits on amounts and points, numbers, :class:`PabulibError`;
* :mod:`.sections` -- the text cut into its META, PROJECTS and VOTES sections;
* :mod:`.meta`, :mod:`.projects`, :mod:`.votes` -- one stage per section;
* :mod:`.reader` -- :func:`parse_pb`, the stages in order;
* :mod:`.election` -- :class:`Election` and :class:`PbProject` (votes in CSR form, one row per
  ballot);
* :mod:`.writer` -- :func:`write_pb` and the safe ids.
"""

from __future__ import annotations

from .election import Election, PbProject
from .reader import parse_pb
from .values import MAX_AMOUNT, MAX_DECIMALS, MAX_POINTS, VOTE_TYPES, PabulibError
from .writer import ORIGINAL_ID_COLUMN, decode_original_id, encode_original_id, safe_project_ids, write_pb

__all__ = [
    "PabulibError",
    "PbProject",
    "Election",
    "parse_pb",
    "write_pb",
    "safe_project_ids",
    "encode_original_id",
    "decode_original_id",
    "ORIGINAL_ID_COLUMN",
    "VOTE_TYPES",
    "MAX_AMOUNT",
    "MAX_DECIMALS",
    "MAX_POINTS",
]
