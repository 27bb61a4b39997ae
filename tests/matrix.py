"""Vocabulary of the permission matrix (see test_permission_matrix.py).

Each feature declares, in ``tests/**/route_expectations.py``, a ``ROUTES`` dict mapping every
endpoint it adds to a ``Route``: who may use it and how to fill in its URL.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

ROLES = ("anonymous", "outsider", "member", "coordinator", "director", "reviewer", "admin")
OK, LOGIN = "ok", "login"

# Expected outcome per access level and role. "outsider" is a member of another council only; the
# "reviewer" (the directorate's technical staff) reads the council's pages and reviews proposals
# but holds no seat: what needs a seat ("seat": voting, priorities, rounds) is refused to them.
LEVELS = {
    "public":  dict.fromkeys(ROLES, OK),
    "login":   {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN},
    "admin":   {"anonymous": LOGIN, "outsider": 403, "member": 403, "coordinator": 403, "director": 403,
                "reviewer": 403, "admin": OK},
    "council": {"anonymous": LOGIN, "outsider": 404, "member": OK, "coordinator": OK, "director": OK, "reviewer": OK,
                "admin": OK},
    "seat":    {"anonymous": LOGIN, "outsider": 404, "member": OK, "coordinator": OK, "director": OK, "reviewer": 403,
                "admin": OK},
    "manage":  {"anonymous": LOGIN, "outsider": 404, "member": 403, "coordinator": OK, "director": 403,
                "reviewer": 403, "admin": OK},
    "budget":  {"anonymous": LOGIN, "outsider": 404, "member": 403, "coordinator": 403, "director": OK,
                "reviewer": 403, "admin": OK},
    "review":  {"anonymous": LOGIN, "outsider": 404, "member": 403, "coordinator": 403, "director": 403,
                "reviewer": OK, "admin": OK},
}


@dataclass
class Route:
    access: str | dict
    params: Callable | dict = field(default_factory=dict)  # world -> URL values
    data: Callable | dict | None = None  # world -> form data for POST (empty by default)
    methods: tuple[str, ...] | None = None  # default: every method of the rule but HEAD/OPTIONS

    def expected(self, role: str):
        table = LEVELS[self.access] if isinstance(self.access, str) else self.access
        return table[role]

    def url_values(self, world) -> dict:
        return self.params(world) if callable(self.params) else dict(self.params)

    def form_data(self, world) -> dict:
        if self.data is None:
            return {}
        return self.data(world) if callable(self.data) else dict(self.data)
