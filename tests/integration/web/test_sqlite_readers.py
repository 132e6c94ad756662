"""Pages read beside a writer on SQLite: a GET never waits for the write lock (issue #12).

Every request used to begin ``IMMEDIATE``, so a page queued behind whoever was writing,
up to the busy timeout, and under load some failed with "database is locked". Safe
requests now begin deferred and read their WAL snapshot while a write is under way.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from tests.conftest import PASSWORD, text_of
from tests.integration.events.conftest import answer_via_route

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("RUKUN_TEST_DATABASE_URL")), reason="the write lock is SQLite's"
)


def _database_file(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


def test_the_home_feed_opens_while_a_neighbours_answer_is_being_written(app, world, as_user):
    client = as_user(world["resident_a"])
    writer = sqlite3.connect(_database_file(app), isolation_level=None, timeout=0)
    try:
        writer.execute("BEGIN IMMEDIATE")  # someone is saving an answer right now
        started = time.monotonic()
        page = client.get("/")
        waited = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert page.status_code == 200
    assert "Kerja bakti saluran RT 01" in text_of(page)
    assert waited < 2, f"the page waited {waited:.1f} s for the write lock"


def test_an_answer_still_waits_its_turn_for_the_write_lock(app, world, as_user):
    """The other half of the rule: a write begins IMMEDIATE and waits (busy_timeout)
    instead of failing halfway through a read-then-write."""
    client = as_user(world["resident_a"])
    activity_id = world.activities["rt_a"].id
    result: dict = {}
    writer = sqlite3.connect(_database_file(app), isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")
    thread = threading.Thread(
        target=lambda: result.update(response=answer_via_route(client, activity_id, "hadir"))
    )
    thread.start()
    thread.join(1.0)  # the page is read beside the lock; the POST waits for it
    waiting = thread.is_alive()
    writer.execute("ROLLBACK")
    writer.close()
    thread.join(10)

    assert waiting, "the answer did not wait for the write lock"
    assert result["response"].status_code == 303
    assert "Hadir" in text_of(client.get(f"/kegiatan/{activity_id}"))


READ_OR_WRITE = textwrap.dedent(
    """
    import json, sys
    from collections import Counter
    from community import create_app
    from tests.forms import submit_form

    config, role, phone, password, activity_id, rounds = json.loads(sys.argv[1])
    app = create_app(config)
    client = app.test_client()
    seen = Counter()
    login = submit_form(client, "/masuk", "form", {"phone": phone, "password": password})
    seen[f"login {login.status_code}"] += 1
    for i in range(rounds):
        if role == "reader":
            for url in ("/", f"/kegiatan/{activity_id}"):
                seen[f"GET {client.get(url).status_code}"] += 1
        else:
            answer = ("hadir", "tidak", "mungkin")[i % 3]
            response = submit_form(client, f"/kegiatan/{activity_id}",
                                   f"#rsvp-panel-{activity_id} form[action$='/jawab']", {},
                                   button=f"button[name='answer'][value='{answer}']")
            seen[f"POST {response.status_code}"] += 1
    print(json.dumps(seen))
    """
)


def test_readers_and_writers_in_parallel_processes_never_see_a_locked_database(app, world):
    """Two processes read the home feed and an activity page while two others keep
    changing their answers to it, each through its own connection to the one file."""
    activity = world.activities["rw"]
    people = {"reader": ["resident_a", "resident_b"], "writer": ["pengurus_a", "ketua_rw"]}
    config = {k: v for k, v in app.config.items() if k in _PASSED_SETTINGS}
    arguments = [
        json.dumps([config, role, world[name].phone, PASSWORD, activity.id, ROUNDS])
        for role, names in people.items()
        for name in names
    ]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", READ_OR_WRITE, argument],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for argument in arguments
    ]
    seen: dict[str, int] = {}
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err[-2000:]
        for key, count in json.loads(out.splitlines()[-1]).items():
            seen[key] = seen.get(key, 0) + count

    assert seen == {"login 303": 4, "GET 200": 2 * 2 * ROUNDS, "POST 303": 2 * ROUNDS}, seen


ROUNDS = 25  # per process: 100 pages and 50 answers in all, about 10 s on 2 cores
_PASSED_SETTINGS = (
    "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "RATELIMIT_ENABLED", "SERVER_NAME",
    "WORKER_BACKEND",
)  # fmt: skip
