"""The web process logs its own errors, also after it ran the migrations (Alembic's
``fileConfig`` used to disable every ``community.*`` logger)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import test_config

pytestmark = pytest.mark.first_pass_only  # its own SQLite file whatever the suite's database

# What `rukun serve` does before gunicorn starts (logging, then migrations), in a process
# of its own, then a request that fails the way a bug would.
SERVE_THEN_FAIL = textwrap.dedent(
    """
    import json, sys
    from flask_migrate import upgrade
    from community import create_app
    from community.cli import configure_logging

    app = create_app(json.loads(sys.argv[1]))

    @app.get("/rusak")
    def broken():
        raise RuntimeError("a bug")

    with app.app_context():
        configure_logging()
        upgrade()
    response = app.test_client().get("/rusak")
    print(response.status_code)
    print(response.get_data(as_text=True))
    """
)


def test_an_errors_reference_code_reaches_the_log_after_migrations(tmp_path):
    config = test_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'log.sqlite3'}")
    env = {**os.environ, "RUKUN_INSTANCE_PATH": str(tmp_path / "instance")}

    done = subprocess.run(
        [sys.executable, "-c", SERVE_THEN_FAIL, json.dumps(config)],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip

    status, page = done.stdout.split("\n", 1)
    assert status == "500"
    ref = re.search(r"Kode: ([0-9a-f]{8})", page).group(1)  # what the resident reads out
    assert f"ref={ref}" in done.stderr  # ... is in the log the operator searches
    assert done.stderr.count(f"ref={ref}") == 1  # once: not again through Flask's own handler
    assert "RuntimeError: a bug" in done.stderr  # with the traceback
    assert "Running upgrade" in done.stderr  # the migrations did run first
