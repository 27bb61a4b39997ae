"""Benchmark the Sharaka tally engine against pabutools on a Pabulib file.

Usage::

    python benchmarks/tally.py PATH.pb [--repeat 3] [--no-pabutools] [--rules greedy,mes] [--no-processes]

Prints two tables.

1. Each stage inside one process: parse / greedy / MES wall-clock times for this engine (best
   of ``--repeat`` runs) and for pabutools (one run), the speed-up, and whether the outcomes are
   identical.
2. The whole process, as someone who recounts runs it (interpreter start, imports, parse, rule,
   output): ``python -m budget_app.tally FILE --rule R``, ``flask --app budget_app pb tally FILE
   --rule R`` and a pabutools script doing parse + rule, each the median of ``--repeat`` runs
   (pabutools: one run), with the start-up of each entry on its own (``pb --help`` creates the
   app and stops; ``-m budget_app.tally --help`` imports the engine's entry and stops).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, _ROOT)

from budget_app.tally import parse_pb, tally_election  # noqa: E402


def _best(fn, repeat):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-pabutools", action="store_true", help="only time this engine")
    ap.add_argument("--rules", default="greedy,mes", help="comma-separated: greedy,mes,mes-add1,phragmen")
    ap.add_argument("--no-processes", action="store_true", help="skip the whole-process table")
    args = ap.parse_args(argv)
    rules = [r.strip() for r in args.rules.split(",") if r.strip()]

    ours: dict[str, float] = {}
    outcomes: dict[str, list[str]] = {}
    ours["parse"], election = _best(lambda: parse_pb(args.path), args.repeat)
    for r in rules:
        ours[r], res = _best(lambda: tally_election(election, r), args.repeat)
        outcomes[r] = res.selected

    theirs: dict[str, float] = {}
    same: dict[str, str] = {}
    if not args.no_pabutools:
        try:
            from pabutools.election import Additive_Cardinal_Sat, Cost_Sat, parse_pabulib
            from pabutools.election.profile import AbstractCardinalProfile
            from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares, sequential_phragmen
        except ImportError:
            print("pabutools not installed: skipping the comparison", file=sys.stderr)
        else:
            t = time.perf_counter()
            inst, prof = parse_pabulib(args.path)
            theirs["parse"] = time.perf_counter() - t
            sat = Additive_Cardinal_Sat if isinstance(prof, AbstractCardinalProfile) else Cost_Sat
            calls = {
                "greedy": lambda: greedy_utilitarian_welfare(inst, prof, sat_class=sat),
                "mes": lambda: method_of_equal_shares(inst, prof, sat_class=sat),
                "mes-add1": lambda: method_of_equal_shares(inst, prof, sat_class=sat, voter_budget_increment=1),
                "phragmen": lambda: sequential_phragmen(inst, prof),
            }
            for r in rules:
                t = time.perf_counter()
                res = calls[r]()
                theirs[r] = time.perf_counter() - t
                names = [p.name for p in res]
                same[r] = "same order" if names == outcomes[r] else ("same set" if set(names) == set(outcomes[r]) else "DIFFERENT")

    print(f"{os.path.basename(args.path)}: {election.num_voters} ballots, {len(election.projects)} projects, "
          f"vote_type={election.vote_type}")
    rows = ["parse"] + rules
    print(f"{'step':<10} {'sharaka (s)':>12} {'pabutools (s)':>14} {'speed-up':>10}  outcome")
    for k in rows:
        o = ours[k]
        p = theirs.get(k)
        ps = f"{p:14.3f}" if p is not None else f"{'-':>14}"
        sp = f"{p / o:9.0f}x" if p is not None and o > 0 else f"{'-':>10}"
        print(f"{k:<10} {o:12.3f} {ps} {sp}  {same.get(k, '')}")
    tot = ours["parse"] + sum(ours[r] for r in rules)
    ptot = sum(theirs.values()) if theirs else None
    print(f"{'total':<10} {tot:12.3f} " + (f"{ptot:14.3f} {ptot / tot:9.0f}x" if ptot else f"{'-':>14}"))
    if not args.no_processes:
        whole_process(args.path, rules, args.repeat, pabutools=not args.no_pabutools and bool(theirs))
    return 0


PABUTOOLS_SCRIPT = """
import sys
from pabutools.election import Additive_Cardinal_Sat, Cost_Sat, parse_pabulib
from pabutools.election.profile import AbstractCardinalProfile
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares, sequential_phragmen
inst, prof = parse_pabulib(sys.argv[1])
sat = Additive_Cardinal_Sat if isinstance(prof, AbstractCardinalProfile) else Cost_Sat
rule = sys.argv[2]
if rule == "phragmen":
    out = sequential_phragmen(inst, prof)
else:
    extra = {"voter_budget_increment": 1} if rule == "mes-add1" else {}
    fn = greedy_utilitarian_welfare if rule == "greedy" else method_of_equal_shares
    out = fn(inst, prof, sat_class=sat, **extra)
print("\\n".join(p.name for p in out))
"""


def _run(cmd: list[str], repeat: int) -> float:
    """Median wall-clock seconds of ``cmd`` as a whole process (output discarded)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(cmd, cwd=_ROOT, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def whole_process(path: str, rules: list[str], repeat: int, pabutools: bool) -> None:
    python = sys.executable
    flask = [python, "-m", "flask", "--app", "budget_app"]
    module = [python, "-m", "budget_app.tally"]
    print(f"\nwhole process (median of {repeat}; pabutools one run), seconds")
    print(f"{'start-up':<22} {'-m budget_app.tally':>20} {'pb tally':>10}")
    print(f"{'':<22} {_run(module + ['--help'], repeat):20.3f} {_run(flask + ['pb', '--help'], repeat):10.3f}")
    print(f"{'rule':<10} {'-m budget_app.tally':>20} {'pb tally':>10} {'pabutools':>10} {'speed-up (-m / pb)':>20}")
    for rule in rules:
        ours_m = _run(module + [path, "--rule", rule], repeat)
        ours_f = _run(flask + ["pb", "tally", path, "--rule", rule], repeat)
        theirs = _run([python, "-c", PABUTOOLS_SCRIPT, path, rule], 1) if pabutools else None
        speed = f"{theirs / ours_m:8.0f}x / {theirs / ours_f:.0f}x" if theirs else "-"
        print(f"{rule:<10} {ours_m:20.3f} {ours_f:10.3f} " + (f"{theirs:10.3f}" if theirs else f"{'-':>10}")
              + f" {speed:>20}")


if __name__ == "__main__":
    raise SystemExit(main())
