#!/usr/bin/env python3
"""Load benchmark: N simulated users for a bounded time against gunicorn on 127.0.0.1.

    python benchmarks/load.py [--db sqlite|postgres] [--workers 4] [--users 50] [--duration 30] [--think 0]
    python benchmarks/load.py --db postgres --workers 4 --users 100,200,300 --think 5 --duration 40

``--think S``: each user reads for a random time (exponential, mean S seconds) after every
request, as people do; 0 (the default) sends the next request at once. ``--users`` may list
several levels: the same server is loaded with each in turn, to see where throughput stops
growing. The resident memory of every gunicorn worker is sampled each second. ``--ramp R``
(default: twice the think time): users arrive at random moments of the first R seconds, as people
do, and only requests started after the ramp are counted (then --duration seconds). ``--warm N``:
each route is requested N times before the first level, so the workers' first renders and imports
are not part of the figures (``--warm 0`` to include them).

It builds a fresh database (SQLite file in a temp folder, or a PostgreSQL database
``sharaka_load`` on 127.0.0.1:5432), applies the migrations, loads the demo data plus 200 extra
members and a cycle open for voting, starts gunicorn, and runs a mix of users:
  - citizens (60%): the citizen budget page, an earlier version, open data (CSV, JSON), the API;
  - members (30%): log in once, browse the council and priorities, vote (and change their vote);
  - the director (10%): log in once, view the results of the decided cycle.
Reports throughput, p50/p95/p99 latency per route and errors. Loopback only; every loop is
bounded by --duration.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PASSWORD = "load test pass phrase"
EXTRA_MEMBERS = 200

SETUP = r'''
import sys
from datetime import date
from budget_app import create_app
from budget_app.extensions import db
from budget_app.auth.models import User
from budget_app.tenancy import Council, Membership
from budget_app.cycles.lifecycle import create_cycle, open_voting
from budget_app.cycles.review import review_all_feasible
from budget_app.cycles.proposals import save_proposal
from budget_app.cycles.models import BudgetCycle

app = create_app()
with app.app_context():
    hebron = Council.query.filter_by(slug="hebron").one()
    director = User.query.filter_by(email="director@sharaka.test").one()
    template = User.query.filter_by(email="member1@sharaka.test").one()
    for i in range(%(n)d):
        user = User(email=f"load{i:03d}@sharaka.test", name=f"Load {i}", password_hash=template.password_hash)
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user=user, council=hebron, role="member", organization_name="Load", organization_type="ngo"))
    free_year = max([date.today().year] + [c.fiscal_year for c in BudgetCycle.query.filter_by(council_id=hebron.id)]) + 1
    cycle = create_cycle(hebron, director, fiscal_year=free_year, title_ar="موازنة اختبار الحمل",
                         title_en="Load test budget", envelope_minor=2_000_000 * 100, ballot_method="approval",
                         tally_rule="greedy", mes_completion=False)
    for i, cost in enumerate([120_000, 90_000, 250_000, 300_000, 60_000, 180_000, 400_000, 75_000], 1):
        save_proposal(cycle, code=f"L{i:02d}", title_ar=f"مقترح {i}", title_en=f"Proposal {i}", cost_minor=cost * 100)
    review_all_feasible(cycle, director, "وجدت المديرية المقترح ممكن التنفيذ بالكلفة والمدة المقترحتين.")
    open_voting(cycle, director)
    db.session.commit()
    decided = BudgetCycle.query.filter(BudgetCycle.council_id == hebron.id, BudgetCycle.tally_json.isnot(None)).first()
    print(cycle.id, [p.id for p in cycle.proposals], decided.id if decided else 0)
'''


def run(cmd, env):
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(db_kind: str, tmp: Path) -> dict:
    env = {**os.environ, "SHARAKA_INSTANCE_PATH": str(tmp / "instance"), "SECRET_KEY": "load-benchmark",
           "DEMO_PASSWORD": PASSWORD}
    if db_kind == "postgres":
        import psycopg
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS sharaka_load WITH (FORCE)")
            conn.execute("CREATE DATABASE sharaka_load")
        env["DATABASE_URL"] = "postgresql://postgres@127.0.0.1:5432/sharaka_load"
    else:
        env["DATABASE_URL"] = "sqlite:///" + str(tmp / "load.db")
    flask = [str(VENV_BIN / "flask"), "--app", "budget_app"]
    run(flask + ["db", "upgrade"], env)
    run(flask + ["seed-demo"], env)
    out = run([sys.executable, "-c", SETUP % {"n": EXTRA_MEMBERS}], env).strip().splitlines()[-1]
    cycle_id, rest = out.split(" ", 1)
    proposals, decided = rest.rsplit(" ", 1)
    env["_CYCLE"], env["_PROPOSALS"], env["_DECIDED"] = cycle_id, proposals, decided
    return env


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.errors = defaultdict(int)
        self.timeline = defaultdict(lambda: defaultdict(int))  # second -> status -> count
        self.started = time.perf_counter()
        self.measure_from = self.started  # requests started earlier (the ramp) are not counted

    def record(self, route, seconds, ok, status=None):
        if time.perf_counter() - seconds < self.measure_from:
            return
        with self.lock:
            self.latency[route].append(seconds)
            if not ok:
                self.errors[route] += 1
            self.timeline[int(time.perf_counter() - self.started)][status or "conn-error"] += 1


def token_of(html):
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    return match.group(1) if match else ""


THINK = {"mean": 0.0}


def think(stop):
    """A user reading the page: a random pause (exponential, mean --think seconds), cut short at the end."""
    if THINK["mean"] > 0:
        stop.wait(random.expovariate(1 / THINK["mean"]))


def timed(stats, session, route, method, url, **kw):
    started = time.perf_counter()
    try:
        response = session.request(method, url, timeout=30, allow_redirects=False, **kw)
        ok = response.status_code < 400
    except requests.RequestException:
        response, ok = None, False
    stats.record(route, time.perf_counter() - started, ok, response.status_code if response is not None else None)
    think(_STOP["event"])
    return response


_STOP = {"event": threading.Event()}
RAMP = {"seconds": 0.0}


def arrive(stop):
    """People do not all open the site in the same second: each user arrives at a random moment of
    the ramp (--ramp seconds, by default twice the think time), which is not measured."""
    if RAMP["seconds"] > 0:
        stop.wait(random.uniform(0, RAMP["seconds"]))


def worker_memory(server_pid: int) -> dict[int, int]:
    """Resident memory (bytes) of each gunicorn worker (the children of the master)."""
    out = {}
    try:
        children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    except OSError:
        return out
    for pid in children:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[int(pid)] = int(line.split()[1]) * 1024
        except OSError:
            pass
    return out


def citizen(base, stats, stop, year):
    s = requests.Session()
    s.headers["Accept-Encoding"] = "gzip"
    arrive(stop)
    while not stop.is_set():
        lang = random.choice(("ar", "en"))
        timed(stats, s, "citizen page", "GET", f"{base}/citizen-budget/hebron/{year}/?lang={lang}")
        timed(stats, s, "open data csv", "GET", f"{base}/citizen-budget/hebron/{year}/v/1/data.csv")
        timed(stats, s, "open data json", "GET", f"{base}/citizen-budget/hebron/{year}/v/1/data.json")
        timed(stats, s, "api allocations", "GET", f"{base}/api/v1/citizen-budgets/hebron/{year}/allocations")


def login(s, base, email):
    page = s.get(f"{base}/login", timeout=30).text
    s.post(f"{base}/login", data={"email": email, "password": PASSWORD, "csrf_token": token_of(page)},
           timeout=30, allow_redirects=False)


def member(base, stats, stop, email, cycle, proposals):
    s = requests.Session()
    arrive(stop)
    login(s, base, email)
    while not stop.is_set():
        timed(stats, s, "council page", "GET", f"{base}/councils/hebron/")
        timed(stats, s, "priorities list", "GET", f"{base}/councils/hebron/priorities/")
        page = timed(stats, s, "ballot form", "GET", f"{base}/councils/hebron/cycles/{cycle}/vote")
        if page is not None and page.status_code == 200:
            data = [("csrf_token", token_of(page.text))] + [
                ("proposal", str(p)) for p in random.sample(proposals, random.randint(1, 4))]
            timed(stats, s, "cast ballot", "POST", f"{base}/councils/hebron/cycles/{cycle}/vote", data=data)


def director(base, stats, stop, decided):
    s = requests.Session()
    arrive(stop)
    login(s, base, "director@sharaka.test")
    while not stop.is_set():
        timed(stats, s, "results page", "GET", f"{base}/councils/hebron/cycles/{decided}/results")


def warm_up(base, count, cycle, decided, year):
    """Each route ``count`` times, one after the other, before anything is measured: every worker
    renders its templates and imports pandas or Plotly once, which a server does once after a deploy."""
    if count <= 0:
        return
    public, member = requests.Session(), requests.Session()
    login(member, base, "director@sharaka.test")
    for _ in range(count):
        for path in (f"/citizen-budget/hebron/{year}/?lang=ar", f"/citizen-budget/hebron/{year}/?lang=en",
                     f"/citizen-budget/hebron/{year}/v/1/data.csv", f"/citizen-budget/hebron/{year}/v/1/data.json",
                     f"/api/v1/citizen-budgets/hebron/{year}/allocations"):
            public.get(base + path, timeout=30)
        for path in ("/councils/hebron/", "/councils/hebron/priorities/", f"/councils/hebron/cycles/{cycle}/vote",
                     f"/councils/hebron/cycles/{decided}/results"):
            member.get(base + path, timeout=30)


def run_level(args, base, users, cycle, proposals, decided, year):
    stats, stop = Stats(), threading.Event()
    _STOP["event"] = stop
    threads = []
    n_dir = max(1, users // 10)
    n_mem = max(1, users * 3 // 10)
    n_cit = max(1, users - n_dir - n_mem)
    for _ in range(n_cit):
        threads.append(threading.Thread(target=citizen, args=(base, stats, stop, year)))
    for i in range(n_mem):
        threads.append(threading.Thread(target=member, args=(base, stats, stop, f"load{i:03d}@sharaka.test",
                                                              cycle, proposals)))
    for _ in range(n_dir):
        threads.append(threading.Thread(target=director, args=(base, stats, stop, decided)))
    stats.started = time.perf_counter()
    stats.measure_from = stats.started + RAMP["seconds"]
    for t in threads:
        t.start()
    return stats, stop, threads, stats.measure_from, (n_cit, n_mem, n_dir)


def report(args, users, stats, elapsed, counts, memory):
    n_cit, n_mem, n_dir = counts
    total = sum(len(v) for v in stats.latency.values())
    print(f"\n{args.db}, {args.workers} gunicorn workers, {users} users ({n_cit} citizens, {n_mem} members, "
          f"{n_dir} director), think time {args.think:g} s, {elapsed:.0f} s: {total} requests, "
          f"{total / elapsed:.1f} req/s, {sum(stats.errors.values())} errors; worker memory (largest RSS) "
          + ", ".join(f"{m / 2**20:.0f} MB" for m in sorted(memory.values(), reverse=True)))
    if args.fault != "none":
        print("per second, status counts:")
        for second in sorted(stats.timeline):
            print(f"  {second:3d}s " + ", ".join(f"{k}: {v}" for k, v in sorted(stats.timeline[second].items(),
                                                                                 key=lambda kv: str(kv[0]))))
    print(f"{'route':18} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}")
    for route, values in sorted(stats.latency.items()):
        q = statistics.quantiles(values, n=100) if len(values) > 1 else [values[0]] * 99
        print(f"{route:18} {len(values):8d} {len(values) / elapsed:7.1f} {q[49] * 1000:7.0f} {q[94] * 1000:7.0f} "
              f"{q[98] * 1000:7.0f} {stats.errors[route]:6d}")
    return total / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--users", default="50", help="number of users, or several levels: 100,200,300")
    parser.add_argument("--duration", type=float, default=30, help="seconds per level")
    parser.add_argument("--think", type=float, default=0.0, help="mean think time in seconds after each request")
    parser.add_argument("--ramp", type=float, default=None,
                        help="seconds over which the users arrive, not measured (default: twice --think)")
    parser.add_argument("--warm", type=int, default=40,
                        help="requests of each route before the first level, not measured: the workers' first "
                             "renders and imports (0: measure them too)")
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--fault", choices=("none", "pg-restart", "redis-down"), default="none",
                        help="pg-restart: restart PostgreSQL at a third of the run; redis-down: run with "
                             "REDIS_URL pointing at a closed port")
    args = parser.parse_args()
    levels = [int(x) for x in str(args.users).split(",") if x.strip()]
    if not levels or any(n < 1 or n > 2000 for n in levels):
        sys.exit("--users: between 1 and 2000 each")
    THINK["mean"] = max(args.think, 0.0)
    RAMP["seconds"] = max(args.ramp if args.ramp is not None else 2 * THINK["mean"], 0.0)
    tmp = Path(tempfile.mkdtemp(prefix="sharaka-load-"))
    print(f"preparing {args.db} database …", flush=True)
    env = prepare(args.db, tmp)
    if args.fault == "redis-down":
        env["REDIS_URL"] = "redis://127.0.0.1:1/0"
    cycle, decided = int(env["_CYCLE"]), int(env["_DECIDED"])
    proposals = [int(x) for x in re.findall(r"\d+", env["_PROPOSALS"])]
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "--workers", str(args.workers), "--bind",
                              f"127.0.0.1:{args.port}", "--timeout", "60", "budget_app:create_app()"],
                             env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(tmp / "gunicorn.log", "w"))
    throughput = []
    try:
        for _ in range(100):
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        year = date.today().year
        warm_up(base, args.warm, cycle, decided, year)
        for users in levels:
            stats, stop, threads, started, counts = run_level(args, base, users, cycle, proposals, decided, year)
            memory: dict[int, int] = {}
            end = time.perf_counter() + RAMP["seconds"] + args.duration
            fault_at = time.perf_counter() + args.duration / 3 if args.fault == "pg-restart" else None
            while time.perf_counter() < end:
                for pid, rss in worker_memory(server.pid).items():
                    memory[pid] = max(memory.get(pid, 0), rss)
                if fault_at and time.perf_counter() >= fault_at:
                    fault_at = None
                    print(f"restarting PostgreSQL at {time.perf_counter() - stats.started:.0f} s", flush=True)
                    version = sorted(os.listdir("/etc/postgresql"))[-1]
                    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
                                   check=False)
                time.sleep(1)
            stop.set()
            for t in threads:
                t.join(timeout=60)
            elapsed = time.perf_counter() - started
            throughput.append((users, report(args, users, stats, elapsed, counts, memory)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if args.fault == "redis-down":
        print("gunicorn log lines mentioning redis/storage/fallback:")
        for line in (tmp / "gunicorn.log").read_text().splitlines():
            if any(w in line.lower() for w in ("redis", "storage", "fallback")):
                print("  " + line[:200])
                break
    if len(throughput) > 1:
        print("\nthroughput by users: " + ", ".join(f"{u}: {r:.1f} req/s" for u, r in throughput))


if __name__ == "__main__":
    main()
