#!/usr/bin/env python3
"""Seed the large demo (`seed-demo --scale large`) into a fresh database and crawl the site as
every role in Arabic and English (the crawler of tests/crawl), then print the server time per
route: p50, p95 and max, slowest first.

    python benchmarks/crawl.py                                   # SQLite in a temporary folder
    python benchmarks/crawl.py postgresql://postgres@127.0.0.1:5432/sharaka_bench   # emptied first

The crawl runs in-process (Flask's test client), so its times are the server's: rendering and
queries, without the network.
"""
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "crawl")]


def main(url: str | None) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from budget_app import create_app
    from budget_app.extensions import db
    from crawler import ROLE_EMAILS, crawl, id_contexts, is_file, per_route, route_urls, summary
    from helpers import PASSWORD, Client, app_config

    tmp = Path(tempfile.mkdtemp(prefix="sharaka-crawl-"))
    if url is None:
        url = "sqlite:///" + str(tmp / "large.db")
    else:
        u = make_url(url)
        admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{u.database}"'))
        admin.dispose()
    app = create_app(app_config(url, tmp / "instance"))
    app.test_client_class = Client
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["seed-demo", "--scale", "large", "--password", PASSWORD])
        assert result.exit_code == 0, result.output
        seed_seconds = time.perf_counter() - started
        seeds = route_urls(app, id_contexts())
        db.session.remove()
        files = {}
        results = [crawl(app, role, lang, seeds, per_endpoint=3, link_checks=8, files=files)
                   for lang in ("ar", "en") for role in ROLE_EMAILS]
    print(f"database: {make_url(url).get_backend_name()}; seed-demo --scale large: {seed_seconds:.1f} s")
    print(summary(results))
    queries: dict[str, int] = {}
    downloads: set[str] = set()
    for r in results:
        for p in r.pages:
            queries[p.endpoint] = max(queries.get(p.endpoint, 0), p.queries)
            if is_file(p.url):
                downloads.add(p.endpoint)
    rows = per_route(results)
    print(f"\n{'route':55} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'max SQL':>8}")
    for endpoint, n, p50, p95, worst in rows:
        print(f"{endpoint:55} {n:5d} {p50 * 1000:8.0f} {p95 * 1000:8.0f} {worst * 1000:8.0f} {queries[endpoint]:8d}"
              + ("  (download)" if endpoint in downloads else ""))
    over = [r[0] for r in rows if r[3] > 0.2 and r[0] not in downloads]
    print(f"\npages with p95 over 200 ms: {len(over)}" + (f" ({', '.join(over)})" if over else ""))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
