"""Reading a Pabulib file in stages: the text cut into sections, then META, PROJECTS and VOTES,
each checked as it is read."""

from __future__ import annotations

from .election import Election
from .meta import parse_meta
from .projects import parse_projects
from .sections import Sections, read_text
from .votes import parse_votes


def parse_pb(source) -> Election:
    """Parse a Pabulib election.

    ``source`` is a path (``str`` without newlines or ``os.PathLike``), the file
    content as ``str``/``bytes``, or a binary/text file object.

    Raises :class:`~.values.PabulibError` (a ``ValueError``) for malformed content.
    """
    sections = Sections(read_text(source))
    meta, budget, vote_type = parse_meta(sections)
    projects, index, project_columns = parse_projects(sections)
    votes = parse_votes(sections, vote_type, index)
    return Election(
        meta=meta,
        projects=projects,
        vote_type=vote_type,
        budget=budget,
        ballot_ptr=votes.ballot_ptr,
        ballot_proj=votes.ballot_proj,
        ballot_points=votes.ballot_points,
        voter_ids=votes.voter_ids,
        vote_extra=votes.vote_extra,
        project_columns=project_columns,
    )
