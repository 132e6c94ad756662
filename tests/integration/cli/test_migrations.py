"""The migrations build the schema the models describe, and keep a seeded database's rows
through every downgrade and upgrade, on SQLite and PostgreSQL (~10 s together)."""

from __future__ import annotations

import base64
import os
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from community import create_app, demo
from community.accounts import services as accounts
from community.accounts.models import User
from community.areas import services as areas
from community.areas.models import JoinRequest, Role, RoleAssignment
from community.core.time import utcnow
from community.events import (
    answers,
    attendance,
    comments,
    feeds,
    reminders,
    tasks,
)
from community.events.models import Activity, Rsvp
from community.extensions import db
from community.notifications import outbox
from community.notifications import services as notifications
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


# ---------------------------------------------------------------------------------------
# A seeded database survives every downgrade and upgrade.
#
# Going below the revision that created a table or a column necessarily drops what it
# held, so "upgrade → downgrade → upgrade loses nothing" is proved one revision at a time:
# the database is upgraded to head and filled through the real services (every table has
# rows), then for every revision R, from head down to the first one:
#   1. at R: every table's rows are read (every column);
#   2. downgrade to R's parent: every table and column that exists at both R and the parent
#      holds exactly the same rows (R's downgrade touches only what R added);
#   3. upgrade to R again: those same cells are still exactly the same, and R's schema
#      (tables, columns, types, nullability, keys, indexes, unique and check constraints)
#      is exactly what it was (a batch copy on SQLite may not drop a constraint);
#   4. downgrade to the parent again and go on with the parent.
# Every cell that exists on both sides of every step is therefore compared; at the end the
# empty base is upgraded to head once more and must match the models. On SQLite this is
# what caught a batch copy of user_account firing ON DELETE SET NULL / CASCADE in every
# table pointing at it (migrations/env.py now switches foreign keys off while migrating,
# checks the references, and switches them back on).
# ---------------------------------------------------------------------------------------


@pytest.fixture
def seeded_app(tmp_path):
    app = create_app(test_config(tmp_path, PUSH_CHECK_ENDPOINTS=False))  # no DNS in tests
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        _seed(now=utcnow())
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


