"""Configuration: safe defaults, then ``RUKUN_*``/well-known environment variables.

Read once by :func:`community.create_app`; tests pass an explicit mapping last.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from community.notifications.delivery_rules import DEFAULT_PUSH_HOSTS
from community.web import ratelimit_storage


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_secret_key(instance_path: Path) -> str:
    """Return ``SECRET_KEY`` from the environment, or from ``instance/secret_key``.

    The file is created on first run with 0600 permissions so that a fresh laptop
    install needs no manual step and the key survives restarts (sessions stay valid).
    """
    from_env = os.environ.get("SECRET_KEY") or os.environ.get("RUKUN_SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def load_install_id(instance_path: Path) -> str:
    """This install's own random name, from ``instance/install_id`` (created on first use).

    It makes calendar UIDs globally unique (two installs never mint the same
    ``activity-16@…``) and stays the same for the life of the install, so a calendar
    app recognises an event it already has.
    """
    id_file = instance_path / "install_id"
    if not id_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        draft = instance_path / f"install_id.{os.getpid()}.tmp"
        draft.write_text(secrets.token_hex(10))
        try:
            os.link(draft, id_file)  # atomic, and never over a name another process made
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return id_file.read_text().strip()


def default_config(instance_path: Path) -> dict:
    """Defaults that are safe on a laptop and in production alike."""
    production = os.environ.get("RUKUN_ENV", "development") == "production"
    db_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'rukun.sqlite3'}"
    if db_url.startswith("postgres://"):  # Heroku-style URLs name a dialect SQLAlchemy dropped
        db_url = "postgresql+psycopg://" + db_url.removeprefix("postgres://")
    redis_url = os.environ.get("REDIS_URL")
    return {
        "RUKUN_ENV": "production" if production else "development",
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        # Flask defaults that the security plan (§0.3) flags as unsafe:
        "MAX_CONTENT_LENGTH": 1 * 1024 * 1024,  # no uploads yet; 1 MB bounds memory per request
        "SESSION_COOKIE_NAME": "__Host-rukun" if production else "rukun",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        "REMEMBER_COOKIE_NAME": "__Host-rukun_r" if production else "rukun_r",
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),  # Flask-Login's default is 365 days
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # A CSRF token that expires after an hour breaks long-open htmx pages (plan §0.9).
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": True,
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Makassar",
        "LANGUAGES": ("id", "en"),
        # Counters shared by every gunicorn worker: Redis, or a SQLite file on this machine.
        "RATELIMIT_STORAGE_URI": redis_url
        or ratelimit_storage.storage_uri(instance_path / "ratelimit.sqlite3"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_ENABLED": _env_bool("RUKUN_RATELIMIT", True),
        # Sign-in, registration and reset: per IP and per account.  Ten tries a minute is
        # plenty for a person mistyping on a phone and useless for guessing passwords.
        "AUTH_LIMIT_PER_IP": os.environ.get(
            "RUKUN_AUTH_LIMIT_PER_IP", "20 per minute;200 per hour"
        ),
        # Per account *and* address; the per-account ceiling is higher, so a stranger
        # cannot lock a resident out of their own account from another address.
        "AUTH_LIMIT_PER_ACCOUNT": os.environ.get(
            "RUKUN_AUTH_LIMIT_PER_ACCOUNT", "10 per minute;50 per hour"
        ),
        "AUTH_LIMIT_PER_ACCOUNT_TOTAL": os.environ.get(
            "RUKUN_AUTH_LIMIT_PER_ACCOUNT_TOTAL", "30 per minute;200 per hour"
        ),
        "HTMX_VERSION": "2.0.11",
        "HTMX_URL": "https://unpkg.com/htmx.org@2.0.11/dist/htmx.min.js",
        "HTMX_SRI": "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg",
        # Static files with hashed names and their gzip/brotli copies, made at start.
        "STATIC_BUILD_FOLDER": str(instance_path / "static-build"),
        # Pages, fragments, JSON and exports compressed by the app (static files are
        # compressed once at start instead). zstd is left out: brotli is as small for HTML
        # and every browser that sends zstd sends br too.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
        "COMPRESS_BR_LEVEL": 4,  # brotli 4 is smaller than gzip 6 and costs less CPU
        "COMPRESS_LEVEL": 6,
        # Below ~1 KB a fragment fits one TCP packet either way: not worth the CPU.
        "COMPRESS_MIN_SIZE": 1024,
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "text/csv",
            "text/calendar",
            "application/json",
            "application/manifest+json",
            "image/svg+xml",
        ],
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # Reverse proxies in front of the app (1 behind deploy/nginx/rukun.conf): their
        # X-Forwarded-For/-Proto are trusted, so rate limits count the client's address,
        # not nginx's. 0 when clients connect directly: the headers could be forged then.
        "PROXY_COUNT": int(os.environ.get("RUKUN_PROXY_COUNT", "0")),
        # The right-hand side of calendar UIDs (``activity-16@<this>``): the site's host
        # name if set, else a random name kept in instance/install_id (see load_install_id).
        "CALENDAR_UID_DOMAIN": os.environ.get("RUKUN_CALENDAR_UID_DOMAIN"),
        # Web Push.  Subscriptions are accepted only for these push services (a leading
        # "*." allows subdomains); the check, and the public-address check when sending,
        # may be switched off only for the loopback stand-in in tests (never in production).
        "PUSH_ALLOWED_HOSTS": tuple(
            h.strip()
            for h in os.environ.get("RUKUN_PUSH_HOSTS", ",".join(DEFAULT_PUSH_HOSTS)).split(",")
            if h.strip()
        ),
        "PUSH_CHECK_ENDPOINTS": _env_bool("RUKUN_PUSH_CHECK_ENDPOINTS", True),
        "PUSH_CONTACT": os.environ.get("RUKUN_PUSH_CONTACT", "mailto:admin@rukun.example"),
        "PUSH_CONCURRENCY": int(os.environ.get("RUKUN_PUSH_CONCURRENCY", "96")),
        "PUSH_TIMEOUT": float(os.environ.get("RUKUN_PUSH_TIMEOUT", "10")),
        # Rows claimed (and recorded) at a time; a worker that dies resends at most these.
        "PUSH_BATCH": int(os.environ.get("RUKUN_PUSH_BATCH", "250")),
        # How long a claimed row is a worker's; after that another worker may send it.
        "PUSH_LEASE_SECONDS": int(os.environ.get("RUKUN_PUSH_LEASE_SECONDS", "120")),
        # The reminder worker's queue: SQLite file in instance/ unless REDIS_URL is set.
        "WORKER_BACKEND": os.environ.get("RUKUN_WORKER", "redis" if redis_url else "sqlite"),
    }
