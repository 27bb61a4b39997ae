"""pabutools as a test oracle (test-only dependency)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

pabutools = pytest.importorskip("pabutools")

from pabutools.election import (  # noqa: E402
    Additive_Cardinal_Sat,
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    CumulativeBallot,
    CumulativeProfile,
    Instance,
    Project,
)
from pabutools.election.profile import AbstractApprovalProfile, AbstractCardinalProfile  # noqa: E402
from pabutools.rules import (  # noqa: E402
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
    sequential_phragmen,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def pabulib_dir() -> Path | None:
    """Where the big Pabulib files live: $PABULIB_DIR or ../shared/data/pabulib."""
    env = os.environ.get("PABULIB_DIR")
    cand = Path(env) if env else (ROOT.parent / "shared" / "data" / "pabulib")
    return cand if cand.is_dir() else None


def build(projects, ballots, budget, cardinal: bool):
    """pabutools Instance/Profile from (id, cost) pairs and approval sets / point dicts."""
    objs = {pid: Project(pid, cost) for pid, cost in projects}
    inst = Instance(objs.values(), budget_limit=budget)
    if cardinal:
        prof = CumulativeProfile(
            [CumulativeBallot({objs[p]: v for p, v in b.items()}) for b in ballots]
        )
    else:
        prof = ApprovalProfile([ApprovalBallot(objs[p] for p in b) for b in ballots])
    return inst, prof


def run(inst, prof, rule: str, completion: bool = False) -> list[str]:
    """pabutools outcome (list of project names, pabutools' order)."""
    sat = Additive_Cardinal_Sat if isinstance(prof, AbstractCardinalProfile) else Cost_Sat
    if rule == "greedy":
        res = greedy_utilitarian_welfare(inst, prof, sat_class=sat)
    elif rule == "phragmen":
        if not isinstance(prof, AbstractApprovalProfile):
            prof = ApprovalProfile([ApprovalBallot(b) for b in prof])
        res = sequential_phragmen(inst, prof)
    elif rule in ("mes", "mes-add1"):
        params = {"sat_class": sat}
        if rule == "mes-add1":
            params["voter_budget_increment"] = 1
        if completion:
            res = completion_by_rule_combination(
                inst, prof, [method_of_equal_shares, greedy_utilitarian_welfare], [params, {"sat_class": sat}]
            )
        else:
            res = method_of_equal_shares(inst, prof, **params)
    else:
        raise ValueError(rule)
    return [p.name for p in res]
