"""Recurring series: "every Thursday 19.45" becomes one occurrence per week, each answered
on its own, edited or cancelled alone or with the ones that follow."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from community.events.models import Activity, Answer, Rsvp
from community.extensions import db
from tests.conftest import text_of
from tests.forms import submit_form

YASINAN = {
    "kind": "pengajian",
    "title": "Yasinan RT 01",
    "place": "Rumah Pak RT",
    "start_date": "2026-12-03",  # a Thursday
    "start_time": "19:45",
    "end_time": "21:00",
    "repeat": "weekly",
    "repeat_until": "2027-01-28",
}

# These tests type calendar dates: they run on a pinned clock (see tests/conftest.py).
pytestmark = pytest.mark.usefixtures("pinned_clock")


def _create(client, world, **overrides):
    data = {"scope": str(world.rt_a.id), **YASINAN, **overrides}
    return submit_form(client, "/kegiatan/baru", "form[action$='/kegiatan/baru']", data)


def _series(app, title="Yasinan RT 01") -> list[Activity]:
    with app.app_context():
        rows = db.session.scalars(
            select(Activity).where(Activity.title == title).order_by(Activity.starts_at)
        ).all()
        db.session.expunge_all()
        return rows


def test_weekly_series_creates_one_occurrence_per_thursday_at_19_45_wita(app, world, as_user):
    response = _create(as_user(world["pengurus_a"]), world)
    assert response.status_code == 303
    occurrences = _series(app)
    assert len(occurrences) == 9  # 3 Dec 2026 … 28 Jan 2027
    assert len({o.series_id for o in occurrences}) == 1 and occurrences[0].series_id
    for occurrence in occurrences:
        assert occurrence.starts_at.astimezone(UTC).strftime("%a %H:%M") == "Thu 11:45"
    assert occurrences[-1].starts_at == datetime(2027, 1, 28, 11, 45, tzinfo=UTC)


def test_second_sunday_of_the_month_and_a_count(app, world, as_user):
    client = as_user(world["pengurus_a"])
    _create(client, world, title="Kerja bakti bulanan", kind="gotong_royong",
            start_date="2026-12-13", start_time="07:00", end_time="10:00",
            repeat="monthly_nth", repeat_until="", repeat_count="4")  # fmt: skip
    days = [
        o.starts_at.astimezone(UTC).date().isoformat() for o in _series(app, "Kerja bakti bulanan")
    ]
    # 07.00 WITA is 23.00 UTC the day before: the second Sundays are 13 Dec, 10 Jan, 14 Feb, 14 Mar
    assert days == ["2026-12-12", "2027-01-09", "2027-02-13", "2027-03-13"]


def test_a_series_ending_beyond_five_years_is_refused_and_nothing_is_created(app, world, as_user):
    # Weekly for five years is 261 meetings: the date window refuses an end this far ahead
    # before the 500-meeting limit (unit-tested in rules.expand) could be reached.
    response = _create(as_user(world["pengurus_a"]), world, repeat_until="2040-01-01")
    assert response.status_code == 422
    assert "lima tahun ke depan" in text_of(response)
    assert _series(app) == []


def test_a_series_needs_an_end(app, world, as_user):
    response = _create(as_user(world["pengurus_a"]), world, repeat_until="")
    assert response.status_code == 422
    assert "Isi tanggal akhir atau berapa kali" in text_of(response)


def test_edit_this_and_following_moves_the_clock_time_of_later_occurrences_only(
    app, world, as_user
):
    client = as_user(world["pengurus_a"])
    _create(client, world)
    occurrences = _series(app)
    third = occurrences[2]
    response = submit_form(client, f"/kegiatan/{third.id}/ubah", "form[action$='/ubah']", {
        "kind": "pengajian", "title": "Yasinan (pindah jam)", "place": "Musala",
        "start_date": "2026-12-17", "start_time": "20:00", "end_time": "21:15",
        "apply_to": "following",
    })  # fmt: skip
    assert response.status_code == 303
    after = {o.id: o for o in _series(app, "Yasinan (pindah jam)")}
    assert set(after) == {o.id for o in occurrences[2:]}
    for occurrence in after.values():
        assert occurrence.starts_at.astimezone(UTC).strftime("%a %H:%M") == "Thu 12:00"
    untouched = _series(app)
    assert [o.id for o in untouched] == [o.id for o in occurrences[:2]]


def test_cancel_one_occurrence_keeps_the_others(app, world, as_user):
    client = as_user(world["pengurus_a"])
    _create(client, world)
    occurrences = _series(app)
    response = submit_form(client, f"/kegiatan/{occurrences[1].id}", "form[action$='/batalkan']",
                           {"reason": "Tuan rumah berhalangan", "apply_to": "this"})  # fmt: skip
    assert response.status_code == 303
    cancelled = [o.is_cancelled for o in _series(app)]
    assert cancelled == [False, True] + [False] * 7


def test_hadir_for_all_coming_ones_answers_every_later_occurrence(app, world, as_user):
    _create(as_user(world["pengurus_a"]), world)
    occurrences = _series(app)
    resident = world["resident_a"]
    response = submit_form(as_user(resident), f"/kegiatan/{occurrences[3].id}",
                           "form[action$='/jawab/semua']")  # fmt: skip
    assert response.status_code == 303
    with app.app_context():
        answered = db.session.scalars(
            select(Rsvp.activity_id).where(Rsvp.user_id == resident.id, Rsvp.answer == Answer.HADIR)
        ).all()
    assert sorted(answered) == sorted(o.id for o in occurrences[3:])


def test_the_feed_shows_a_series_once_as_its_next_meeting(app, world, as_user):
    _create(as_user(world["pengurus_a"]), world)
    occurrences = _series(app)
    feed = as_user(world["resident_a"]).get("/").get_data(as_text=True)
    assert feed.count(">Yasinan RT 01</a>") == 1  # one card (its buttons name it too)
    assert f"/kegiatan/{occurrences[0].id}" in feed
    assert "rutin" in feed
