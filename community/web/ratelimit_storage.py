"""Rate-limit counters in a SQLite file, shared by every process on the machine.

``limits`` (behind Flask-Limiter) ships memory, Redis, Memcached and MongoDB storages.
Memory is per process, so ``rukun serve`` with two gunicorn workers allowed twice the
configured attempts; the embedded default must not need another server. This storage
keeps fixed-window counters in ``instance/ratelimit.sqlite3`` (mode 0600): each
increment is one atomic UPSERT, so workers and threads share one count. With
``REDIS_URL`` the Redis storage is used instead (several machines).

URL: ``rukun+sqlite:///absolute/path/to/file.sqlite3``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from limits.storage import Storage

from community.core.files import ensure_private_file

SCHEME = "rukun+sqlite"
BUSY_TIMEOUT_MS = 5000  # a burst of sign-ins waits its turn instead of failing

_SCHEMA = """
CREATE TABLE IF NOT EXISTS counter (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_counter_expires_at ON counter (expires_at);
"""

# A window that has ended starts again from ``amount``; a running one adds to its count.
_INCREMENT = """
INSERT INTO counter (key, value, expires_at) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN expires_at <= :now THEN :amount ELSE value + :amount END,
    expires_at = CASE WHEN expires_at <= :now THEN :now + :expiry ELSE expires_at END
RETURNING value
"""


def storage_uri(path: Path) -> str:
    return f"{SCHEME}://{path.resolve()}"


class SQLiteStorage(Storage):
    """Fixed-window counters (Flask-Limiter's default strategy) in one SQLite file."""

    STORAGE_SCHEME = [SCHEME]  # limits finds the class for "rukun+sqlite://" by this

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        self.path = Path(uri.removeprefix(f"{SCHEME}://"))
        self._local = threading.local()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        """One connection per thread and process (gunicorn forks after the app is built;
        the file is created on first use, so an app with limits off never makes it)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            ensure_private_file(self.path)
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        db = self._db()
        now = time.time()
        row = db.execute(_INCREMENT, {"key": key, "amount": amount, "now": now, "expiry": expiry})
        value = row.fetchone()[0]
        row.close()
        if value == amount:  # a new window: a good moment to drop ended ones
            db.execute("DELETE FROM counter WHERE expires_at <= ?", (now,))
        return int(value)

    def get(self, key: str) -> int:
        row = (
            self._db()
            .execute(
                "SELECT value FROM counter WHERE key = ? AND expires_at > ?", (key, time.time())
            )
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = (
            self._db()
            .execute("SELECT expires_at FROM counter WHERE key = ? AND expires_at > ?", (key, now))
            .fetchone()
        )
        return float(row[0]) if row else now

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._db().execute("DELETE FROM counter").rowcount

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM counter WHERE key = ?", (key,))
