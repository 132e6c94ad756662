"""SQLite settings that avoid "database is locked" under concurrent writers.

WAL lets readers and one writer proceed together; ``BEGIN IMMEDIATE`` takes the write
lock at the start of a transaction so ``busy_timeout`` applies instead of a
``SQLITE_BUSY`` in the middle of a read-then-write (shared/recipes/BACKEND.md).
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from community.extensions import db

BUSY_TIMEOUT_MS = 5000  # a burst of RSVPs waits its turn instead of failing


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
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def init_app(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        _configure_sqlite(db.engine)
