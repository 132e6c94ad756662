"""The organiser's reminder settings on the activity form, and the delivery page."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from community.core.time import WITA, format_wita, utcnow
from community.events import answers
from community.events.models import Activity
from community.extensions import db
from community.notifications.models import PushMessage
from tests.conftest import text_of
from tests.forms import submit_form
from tests.integration.notifications.conftest import URL, browser_subscription, post_json


def form(scope_id: int, **changes) -> dict:
    start = (utcnow() + timedelta(days=4)).astimezone(WITA)
    return {
        "scope": str(scope_id), "kind": "pengajian", "title": "Pengajian ibu-ibu",
        "place": "Musala Al-Ikhlas", "description": "", "accessibility_notes": "",
        "start_date": start.date().isoformat(), "start_time": "16:00", "end_date": "",
        "end_time": "17:30", "capacity": "", "deadline_date": "", "deadline_time": "",
        "latitude": "", "longitude": "", "repeat": "", "repeat_until": "", "repeat_count": "",
        "default_reminders": "y", "reminder_minutes": "", **changes,
    }  # fmt: skip


def create(client, scope_id: int, **changes):
    """Fill "Buat kegiatan" as rendered (``form`` plus ``changes``) and press Umumkan."""
    data = form(scope_id, **changes)
    return submit_form(client, "/kegiatan/baru", "form[action='/kegiatan/baru']", data)


def stored(app, title: str = "Pengajian ibu-ibu") -> Activity | None:
    with app.app_context():
        found = db.session.scalar(select(Activity).where(Activity.title == title))
        if found is not None:
            db.session.expunge(found)
        return found


def test_organiser_adds_own_reminder_times(app, world, as_user):
    ketua = as_user(world["pengurus_a"])
    response = create(ketua, world.rt_a.id, reminder_minutes="30 menit, 1 hari",
                      default_reminders=None)  # fmt: skip
    assert response.status_code == 303
    activity = stored(app)
    assert (activity.default_reminders, activity.reminder_minutes) == (False, "1 hari, 30 menit")
    page = text_of(ketua.get(f"/kegiatan/{activity.id}/pengingat"))
    start = activity.starts_at
    for before in (timedelta(days=1), timedelta(minutes=30)):
        local = (start - before).astimezone(WITA)
        assert f"{local:%H.%M}" in page
    edit = ketua.get(f"/kegiatan/{activity.id}/ubah").get_data(as_text=True)
    assert 'value="1 hari, 30 menit"' in edit


def test_reminder_times_after_the_start_or_unreadable_are_refused(app, world, as_user):
    ketua = as_user(world["pengurus_a"])
    for typed, message in [
        ("-30 menit", "Pengingat harus sebelum kegiatan mulai"),
        ("0", "Pengingat harus sebelum kegiatan mulai"),
        ("besok pagi", "Tulis pengingat seperti: 30 menit, 3 jam, 1 hari."),
        ("20 hari", "Pengingat paling awal 14 hari sebelum kegiatan."),
    ]:
        response = create(ketua, world.rt_a.id, reminder_minutes=typed)
        assert response.status_code == 422, typed
        assert message in text_of(response)
    assert stored(app) is None


def test_everyone_who_has_not_answered_can_be_reminded(app, world, as_user):
    post_json(as_user(world["resident_a"]), URL, browser_subscription())
    post_json(as_user(world["resident_b"]), URL, browser_subscription())  # another RT
    ketua = as_user(world["pengurus_a"])
    create(ketua, world.rt_a.id, remind_unanswered="y")
    activity = stored(app)
    with app.app_context():
        users = set(
            db.session.scalars(select(PushMessage.user_id).where(PushMessage.status == "pending"))
        )
        assert users == {world["resident_a"].id}
        answers.respond(
            db.session.get(Activity, activity.id), world["resident_a"], answer="tidak", now=utcnow()
        )
        db.session.commit()
        assert db.session.scalars(select(PushMessage.status)).all() == ["cancelled"]


def test_the_delivery_page_counts_without_naming_anyone(app, world, as_user):
    post_json(as_user(world["resident_a"]), URL, browser_subscription())
    activity_id = world.activities["rt_a"].id
    with app.app_context():
        answers.respond(
            db.session.get(Activity, activity_id), world["resident_a"], answer="hadir", now=utcnow()
        )
        db.session.commit()
        first = db.session.scalars(select(PushMessage).order_by(PushMessage.due_at)).first()
        first.status, first.sent_at, first.attempts = "sent", utcnow(), 1
        db.session.commit()
    page = as_user(world["pengurus_a"]).get(f"/kegiatan/{activity_id}/pengingat")
    assert page.status_code == 200
    rows = [r for r in page.get_data(as_text=True).split("<tr>")[2:]]
    cells = [[c.split("</td>")[0].strip() for c in r.split("<td>")[2:]] for r in rows]
    # devices, tried, accepted by the push service, waiting, failed
    assert cells == [["Pengingat", "1", "1", "1", "0", "0"], ["Pengingat", "1", "0", "0", "1", "0"]]
    assert world["resident_a"].name not in text_of(page) and world[
        "resident_a"
    ].phone not in text_of(page)


def test_reminder_page_marks_times_already_past_when_the_activity_was_made(
    app, world, as_user, pinned_clock
):
    """Made on Tuesday 10.00 for 13.00 the same day with "1 hari, 30 menit" and the
    default 2 hours: the H-1 reminder was never sent, and the Ketua RT is told so instead
    of seeing it planned."""
    ketua = as_user(world["pengurus_a"])
    start = (utcnow() + timedelta(hours=3)).astimezone(WITA).replace(second=0, microsecond=0)
    end = start + timedelta(hours=1)
    response = submit_form(ketua, "/kegiatan/baru", "form[action='/kegiatan/baru']", data={
        "scope": str(world.rt_a.id), "kind": "pengajian", "title": "Pengajian ibu-ibu",
        "place": "Musala Al-Ikhlas", "start_date": start.date().isoformat(),
        "start_time": f"{start:%H:%M}", "end_date": end.date().isoformat(),
        "end_time": f"{end:%H:%M}", "reminder_minutes": "1 hari, 30 menit",
    })  # fmt: skip
    assert response.status_code == 303, text_of(response)
    activity = stored(app)
    page = ketua.get(f"/kegiatan/{activity.id}/pengingat")
    items = [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", page.get_data(as_text=True), re.S)
        if "WITA" in item
    ]
    day_before, two_hours, half_hour = (
        format_wita(activity.starts_at - before)
        for before in (timedelta(days=1), timedelta(hours=2), timedelta(minutes=30))
    )
    assert items == [
        f"{day_before} · terlewat: waktunya sudah lewat saat kegiatan dibuat, jadi tidak dikirim",
        two_hours,
        half_hour,
    ]
