"""Every form of the app, driven with hostile input (issue #10).

The forms are found by opening every GET route of the access matrix as every principal
(tests/integration/fuzz.py), so a form added later is fuzzed without editing this file;
``test_every_post_route_has_a_form_or_a_reason`` fails when a POST route is reachable
from no rendered form and is not listed below with the reason why.

Each submission must answer below 500 and log no error; after each principal's run the
database must still keep the models' own rules (``broken_rows``).
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import String, Text, select
from werkzeug.exceptions import MethodNotAllowed, NotFound

from community.accounts.models import User
from community.events import answers, attendance, comments, tasks
from community.events.models import Activity
from community.extensions import db
from tests.conftest import PASSWORD, PRINCIPALS, csrf_token, sign_in
from tests.integration.fuzz import FormSpec, body_for, encode, forms_on
from tests.integration.test_access_matrix import ROUTES, SECOND_PASS

# Per form and principal; derandomized, so each run tries the same ~1,000 submissions. The
# PostgreSQL pass tries the first 8 of them (what PostgreSQL refuses and SQLite stores, like
# NUL, shows in any of them) so the whole CI stays under 20 minutes.
EXAMPLES = 8 if os.environ.get("RUKUN_TEST_SECOND_PASS") == "1" else 15

# POST routes that no page renders a <form> for, and why they are still safe to leave to
# their own tests (each is exercised with hostile input there).
NOT_FORMS = {
    "notifications.subscribe": "JSON sent by static/js/push.js (tests/integration/notifications/test_push_input.py)",
    "notifications.unsubscribe_this": "JSON sent by static/js/push.js (test_push_input.py)",
}

# Signing out ends the session the fuzzer runs in; its own tests cover it.
SESSION_ENDERS = ("accounts.logout",)
FORM_CONTENT = "application/x-www-form-urlencoded"


def _world_with_everything(app, world) -> list[str]:
    """Every state that shows a form: a task Siti signed up for, her answer, a comment and
    a hidden one, a walk-in, a weekly series, an activity starting soon (self check-in open), a phone
    with notifications on and a poll with paper ballots (their "Batalkan" form). Returns the
    extra pages to open."""
    from datetime import timedelta

    from community.events import rules, services
    from community.notifications.models import PushSubscription

    with app.app_context():
        activity = db.session.get(Activity, world.activities["rt_a"].id)
        siti = db.session.get(User, world["resident_a"].id)
        pengurus = db.session.get(User, world["pengurus_a"].id)
        task = tasks.add_task(activity, label="Bawa cangkul", quantity=5)
        tasks.sign_up(task, siti, quantity=1)
        answers.respond(activity, siti, answer="mungkin", now=world.now)
        comments.add_comment(activity, siti, "Saya bawa sapu", now=world.now)
        hidden = comments.add_comment(activity, siti, "Tulisan kasar", now=world.now)
        comments.set_hidden(hidden, True, "Bahasanya dijaga")  # its "Tampilkan lagi" form
        attendance.mark_attendance(activity, name="Tamu", method="pengurus", by=None, now=world.now)
        starts = world.now + timedelta(days=3)
        rule = rules.recurrence_rule("weekly", starts, until=None, count=3)
        series = services.create_series(
            db.session.get(type(world.rt_a), world.rt_a.id), by=pengurus, now=world.now,
            rule=rule, kind="pengajian", title="Yasinan", place="Musala",
            starts_at=starts, ends_at=starts + timedelta(hours=1),
        )  # fmt: skip
        soon = services.create_activity(
            db.session.get(type(world.rt_a), world.rt_a.id), by=pengurus, now=world.now,
            kind="musyawarah", title="Rapat RT", place="Pos", starts_at=world.now + timedelta(minutes=30),
            ends_at=world.now + timedelta(hours=2),
        )  # fmt: skip
        for user in (siti, pengurus):
            db.session.add(PushSubscription(
                user_id=user.id, endpoint=f"https://fcm.googleapis.com/fcm/send/fuzz-{user.id}",
                p256dh="B" + "A" * 86, auth="A" * 22,
            ))  # fmt: skip
        from community.musyawarah import services as musyawarah

        poll = musyawarah.create_poll(
            db.session.get(type(world.rt_a), world.rt_a.id), by=pengurus, question="Hari",
            description="", kind="tunggal", options=["Sabtu", "Minggu"], max_choices=1,
            is_secret=False, shows_live=False, opens_at=world.now,
            closes_at=world.now + timedelta(days=2), now=world.now,
        )  # fmt: skip
        musyawarah.enter_paper(poll, by=pengurus, ballots=2, votes={poll.options[0].id: 2},
                               now=world.now)  # fmt: skip
        db.session.commit()
        return [
            f"/kegiatan/{series[0].id}",
            f"/kegiatan/{soon.id}/hadir/{attendance.check_in_token(soon)}",
            f"/jajak/{poll.id}",
        ]


def page_urls(app, world) -> list[str]:
    """Every GET page of the access matrix, built once (some builders create the row
    their URL points at), and the pages of the states that show the other forms."""
    extra = _world_with_everything(app, world)
    with app.app_context():
        urls = [r.url(world) for r in ROUTES if r.method == "GET"]
    return list(dict.fromkeys(urls + extra))


def discover(app, world, principal: str, urls: list[str]) -> list[FormSpec]:
    client = sign_in(app.test_client(), world[principal])
    specs: dict[str, FormSpec] = {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        for spec in forms_on(url, response.get_data(as_text=True), principal):
            specs.setdefault(spec.key, spec)
    return list(specs.values())


def _endpoint(app, action: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(urlsplit(action).path, method="POST")
    except (NotFound, MethodNotAllowed):
        return None
    return endpoint


@pytest.mark.first_pass_only  # which forms the pages render does not depend on the database
def test_every_post_route_has_a_form_or_a_reason(app, world):
    urls = page_urls(app, world)
    reached = {
        _endpoint(app, spec.action)
        for principal in PRINCIPALS
        for spec in discover(app, world, principal, urls)
    }
    posts = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint != "static"
    }
    missing = sorted(posts - reached - set(NOT_FORMS))
    assert not missing, f"POST routes no page renders a form for (fuzz them or say why): {missing}"
    assert not (set(NOT_FORMS) & reached), "a listed route now has a form: take it off NOT_FORMS"


# --- what must hold after any input -----------------------------------------------------------

_INVISIBLE = re.compile(
    r"^[\s\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\u00ad\u180e]+$"
)


def broken_rows(app) -> list[str]:
    """Rows that break what every text column promises: no NUL, no lone surrogate, within
    the column's length, and never made only of invisible characters."""
    problems = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            if not columns:
                continue
            for row in db.session.execute(select(*table.primary_key.columns, *columns)).all():
                values = row._mapping
                for column in columns:
                    value = values[column]
                    if not isinstance(value, str) or value == "":
                        continue
                    where = f"{table.name}.{column.name}"
                    if "\x00" in value:
                        problems.append(f"{where}: NUL")
                    if any(unicodedata.category(ch) == "Cs" for ch in value):
                        problems.append(f"{where}: lone surrogate")
                    length = getattr(column.type, "length", None)
                    if length and len(value) > length:
                        problems.append(f"{where}: {len(value)} > {length} characters")
                    if _INVISIBLE.match(value) and column.name not in ("password_hash",):
                        problems.append(f"{where}: only invisible characters {value!r}")
        problems += _broken_counts()
    return problems


