"""Answers are never lost or reordered (issue #9, section 2): the feed card changes the
answer only, an answer atas nama waits its turn like anyone's, a clash at the same moment
is refused without a 500, and reminders are planned for what was really committed."""

from __future__ import annotations

import contextlib
import threading

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from community.accounts import services as accounts
from community.accounts.models import User
from community.core.time import utcnow
from community.events import answers, attendance, services
from community.events.models import Activity, Answer, Attendance, Rsvp
from community.extensions import db
from community.notifications.models import PushMessage, PushSubscription
from tests.forms import find_form, submit_form
from tests.integration.events.conftest import HX, ledger, respond, rsvp_form, said, set_activity


def answer_on_page(client, activity_id: int, answer: str, **details):
    """Open the activity page, fill the panel's details, press an answer button."""
    return submit_form(client, f"/kegiatan/{activity_id}", rsvp_form(activity_id), details,
                       button=f"button[value='{answer}']")  # fmt: skip


def tap_card(client, activity_id: int, answer: str, **headers):
    """Tap an answer button on the activity's card in the home feed."""
    return submit_form(client, "/", f"#card-answer-{activity_id} form",
                       button=f"button[value='{answer}']", headers=headers)  # fmt: skip


def my_rsvp(app, activity_id: int, user_id: int) -> Rsvp:
    with app.app_context():
        row = db.session.scalar(
            select(Rsvp).where(Rsvp.activity_id == activity_id, Rsvp.user_id == user_id)
        )
        db.session.expunge(row)
        return row


# --- the feed card changes the answer only --------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_tapping_hadir_on_the_card_keeps_guests_note_and_help(app, world, as_user, headers):
    siti = world["resident_a"]
    activity_id = world.activities["rt_a"].id  # capacity 3
    client = as_user(siti)
    answer_on_page(client, activity_id, "hadir", guests="2", note="Saya pakai kursi roda",
                   needs_help="y")  # fmt: skip
    assert ledger(app, activity_id).seats_taken == 3

    assert tap_card(client, activity_id, "hadir", **headers).status_code in (200, 303)
    rsvp = my_rsvp(app, activity_id, siti.id)
    assert (rsvp.answer, rsvp.guests) == (Answer.HADIR, 2)
    assert rsvp.note == "Saya pakai kursi roda" and rsvp.needs_help
    assert ledger(app, activity_id).seats_taken == 3  # the guests keep their seats

    # Mungkin from the card: guests only come with someone who comes, the rest stays.
    tap_card(client, activity_id, "mungkin", **headers)
    rsvp = my_rsvp(app, activity_id, siti.id)
    assert (rsvp.answer, rsvp.guests) == (Answer.MUNGKIN, 0)
    assert rsvp.note == "Saya pakai kursi roda" and rsvp.needs_help
    # The pengurus still sees who needs help.
    page = as_user(world["pengurus_a"]).get(f"/kegiatan/{activity_id}/peserta")
    assert "Siti Aminah" in page.get_data(as_text=True)


def test_a_first_answer_from_the_card_is_a_plain_answer(app, world, as_user):
    budi = world["resident_b"]
    activity_id = world.activities["rt_b"].id
    response = tap_card(as_user(budi), activity_id, "hadir", **HX)
    assert response.status_code == 200 and "Jawaban Anda: Hadir" in said(response)
    rsvp = my_rsvp(app, activity_id, budi.id)
    assert (rsvp.answer, rsvp.guests, rsvp.note, rsvp.needs_help) == (Answer.HADIR, 0, "", False)


# --- atas nama waits its turn -----------------------------------------------------------------


def test_hadir_atas_nama_for_someone_without_an_account_does_not_jump_the_line(
    app, world, as_user, neighbours
):
    """Capacity 3: one place taken, a party of three waits (two places are free but not
    enough for them). A newcomer of one must queue behind them, whoever answers for them."""
    activity_id = world.activities["rt_a"].id
    first, family = neighbours(2, world.rt_a)
    respond(app, activity_id, first.id)
    respond(app, activity_id, family.id, guests=2)
    assert ledger(app, activity_id).waitlist == [family.id]

    response = submit_form(as_user(world["pengurus_a"]), f"/kegiatan/{activity_id}/peserta",
                           "form[action$='/atas-nama']",
                           {"name": "Mbah Inah", "answer": "hadir"})  # fmt: skip
    assert response.status_code == 303
    with app.app_context():
        inah = db.session.scalar(select(Rsvp).where(Rsvp.proxy_name == "Mbah Inah"))
        assert inah.waitlisted_at is not None, "Mbah Inah took a place ahead of the family"
    state = ledger(app, activity_id)
    assert state.seats_taken == 1 and state.waitlist == [family.id, None]

    # When the first one withdraws, the family (first in line) gets the three places.
    respond(app, activity_id, first.id, Answer.TIDAK)
    assert ledger(app, activity_id).confirmed == [family.id]


