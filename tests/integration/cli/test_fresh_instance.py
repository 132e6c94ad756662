"""`rukun serve` on a fresh machine with PostgreSQL: the instance folder (worker queue,
translations, static build) is made whatever the database, not only for SQLite."""

from __future__ import annotations

import pytest

from community import create_app

pytestmark = pytest.mark.first_pass_only  # a fresh SQLite instance whatever the suite's database


def test_an_app_on_postgresql_makes_its_instance_folder_and_worker_queue(tmp_path, monkeypatch):
    instance = tmp_path / "fresh" / "instance"
    monkeypatch.setenv("RUKUN_INSTANCE_PATH", str(instance))
    create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://rukun@127.0.0.1:1/rukun",  # never dialled
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hmac-0123456789",
            "STATIC_BUILD_FOLDER": str(tmp_path / "static-build"),  # elsewhere: not what makes it
        }
    )

    assert instance.is_dir()
    assert (instance / "huey.sqlite3").exists()  # the in-process worker's queue opened
