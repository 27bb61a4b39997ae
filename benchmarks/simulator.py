"""The budget simulator with 20,000 submissions: time to save them through the service (one
transaction per submission, as requests do) and to compute the results page's figures.

Usage::

    python benchmarks/simulator.py [--submissions 20000] [--database sqlite:///...]

Builds a throw-away SQLite database (or uses ``--database``, e.g. a PostgreSQL URL of an empty
database) with the demo's reference lists, opens a simulation of 8 lines for hebron, sends
``--submissions`` balanced budgets from as many addresses (every 50th from an address already
seen: flagged), then times ``services.results`` (median of 5 runs) and the CSV export rows.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=20_000)
    parser.add_argument("--database", default="")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="sharaka-sim-bench-")
    os.environ["SHARAKA_INSTANCE_PATH"] = tmp
    url = args.database or f"sqlite:///{tmp}/bench.db"

    from budget_app import create_app, demo
    from budget_app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark", "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context(), app.test_request_context("/?lang=en"):
        db.create_all()
        demo.seed_core(demo.DemoContext(password="benchmark-only", echo=lambda *a: None))
        db.session.commit()
        from budget_app.tenancy import Council
        from simulator import services

        council = Council.query.filter_by(slug="hebron").one()
        sim = services.open_simulation(council, None, fiscal_year=2099, title_ar="قياس", envelope_minor=1_000_000_00,
                                       closes_on=date.today() + timedelta(days=30))
        db.session.commit()
        lines = [line.id for line in sim.lines]
        rng = random.Random(13)
        started = time.perf_counter()
        for i in range(args.submissions):
            weights = [rng.random() + 0.05 for _ in lines]
            total = sum(weights)
            amounts = [int(sim.envelope_minor * w / total) for w in weights]
            amounts[0] += sim.envelope_minor - sum(amounts)
            address = f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}" if i % 50 else "10.255.255.1"
            services.submit(sim, dict(zip(lines, amounts)), address=address)
            db.session.commit()
        saving = time.perf_counter() - started
        timings = []
        for _ in range(5):
            db.session.expire_all()
            t = time.perf_counter()
            r = services.results(sim)
            timings.append(time.perf_counter() - t)
        t = time.perf_counter()
        _header, rows = services.export_rows(sim)
        export = time.perf_counter() - t
        print(f"{args.submissions} submissions on {db.engine.dialect.name}: saved in {saving:.1f} s "
              f"({args.submissions / saving:.0f} per second, one transaction each); "
              f"{r['count']} counted, {r['duplicates']} flagged; results in {statistics.median(timings) * 1000:.0f} ms "
              f"(median of 5); export rows in {export * 1000:.0f} ms ({len(rows)} rows)")


if __name__ == "__main__":
    main()
