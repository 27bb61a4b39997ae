"""Configuration from the environment, with safe defaults for a single-machine demo."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def normalize_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def load_secret_key(instance_path: str) -> str:
    """``SECRET_KEY`` from the environment, else ``instance/secret_key`` (created once, random)."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Create with 0600 so the key is not readable by other local users.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def mail_config() -> dict:
    """Notification emails (budget_app.notifications.mail): nothing is sent without SMTP_HOST."""
    security = os.environ.get("SMTP_SECURITY", "starttls").strip().lower()
    default_port = {"ssl": "465", "none": "25"}.get(security, "587")
    return {
        "SMTP_HOST": os.environ.get("SMTP_HOST") or None,
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", default_port)),
        "SMTP_SECURITY": security,
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD") or None,
        "SMTP_TIMEOUT": float(os.environ.get("SMTP_TIMEOUT", "10")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Sharaka <no-reply@localhost>"),
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://localhost:5000"),
        "NOTIFY_QUEUE": os.environ.get("NOTIFY_QUEUE", "sharaka-notifications"),
        "NOTIFY_EMAIL_ATTEMPTS": int(os.environ.get("NOTIFY_EMAIL_ATTEMPTS", "5")),
        "NOTIFY_INLINE_ATTEMPTS": int(os.environ.get("NOTIFY_INLINE_ATTEMPTS", "2")),
    }


def build_config(instance_path: str) -> dict:
    """Everything the app reads from the environment, in one place."""
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "sharaka.db")
    )
    redis_url = os.environ.get("REDIS_URL") or None
    idle_minutes = int(os.environ.get("IDLE_TIMEOUT_MINUTES", "30"))
    return {
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        # In the worker's memory without a thread per request (budget_app/ratelimit_memory.py).
        "RATELIMIT_STORAGE_URI": redis_url or "sharaka-memory://",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "sharaka"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Each request is answered by the app within this many seconds (a 503 otherwise);
        # gunicorn's --timeout must be larger (see budget_app/deadline.py).
        "REQUEST_DEADLINE_SECONDS": float(os.environ.get("REQUEST_DEADLINE_SECONDS", "30")),
        "LOGIN_FAILURE_LIMIT": os.environ.get("LOGIN_FAILURE_LIMIT", "10 per 15 minutes"),
        # Wrong access codes per address (consultations), counted where every worker sees them.
        "CONSULTATION_CODE_FAILURE_LIMIT": os.environ.get("CONSULTATION_CODE_FAILURE_LIMIT", "10 per 15 minutes"),
        # Code checks and answers per address (a forum's shared Wi-Fi is one address).
        "CONSULTATION_ANSWER_LIMIT": os.environ.get("CONSULTATION_ANSWER_LIMIT", "300 per hour"),
        "CONSULTATION_SHEET_MINUTES": int(os.environ.get("CONSULTATION_SHEET_MINUTES", "30")),
        # Unknown browsers wait this much longer per failure past half the limit (at most 2 s).
        "LOGIN_SLOWDOWN_SECONDS": float(os.environ.get("LOGIN_SLOWDOWN_SECONDS", "0.25")),
        "IDLE_TIMEOUT": timedelta(minutes=idle_minutes),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "sharaka_session",
        # Secure is decided per request (see security.SessionInterface) unless forced here.
        "SESSION_COOKIE_SECURE": env_bool("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "TRUST_PROXY": int(os.environ.get("TRUST_PROXY", "0")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", str(5 * 1024 * 1024))),
        # Photos and documents (budget_app/uploads): outside the web root, under instance/ unless
        # UPLOAD_DIR points elsewhere (a mounted volume shared by several servers).
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(Path(instance_path) / "uploads"),
        "UPLOAD_MAX_FILE_BYTES": int(os.environ.get("UPLOAD_MAX_FILE_BYTES", str(4 * 1024 * 1024))),
        "UPLOAD_MAX_PIXELS": int(os.environ.get("UPLOAD_MAX_PIXELS", "40000000")),
        "UPLOAD_MAX_SIDE": int(os.environ.get("UPLOAD_MAX_SIDE", "12000")),
        "UPLOAD_MAX_PDF_PAGES": int(os.environ.get("UPLOAD_MAX_PDF_PAGES", "30")),
        "UPLOAD_MAX_PER_OBJECT": int(os.environ.get("UPLOAD_MAX_PER_OBJECT", "10")),
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead, which has its own lifetime
        "BABEL_DEFAULT_LOCALE": "ar",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Hebron",
        "LANGUAGES": ("ar", "en"),
        "PASSWORD_HASH_METHOD": "scrypt",
        "SETUP_LINK_HOURS": int(os.environ.get("SETUP_LINK_HOURS", "72")),
        "DEFAULT_CURRENCY": "ILS",
        **mail_config(),
    }