def _seed(*, now) -> None:
    """The demo neighbourhood plus one of everything it leaves out, through the services."""
    demo.load_demo(now=now)
    kerja = db.session.scalar(select(Activity).where(Activity.title.like("Kerja bakti%")))
    rt = kerja.wilayah
    ketua = db.session.scalar(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.wilayah_id == rt.id, RoleAssignment.role == Role.KETUA_RT)
    )
    answered = db.session.scalars(
        select(User).join(Rsvp, Rsvp.user_id == User.id).where(Rsvp.activity_id == kerja.id)
    ).all()
    resident = answered[0]
    answers.respond_for(kerja, by=ketua, name="Pak Udin", answer="hadir", now=now)
    task = tasks.add_task(kerja, label="Cangkul", quantity=5)
    tasks.sign_up(task, resident, quantity=2)
    attendance.mark_attendance(kerja, user=resident, method="qr", by=None, now=now)
    attendance.mark_attendance(kerja, name="Bu Ijah", method="pengurus", by=ketua, now=now)
    comments.add_comment(kerja, resident, "Saya bawa sapu lidi.", now=now)
    feeds.issue_feed(resident, scope="answered", token=feeds.new_token(), now=now)
    accounts.set_needs(resident, consent=True, now=now, needs_hearing=True)
    notifications.save_prefs(resident.id, wants_announcements=False, quiet_start_minute=1320)
    outbox.subscribe(resident.id, _browser_subscription(), device="Android")
    reminders.plan_reminders(kerja, now=now)
    accounts.issue_reset_code(answered[1], issued_by=ketua, now=now, wilayah_id=rt.id)
    pending = db.session.scalar(select(JoinRequest).where(JoinRequest.rt_id == rt.id))
    areas.decide(pending, approve=True, by=ketua, now=now + timedelta(minutes=5))
    areas.remove_member(rt, answered[2], by=ketua, now=now + timedelta(minutes=6))
    from community.messages import services as messages

    messages.block(resident, answered[1], now=now)  # the demo holds messages, not a block
    from community.messages.models import Conversation, Message
    from community.moderation import services as moderation  # a report, hidden; a mute

    message = db.session.scalar(select(Message).where(Message.sender_id.is_not(None)).limit(1))
    talk = db.session.get(Conversation, message.conversation_id)
    other = talk.high_user_id if talk.low_user_id == message.sender_id else talk.low_user_id
    report = moderation.report_message(message, db.session.get(User, other), reason="spam",
                                       note="Tolong dicek", now=now)  # fmt: skip
    moderation.hide(report, ketua, "Penipuan pulsa", now=now)
    moderation.mute(resident, ketua, days=1, reason="Tenang dulu", now=now)
    from community.core.idempotency import IdempotentRequest  # a phone's replayed answer

    db.session.add(IdempotentRequest(user_id=resident.id, key="k" * 20, fingerprint="0" * 64,
                                     status=303, location=f"/kegiatan/{kerja.id}", created_at=now))  # fmt: skip
    from community.announcements import services as announcements
    from community.announcements.models import Announcement

    notice = db.session.scalar(select(Announcement))  # the demo's pinned pengumuman
    announcements.mark_read(notice, resident, now=now)
    _seed_arisan(rt, ketua, resident, now=now)
    _seed_musyawarah(rt, ketua, resident, now=now)
    db.session.commit()
    from community.dashboard import snapshots

    snapshots.refresh(now)  # the worker's counts of the city (they commit)


def _seed_arisan(rt, ketua, resident, *, now) -> None:
    """A group with a person without an account: a payment, its koreksi, a draw, its undo,
    the redraw and the payout."""
    from datetime import time

    from community.arisan import services as arisan

    group = arisan.create_group(
        rt, by=ketua, now=now, name="Arisan Ibu-ibu", contribution_idr=50_000,
        period="bulanan", first_meeting_on=(now + timedelta(days=7)).date(),
        meeting_time=time(19, 30), place="Rumah Bu RT",
        members=[arisan.NewMember(ketua, None, 1), arisan.NewMember(resident, None, 2, True),
                 arisan.NewMember(None, "Nenek Sari", 1)],
    )  # fmt: skip
    first = db.session.scalar(
        select(arisan.ArisanRound).where(arisan.ArisanRound.group_id == group.id)
    )
    slots = arisan.slot_ids(group)
    for slot in slots:
        entry = arisan.record_payment(first, db.session.get(arisan.ArisanSlot, slot), by=resident,
                                      method="tunai", paid_on=now.date(), now=now)  # fmt: skip
    arisan.reverse_entry(entry, by=resident, now=now, note="salah catat")
    arisan.draw_round(first, by=ketua, now=now)
    arisan.undo_draw(first, by=ketua, reason="Tuan rumah belum datang", now=now)
    won = arisan.draw_round(first, by=ketua, now=now)
    arisan.mark_payout(first, db.session.get(arisan.ArisanSlot, won.winner_ids[0]), by=resident,
                       method="transfer", now=now)  # fmt: skip
    # "Sudah transfer" with a receipt for the next round, rejected, sent again, approved.
    second = db.session.scalar(
        select(arisan.ArisanRound).where(
            arisan.ArisanRound.group_id == group.id, arisan.ArisanRound.number == 2
        )
    )
    mine = db.session.get(arisan.ArisanSlot, slots[0])
    sent = arisan.report_transfer(second, mine, by=ketua, method="transfer", paid_on=now.date(),
                                  photo_name="bukti-1.jpg", now=now)  # fmt: skip
    arisan.reject_report(sent, by=resident, reason="Bukti buram", now=now)
    again = arisan.report_transfer(second, mine, by=ketua, method="qris", paid_on=now.date(),
                                   photo_name="bukti-2.jpg", now=now)  # fmt: skip
    arisan.approve_report(again, by=resident, now=now)


