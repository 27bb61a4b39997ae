"""The PROJECTS section: one project a line, ``project_id`` and ``cost`` required, every other
column kept as text."""

from __future__ import annotations

from .election import PbProject
from .sections import Sections
from .values import PabulibError, amount_problem, parse_number


def parse_projects(sections: Sections) -> tuple[list[PbProject], dict[str, int], list[str]]:
    """``(projects, index, header)``: the projects in file order, project id -> position, the
    section's columns."""
    hline, pheader, prows = sections.rows("projects")
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
        cost = parse_number(row[i_cost])
        if cost is None:
            raise PabulibError(f"cost {row[i_cost].strip()!r} of project {pid!r} is not a number", line_no)
        if cost < 0:
            raise PabulibError(f"cost of project {pid!r} is negative", line_no)
        if amount_problem(cost):
            raise PabulibError(f"cost {row[i_cost].strip()!r} of project {pid!r} {amount_problem(cost)}", line_no)
        extra = {
            pheader[k]: row[k].strip()
            for k in range(len(pheader))
            if k not in (i_id, i_cost, i_name)
        }
        name = row[i_name].strip() if i_name is not None else ""
        index[pid] = len(projects)
        projects.append(PbProject(pid, cost, name, extra))
    return projects, index, pheader
