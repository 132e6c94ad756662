"""Files in ``instance/`` that hold residents' data or secrets are the owner's alone."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

PRIVATE = 0o600


def ensure_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists; tighten it if it is readable
    by others (an install made before this rule).  SQLite gives its ``-wal`` and ``-shm``
    files the mode of the database file, so creating the database this way is enough.
    A missing folder is left missing: a mistyped database path must fail (and /healthz
    say so), not quietly start an empty database somewhere new."""
    if not path.parent.is_dir():
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(PRIVATE)
    else:
        os.close(fd)


def sqlite_file(uri: str) -> Path | None:
    """The file behind a SQLite URL, or None (another database, or an in-memory one)."""
    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:"):
        return None
    return Path(url.database)
