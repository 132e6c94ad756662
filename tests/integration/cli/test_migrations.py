"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from community import create_app
from community.extensions import db
from tests.conftest import test_config


@pytest.fixture
def empty_app(tmp_path):
    app = create_app(test_config(tmp_path))
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    yield app
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


def test_upgrade_from_empty_matches_the_models(empty_app):
    with empty_app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diffs == [], f"models and migrations differ: {diffs}"
        assert {"user_account", "wilayah", "role_assignment", "join_request"} <= set(
            inspect(db.engine).get_table_names()
        )


def test_upgrade_is_idempotent_and_downgrade_removes_everything(empty_app):
    with empty_app.app_context():
        upgrade()
        upgrade()  # `rukun db upgrade` on an up-to-date database changes nothing
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "user_account" in inspect(db.engine).get_table_names()
