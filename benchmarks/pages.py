"""Throughput of the main pages against a trivial route served by the same gunicorn.

Usage::

    python benchmarks/pages.py [--seconds 5] [--rounds 5] [--clients 4] [--workers 2]

Builds a throw-away demo instance (as ``citizen_page.py`` does), serves it with gunicorn on
127.0.0.1, logs in as a member of hebron and nablus (member1) and, for each page, runs
``--clients`` client processes (a new connection per request, the session cookie of that
member; public pages without it). The pages take turns in ``--rounds`` rounds of ``--seconds``
divided by the rounds each, so a machine shared with other work slows them alike. Prints
requests per second, the median p50/p95 of the rounds and the ratio to the trivial route
(targets: at least 0.3 for each main page, 0.6 for the citizen page).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sqlite3
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from citizen_page import load, request, serve_demo, stop  # noqa: E402

PASSWORD = "sharaka-demo-2026"


def login(port: int, email: str) -> str:
    """The Cookie header of a logged-in session."""
    import requests

    s = requests.Session()
    page = s.get(f"http://127.0.0.1:{port}/login", timeout=30).text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    r = s.post(f"http://127.0.0.1:{port}/login", data={"email": email, "password": PASSWORD, "csrf_token": token},
               timeout=30, allow_redirects=False)
    assert r.status_code == 302, r.status_code
    return "; ".join(f"{c.name}={c.value}" for c in s.cookies)


def ids(instance: str) -> dict:
    con = sqlite3.connect(Path(instance) / "sharaka.db")
    one = lambda sql, *a: con.execute(sql, a).fetchone()[0]  # noqa: E731
    hebron = one("SELECT id FROM council WHERE slug = 'hebron'")
    nablus = one("SELECT id FROM council WHERE slug = 'nablus'")
    year = date.today().year
    return {
        "year": year,
        "cycle": one("SELECT id FROM budget_cycle WHERE council_id = ? AND fiscal_year = ?", hebron, year),
        "decided": one("SELECT id FROM budget_cycle WHERE council_id = ? AND phase = 'decided'", hebron),
        "voting": one("SELECT id FROM budget_cycle WHERE council_id = ? AND phase = 'voting'", nablus),
        "priority": one("SELECT id FROM priority WHERE council_id = ? AND status != 'draft' ORDER BY id", hebron),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=5, help="seconds per page, over all rounds")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    server, instance = None, None
    try:
        server, port, instance = serve_demo("sharaka-pages-", args.workers)
        i = ids(instance)
        member = {"Cookie": login(port, "member1@sharaka.test")}
        pages = [
            ("trivial route /healthz", "/healthz", {}),
            ("council home", "/councils/hebron/", member),
            ("priorities list", "/councils/hebron/priorities/", member),
            ("priority detail", f"/councils/hebron/priorities/{i['priority']}/", member),
            ("cycle page", f"/councils/hebron/cycles/{i['cycle']}/", member),
            ("ballot", f"/councils/nablus/cycles/{i['voting']}/vote", member),
            ("results", f"/councils/hebron/cycles/{i['decided']}/results", member),
            ("citizen budget", f"/citizen-budget/hebron/{i['year']}/", {}),
            ("API allocations", f"/api/v1/citizen-budgets/hebron/{i['year']}/allocations", {}),
        ]
        for _name, path, headers in pages:  # every worker renders each page once first
            for _ in range(args.workers * 4):
                status = request(port, path, headers)[0]
            assert status == 200, (path, status)
        slices: dict[str, list[dict]] = {name: [] for name, _p, _h in pages}
        for _ in range(max(args.rounds, 1)):
            for name, path, headers in pages:
                slices[name].append(load(port, path, args.seconds / max(args.rounds, 1), args.clients, headers))
        results = []
        for name, path, _h in pages:
            runs = slices[name]
            results.append((name, path, {
                "rps": sum(r["n"] for r in runs) / args.seconds, "errors": sum(r["errors"] for r in runs),
                "p50": statistics.median(r["p50"] for r in runs), "p95": statistics.median(r["p95"] for r in runs)}))
    finally:
        stop(server)
        if instance:
            shutil.rmtree(instance, ignore_errors=True)
    print(f"gunicorn {args.workers} sync workers on 127.0.0.1, {args.clients} client processes, "
          f"{args.seconds:g} s per URL in {args.rounds} rounds, {os.cpu_count()} CPUs shared by server and clients")
    print(f"{'page':24} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'× trivial':>10}  target")
    trivial = results[0][2]["rps"] or 1
    for name, _path, r in results:
        target = 0.6 if name == "citizen budget" else 0.3 if r is not results[0][2] else None
        ratio = r["rps"] / trivial
        verdict = "" if target is None else f"≥ {target}: {'OK' if ratio >= target else 'BELOW'}"
        print(f"{name:24} {r['rps']:8.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['errors']:7d} {ratio:10.2f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
