"""Time the per-proposal margins (what it would have taken), each checked by re-running the rule.

Usage::

    python benchmarks/margins.py PATH.pb [--rule mes] [--completion]
    python benchmarks/margins.py --council [--voters 40] [--projects 12] [--seeds 5]

Prints the seconds, the number of rule runs and the runs per kind of search.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, _ROOT)

import numpy as np  # noqa: E402

from budget_app.tally import election_profile, parse_pb, profile  # noqa: E402
from budget_app.tally.margins import margins  # noqa: E402


def council(seed: int, n: int, m: int):
    rng = np.random.default_rng(seed)
    ids = [f"P{j:02d}" for j in range(m)]
    costs = (rng.integers(5, 60, size=m) * 10_000).tolist()
    popularity = rng.dirichlet(np.full(m, 1.0))
    ballots = [{ids[j] for j in rng.choice(m, size=int(rng.integers(1, 5)), replace=False, p=popularity)}
               for _ in range(n)]
    return list(zip(ids, costs)), ballots, sum(costs) // 3


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", nargs="?")
    ap.add_argument("--rule", default="mes")
    ap.add_argument("--completion", action="store_true")
    ap.add_argument("--council", action="store_true", help="random council-size elections instead of a file")
    ap.add_argument("--voters", type=int, default=40)
    ap.add_argument("--projects", type=int, default=12)
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args(argv)
    if args.council:
        for seed in range(args.seeds):
            projects, ballots, budget = council(seed, args.voters, args.projects)
            prof = profile(projects, ballots, budget)
            t = time.perf_counter()
            found = margins(prof, args.rule, completion=args.completion)
            dt = time.perf_counter() - t
            print(f"seed {seed}: {args.voters} voters x {args.projects} proposals, {args.rule}: {dt:.3f} s, "
                  f"{sum(r['runs'] for r in found.values())} runs")
        return 0
    t = time.perf_counter()
    prof = election_profile(parse_pb(args.path))
    parsed = time.perf_counter() - t
    t = time.perf_counter()
    found = margins(prof, args.rule, completion=args.completion)
    dt = time.perf_counter() - t
    print(f"{os.path.basename(args.path)}: {prof.n} ballots x {prof.m} projects, {args.rule}"
          f"{'+completion' if args.completion else ''}: parse {parsed:.2f} s, margins {dt:.1f} s, "
          f"{sum(r['runs'] for r in found.values())} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
