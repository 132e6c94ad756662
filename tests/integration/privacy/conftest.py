"""A person with data in every table that holds anything about a person, each text they
own carrying one canary string, so a test can look for it anywhere in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import String, Text, func, or_, select

from community.accounts import services as accounts
from community.accounts.models import User
from community.areas import services as areas
from community.areas.models import Role, Wilayah
from community.core.time import utcnow
from community.events import answers, attendance, comments, feeds, tasks
from community.events import services as events
from community.extensions import db
from community.notifications.models import (
    NotificationPref,
    NotificationSwitch,
    PushMessage,
    PushSubscription,
)
from tests.conftest import next_sunday_0700_wita

CANARY = "kanari-5q7z"  # lower case: the scan compares lower-cased text
PHONE = "+6281377775555"


@dataclass(frozen=True)
class Seeded:
    user: User
    activity_id: int
    canaries: tuple[str, ...] = (CANARY, PHONE, PHONE.removeprefix("+62"))


@pytest.fixture
def seeded(app, world, make_user) -> Seeded:
    """Pak Kanari, ketua of RT C: profile, needs with consent, an answer with a note and
    butuh bantuan, an answer atas nama for a neighbour without an account, a comment, a
    task, a check-in, a calendar feed, a reset code (and its audit row), a join request,
    notification settings, a phone for push and a message queued for it."""
    with app.app_context():
        now = utcnow()
        rt_c, rt_a = db.session.get(Wilayah, world.rt_c.id), db.session.get(Wilayah, world.rt_a.id)
        person = make_user(f"Pak {CANARY.title()}", rt_c, phone=PHONE,
                           email=f"{CANARY}@example.id", needs_hearing=True,
                           needs_consent_at=now)  # fmt: skip
        person = db.session.get(User, person.id)
        areas.appoint(rt_c, person, Role.KETUA_RT)
        sunday = next_sunday_0700_wita(now)
        activity = events.create_activity(
            rt_c, by=person, now=now, kind="gotong_royong", title="Ronda RT 01 RW 02",
            place="Pos ronda", starts_at=sunday, ends_at=sunday + timedelta(hours=2),
        )  # fmt: skip
        answers.respond(activity, person, answer="hadir", note=f"Catatan {CANARY}",
                       needs_help=True, now=now)  # fmt: skip
        answers.respond_for(activity, by=person, name=f"Mbah {CANARY}", answer="hadir",
                                  now=now)  # fmt: skip
        comments.add_comment(activity, person, f"Komentar {CANARY}", now=now)
        task = tasks.add_task(activity, label="Bawa senter", quantity=2)
        tasks.sign_up(task, person, quantity=1)
        attendance.mark_attendance(activity, user=person, method="qr", by=None, now=now)
        feeds.issue_feed(person, scope="answered", token=feeds.new_token(), now=now)
        accounts.issue_reset_code(person, issued_by=None, now=now)
        areas.request_join(person, rt_a, is_move=True, now=now)
        db.session.add(NotificationPref(user_id=person.id))
        db.session.add(NotificationSwitch(user_id=person.id, name="wants_messages", is_on=False))
        device = PushSubscription(user_id=person.id, device=f"HP {CANARY}", p256dh="k" * 87,
                                  endpoint=f"https://fcm.googleapis.com/fcm/send/{CANARY}",
                                  auth="a" * 22, last_sent_at=now)  # fmt: skip
        db.session.add(device)
        db.session.flush()
        db.session.add(PushMessage(subscription_id=device.id, user_id=person.id, ref="a:1",
                                   kind="reminder", subject="Ronda", due_at=now, payload="{}",
                                   topic="a1"))  # fmt: skip
        from community.messages import services as messages

        neighbour = make_user("Bu Tetangga", rt_c)  # direct messages: a word, a block
        talk = messages.start_conversation(person, neighbour, now=now)
        messages.send(talk, person, f"Pesan {CANARY}", now=now)
        messages.block(person, neighbour, now=now)
        from community.announcements import services as announcements

        notice = announcements.publish(rt_c, by=person, body="Ronda malam ini", now=now,
                                       expires_at=now + timedelta(days=1), photo_name="x.jpg")  # fmt: skip
        announcements.mark_read(notice, person, now=now)
        db.session.commit()
        db.session.refresh(person)
        db.session.expunge(person)
        return Seeded(person, activity.id)


def text_columns():
    """(table, column) for every text column of every table."""
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text):
                yield table, column


def canaries_found(app, canaries) -> list[str]:
    """``table.column: value`` for every text cell holding one of ``canaries``."""
    found = []
    with app.app_context():
        for table, column in text_columns():
            hits = db.session.scalars(
                select(column).where(
                    or_(*(func.lower(column).contains(c.lower()) for c in canaries))
                )
            ).all()
            found += [f"{table.name}.{column.name}: {value!r}" for value in hits]
    return found
