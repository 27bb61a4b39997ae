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
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "sharaka"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_FAILURE_LIMIT": os.environ.get("LOGIN_FAILURE_LIMIT", "10 per 15 minutes"),
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
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead, which has its own lifetime
        "BABEL_DEFAULT_LOCALE": "ar",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Hebron",
        "LANGUAGES": ("ar", "en"),
        "PASSWORD_HASH_METHOD": "scrypt",
        "SETUP_LINK_HOURS": int(os.environ.get("SETUP_LINK_HOURS", "72")),
        "DEFAULT_CURRENCY": "ILS",
    }