def _seed_musyawarah(rt, ketua, resident, *, now) -> None:
    """A proposal supported, commented and discussed; a ranking poll with a vote; the
    notulen of the meeting that took both up; a single-choice poll with paper ballots, the
    ranking with some too and a batch withdrawn; a time poll ticked and decided."""
    from community.musyawarah import services as musyawarah

    proposal = musyawarah.propose(rt, by=resident, title="Lampu jalan", body="Gelap",
                                  category="infrastruktur", location="Gang 3", now=now)  # fmt: skip
    musyawarah.support(proposal, ketua, now=now)
    musyawarah.comment(proposal, ketua, "Kita bahas Jumat", now=now)
    musyawarah.change_status(proposal, "dibahas", by=ketua, reason="", now=now)
    poll = musyawarah.create_poll(rt, by=ketua, question="Prioritas", description="",
                                  kind="peringkat", options=["Drainase", "Lampu"], max_choices=2,
                                  is_secret=True, shows_live=False, opens_at=now,
                                  closes_at=now + timedelta(days=3), now=now)  # fmt: skip
    musyawarah.vote(poll, resident, [o.id for o in poll.options], now=now)
    from community.events import services as events

    meeting = events.create_activity(rt, by=ketua, now=now, kind="musyawarah",
                                     title="Musyawarah RT", place="Balai", starts_at=now,
                                     ends_at=now + timedelta(hours=2))  # fmt: skip
    musyawarah.write_minutes(meeting, by=ketua, body="Hadir 12 warga.",
                             proposal_ids=[proposal.id], poll_ids=[poll.id], now=now)  # fmt: skip
    single = musyawarah.create_poll(rt, by=ketua, question="Hari", description="",
                                    kind="tunggal", options=["Sabtu", "Minggu"], max_choices=1,
                                    is_secret=False, shows_live=False, opens_at=now,
                                    closes_at=now + timedelta(days=3), now=now)  # fmt: skip
    when = musyawarah.create_time_poll(rt, by=ketua, title="Musyawarah", place="Balai",
                                       times=[now + timedelta(days=2), now + timedelta(days=3)],
                                       now=now)  # fmt: skip
    musyawarah.mark_times(when, resident, [when.options[0].id])
    musyawarah.pick_time(when, when.options[0], by=ketua, now=now)
    musyawarah.enter_paper(single, by=ketua, ballots=3,
                           votes={single.options[0].id: 2, single.options[1].id: 1}, now=now)  # fmt: skip
    musyawarah.enter_paper_ranking(poll, by=ketua, ballots=2, order=[poll.options[1].id],
                                   now=now)  # fmt: skip
    mistake = musyawarah.enter_paper_ranking(poll, by=ketua, ballots=9, order=[], now=now)
    musyawarah.withdraw_paper(poll, mistake, by=ketua, now=now)


def _browser_subscription() -> dict:
    """What ``PushSubscription.toJSON()`` gives on a phone (a real P-256 key)."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    raw = key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return {
        "endpoint": "https://fcm.googleapis.com/fcm/send/migrations-round-trip",
        "keys": {"p256dh": _b64u(raw), "auth": _b64u(os.urandom(16))},
    }


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _revisions() -> list[tuple[str, str]]:
    """(revision, parent) from head down to the first; the first's parent is "base"."""
    config = current_app.extensions["migrate"].migrate.get_config()
    scripts = ScriptDirectory.from_config(config)
    return [(s.revision, s.down_revision or "base") for s in scripts.walk_revisions()]


