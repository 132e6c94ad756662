"""Many residents pressing Hadir at the same moment never push the count past the capacity.

Each thread has its own app context, hence its own database session and connection, on
the real file database of the ``app`` fixture (SQLite in WAL mode with ``BEGIN
IMMEDIATE``; PostgreSQL with ``SELECT … FOR UPDATE`` when ``RUKUN_TEST_DATABASE_URL``
is set). The threads start together behind a barrier.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, OperationalError

from community.accounts.models import User
from community.areas.models import Wilayah
from community.core.time import utcnow
from community.events import answers, rules, services
from community.events.models import Activity, Answer
from community.extensions import db
from tests.integration.events.conftest import ledger

CAPACITY = 10
RESIDENTS = 30


def new_activity(app, world, capacity: int = CAPACITY) -> int:
    with app.app_context():
        rt_a = db.session.get(Wilayah, world.rt_a.id)
        organiser = db.session.get(User, world["pengurus_a"].id)
        starts = (utcnow() + timedelta(days=3)).replace(microsecond=0)
        activity = services.create_activity(
            rt_a, by=organiser, now=utcnow(), kind="olahraga", title="Senam pagi",
            place="Lapangan RT 01", starts_at=starts, ends_at=starts + timedelta(hours=1),
            capacity=capacity,
        )  # fmt: skip
        db.session.commit()
        return activity.id


class Outcomes:
    """What the threads saw: results, retries on a busy database, constraint failures."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.results: Counter[str] = Counter()
        self.busy_retries = 0
        self.check_failures: list[str] = []
        self.errors: list[str] = []

    def note(self, key: str) -> None:
        with self.lock:
            self.results[key] += 1


def run_at_once(app, jobs: list[Callable[[], str]]) -> Outcomes:
    """Run every job in its own thread and app context, all released at the same moment.

    A job acts through the services and returns a label; this commits, retrying on
    SQLite's "database is locked" (counted: WAL + busy_timeout should make it zero)."""
    outcomes = Outcomes()
    barrier = threading.Barrier(len(jobs))

    def worker(job: Callable[[], str]) -> None:
        barrier.wait()
        for _attempt in range(20):
            with app.app_context():
                try:
                    label = job()
                    db.session.commit()
                except OperationalError as exc:
                    db.session.rollback()
                    if "database is locked" not in str(exc):
                        outcomes.errors.append(repr(exc))
                        return
                    with outcomes.lock:
                        outcomes.busy_retries += 1
                    continue
                except IntegrityError as exc:
                    db.session.rollback()
                    with outcomes.lock:
                        outcomes.check_failures.append(str(exc.orig))
                    return
                except rules.EventError as exc:
                    db.session.rollback()
                    outcomes.note(f"refused:{exc.code}")
                    return
                except Exception as exc:  # any other failure is reported by the test
                    db.session.rollback()
                    outcomes.errors.append(repr(exc))
                    return
                outcomes.note(label)
                return
        outcomes.errors.append("gave up after 20 busy retries")

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        for future in [pool.submit(worker, job) for job in jobs]:
            future.result(timeout=120)
    assert outcomes.errors == []
    assert outcomes.check_failures == [], "the seats CHECK constraint fired"
    return outcomes


def press(activity_id: int, user_id: int, answer: str = Answer.HADIR, guests: int = 0):
    def job() -> str:
        activity = db.session.get(Activity, activity_id)
        user = db.session.get(User, user_id)
        result = answers.respond(activity, user, answer=answer, guests=guests, now=utcnow())
        return "waiting" if result.rsvp.waitlisted_at else answer

    return job


def leave(activity_id: int, user_id: int):
    def job() -> str:
        activity = db.session.get(Activity, activity_id)
        user = db.session.get(User, user_id)
        answers.withdraw(activity, user, now=utcnow())
        return "withdrawn"

    return job


@pytest.fixture
def crowd(neighbours, world) -> list[int]:
    return [u.id for u in neighbours(RESIDENTS, world.rt_a, prefix="Warga Ramai")]


def test_the_capacity_constraint_is_live(app, world):
    """The database itself refuses more seats than the capacity (so "it never fired"
    below means something)."""
    activity_id = new_activity(app, world, capacity=2)
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(
                update(Activity).where(Activity.id == activity_id).values(seats_taken=3)
            )
            db.session.flush()
        db.session.rollback()
    assert ledger(app, activity_id).seats_taken == 0


def test_thirty_residents_press_hadir_at_the_same_moment(app, world, crowd):
    activity_id = new_activity(app, world)
    outcomes = run_at_once(app, [press(activity_id, uid) for uid in crowd])

    state = ledger(app, activity_id)  # also: seats_taken == sum of confirmed parties
    assert state.seats_taken == CAPACITY
    assert len(state.confirmed) == CAPACITY
    assert len(state.waitlist) == RESIDENTS - CAPACITY
    assert set(state.confirmed) | set(state.waitlist) == set(crowd)
    assert outcomes.results == {Answer.HADIR: CAPACITY, "waiting": RESIDENTS - CAPACITY}
    assert outcomes.busy_retries == 0, "WAL + busy_timeout + BEGIN IMMEDIATE should wait"


def test_parties_with_guests_pressing_at_once_never_overfill(app, world, crowd):
    activity_id = new_activity(app, world)
    jobs = [press(activity_id, uid, guests=i % 3) for i, uid in enumerate(crowd)]
    run_at_once(app, jobs)

    state = ledger(app, activity_id)
    assert 0 < state.seats_taken <= CAPACITY
    assert len(state.confirmed) + len(state.waitlist) == RESIDENTS
    # Strict first come, first served: the head of the line does not fit in what is left.
    if state.waitlist:
        head = state.entries[state.waitlist[0]]
        assert state.seats_taken + 1 + head.guests > CAPACITY


def test_withdrawals_and_new_answers_at_the_same_moment_keep_the_books(app, world, crowd):
    activity_id = new_activity(app, world)
    first, second, newcomers = crowd[:10], crowd[10:20], crowd[20:]
    run_at_once(app, [press(activity_id, uid) for uid in first + second])
    state = ledger(app, activity_id)
    assert state.seats_taken == CAPACITY and len(state.waitlist) == 10

    jobs = []
    for i, uid in enumerate(first[:8]):  # eight confirmed residents leave
        jobs.append(leave(activity_id, uid) if i % 2 else press(activity_id, uid, "tidak"))
    for uid in second[:3]:  # three of the waiting change their mind
        jobs.append(press(activity_id, uid, Answer.MUNGKIN))
    jobs += [press(activity_id, uid) for uid in newcomers]  # ten newcomers press Hadir
    run_at_once(app, jobs)

    state = ledger(app, activity_id)
    assert state.seats_taken == CAPACITY  # every freed place was filled again
    # 2 stayed + 7 still waiting + 10 newcomers want a place; 10 have one, 9 wait.
    assert len(state.confirmed) == CAPACITY and len(state.waitlist) == 9
    # Strict first come, first served: the seven still waiting from the first round were
    # all ahead of every newcomer, so they all have a place; one newcomer got the last.
    still_waiting = set(second[3:])
    assert set(first[8:]) | still_waiting <= set(state.confirmed)
    assert set(state.waitlist) <= set(newcomers)
    for uid in second[:3]:
        assert state.entries[uid] == (Answer.MUNGKIN, 0, False)
    for uid in first[:8]:
        assert uid not in state.entries or state.entries[uid] == (Answer.TIDAK, 0, False)