def _broken_counts() -> list[str]:
    """The counts the database keeps: places taken are the confirmed parties, within the
    capacity; a task's promised quantity is the sum of its sign-ups, within what is needed;
    activities stay within the date window."""
    from sqlalchemy import func

    from community.events.models import Answer, Rsvp, Task, TaskSignup

    problems = []
    confirmed = dict(
        db.session.execute(
            select(Rsvp.activity_id, func.sum(1 + Rsvp.guests))
            .where(Rsvp.answer == Answer.HADIR, Rsvp.waitlisted_at.is_(None))
            .group_by(Rsvp.activity_id)
        ).all()
    )
    for activity in db.session.scalars(select(Activity)):
        if activity.seats_taken != confirmed.get(activity.id, 0):
            problems.append(f"activity {activity.id}: {activity.seats_taken} seats taken, "
                            f"{confirmed.get(activity.id, 0)} confirmed")  # fmt: skip
        if activity.capacity is not None and activity.seats_taken > activity.capacity:
            problems.append(f"activity {activity.id}: over capacity")
        if not 2000 <= activity.starts_at.year <= 2100 or activity.ends_at <= activity.starts_at:
            problems.append(
                f"activity {activity.id}: times {activity.starts_at} – {activity.ends_at}"
            )
    promised = dict(
        db.session.execute(
            select(TaskSignup.task_id, func.sum(TaskSignup.quantity)).group_by(TaskSignup.task_id)
        ).all()
    )
    for task in db.session.scalars(select(Task)):
        if (
            task.quantity_taken != promised.get(task.id, 0)
            or task.quantity_taken > task.quantity_needed
        ):
            problems.append(
                f"task {task.id}: {task.quantity_taken} taken of {task.quantity_needed}"
            )
    return problems


