"""SQLite settings that avoid "database is locked" under concurrent readers and writers.

WAL lets readers and one writer proceed together. A request that may write (POST, the
worker, the CLI) begins ``IMMEDIATE``: it takes the write lock at once, so
``busy_timeout`` applies instead of a ``SQLITE_BUSY`` in the middle of a read-then-write
(shared/recipes/BACKEND.md). A safe request (GET, HEAD, OPTIONS: they change nothing,
``tests/integration/test_get_is_safe.py``) begins a plain deferred transaction: it reads
its snapshot beside the writer instead of queueing behind it for the write lock, which
it never needs (under load, pages waited seconds for it and some failed "database is
locked").
"""

from __future__ import annotations

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from community.extensions import db

BUSY_TIMEOUT_MS = 5000  # a burst of RSVPs waits its turn instead of failing
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # RFC 9110: they change nothing


def begin_statement() -> str:
    """How a transaction begins: deferred for a safe request, IMMEDIATE otherwise."""
    if has_request_context() and request.method in SAFE_METHODS:
        return "BEGIN"
    return "BEGIN IMMEDIATE"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover
        conn.exec_driver_sql(begin_statement())


def init_app(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        _configure_sqlite(db.engine)