def _rows() -> dict[str, dict]:
    """Every table's columns and rows, as the database holds them."""
    found = {}
    with db.engine.connect() as conn:  # one connection: SQLite begins with a write lock
        inspector = inspect(conn)
        for table in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
            columns = [c["name"] for c in inspector.get_columns(table)]
            names = ", ".join(f'"{c}"' for c in columns)
            rows = conn.execute(text(f'SELECT {names} FROM "{table}"')).all()  # noqa: S608
            found[table] = {
                "columns": columns,
                "rows": [dict(zip(columns, r, strict=True)) for r in rows],
            }
    return found


def _schema() -> dict[str, dict]:
    """Every table's columns, keys, indexes and constraints (reflected in one go)."""
    inspector = inspect(db.engine)
    names = sorted(set(inspector.get_table_names()) - {"alembic_version"})
    columns = inspector.get_multi_columns(filter_names=names)
    pks = inspector.get_multi_pk_constraint(filter_names=names)
    fks = inspector.get_multi_foreign_keys(filter_names=names)
    indexes = inspector.get_multi_indexes(filter_names=names)
    uniques = inspector.get_multi_unique_constraints(filter_names=names)
    checks = inspector.get_multi_check_constraints(filter_names=names)
    return {
        table: {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in columns[key]],
            "pk": pks[key]["constrained_columns"],
            "fks": sorted(
                (
                    f["name"] or "",
                    tuple(f["constrained_columns"]),
                    f["referred_table"],
                    f.get("options", {}).get("ondelete") or "",
                )
                for f in fks[key]
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in indexes[key]
            ),
            "unique": sorted((u["name"] or "", tuple(u["column_names"])) for u in uniques[key]),
            "checks": sorted(c["name"] or "" for c in checks[key]),
        }
        for table in names
        for key in [(None, table)]
    }


def _same_cells(before: dict, after: dict, step: str) -> int:
    """Assert every cell present in both snapshots is unchanged; return how many were."""
    compared = 0
    for table in sorted(before.keys() & after.keys()):
        common = [c for c in before[table]["columns"] if c in after[table]["columns"]]

        def project(rows, common=common):
            return sorted(tuple(repr(r[c]) for c in common) for r in rows)

        old, new = project(before[table]["rows"]), project(after[table]["rows"])
        if new != old:
            lost = [dict(zip(common, r, strict=True)) for r in old if r not in new]
            got = [dict(zip(common, r, strict=True)) for r in new if r not in old]
            changed = [
                f"{c}: {a[c]} → {b[c]}" for a, b in zip(lost, got, strict=False) for c in common
                if a[c] != b[c]
            ]  # fmt: skip
            pytest.fail(
                f"{step}: {len(lost)} rows of {table} lost or changed, {len(got)} new: "
                f"{changed[:6] or (lost[:2], got[:2])}"
            )
        compared += len(old) * len(common)
    return compared


def test_every_downgrade_and_upgrade_keeps_the_seeded_rows(seeded_app):
    with seeded_app.app_context():
        seeded = _rows()
        empty = sorted(t for t, v in seeded.items() if not v["rows"])
        assert empty == [], f"the seed leaves tables empty, so they go unchecked: {empty}"
        steps = _revisions()
        assert len(steps) >= 8
        for revision, parent in steps:
            at_r, schema_at_r = _rows(), _schema()
            downgrade(revision=parent)
            below = _rows()
            kept = _same_cells(at_r, below, f"downgrade {revision} → {parent}")
            upgrade(revision=revision)
            again = _rows()
            assert _same_cells(below, again, f"upgrade {parent} → {revision}") == kept
            assert set(again) == set(at_r)
            assert _schema() == schema_at_r, f"{parent} → {revision} rebuilt another schema"
            if parent != "base":
                assert kept > 0, f"nothing was compared across {revision}"
            downgrade(revision=parent)
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        with db.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diffs == []
        if db.engine.dialect.name == "sqlite":  # migrating switches them off; back on for the app
            assert _foreign_keys_pragma_of_pooled_connections() == {1}


