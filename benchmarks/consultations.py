"""Beneficiaries' consultations at scale.

``codes``: generate ``--codes`` (10,000) access codes for one consultation (random, hashed,
inserted, sealed for the sheet) and print them: the HTML sheet's cards (QR codes as SVG) and the
PDF. Each step timed; goal: under 10 s for generating and printing.

``answers``: ``--holders`` (2,000) code holders answer through gunicorn (``--workers``, 4) on
``--database`` (a PostgreSQL URL; SQLite file by default): each holder opens the card's address
``/C/<code>`` (the ballot, with its CSRF token) and sends the answer, ``--concurrency`` at a time;
every ``--twice``-th holder sends it twice at the same moment (a double click, a shared card).
Afterwards the database is checked: answers == codes used == successful sends, no code counted
twice, no answer lost. Prints the wall time, throughput and p50/p95/max of the send.

Usage::

    python benchmarks/consultations.py codes [--codes 10000] [--database URL]
    python benchmarks/consultations.py answers [--holders 2000] [--workers 4] [--concurrency 50] [--database URL]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECRET = "benchmark-only-secret"


def _app(url: str):
    from budget_app import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "RATELIMIT_STORAGE_URI": "memory://"})


def _consultation(app, n_codes: int):
    """Reference lists, hebron, three shortlisted priorities and a consultation with n codes."""
    from budget_app import demo
    from budget_app.extensions import db
    from budget_app.reference.models import Sector
    from budget_app.tenancy import Council
    from budget_app.utils import utcnow
    from priorities import services as priority_services
    from priorities.consultations import services

    demo.seed_core(demo.DemoContext(password="benchmark-only", echo=lambda *a: None))
    db.session.commit()
    council = Council.query.filter_by(slug="hebron").one()
    sector = Sector.query.first()
    now = utcnow()
    for i in range(4):
        p = priority_services.save_priority(council, None, data={
            "fiscal_year": now.year, "title_ar": f"أولوية {i}", "title_en": f"Priority {i}", "description_ar": "",
            "description_en": "", "sector_id": sector.id, "locality_id": None, "estimated_beneficiaries": 100,
            "evidence_type": "field_visit", "evidence_details": "", "evidence_meeting_id": None,
            "proposing_organization": ""}, target_groups=[])
        priority_services.submit_priority(p)
        priority_services.shortlist_priority(p)
    db.session.commit()
    started = time.perf_counter()
    consultation, batch, plain = services.create_consultation(
        council, None, question_ar="ما الأهم لأسركم؟", fiscal_year=now.year, method="points", points_budget=10,
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1), codes_count=n_codes)
    db.session.commit()
    return consultation, batch, plain, time.perf_counter() - started


def bench_codes(args) -> None:
    tmp = tempfile.mkdtemp(prefix="sharaka-consult-bench-")
    os.environ["SHARAKA_INSTANCE_PATH"] = tmp
    url = args.database or f"sqlite:///{tmp}/bench.db"
    app = _app(url)
    from budget_app.extensions import db
    from priorities.consultations import printing, sheets

    with app.app_context(), app.test_request_context("/?lang=en", base_url="https://sharaka.example.ps"):
        db.create_all()
        consultation, batch, plain, generated = _consultation(app, args.codes)
        started = time.perf_counter()
        reopened = sheets.open_sheet(batch)
        unsealed = time.perf_counter() - started
        assert reopened == plain
        started = time.perf_counter()
        cards = printing.cards(plain)
        html_cards = time.perf_counter() - started
        # The page as the coordinator's browser gets it, a part (1,000 cards) at a time.
        from flask import render_template
        started = time.perf_counter()
        parts = printing.parts(len(plain), printing.HTML_PART)
        html_bytes = sum(len(render_template(
            "consultations/cards.html", council=consultation.council, consultation=consultation, batch=batch,
            cards=cards[start:end], first=start, part=n, parts=parts, pdf_parts=printing.parts(len(plain), printing.PDF_PART),
            total=len(plain), active_tab="consultations")) for n, (start, end) in enumerate(parts, 1))
        html_pages = time.perf_counter() - started
        started = time.perf_counter()
        pdf = printing.pdf_bytes(consultation, batch, plain)
        pdf_time = time.perf_counter() - started
        db.session.remove()
        if not args.database:
            db.drop_all()
    print(f"{args.codes:,} codes on {url.split(':')[0]}")
    print(f"  generated, hashed (HMAC-SHA256), inserted, sealed: {generated:.2f} s")
    print(f"  sheet unsealed (Fernet):                          {unsealed * 1000:.0f} ms")
    print(f"  HTML sheet cards (QR as SVG):                     {html_cards:.2f} s ({len(cards):,} cards)")
    print(f"  HTML pages rendered ({len(parts)} parts, {html_bytes / 1024 / 1024:.1f} MiB):          {html_pages:.2f} s")
    print(f"  PDF ({len(pdf) / 1024 / 1024:.1f} MiB, {(args.codes + 9) // 10:,} pages):        {pdf_time:.2f} s")
    print(f"  generated + PDF printed:                          {generated + pdf_time:.2f} s")
    print(f"  generated + HTML sheet + PDF:                     {generated + html_cards + html_pages + pdf_time:.2f} s")
    shutil.rmtree(tmp, ignore_errors=True)


# Answers through gunicorn ---------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str, workers: int, instance: str):
    env = {**os.environ, "SHARAKA_INSTANCE_PATH": instance, "SECRET_KEY": SECRET, "DATABASE_URL": url,
           # One address sends every holder's answers here: the per-address limits are lifted.
           "CONSULTATION_ANSWER_LIMIT": "1000000 per hour", "CONSULTATION_CODE_FAILURE_LIMIT": "1000000 per hour"}
    port = _free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen([gunicorn, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "60",
                               "--log-level", "warning", "budget_app:create_app()"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import requests
    end = time.time() + 60
    while time.time() < end:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server, port
        except requests.RequestException:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("gunicorn did not start")


TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def _holder(port: int, code: str, ids: list[int], twice: bool) -> tuple[list[int], float]:
    """Open the card's address, then send the answer (twice at once if ``twice``)."""
    import requests
    session = requests.Session()
    page = session.get(f"http://127.0.0.1:{port}/C/{code}", timeout=60)
    match = TOKEN.search(page.text)
    if page.status_code != 200 or not match:
        return [page.status_code], 0.0
    data = {"csrf_token": match.group(1) or match.group(2), "code": code, f"p-{ids[0]}": "6", f"p-{ids[1]}": "4"}
    post = lambda: session.post(f"http://127.0.0.1:{port}/consult/answer", data=data, allow_redirects=False,  # noqa: E731
                                timeout=60).status_code
    started = time.perf_counter()
    if not twice:
        return [post()], time.perf_counter() - started
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(post())) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses, time.perf_counter() - started


