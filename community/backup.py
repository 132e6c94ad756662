"""Backups of the whole database and their restore (``rukun backup`` / ``rukun restore``).

SQLite: the online backup API copies a consistent snapshot while the app keeps writing
(WAL lets a reader and a writer run at once); the copy is a self-contained file
(rollback journal, no ``-wal`` beside it) checked with ``PRAGMA integrity_check``.
A restore is copied and checked next to the database first, then swapped in with one
atomic ``os.replace``; the database it replaces stays as ``<name>.before-restore``.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists --no-owner``
in a single transaction (a failed restore leaves the database as it was). The password
travels in ``PGPASSWORD``, never on the command line, where ``ps`` would show it.

Every backup file is the owner's alone (0600): it holds residents' phone numbers.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import URL, make_url

from community.core.files import PRIVATE

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
# Tables every Rukun database has: a backup without them is not one of ours.
COUNTED = ("user_account", "activity")


class BackupError(Exception):
    """A backup or restore that did not happen; the message is for the operator."""


@dataclass(frozen=True)
class Counts:
    accounts: int
    activities: int

    def __str__(self) -> str:
        return f"{self.accounts} akun, {self.activities} kegiatan"


def count_rows(session) -> Counts:
    """Accounts and activities in the database ``session`` reads."""
    from community.accounts.models import User
    from community.events.models import Activity

    return Counts(
        accounts=session.scalar(select(func.count(User.id))),
        activities=session.scalar(select(func.count(Activity.id))),
    )


def _new_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600; an existing file is never overwritten."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        raise BackupError(f"Berkas {path} sudah ada; pilih nama lain.") from None
    os.close(fd)


def _magic(path: Path, length: int) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(length)
    except FileNotFoundError:
        raise BackupError(f"Berkas cadangan {path} tidak ada.") from None


# --- SQLite ----------------------------------------------------------------------------


def _copy_into(source: sqlite3.Connection, target_path: Path) -> Counts:
    """Copy ``source`` into the new file ``target_path`` with the online backup API and
    check the copy; returns what it holds. The file is removed when the copy fails."""
    _new_private_file(target_path)
    try:
        target = sqlite3.connect(target_path, isolation_level=None)
        try:
            source.backup(target)
            # The copy inherits WAL mode from the header: one self-contained file instead.
            target.execute("PRAGMA journal_mode=DELETE")
            problems = [row[0] for row in target.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"Salinan rusak ({problems[0]}); tidak dipakai.")
            tables = {row[0] for row in target.execute("SELECT name FROM sqlite_master")}
            if not set(COUNTED) <= tables:
                raise BackupError("Bukan database Rukun: tabel akun dan kegiatan tidak ada.")
            accounts, activities = (
                target.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 (our names)
                for table in COUNTED
            )
        finally:
            target.close()
    except BaseException:
        target_path.unlink(missing_ok=True)
        raise
    return Counts(accounts, activities)


def sqlite_path(database_url: str | URL) -> Path:
    """The file of a SQLite database URL (an in-memory database has none)."""
    name = make_url(database_url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError("Database SQLite ini tidak berupa berkas; tidak bisa dicadangkan.")
    return Path(name)


def backup_sqlite(database: Path, dest: Path) -> Counts:
    """A consistent copy of ``database`` in the new file ``dest``, taken while the app may
    be writing (the backup reads one snapshot; writers are not blocked in WAL mode)."""
    if not database.is_file():
        raise BackupError(f"Database {database} tidak ada.")
    source = sqlite3.connect(database, timeout=30)
    try:
        return _copy_into(source, dest)
    finally:
        source.close()


def restore_sqlite(src: Path, database: Path) -> Counts:
    """Make ``database`` a copy of the backup ``src``; the database it replaces is kept as
    ``<name>.before-restore``. Refused while another process has the database open (a
    running ``rukun serve`` or ``rukun worker``), which would keep writing to the old file.
    """
    if _magic(src, len(SQLITE_MAGIC)) != SQLITE_MAGIC:
        raise BackupError(f"{src} bukan cadangan SQLite.")
    draft = database.with_name(f".{database.name}.restore-{os.getpid()}")
    draft.unlink(missing_ok=True)
    backup = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    try:
        counts = _copy_into(backup, draft)
    finally:
        backup.close()
    try:
        if database.exists():
            _set_aside(database)
        os.replace(draft, database)
    finally:
        draft.unlink(missing_ok=True)
    return counts


def _set_aside(database: Path) -> None:
    """Copy the live database to ``<name>.before-restore`` and leave it ready to be
    replaced: checkpointed, out of WAL mode, no ``-wal``/``-shm`` that SQLite would apply
    to the new file. Holds an exclusive lock throughout, so no one writes meanwhile."""
    kept = database.with_name(f"{database.name}.before-restore")
    live = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        # In WAL mode every open connection holds a shared lock, idle or not: an exclusive
        # lock is refused while any server or worker has the database open.
        live.execute("PRAGMA locking_mode=EXCLUSIVE")
        try:
            live.execute("BEGIN EXCLUSIVE")
            live.execute("COMMIT")
        except sqlite3.OperationalError:
            raise BackupError(
                "Database sedang dipakai. Hentikan dulu `rukun serve` dan `rukun worker` "
                "(systemctl stop rukun-web rukun-worker), lalu ulangi."
            ) from None
        live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        kept.unlink(missing_ok=True)  # the previous restore's: this one's is newer
        _copy_into(live, kept)
        live.execute("PRAGMA journal_mode=DELETE")
    finally:
        live.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


# --- PostgreSQL ------------------------------------------------------------------------


def libpq_target(database_url: str | URL) -> tuple[str, dict[str, str]]:
    """The libpq connection URI for a SQLAlchemy URL, without its password, and the
    environment that carries the password (``PGPASSWORD``)."""
    url = make_url(database_url)
    env = {}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = URL.create(
        "postgresql", url.username, None, url.host, url.port, url.database, url.query
    )  # url.set(password=None) would keep the password
    return plain.render_as_string(hide_password=False), env


def _run_pg_tool(name: str, args: list[str], env: dict[str, str], **kwargs) -> None:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            f"Perintah {name} tidak ditemukan. Pasang klien PostgreSQL "
            "(apt-get install postgresql-client) dengan versi yang sama dengan servernya."
        )
    done = subprocess.run(  # noqa: S603 (a fixed tool; arguments are not a shell string)
        [tool, *args], env={**os.environ, **env}, stderr=subprocess.PIPE, text=True, **kwargs
    )
    if done.returncode != 0:
        raise BackupError(f"{name} gagal (kode {done.returncode}):\n{done.stderr.strip()}")


def backup_postgresql(database_url: str | URL, dest: Path) -> None:
    """``pg_dump --format=custom`` of the database into the new file ``dest`` (0600). The
    dump is written beside ``dest`` first, so a failed dump never leaves a partial file
    under the final name."""
    uri, env = libpq_target(database_url)
    _new_private_file(dest)
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        partial.unlink(missing_ok=True)
        _new_private_file(partial)
        with partial.open("wb") as out:
            _run_pg_tool(
                "pg_dump", ["--format=custom", "--no-password", f"--dbname={uri}"], env, stdout=out
            )
        os.replace(partial, dest)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    finally:
        partial.unlink(missing_ok=True)


def restore_postgresql(src: Path, database_url: str | URL) -> None:
    """Replace every object of the dump ``src`` in the database, in one transaction."""
    if _magic(src, len(PG_CUSTOM_MAGIC)) != PG_CUSTOM_MAGIC:
        raise BackupError(f"{src} bukan cadangan pg_dump (format custom).")
    uri, env = libpq_target(database_url)
    args = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    _run_pg_tool("pg_restore", [*args, "--no-password", f"--dbname={uri}", str(src)], env)
