"""Time the exact EJR-up-to-one / PJR check on council-size random elections.

Usage::

    python benchmarks/proportionality.py [--voters 200] [--projects 60] [--seeds 5] [--cardinal]

Each election: ``--projects`` projects costing 10,000-400,000, an envelope of a third of their
total, ``--voters`` ballots approving 3-12 projects each, drawn with a popularity skew and
three like-minded blocs (so that cohesive groups exist). Prints, per seed and rule (greedy, MES),
the time of each property's check and its answer.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, _ROOT)

import numpy as np  # noqa: E402

from budget_app.tally import profile, tally  # noqa: E402
from budget_app.tally.proportionality import PROPERTIES, check  # noqa: E402


def election(seed: int, n: int, m: int, cardinal: bool):
    rng = np.random.default_rng(seed)
    ids = [f"P{j:02d}" for j in range(m)]
    costs = (rng.integers(1, 41, size=m) * 10_000).tolist()
    budget = sum(costs) // 3
    popularity = rng.dirichlet(np.full(m, 0.7))
    blocs = [rng.choice(m, size=6, replace=False) for _ in range(3)]
    ballots = []
    for i in range(n):
        k = int(rng.integers(3, 13))
        if i % 4 == 0:  # a bloc voter: mostly the bloc's projects
            bloc = blocs[i % 3]
            chosen = set(bloc[: max(1, k - 2)].tolist()) | set(rng.choice(m, size=2, p=popularity).tolist())
        else:
            chosen = set(rng.choice(m, size=k, replace=False, p=popularity).tolist())
        if cardinal:
            ballots.append({ids[j]: int(rng.integers(1, 6)) for j in chosen})
        else:
            ballots.append({ids[j] for j in chosen})
    return list(zip(ids, costs)), ballots, budget


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--voters", type=int, default=200)
    ap.add_argument("--projects", type=int, default=60)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--cardinal", action="store_true")
    args = ap.parse_args(argv)
    kind = "cumulative" if args.cardinal else "approval"
    worst = 0.0
    print(f"{args.voters} voters x {args.projects} projects, {kind} ballots")
    print(f"{'seed':>4} {'rule':<7} {'property':<14} {'answer':<10} {'group':>6} {'seconds':>8}")
    for seed in range(args.seeds):
        projects, ballots, budget = election(seed, args.voters, args.projects, args.cardinal)
        prof = profile(projects, ballots, budget, ballot_kind=kind)
        for rule in ("greedy", "mes"):
            selected = tally(projects, ballots, budget, rule, ballot_kind=kind).selected
            for prop in PROPERTIES:
                t = time.perf_counter()
                res = check(prof, selected, prop)
                dt = time.perf_counter() - t
                worst = max(worst, dt)
                answer = {True: "yes", False: "NO", None: res["reason"]}[res["satisfied"]]
                size = res["group"]["size"] if res["group"] else ""
                print(f"{seed:>4} {rule:<7} {prop:<14} {answer:<10} {size:>6} {dt:>8.2f}")
    print(f"slowest check: {worst:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