def bench_answers(args) -> None:
    instance = tempfile.mkdtemp(prefix="sharaka-consult-answers-")
    os.environ["SHARAKA_INSTANCE_PATH"] = instance
    url = args.database or f"sqlite:///{instance}/bench.db"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET}
    subprocess.run([sys.executable, "-m", "flask", "--app", "budget_app", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    app = _app(url)
    from budget_app.extensions import db
    from priorities.consultations.models import AccessCode, ConsultationAnswer

    with app.app_context(), app.test_request_context("/"):
        consultation, _batch, plain, _t = _consultation(app, args.holders)
        ids = [p.id for p in consultation.priorities]
        cid = consultation.id
        db.session.remove()
    server, port = _serve(url, args.workers, instance)
    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            outcomes = list(pool.map(lambda i: _holder(port, plain[i], ids, args.twice and i % args.twice == 0),
                                     range(args.holders)))
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    with app.app_context():
        answers = ConsultationAnswer.query.filter_by(consultation_id=cid).count()
        used = AccessCode.query.filter(AccessCode.consultation_id == cid, AccessCode.used_at.is_not(None)).count()
        distinct = db.session.query(ConsultationAnswer.code_id).filter_by(consultation_id=cid).distinct().count()
        db.session.remove()
    sent = [s for statuses, _ in outcomes for s in statuses]
    ok = sent.count(302)
    refused_used = sent.count(409)
    errors = [s for s in sent if s not in (302, 409)]
    doubles = sum(1 for statuses, _ in outcomes if len(statuses) == 2)
    latencies = sorted(t for _, t in outcomes if t)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0
    print(f"{args.holders:,} code holders, {args.concurrency} at a time, gunicorn {args.workers} workers, "
          f"{url.split(':')[0]}; {doubles} of them sent their answer twice at once")
    print(f"  wall time {wall:.1f} s, {args.holders / wall:.1f} holders/s (page + answer)")
    print(f"  answer send: p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"max {latencies[-1] * 1000:.0f} ms")
    print(f"  counted (302) {ok:,}, refused as used (409) {refused_used:,}, other {len(errors)} {sorted(set(errors))}")
    print(f"  database: answers {answers:,}, codes used {used:,}, distinct codes answered {distinct:,}")
    lost = args.holders - answers
    double = answers - distinct
    print(f"  lost {lost}, double-used {double}")
    shutil.rmtree(instance, ignore_errors=True)
    if lost or double or ok != answers or errors:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    codes = sub.add_parser("codes")
    codes.add_argument("--codes", type=int, default=10_000)
    codes.add_argument("--database", default="")
    answers = sub.add_parser("answers")
    answers.add_argument("--holders", type=int, default=2000)
    answers.add_argument("--workers", type=int, default=4)
    answers.add_argument("--concurrency", type=int, default=50)
    answers.add_argument("--twice", type=int, default=20, help="every n-th holder sends twice at once (0: none)")
    answers.add_argument("--database", default="")
    args = parser.parse_args()
    bench_codes(args) if args.what == "codes" else bench_answers(args)


if __name__ == "__main__":
    main()
