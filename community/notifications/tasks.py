"""The Huey queue behind the reminder worker.

SQLite storage in ``instance/`` by default (no extra server), Redis when ``REDIS_URL`` is
set so several ``rukun worker`` processes on several machines share the load.  A
periodic task every minute sends what is due; Huey also fires it when the consumer
starts, which is harmless because :func:`dispatch.dispatch_due` is idempotent.  Each
task run gets its own app context (Huey's ``context_task`` would share one between
threads)."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from community.core.files import ensure_private_file
from community.dashboard.rules import SNAPSHOT_EVERY_MINUTES
from community.web.errors import database_down

log = logging.getLogger(__name__)
OPTIONS = {"store_intermediate_errors": False, "results": False}


@dataclass
class Queue:
    huey: Huey
    dispatch: object  # the task: ``queue.dispatch()`` enqueues a run now


def make_huey(app: Flask) -> Huey:
    backend = app.config["WORKER_BACKEND"]
    if backend == "redis":
        return RedisHuey("rukun", url=app.config["REDIS_URL"], **OPTIONS)
    if backend == "memory":  # tests: nothing consumes it, enqueueing is harmless
        return MemoryHuey("rukun", **OPTIONS)
    filename = Path(app.instance_path) / "huey.sqlite3"
    ensure_private_file(filename)  # queued tasks name residents' devices
    return SqliteHuey("rukun", filename=str(filename), **OPTIONS)


def init_queue(app: Flask) -> Queue:
    huey = make_huey(app)

    def in_app_context(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            with app.app_context():
                return fn(*args, **kwargs)

        return run

    def send() -> None:
        from community.notifications import dispatch

        try:
            tally = dispatch.dispatch_due()
        except Exception as exc:
            if not database_down(exc):
                raise
            # Nothing unclaimed is lost: the rows wait in the outbox for the next minute's run.
            log.warning("database unavailable, reminders paused: %s", type(exc).__name__)
            return
        if tally.more:
            send_now()  # a big fan-out goes on as a new task, so a stop never waits long

    @huey.periodic_task(crontab(minute="*"), name="send_due")
    @in_app_context
    def send_due():
        send()

    @huey.task(name="send_now")
    @in_app_context
    def send_now():
        send()

    @huey.periodic_task(crontab(minute=f"*/{SNAPSHOT_EVERY_MINUTES}"), name="count_dashboard")
    @in_app_context
    def count_dashboard():
        from community.core.time import utcnow
        from community.dashboard import snapshots

        try:
            snapshots.refresh(utcnow())
        except Exception as exc:
            if not database_down(exc):
                raise
            # The pages count live meanwhile; the next run catches up.
            log.warning("database unavailable, dashboard not counted: %s", type(exc).__name__)

    queue = Queue(huey, send_now)
    app.extensions["rukun_queue"] = queue
    return queue


def kick(app: Flask) -> None:
    """Ask the worker to send now (a cancellation should not wait for the minute)."""
    try:
        app.extensions["rukun_queue"].dispatch()
    except Exception:  # the queue being down must not fail the request: the minute task catches up
        log.warning("could not enqueue an immediate send", exc_info=True)