def _foreign_keys_pragma_of_pooled_connections() -> set[int]:
    conns = [db.engine.connect() for _ in range(max(1, db.engine.pool.checkedin()))]
    try:  # read on the raw connections: no BEGIN, so no write lock between them
        return {c.connection.dbapi_connection.execute("PRAGMA foreign_keys").fetchone()[0]
                for c in conns}  # fmt: skip
    finally:
        for c in conns:
            c.close()


# ---------------------------------------------------------------------------------------
# e3a7c5b91d42: the six switch columns of notification_pref become notification_switch
# rows. The round trip above cannot see it (the table exists on one side only), so the
# copy is checked here, written at the old revision as that revision stored it.
# ---------------------------------------------------------------------------------------

SWITCH_COLUMNS = ("wants_reminders", "wants_changes", "wants_waitlist", "wants_announcements",
                  "wants_messages", "wants_arisan")  # fmt: skip


def _person(phone: str) -> int:
    user = User(name=f"Warga {phone[-4:]}", phone=phone, password_hash="x")
    db.session.add(user)
    db.session.flush()
    user_id = user.id
    db.session.commit()  # and no read after it: on SQLite a session's BEGIN takes the lock
    return user_id


def test_a_switch_turned_off_before_switches_were_rows_stays_off(empty_app):
    with empty_app.app_context():
        upgrade(revision="c4d9a1e7f2b3")
        off, on, quiet_only = (_person(f"+6281300000{n:03d}") for n in range(3))
        values = ", ".join(f":{c}" for c in SWITCH_COLUMNS)
        insert = text(
            f"INSERT INTO notification_pref (user_id, {', '.join(SWITCH_COLUMNS)}, "  # noqa: S608
            f"quiet_start_minute, quiet_end_minute) VALUES (:user_id, {values}, :start, 300)"
        )
        with db.engine.begin() as conn:
            everything_on = dict.fromkeys(SWITCH_COLUMNS, True)
            conn.execute(insert, {**everything_on, "wants_messages": False, "user_id": off,
                                  "start": 1320})  # fmt: skip
            conn.execute(insert, {**everything_on, "user_id": on, "start": 1260})
            conn.execute(insert, {**everything_on, "user_id": quiet_only, "start": 1200})

        upgrade(revision="e3a7c5b91d42")
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT user_id, name, is_on FROM notification_switch")).all()
            quiet = dict(
                conn.execute(
                    text("SELECT user_id, quiet_start_minute FROM notification_pref")
                ).all()
            )
        assert [tuple(r) for r in rows] == [(off, "wants_messages", False)]  # on: the default
        assert quiet == {off: 1320, on: 1260, quiet_only: 1200}
        db.session.remove()
        assert not notifications.get_prefs(off).wants_messages
        assert notifications.get_prefs(off).wants_reminders
        assert notifications.get_prefs(on).wants_messages

        # Back down: the column takes the row again, and a resident who only ever set a
        # switch (no quiet hours, so no notification_pref row) keeps it as a row there.
        notifications.save_prefs(on, wants_arisan=False, wants_reminders=True)
        switch_only = _person("+6281300000999")
        notifications.save_prefs(switch_only, wants_changes=False)
        db.session.commit()
        db.session.remove()
        downgrade(revision="c4d9a1e7f2b3")
        with db.engine.connect() as conn:
            columns = ", ".join(SWITCH_COLUMNS)
            query = f"SELECT user_id, {columns}, quiet_start_minute FROM notification_pref"  # noqa: S608
            got = {r[0]: r[1:] for r in conn.execute(text(query))}
        ons = (True,) * 6
        assert got == {
            off: (True, True, True, True, False, True, 1320),
            on: (*ons[:5], False, 1260),
            quiet_only: (*ons, 1200),
            switch_only: (True, False, True, True, True, True, 21 * 60),
        }
