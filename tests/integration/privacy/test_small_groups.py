"""Officials see figures, and no figure about fewer than five people (UU PDP): on the
counts-only Peserta page, 1-4 reads "<5"; the organisers, who see the names, see numbers."""

from __future__ import annotations

import html

import pytest

from community.accounts.models import User
from community.core.time import utcnow
from community.events import answers, attendance
from community.events.models import Activity
from community.extensions import db
from tests.integration.events.conftest import said
from tests.integration.notifications.conftest import URL, browser_subscription, post_json


def answer_hadir(app, activity_id: int, user_ids: list[int]) -> None:
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        for user_id in user_ids:
            answers.respond(activity, db.session.get(User, user_id), answer="hadir", now=utcnow())
        attendance.mark_attendance(activity, name="Pak Tamu", method="pengurus", by=None,
                                      now=utcnow())  # fmt: skip
        db.session.commit()


@pytest.mark.parametrize("official", ["ketua_rw", "admin_kelurahan", "admin_kota"])
def test_officials_see_fewer_than_five_not_the_number(app, world, as_user, official):
    answer_hadir(app, world.activities["rt_a"].id, [world["resident_a"].id, world["pengurus_a"].id])

    summary = said(as_user(world[official]).get(f"/kegiatan/{world.activities['rt_a'].id}/peserta"))

    assert "Hadir: <5 orang (termasuk 0 tamu)" in summary
    assert "Sudah datang (Daftar Hadir): <5" in summary
    assert "Mungkin Hadir: 0" in summary  # zero names nobody
    assert "Hadir: 2" not in summary


def test_five_or_more_are_shown_as_they_are(app, world, make_user, as_user):
    with app.app_context():
        ids = [make_user(f"Warga Lima {i}", world.rt_a).id for i in range(5)]
    answer_hadir(app, world.activities["rw"].id, ids)

    summary = said(
        as_user(world["admin_kelurahan"]).get(f"/kegiatan/{world.activities['rw'].id}/peserta")
    )

    assert "Hadir: 5 orang (termasuk 0 tamu)" in summary


def test_the_organisers_who_see_the_names_see_the_numbers(app, world, as_user):
    answer_hadir(app, world.activities["rt_a"].id, [world["resident_a"].id])

    summary = said(
        as_user(world["pengurus_a"]).get(f"/kegiatan/{world.activities['rt_a'].id}/peserta")
    )

    assert "Hadir: 1 orang (termasuk 0 tamu)" in summary
    assert "Sudah datang (Daftar Hadir): 1" in summary


def delivery_cells(page) -> list[list[str]]:
    rows = page.get_data(as_text=True).split("<tr>")[2:]
    return [[html.unescape(c.split("</td>")[0].strip()) for c in r.split("<td>")[3:]] for r in rows]


def test_the_delivery_page_shows_officials_no_group_under_five(app, world, as_user):
    post_json(as_user(world["resident_a"]), URL, browser_subscription())
    answer_hadir(app, world.activities["rt_a"].id, [world["resident_a"].id])
    path = f"/kegiatan/{world.activities['rt_a'].id}/pengingat"

    organiser = delivery_cells(as_user(world["pengurus_a"]).get(path))
    official = delivery_cells(as_user(world["ketua_rw"]).get(path))

    # devices, tried, accepted, waiting, failed: one phone for each reminder
    assert organiser == [["1", "0", "0", "1", "0"]] * 2
    assert official == [["<5", "0", "0", "<5", "0"]] * 2
