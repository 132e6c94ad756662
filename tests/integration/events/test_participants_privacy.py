"""Officials see figures, never a person: above the wilayah that organises an activity
(an RT's pengurus for an RT activity), the participants page shows counts only, and the
Daftar Hadir, its CSV and QR, answers atas nama and the names on tasks are refused."""

from __future__ import annotations

import pytest

from community.accounts.models import User
from community.core.time import utcnow
from community.events import answers, attendance, tasks
from community.events.models import Activity
from community.extensions import db
from tests.integration.events.conftest import said

SECRET_NOTE = "Kaki saya sakit, tolong jemput"


@pytest.fixture
def answered(app, world) -> dict[str, int]:
    """Siti answers RT A's and the RW's activity Hadir with a private note and a request
    for help, promises a hoe, and a walk-in is on RT A's Daftar Hadir."""
    with app.app_context():
        siti = db.session.get(User, world["resident_a"].id)
        ids = {}
        for key in ("rt_a", "rw"):
            activity = db.session.get(Activity, world.activities[key].id)
            answers.respond(activity, siti, answer="hadir", note=SECRET_NOTE, needs_help=True,
                             now=utcnow())  # fmt: skip
            task = tasks.add_task(activity, label="Bawa cangkul", quantity=3)
            tasks.sign_up(task, siti, quantity=1)
            ids[key] = activity.id
        attendance.mark_attendance(db.session.get(Activity, ids["rt_a"]), name="Pak Tamu",
                                      method="pengurus", by=None, now=utcnow())  # fmt: skip
        db.session.commit()
        return ids


PEOPLE = ("Siti Aminah", SECRET_NOTE, "Pak Tamu")


def shows_nobody(response) -> bool:
    text = said(response) + response.get_data(as_text=True)
    return not any(person in text for person in PEOPLE)


@pytest.mark.parametrize("official", ["ketua_rw", "admin_kelurahan", "admin_kota"])
def test_officials_above_the_rt_see_figures_only(world, as_user, answered, official):
    client = as_user(world[official])
    base = f"/kegiatan/{answered['rt_a']}"

    summary = client.get(f"{base}/peserta")
    detail = client.get(base)

    assert summary.status_code == 200
    # One person came: a group smaller than five is shown as "<5" (core/privacy.py).
    assert "Hadir: <5 orang (termasuk 0 tamu)" in said(summary)
    assert "Sudah datang (Daftar Hadir): <5" in said(summary)
    assert "Bawa cangkul: <5/3" in said(summary)
    assert "Anda melihat angka saja." in said(summary)
    assert shows_nobody(summary)
    assert f"{base}/daftar-hadir" not in summary.get_data(as_text=True)
    assert detail.status_code == 200 and shows_nobody(detail)
    assert "Jumlah peserta" in said(detail)
    assert "<5 hadir" in said(detail)  # one person: a small group is not a figure
    for path in ("/daftar-hadir", "/daftar-hadir.csv", "/daftar-hadir/qr.svg"):
        refused = client.get(base + path)
        assert refused.status_code == 403, path
        assert shows_nobody(refused), path


def test_residents_of_the_rt_see_the_exact_count_on_the_activity_page(world, as_user, answered):
    neighbour = said(as_user(world["resident_a"]).get(f"/kegiatan/{answered['rt_a']}"))
    assert "1 hadir" in neighbour and "<5" not in neighbour


def test_the_rts_pengurus_see_the_people(world, as_user, answered):
    client = as_user(world["pengurus_a"])
    base = f"/kegiatan/{answered['rt_a']}"

    summary = said(client.get(f"{base}/peserta"))
    csv = client.get(f"{base}/daftar-hadir.csv").get_data(as_text=True)

    assert f"Siti Aminah: {SECRET_NOTE}" in summary  # the butuh bantuan list
    assert "Anda melihat angka saja." not in summary
    assert "Siti Aminah" in csv and "Pak Tamu" in csv
    # Excel set to Indonesian splits on ";" (its list separator): the header is five columns.
    assert csv.lstrip("\ufeff").splitlines()[0] == "nama;jawaban;hadir;cara;waktu_wita"
    assert "Siti Aminah ×1" in said(client.get(base))  # who promised what


def test_an_rw_activity_shows_people_to_its_ketua_rw_and_figures_above(world, as_user, answered):
    path = f"/kegiatan/{answered['rw']}/peserta"

    own = said(as_user(world["ketua_rw"]).get(path))
    above = as_user(world["admin_kelurahan"]).get(path)

    assert f"Siti Aminah: {SECRET_NOTE}" in own
    assert above.status_code == 200 and shows_nobody(above)
    assert "Anda melihat angka saja." in said(above)
