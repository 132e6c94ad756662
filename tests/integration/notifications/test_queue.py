"""The worker's queue: SQLite storage by default, Redis when REDIS_URL is set (CI runs a
real redis-server). A notice committed by a request asks the worker to send at once;
the periodic task is harmless when nothing is due."""

from __future__ import annotations

import os

import pytest
from huey import RedisHuey, SqliteHuey

from community import create_app
from community.events import answers
from community.events import services as events
from community.events.models import Activity
from community.extensions import db
from community.notifications.models import PushSubscription
from tests.conftest import test_config
from tests.integration.notifications.conftest import browser_subscription

REDIS_URL = os.environ.get("RUKUN_TEST_REDIS_URL")


def test_the_default_queue_is_a_sqlite_file_in_the_instance_folder(tmp_path):
    app = create_app(test_config(tmp_path, WORKER_BACKEND="sqlite"))
    app.instance_path = str(tmp_path)
    huey = app.extensions["rukun_queue"].huey
    assert isinstance(huey, SqliteHuey)
    assert huey.storage.filename.endswith("huey.sqlite3")
    assert huey.results is False and huey.store_intermediate_errors is False


# Skipped only off CI, where nobody started a redis-server; CI must exercise it.
@pytest.mark.skipif(
    not REDIS_URL and not os.environ.get("CI"),
    reason="needs RUKUN_TEST_REDIS_URL (CI starts redis-server)",
)
def test_with_redis_every_worker_shares_one_queue(tmp_path):
    if not REDIS_URL:
        pytest.fail("CI must set RUKUN_TEST_REDIS_URL (see .ci/run)")
    app = create_app(test_config(tmp_path, WORKER_BACKEND="redis", REDIS_URL=REDIS_URL))
    huey = app.extensions["rukun_queue"].huey
    assert isinstance(huey, RedisHuey)
    huey.flush()
    app.extensions["rukun_queue"].dispatch()
    other = create_app(test_config(tmp_path, WORKER_BACKEND="redis", REDIS_URL=REDIS_URL))
    assert other.extensions["rukun_queue"].huey.pending_count() == 1  # seen by another process
    task = other.extensions["rukun_queue"].huey.dequeue()
    assert task.name == "send_now"
    try:
        with other.app_context():
            db.create_all()
        other.extensions["rukun_queue"].huey.execute(task)  # nothing due: returns quietly
    finally:
        huey.flush()
        with other.app_context():
            db.engine.dispose()  # no connection left for the garbage collector to close


def test_a_committed_cancellation_asks_the_worker_to_send_now(app, world):
    huey = app.extensions["rukun_queue"].huey
    huey.flush()
    with app.app_context():
        sub = browser_subscription()
        db.session.add(PushSubscription(user_id=world["resident_a"].id, endpoint=sub["endpoint"],
                                        p256dh=sub["keys"]["p256dh"], auth=sub["keys"]["auth"]))  # fmt: skip
        activity = db.session.get(Activity, world.activities["rt_a"].id)
        answers.respond(activity, world["resident_a"], answer="hadir", now=activity.created_at)
        db.session.commit()
        assert huey.pending_count() == 0  # reminders wait for their time
        events.cancel_activity(activity, reason="Banjir", now=activity.created_at)
        db.session.rollback()
        assert huey.pending_count() == 0  # rolled back: nothing to send
        events.cancel_activity(activity, reason="Banjir", now=activity.created_at)
        db.session.commit()
        assert huey.pending_count() == 1
        assert huey.dequeue().name == "send_now"


def test_a_fan_out_longer_than_one_run_goes_on_as_a_new_task(app, world, monkeypatch):
    from community.notifications import dispatch

    huey = app.extensions["rukun_queue"].huey
    huey.flush()
    runs = iter([dispatch.Tally(claimed=250, sent=250, more=True), dispatch.Tally(claimed=10)])
    monkeypatch.setattr(dispatch, "dispatch_due", lambda **_: next(runs))
    huey.execute(app.extensions["rukun_queue"].dispatch.s())
    assert huey.pending_count() == 1  # the rest is queued, not dropped
    huey.execute(huey.dequeue())
    assert huey.pending_count() == 0
