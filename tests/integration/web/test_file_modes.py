"""Residents' data on disk is the owner's alone: the SQLite database (and its WAL), the
reminder queue and the rate-limit counters are created 0600, like the keys."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text

from community import create_app
from community.extensions import db, limiter
from tests.conftest import test_config

pytestmark = pytest.mark.first_pass_only  # SQLite files' modes, whatever the suite's database


@pytest.fixture
def usual_umask():
    previous = os.umask(0o022)  # what a server's shell usually has: files world-readable
    yield
    os.umask(previous)


def mode(path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


def test_the_database_queue_and_counters_are_created_0600(tmp_path, monkeypatch, usual_umask):
    instance = tmp_path / "instance"
    monkeypatch.setenv("RUKUN_INSTANCE_PATH", str(instance))
    config = test_config(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'rukun.sqlite3'}",
        WORKER_BACKEND="sqlite",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=f"rukun+sqlite://{instance / 'ratelimit.sqlite3'}",
    )
    app = create_app(config)
    with app.app_context():
        db.create_all()
        db.session.execute(text("SELECT 1"))
        limiter.storage.incr("probe", 60)
        files = ["rukun.sqlite3", "rukun.sqlite3-wal", "huey.sqlite3", "ratelimit.sqlite3"]
        modes = {name: mode(instance / name) for name in files}
        db.engine.dispose()

    assert modes == dict.fromkeys(files, "0o600")


def test_an_existing_world_readable_database_is_tightened(tmp_path, usual_umask):
    database = tmp_path / "old.sqlite3"
    database.touch(mode=0o644)

    create_app(test_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}"))

    assert mode(database) == "0o600"
