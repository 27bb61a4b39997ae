"""Two app servers (gunicorn) on two loopback ports, one database, one Redis: sessions,
login rate limits and logout are shared, so any server can take any request."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from helpers import PASSWORD, TEST_SECRET

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def redis_available() -> bool:
    try:
        import redis
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_servers(world, _schema, tmp_path):
    if not redis_available():
        if IN_CI:
            pytest.fail(f"Redis is required in CI ({REDIS_URL})")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    prefix = f"sharaka-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": _schema, "SECRET_KEY": TEST_SECRET, "REDIS_URL": REDIS_URL,
           "RATELIMIT_KEY_PREFIX": prefix, "SHARAKA_INSTANCE_PATH": str(tmp_path / "instance")}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    servers = []
    for _ in range(2):
        port = free_port()
        log = open(tmp_path / f"gunicorn-{port}.log", "w")
        proc = subprocess.Popen([gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "30",
                                 "budget_app:create_app()"], env=env, stdout=log, stderr=subprocess.STDOUT,
                                cwd=str(Path(__file__).resolve().parents[2]))
        servers.append((proc, f"http://127.0.0.1:{port}", log))
    try:
        for proc, base, _ in servers:
            deadline = time.time() + 30
            while True:
                try:
                    if requests.get(base + "/healthz", timeout=10).status_code == 200:
                        break
                except (requests.ConnectionError, requests.Timeout):
                    pass
                if time.time() > deadline or proc.poll() is not None:
                    logs = "\n".join(p.read_text()[-2000:] for p in tmp_path.glob("gunicorn-*.log"))
                    raise RuntimeError(f"gunicorn on {base} did not start:\n{logs}")
                time.sleep(0.2)
        yield [base for _, base, _ in servers]
    finally:
        for proc, _, log in servers:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
        try:
            import redis
            r = redis.Redis.from_url(REDIS_URL)
            for key in r.scan_iter(f"{prefix}*"):
                r.delete(key)
        except Exception:
            pass


def csrf(session: requests.Session, base: str) -> str:
    page = session.get(base + "/login").text
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def post_login(session, base, email, password):
    return session.post(base + "/login", data={"email": email, "password": password,
                                               "csrf_token": csrf(session, base)}, allow_redirects=False)


def test_session_rate_limit_and_logout_are_shared_between_servers(two_servers):
    one, two = two_servers

    # Log in on one server, use the session on the other.
    browser = requests.Session()
    assert post_login(browser, one, "member1@sharaka.test", PASSWORD).status_code == 302
    assert browser.get(two + "/dashboard", allow_redirects=False).status_code == 200
    saved_cookie = browser.cookies.get("sharaka_session")

    # Failed logins alternate between the servers; the combined count hits the limit.
    statuses = []
    for attempt in range(11):
        base = (one, two)[attempt % 2]
        statuses.append(post_login(requests.Session(), base, "member2@sharaka.test", "wrong password").status_code)
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429

    # Log out on one; the saved cookie is refused on the other.
    token = re.search(r'name="csrf-token" content="([^"]+)"', browser.get(one + "/dashboard").text).group(1)
    assert browser.post(one + "/logout", data={"csrf_token": token}, allow_redirects=False).status_code == 302
    replay = requests.Session()
    replay.cookies.set("sharaka_session", saved_cookie)
    response = replay.get(two + "/dashboard", allow_redirects=False)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_redis_down_the_app_keeps_serving_and_counts_login_failures_in_the_database(app, world, caplog):
    """With Redis unreachable, login failures are counted in the database (shared by every
    worker and server) and the log says so."""
    from budget_app import create_app
    from helpers import app_config

    import io
    import logging
    from budget_app.request_log import JsonFormatter
    stream = io.StringIO()
    capture = logging.StreamHandler(stream)
    capture.setFormatter(JsonFormatter())
    logging.getLogger("flask-limiter").addHandler(capture)
    logging.getLogger("sharaka").addHandler(capture)
    config = {**app_config(app.config["SQLALCHEMY_DATABASE_URI"]),
              "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0", "REDIS_URL": "redis://127.0.0.1:1/0"}
    degraded = create_app(config)
    degraded.test_client_class = type(app.test_client())
    client = degraded.test_client()
    assert client.get("/healthz").status_code == 200
    statuses = [client.post_form("/login", {"email": "member2@sharaka.test", "password": "wrong"}).status_code
                for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    other = degraded.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    assert other.login("member1@sharaka.test").status_code == 302
    logging.getLogger("flask-limiter").removeHandler(capture)
    logging.getLogger("sharaka").removeHandler(capture)
    logged = stream.getvalue().lower()
    assert "storage unreachable" in logged and "database" in logged, logged
    from budget_app.auth.models import LoginFailure
    assert LoginFailure.query.count() >= 10


def start_gunicorn(env, tmp_path, workers: int):
    port = free_port()
    log = open(tmp_path / f"gunicorn-{port}.log", "w")
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen([gunicorn, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "60",
                             "budget_app:create_app()"], env=env, stdout=log, stderr=subprocess.STDOUT,
                            cwd=str(Path(__file__).resolve().parents[2]))
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 240  # four workers importing the app on a loaded 2-core machine
    while True:
        try:
            if requests.get(base + "/healthz", timeout=10).status_code == 200:
                return proc, base, log
        except (requests.ConnectionError, requests.Timeout):
            pass
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError(f"gunicorn did not start:\n{(tmp_path / f'gunicorn-{port}.log').read_text()[-2000:]}")
        time.sleep(0.2)


def test_login_limit_is_exact_with_four_workers_without_redis(world, _schema, tmp_path):
    """No Redis: failures are counted in the database, so 4 workers together allow exactly N."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "RATELIMIT_STORAGE_URI")}
    env.update({"DATABASE_URL": _schema, "SECRET_KEY": TEST_SECRET, "LOGIN_FAILURE_LIMIT": "6 per 15 minutes",
                "LOGIN_SLOWDOWN_SECONDS": "0", "SHARAKA_INSTANCE_PATH": str(tmp_path / "instance")})
    proc, base, log = start_gunicorn(env, tmp_path, workers=4)
    try:
        statuses = [post_login(requests.Session(), base, "member2@sharaka.test", "wrong password").status_code
                    for _ in range(6)]
        assert statuses == [200] * 6
        # The 7th attempt is refused whichever worker takes it, even with the right password.
        refused = [post_login(requests.Session(), base, "member2@sharaka.test", PASSWORD) for _ in range(4)]
        assert [r.status_code for r in refused] == [429] * 4
        assert int(refused[0].headers["Retry-After"]) > 0
        # Counted once each, in the database every worker shares (refusals are not failures).
        from budget_app.auth.models import LoginFailure
        from budget_app.extensions import db
        db.session.expire_all()
        assert LoginFailure.query.filter(LoginFailure.key.startswith("account:")).count() == 6
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_memory_rate_limits_start_no_thread_per_request_and_still_expire(monkeypatch):
    """``sharaka-memory://`` (the default without Redis): limits enforced as ``memory://`` does,
    counters expired, and no timer thread started per hit (``memory://`` starts one nearly every
    request, which a busy server pays for in every rate-limited request)."""
    import threading
    import time

    from limits import parse, strategies
    from limits.storage import storage_from_string

    from budget_app import ratelimit_memory

    storage = storage_from_string("sharaka-memory://")
    assert isinstance(storage, ratelimit_memory.SweepingMemoryStorage)
    started = []
    monkeypatch.setattr(threading.Timer, "start", lambda self: started.append(self))
    limiter = strategies.FixedWindowRateLimiter(storage)
    item = parse("3 per 1 second")
    assert [limiter.hit(item, "address") for _ in range(5)] == [True, True, True, False, False]
    assert started == []
    monkeypatch.setattr(ratelimit_memory, "SWEEP_SECONDS", 0.0)
    storage._next_sweep = 0.0
    limiter.hit(parse("1 per 1 second"), "other")
    assert "LIMITER/other/1/1/second" in storage.storage
    time.sleep(1.1)
    assert limiter.hit(item, "address")  # the window has passed
    storage._next_sweep = 0.0
    storage.incr("third", 60)
    assert "LIMITER/other/1/1/second" not in storage.storage  # swept: nobody asked for it again
    assert started == []
