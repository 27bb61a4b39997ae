"""A citizen on a phone: bytes and time to draw the citizen budget's charts, throttled.

Usage::

    python benchmarks/citizen_mobile.py [--year 2026] [--runs 3] [--lang ar]

Builds a throw-away instance (SQLite, ``db upgrade``, ``seed-demo``), serves it with gunicorn,
and opens ``/citizen-budget/hebron/<year>/`` in headless Chromium (Playwright, the system
``/usr/bin/chromium``) with Lighthouse's mobile profile: 150 ms round trip, 1.6 Mbit/s down,
750 kbit/s up, CPU slowed 4×. It reports, for a first visit (empty cache) and a repeat visit
(same browser, a new navigation), the bytes received on the wire (compressed) and the time until
every chart on the page is drawn (``data-chart-ready``), as the median of ``--runs`` runs.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from citizen_page import serve_demo, stop  # noqa: E402

PROFILE = {"latency": 150, "downloadThroughput": 1.6 * 1024 * 1024 / 8, "uploadThroughput": 750 * 1024 / 8}
CPU_SLOWDOWN = 4


def visit(page, cdp, url: str) -> dict:
    received = []
    cdp.on("Network.loadingFinished", lambda e: received.append(e["encodedDataLength"]))
    start = time.perf_counter()
    page.goto(url, wait_until="load")
    charts = page.locator("[data-chart]").count()
    page.wait_for_function("n => document.querySelectorAll('[data-chart-ready]').length >= n", arg=charts,
                           timeout=120_000)
    elapsed = time.perf_counter() - start
    page.wait_for_timeout(300)  # late loadingFinished events
    return {"bytes": sum(received), "seconds": elapsed, "charts": charts}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--year", type=int, default=date.today().year)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lang", default="ar")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    server, instance = None, None
    firsts, repeats = [], []
    try:
        server, port, instance = serve_demo("sharaka-mobile-", 2)
        url = f"http://127.0.0.1:{port}/citizen-budget/hebron/{args.year}/?lang={args.lang}"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                                         args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            for _ in range(args.runs):
                context = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True,
                                              device_scale_factor=2)
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.emulateNetworkConditions", {"offline": False, **PROFILE})
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
                firsts.append(visit(page, cdp, url))
                repeats.append(visit(page, cdp, url))
                context.close()
            browser.close()
    finally:
        stop(server)
        if instance:
            shutil.rmtree(instance, ignore_errors=True)

    print(f"citizen budget at 360 px, lang={args.lang}, {firsts[0]['charts']} charts; mobile profile: "
          f"{PROFILE['latency']} ms RTT, 1.6 Mbit/s down, CPU {CPU_SLOWDOWN}x slower; median of {args.runs}")
    for name, runs in (("first visit", firsts), ("repeat visit", repeats)):
        kib = statistics.median(r["bytes"] for r in runs) / 1024
        secs = statistics.median(r["seconds"] for r in runs)
        print(f"  {name:13} {kib:9.1f} KiB on the wire   charts drawn after {secs:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
