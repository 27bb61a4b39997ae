"""Benchmark the public citizen-budget page against a trivial route of the same app.

Usage::

    python benchmarks/citizen_page.py [--seconds 10] [--clients 4] [--workers 2] [--year 2026]

Builds a throw-away instance (SQLite, ``db upgrade``, ``seed-demo``), serves the app with
gunicorn on 127.0.0.1, then for each URL runs ``--clients`` client processes for ``--seconds``
(new connection per request, ``Accept-Encoding: gzip, br`` as a browser sends) and prints
requests per second and p50/p95 latency side by side, the ratio to the trivial route
(target: at least 0.5), and the page weight (HTML + CSS + JS, compressed) on a first and on a
repeat visit.
"""
from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENCODING = "gzip, br"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, path: str, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Accept-Encoding": ENCODING, **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


def _client(port: int, path: str, seconds: float, headers: dict, queue) -> None:
    latencies, errors = [], 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        try:
            status, _h, _b = request(port, path, headers)
            if status >= 400:
                errors += 1
        except OSError:
            errors += 1
        latencies.append(time.perf_counter() - start)
    queue.put((latencies, errors))


def load(port: int, path: str, seconds: float, clients: int, headers: dict | None = None) -> dict:
    queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_client, args=(port, path, seconds, headers or {}, queue))
             for _ in range(clients)]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    latencies = sorted(x for r in results for x in r[0])
    errors = sum(r[1] for r in results)

    def pct(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0

    return {"rps": len(latencies) / seconds, "p50": pct(0.50), "p95": pct(0.95), "n": len(latencies),
            "errors": errors}


def page_weight(port: int, page: str) -> dict:
    """Bytes on the wire (bodies, compressed) for a first visit and for a repeat visit."""
    status, headers, html = request(port, page)
    assert status == 200, status
    text = request_identity(port, page)
    assets = re.findall(r'(?:href|src)="(/(?:static|assets)/[^"?]+\.(?:css|js)(?:\?v=[0-9a-f]+)?)"', text)
    first = {"html": len(html)}
    repeat = {}
    etag = headers.get("ETag")
    status2, _h, body2 = request(port, page, {"If-None-Match": etag} if etag else {})
    repeat["html"] = len(body2) if status2 != 304 else 0
    for asset in dict.fromkeys(assets):
        status, h, body = request(port, asset)
        first[asset] = len(body)
        cache_control = h.get("Cache-Control", "")
        if "immutable" in cache_control or "max-age=31536000" in cache_control:
            repeat[asset] = 0  # served from the browser cache, no request at all
        else:
            cond = {"If-None-Match": h["ETag"]} if h.get("ETag") else {}
            s3, _h3, b3 = request(port, asset, cond)
            repeat[asset] = 0 if s3 == 304 else len(b3)
    return {"first": first, "repeat": repeat, "html_cache_control": headers.get("Cache-Control", ""),
            "encoding": headers.get("Content-Encoding", "identity")}


def request_identity(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Accept-Encoding": "identity"})
    body = conn.getresponse().read().decode("utf-8")
    conn.close()
    return body


def prepare_instance(env: dict) -> None:
    flask = [sys.executable, "-m", "flask", "--app", "budget_app"]
    for args in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + args, env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "flask", "--app", "budget_app", "translate", "compile"], cwd=ROOT, check=True, capture_output=True)


def wait_ready(port: int, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            if request(port, "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def serve_demo(prefix: str, workers: int):
    """A throw-away SQLite instance with the demo, served by gunicorn: (server, port, instance)."""
    instance = tempfile.mkdtemp(prefix=prefix)
    env = {**os.environ, "SHARAKA_INSTANCE_PATH": instance, "SECRET_KEY": "benchmark-only"}
    env.pop("DATABASE_URL", None)
    port = int(os.environ.get("BENCHMARK_PORT") or 0) or free_port()  # a port of your own on a shared machine
    prepare_instance(env)
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen([gunicorn, "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
                               "--log-level", "warning", "budget_app:create_app()"],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(port)
    return server, port, instance


def stop(server) -> None:
    """End gunicorn; on a loaded machine its graceful shutdown may outlast a short wait."""
    if server is None:
        return
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KiB"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--year", type=int, default=date.today().year)
    ap.add_argument("--trivial", default="/healthz")
    args = ap.parse_args(argv)

    server, instance = None, None
    try:
        server, port, instance = serve_demo("sharaka-bench-", args.workers)
        page = f"/citizen-budget/hebron/{args.year}/"
        # Warm up every worker (first render of each language, compressed-body cache).
        for _ in range(args.workers * 8):
            request(port, page)
            request(port, args.trivial)
        status, headers, _ = request(port, page)
        if status != 200:
            print(f"{page} answered {status}: is the demo seeded for {args.year}?")
            return 1
        results = {
            f"trivial {args.trivial}": load(port, args.trivial, args.seconds, args.clients),
            f"citizen page {page}": load(port, page, args.seconds, args.clients),
            f"citizen page, revalidated (304)": load(port, page, args.seconds, args.clients,
                                                     {"If-None-Match": headers["ETag"]}),
        }
        weight = page_weight(port, page)
    finally:
        stop(server)
        if instance:
            shutil.rmtree(instance, ignore_errors=True)

    print(f"gunicorn {args.workers} sync workers on 127.0.0.1, {args.clients} client processes, "
          f"{args.seconds:g} s per URL, {os.cpu_count()} CPUs shared by server and clients")
    print(f"{'URL':48} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'requests':>9} {'errors':>7}")
    for name, r in results.items():
        print(f"{name:48} {r['rps']:9.1f} {r['p50']:8.2f} {r['p95']:8.2f} {r['n']:9d} {r['errors']:7d}")
    trivial, citizen = list(results.values())[:2]
    ratio = citizen["rps"] / trivial["rps"] if trivial["rps"] else 0
    print(f"citizen page / trivial route throughput: {ratio:.2f} (target >= 0.50): {'OK' if ratio >= 0.5 else 'BELOW'}")
    first, repeat = weight["first"], weight["repeat"]
    print(f"page weight, compressed ({weight['encoding']}); HTML Cache-Control: {weight['html_cache_control']}")
    for name in first:
        print(f"  {name:60} first {kb(first[name]):>12}   repeat {kb(repeat.get(name, 0)):>10}")
    print(f"  {'total':60} first {kb(sum(first.values())):>12}   repeat {kb(sum(repeat.values())):>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