def test_hadir_atas_nama_for_a_resident_waits_its_turn_too(app, world, as_user, neighbours):
    activity_id = world.activities["rt_a"].id
    first, family, grandpa = neighbours(3, world.rt_a)
    respond(app, activity_id, first.id)
    respond(app, activity_id, family.id, guests=2)
    with app.app_context():
        answers.respond_for(
            db.session.get(Activity, activity_id), by=db.session.get(User, world["pengurus_a"].id),
            resident=db.session.get(User, grandpa.id), answer=Answer.HADIR, now=utcnow(),
        )  # fmt: skip
        db.session.commit()
    assert ledger(app, activity_id).waitlist == [family.id, grandpa.id]


def test_a_pengurus_cannot_record_butuh_bantuan_for_a_resident_who_did_not_consent(
    app, world, as_user, neighbours
):
    """Consent to keep needs is the resident's own (UU PDP): atas nama, the box is refused
    with a reason and nothing is stored; once the resident consented, the same form keeps it.
    For a person without an account (a name) the pengurus's word is all there is."""
    activity_id = world.activities["rt_a"].id
    (grandpa,) = neighbours(1, world.rt_a, prefix="Kakek Usman")
    pengurus = as_user(world["pengurus_a"])
    fill = {"resident": str(grandpa.id), "answer": "hadir", "needs_help": "y"}

    refused = submit_form(pengurus, f"/kegiatan/{activity_id}/peserta",
                          "form[action$='/atas-nama']", fill)  # fmt: skip
    assert refused.status_code == 422
    assert "belum setuju data kebutuhannya disimpan" in said(refused)
    with app.app_context():
        assert db.session.scalar(select(Rsvp).where(Rsvp.user_id == grandpa.id)) is None

    with app.app_context():
        accounts.give_needs_consent(db.session.get(User, grandpa.id), now=utcnow())
        db.session.commit()
    kept = submit_form(pengurus, f"/kegiatan/{activity_id}/peserta",
                       "form[action$='/atas-nama']", fill)  # fmt: skip
    assert kept.status_code == 303
    named = submit_form(pengurus, f"/kegiatan/{activity_id}/peserta", "form[action$='/atas-nama']",
                        {"name": "Mbah Inah", "answer": "hadir", "needs_help": "y"})  # fmt: skip
    assert named.status_code == 303
    with app.app_context():
        needing = db.session.scalars(
            select(Rsvp).where(Rsvp.activity_id == activity_id, Rsvp.needs_help)
        ).all()
        assert sorted((r.user_id or 0, r.proxy_name or "") for r in needing) == [
            (0, "Mbah Inah"),
            (grandpa.id, ""),
        ]


# --- savepoints guard the insert they are meant to guard ---------------------------------------