def _fuzz(client, spec: FormSpec, token: str, caplog) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(pairs=body_for(spec, token, PASSWORD))
    def submit(pairs):
        htmx = {"HX-Request": "true"} if len(pairs) % 2 else {}
        response = client.post(spec.action, data=encode(pairs), content_type=FORM_CONTENT,
                               headers=htmx)  # fmt: skip
        assert response.status_code < 500, (spec.key, pairs, response.status_code)
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert not errors, (spec.key, pairs, errors)

    submit()


@pytest.mark.parametrize(
    "principal",
    # one principal of each kind of answer on PostgreSQL, every one on SQLite (as the matrix)
    [p if p in SECOND_PASS else pytest.param(p, marks=pytest.mark.first_pass_only)
     for p in PRINCIPALS],
)  # fmt: skip
def test_hostile_input_to_every_form_never_breaks(app, world, principal, caplog):
    specs = discover(app, world, principal, page_urls(app, world))
    if principal != "anonymous":
        assert specs, f"{principal} sees no form at all: discovery is broken"
    caplog.set_level(logging.ERROR)
    client = sign_in(app.test_client(), world[principal])
    token = csrf_token(client, "/") if principal != "anonymous" else csrf_token(client, "/masuk")

    for spec in specs:
        if _endpoint(app, spec.action) not in SESSION_ENDERS:
            _fuzz(client, spec, token, caplog)
    assert broken_rows(app) == []


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/json", b'{"title": "x", "answer": "hadir"}'),
        ("text/plain", b"title=x"),
        (
            "multipart/form-data; boundary=zz",
            b"--zz\r\nContent-Disposition: form-data; name=title\r\n\r\n\x00\r\n--zz--\r\n",
        ),
        ("application/x-www-form-urlencoded", b"%ZZ=%ZZ&\xff\xfe=\xed\xa0\x80"),
    ],
    ids=["json", "text", "multipart-nul", "bad-percent"],
)
def test_wrong_content_types_get_a_clear_4xx(app, world, content_type, body):
    specs = discover(app, world, "pengurus_a", page_urls(app, world))
    client = sign_in(app.test_client(), world["pengurus_a"])
    token = csrf_token(client, "/")
    for spec in specs:
        if _endpoint(app, spec.action) in SESSION_ENDERS:
            continue
        response = client.post(
            spec.action, data=body, content_type=content_type, headers={"X-CSRFToken": token}
        )
        assert response.status_code < 500, (spec.key, content_type, response.status_code)
    assert broken_rows(app) == []
