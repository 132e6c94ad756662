"""`rukun backup` and `rukun restore` through the CLI runner, on the suite's database
(SQLite, or PostgreSQL in CI's second pass): the demo data backed up, changed, restored
and counted table by table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from community import create_app
from community.accounts.models import User
from community.backup import libpq_target
from community.extensions import db
from tests.conftest import test_config


def _rows_per_table() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def _is_sqlite(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


@pytest.fixture
def demo_app(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return app


def test_a_backup_restored_brings_back_every_row(demo_app, tmp_path):
    app, runner = demo_app, demo_app.test_cli_runner()
    with app.app_context():
        before = _rows_per_table()
        first = db.session.scalar(select(User).order_by(User.id).limit(1))
        first_id, first_name = first.id, first.name
    assert before["user_account"] > 5 and before["activity"] > 5 and before["rsvp"] > 0
    dest = tmp_path / "rukun.backup"

    made = runner.invoke(args=["backup", str(dest)])
    assert made.exit_code == 0, made.output
    counts = f"({before['user_account']} akun, {before['activity']} kegiatan)"
    assert f"Cadangan dibuat: {dest} {counts}." in made.output
    assert dest.stat().st_mode & 0o777 == 0o600  # residents' phone numbers

    with app.app_context():  # what a bad afternoon does to the data
        db.session.execute(text("DELETE FROM rsvp"))
        db.session.execute(
            text("UPDATE user_account SET name = 'Salah Ketik' WHERE id = :id"), {"id": first_id}
        )
        db.session.commit()
        assert _rows_per_table() != before

    restored = runner.invoke(args=["restore", "--yes", str(dest)])
    assert restored.exit_code == 0, restored.output
    assert f"Cadangan dipulihkan: {dest} {counts}." in restored.output
    with app.app_context():
        assert _rows_per_table() == before
        assert db.session.get(User, first_id).name == first_name
    if _is_sqlite(app):  # the replaced database is kept, with the afternoon's changes
        database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
        kept = database.with_name(f"{database.name}.before-restore")
        assert f"Database lama disimpan sebagai {kept}." in restored.output
        assert kept.stat().st_mode & 0o777 == 0o600
        with sqlite3.connect(kept) as conn:
            assert conn.execute("SELECT count(*) FROM rsvp").fetchone() == (0,)


def test_a_backup_made_again_to_the_same_name_is_refused(app, tmp_path):
    runner = app.test_cli_runner()
    dest = tmp_path / "rukun.backup"
    assert runner.invoke(args=["backup", str(dest)]).exit_code == 0
    again = runner.invoke(args=["backup", str(dest)])
    assert again.exit_code != 0 and "sudah ada" in again.output


def test_restore_asks_first(app, make_user, tmp_path):
    runner = app.test_cli_runner()
    dest = tmp_path / "rukun.backup"
    assert runner.invoke(args=["backup", str(dest)]).exit_code == 0
    with app.app_context():
        make_user("Bu Baru")  # after the backup
    answered_no = runner.invoke(args=["restore", str(dest)], input="n\n")
    assert answered_no.exit_code != 0
    assert "Semua data di" in answered_no.output and "Lanjutkan?" in answered_no.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1  # untouched


def test_a_file_that_is_no_backup_is_refused(app, make_user, tmp_path):
    runner = app.test_cli_runner()
    with app.app_context():
        make_user("Bu Tetap")
    junk = tmp_path / "catatan.txt"
    junk.write_text("bukan cadangan")
    refused = runner.invoke(args=["restore", "--yes", str(junk)])
    assert refused.exit_code != 0 and "bukan cadangan" in refused.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1


def _sqlite_only(app) -> Path:
    if not _is_sqlite(app):
        pytest.skip("SQLite's own locking (PostgreSQL: pg_dump takes its own snapshot)")
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


def test_a_backup_while_another_connection_writes_holds_what_was_committed(
    app, make_user, tmp_path
):
    runner = app.test_cli_runner()
    database = _sqlite_only(app)
    with app.app_context():
        make_user("Bu Ani")
        make_user("Pak Budi")
    writer = sqlite3.connect(database, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # the write lock, held through the backup
        writer.execute("DELETE FROM user_account WHERE name = 'Pak Budi'")
        writer.execute("UPDATE user_account SET name = 'Belum Disimpan'")
        dest = tmp_path / "rukun.backup"
        made = runner.invoke(args=["backup", str(dest)])
        assert made.exit_code == 0, made.output
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert f"Cadangan dibuat: {dest} (2 akun, 0 kegiatan)." in made.output
    with sqlite3.connect(dest) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        names = {row[0] for row in copy.execute("SELECT name FROM user_account")}
        assert names == {"Bu Ani", "Pak Budi"}  # what was committed, not what was pending
    assert not Path(f"{dest}-wal").exists()  # one self-contained file


def test_restore_is_refused_while_the_database_is_open_elsewhere(app, make_user, tmp_path):
    runner = app.test_cli_runner()
    database = _sqlite_only(app)
    dest = tmp_path / "rukun.backup"
    assert runner.invoke(args=["backup", str(dest)]).exit_code == 0
    with app.app_context():
        make_user("Bu Baru")  # after the backup
    server = sqlite3.connect(database)  # an idle connection, as a running server keeps
    try:
        server.execute("SELECT count(*) FROM user_account").fetchone()
        refused = runner.invoke(args=["restore", "--yes", str(dest)])
    finally:
        server.close()
    assert refused.exit_code != 0
    assert "Database sedang dipakai" in refused.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1  # not replaced
    assert not list(database.parent.glob(f".{database.name}.restore-*"))  # no draft left


def test_without_pg_dump_the_operator_is_told_what_to_install(tmp_path, monkeypatch):
    url = "postgresql+psycopg://rukun:rahasia@127.0.0.1:1/rukun"
    app = create_app(test_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    monkeypatch.setenv("PATH", str(tmp_path))  # a box with no PostgreSQL client
    dest = tmp_path / "rukun.dump"
    result = app.test_cli_runner().invoke(args=["backup", str(dest)])
    assert result.exit_code != 0
    assert "Perintah pg_dump tidak ditemukan" in result.output
    assert "apt-get install postgresql-client" in result.output
    assert not dest.exists()


def test_the_password_travels_in_the_environment_not_the_command_line():
    uri, env = libpq_target(
        "postgresql+psycopg://rukun:r%40hasia@db.local:5433/rukun?sslmode=require"
    )
    assert uri == "postgresql://rukun@db.local:5433/rukun?sslmode=require"
    assert env == {"PGPASSWORD": "r@hasia"}
