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
    notification settings, a phone for push and a message queued for it, direct messages
    with a report each way (his message hidden), a hidden comment and a mute on him."""
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
        comment = comments.add_comment(activity, person, f"Komentar {CANARY}", now=now)
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
        mine = messages.send(talk, person, f"Pesan {CANARY}", now=now)
        theirs = messages.send(talk, neighbour, "Beli pulsa murah", now=now)
        from community.moderation import services as moderation  # a report each way, a mute

        moderation.report_message(theirs, person, reason="spam", note=f"Catatan {CANARY}", now=now)
        hidden = moderation.report_message(mine, neighbour, reason="kasar", note="", now=now)
        moderation.hide(hidden, person, "Bahasanya dijaga", now=now)
        comments.set_hidden(comment, True, "Di luar topik")
        moderation.mute(person, db.session.get(User, world["admin_kota"].id), days=1,
                        reason="Tenang dulu sehari", now=now)  # fmt: skip
        messages.block(person, neighbour, now=now)
        from community.announcements import services as announcements

        notice = announcements.publish(rt_c, by=person, body="Ronda malam ini", now=now,
                                       expires_at=now + timedelta(days=1), photo_name="x.jpg")  # fmt: skip
        announcements.mark_read(notice, person, now=now)
        _seed_arisan(rt_c, person, make_user("Bu Arisan", rt_c), now=now)
        _seed_musyawarah(rt_c, person, neighbour, now=now)
        db.session.commit()
        db.session.refresh(person)
        db.session.expunge(person)
        return Seeded(person, activity.id)


def _seed_arisan(rt, person, neighbour, *, now) -> None:
    """An arisan of RT C: he runs it and keeps its book, pays, corrects, draws and undoes.
    The ledger's notes and the undo's reason are the group's record (kept when he goes), so
    they carry no canary."""
    from datetime import time

    from community.arisan import queries as arisan_queries
    from community.arisan import services as arisan
    from community.arisan.models import ArisanSlot

    group = arisan.create_group(
        rt, by=person, now=now, name="Arisan RT C", contribution_idr=20_000, period="mingguan",
        first_meeting_on=(now + timedelta(days=3)).date(), meeting_time=time(16), place="Pos",
        members=[arisan.NewMember(person, None, 1, True), arisan.NewMember(neighbour, None, 1)],
    )  # fmt: skip
    first = arisan_queries.latest_round(group)
    mine = db.session.get(ArisanSlot, arisan.slot_ids(group)[0])
    paid = arisan.record_payment(first, mine, by=person, method="tunai", paid_on=now.date(),
                                 now=now, note="bayar di pos")  # fmt: skip
    arisan.reverse_entry(paid, by=person, now=now, note="salah tanggal")
    arisan.record_payment(first, mine, by=person, method="qris", paid_on=now.date(), now=now)
    arisan.draw_round(first, by=person, now=now)
    arisan.undo_draw(first, by=person, reason="Kertas jatuh", now=now)
    # "Sudah transfer" for the next round: rejected once, sent again and approved.
    arisan.draw_round(first, by=person, now=now)
    second = arisan_queries.latest_round(group)
    sent = arisan.report_transfer(second, mine, by=person, method="transfer", paid_on=now.date(),
                                  photo_name="seed-receipt-1.jpg", now=now)  # fmt: skip
    arisan.reject_report(sent, by=person, reason="Bukti buram", now=now)
    again = arisan.report_transfer(second, mine, by=person, method="qris", paid_on=now.date(),
                                   photo_name="seed-receipt-2.jpg", now=now)  # fmt: skip
    arisan.approve_report(again, by=person, now=now)


def _seed_musyawarah(rt, person, neighbour, *, now) -> None:
    """He proposes and comments, supports the neighbour's proposal, runs a poll and votes
    on an open ballot, and ticks a time on a time poll. A proposal stays for the wilayah when he goes (nameless), so it
    carries no canary; his comment goes with him."""
    from community.musyawarah import services as musyawarah

    proposal = musyawarah.propose(rt, by=person, title="Usulan lampu", body="Lampu",
                                  category="infrastruktur", location="Gang 1", now=now)  # fmt: skip
    musyawarah.comment(proposal, person, f"Komentar {CANARY}", now=now)
    theirs = musyawarah.propose(rt, by=neighbour, title="Drainase", body="Banjir",
                                category="infrastruktur", location="", now=now)  # fmt: skip
    musyawarah.support(theirs, person, now=now)
    poll = musyawarah.create_poll(rt, by=person, question="Prioritas", description="",
                                  kind="tunggal", options=["A", "B"], max_choices=1,
                                  is_secret=False, shows_live=False, opens_at=now,
                                  closes_at=now + timedelta(days=1), now=now)  # fmt: skip
    musyawarah.vote(poll, person, [poll.options[0].id], now=now)
    when = musyawarah.create_time_poll(rt, by=person, title="Kapan rapat", place="Balai",
                                       times=[now + timedelta(days=2), now + timedelta(days=3)],
                                       now=now)  # fmt: skip
    musyawarah.mark_times(when, person, [when.options[1].id])


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