def statements(app, action) -> list[str]:
    """The SQL a service emits (first word and table), in order, inside one transaction."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()[:3]).upper())

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            action()
            db.session.rollback()
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    return seen


def _index(seen: list[str], prefix: str) -> int:
    return next(i for i, s in enumerate(seen) if s.startswith(prefix))


def test_attendance_insert_runs_inside_its_savepoint(app, world):
    siti_id, activity_id = world["resident_a"].id, world.activities["rt_a"].id

    def mark():
        attendance.mark_attendance(
            db.session.get(Activity, activity_id), user=db.session.get(User, siti_id),
            method="pengurus", by=None, now=utcnow(),
        )  # fmt: skip

    seen = statements(app, mark)
    assert _index(seen, "SAVEPOINT") < _index(seen, "INSERT INTO ATTENDANCE")


def test_a_first_answer_is_inserted_inside_its_savepoint(app, world):
    siti_id, activity_id = world["resident_a"].id, world.activities["rt_b"].id

    def answer():
        answers.respond(db.session.get(Activity, activity_id), db.session.get(User, siti_id),
                         answer=Answer.MUNGKIN, now=utcnow())  # fmt: skip

    seen = statements(app, answer)
    assert _index(seen, "SAVEPOINT") < _index(seen, "INSERT INTO RSVP")


def test_two_taps_at_the_same_moment_give_one_attendance_and_no_error(app, world, as_user):
    """The pengurus taps "Tandai hadir" while Siti scans the QR code: one row, no 500."""
    siti_id, activity_id = world["resident_a"].id, world.activities["rt_a"].id
    set_activity(app, activity_id, starts_at=utcnow())  # check-in is open now
    barrier = threading.Barrier(2, timeout=5)
    results: list[object] = []

    # Both look first and see nobody marked, then insert (the race the savepoint guards);
    # on SQLite the write lock serialises them and the second one sees the first's row.
    def wait_before_insert(session, _ctx, _instances):
        if any(isinstance(o, Attendance) for o in session.new):
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

    def tap():
        with app.app_context():
            try:
                record = attendance.mark_attendance(
                    db.session.get(Activity, activity_id), user=db.session.get(User, siti_id),
                    method="pengurus", by=None, now=utcnow(),
                )  # fmt: skip
                db.session.commit()
                results.append(record.id)
            except Exception as exc:  # the test reports any error
                db.session.rollback()
                results.append(exc)
            finally:
                db.session.remove()

    event.listen(Session, "before_flush", wait_before_insert)
    try:
        threads = [threading.Thread(target=tap) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        event.remove(Session, "before_flush", wait_before_insert)
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    with app.app_context():
        rows = db.session.scalars(
            select(Attendance).where(Attendance.activity_id == activity_id)
        ).all()
        assert [r.user_id for r in rows] == [siti_id]


# --- reminders follow what was committed, not a savepoint ---------------------------------------


def outbox_rows(activity_id: int, kind: str | None = None) -> list[PushMessage]:
    query = select(PushMessage).where(PushMessage.ref == f"activity:{activity_id}")
    rows = db.session.scalars(query).all()
    return [r for r in rows if kind is None or r.kind == kind]


@pytest.fixture
def add_device(app):
    """A phone with notifications on (planning only: nothing is sent in these tests)."""

    def add(user_id: int) -> None:
        with app.app_context():
            db.session.add(PushSubscription(
                user_id=user_id, endpoint=f"https://fcm.googleapis.com/fcm/send/uji-{user_id}",
                p256dh="B" + "A" * 86, auth="A" * 22,
            ))  # fmt: skip
            db.session.commit()

    return add


def test_a_savepoint_rolled_back_takes_only_its_own_changes_out_of_planning(app, world, add_device):
    """Siti answers Hadir; in the same transaction a cancellation is tried in a savepoint and
    rolled back. At the commit her reminders are planned and no cancellation goes out."""
    siti = world["resident_a"]
    activity_id = world.activities["rt_a"].id
    add_device(siti.id)
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        answers.respond(activity, db.session.get(User, siti.id), answer=Answer.HADIR,
                         now=utcnow())  # fmt: skip
        savepoint = db.session.begin_nested()
        services.cancel_activity(activity, reason="Salah tekan", now=utcnow())
        db.session.flush()
        savepoint.rollback()
        db.session.commit()
        assert not db.session.get(Activity, activity_id).is_cancelled
        assert outbox_rows(activity_id, "cancelled") == []
        assert outbox_rows(activity_id, "reminder"), "Siti's answer lost its reminders"


def test_planning_waits_for_the_real_commit_not_a_savepoint(app, world, add_device):
    siti = world["resident_a"]
    activity_id = world.activities["rt_a"].id
    add_device(siti.id)
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        with db.session.begin_nested():
            answers.respond(activity, db.session.get(User, siti.id), answer=Answer.HADIR,
                             now=utcnow())  # fmt: skip
        assert outbox_rows(activity_id) == [], "planned when a savepoint was released"
        db.session.commit()
        assert outbox_rows(activity_id, "reminder")


# --- in English, the atas-nama form is in English too ------------------------------------------


def test_the_atas_nama_answer_choices_follow_the_language(app, world, as_user):
    client = as_user(world["pengurus_a"])
    activity_id = world.activities["rt_a"].id
    submit_form(client, "/", "form.language-form", button="button[value='en']")
    page = client.get(f"/kegiatan/{activity_id}/peserta").get_data(as_text=True)
    form = find_form(page, "form[action$='/atas-nama']")
    labels = [o.text_content().strip() for o in form.cssselect("select[name='answer'] option")]
    assert labels == ["Going", "Maybe", "Can't go"]
