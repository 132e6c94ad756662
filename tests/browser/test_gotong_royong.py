"""The gotong royong journey at 360 px: the ketua RT announces it with the tools needed,
a resident answers Hadir with a guest and promises a cangkul, and on the day people are
checked in, by the pengurus's tap and by scanning the QR code at the venue."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from community.core.time import WITA, utcnow
from community.events import attendance
from community.events.models import Activity
from community.extensions import db
from tests.browser.conftest import check_page


def _activity_id(live_server, title: str) -> int:
    return live_server.query(
        lambda: db.session.scalar(select(Activity.id).where(Activity.title == title))
    )


def _announce(page: Page, title: str, day: str, start: str, end: str, *, bring=()) -> None:
    """The essentials and what to bring, all on the create form's first screens (#14)."""
    page.goto("/kegiatan/baru")
    expect(page.get_by_role("heading", level=1)).to_have_text("Buat kegiatan")
    page.get_by_label("Untuk warga").select_option(label="RT 01 / RW 01")
    page.get_by_label("Jenis kegiatan").select_option("gotong_royong")
    page.get_by_label("Judul", exact=True).fill(title)
    page.get_by_label("Tanggal", exact=True).fill(day)
    page.get_by_label("Jam mulai (WITA)").fill(start)
    page.get_by_label("Jam selesai (WITA)").fill(end)
    page.get_by_label("Tempat", exact=True).fill("Depan pos kamling")
    for n, (what, how_many) in enumerate(bring, start=1):
        page.get_by_label(f"Yang perlu dibawa {n}").fill(what)
        page.get_by_label(f"Jumlah {n}", exact=True).fill(str(how_many))
    expect(page.locator("details.more-settings")).not_to_have_attribute("open", "")
    page.get_by_role("button", name="Umumkan kegiatan").click()


def test_gotong_royong_with_tasks_guest_and_no_reload(
    phone, open_context, live_server, sign_in_as, screenshot
):
    title = "Kerja bakti saluran (uji browser)"
    tomorrow = (utcnow().astimezone(WITA) + timedelta(days=1)).date().isoformat()
    ketua: Page = phone
    sign_in_as.ketua_rt(ketua)
    _announce(ketua, title, tomorrow, "07:00", "10:00", bring=[("Bawa cangkul", 5)])
    expect(ketua.get_by_role("heading", level=1)).to_have_text(title)
    expect(ketua.get_by_role("main")).to_contain_text("07.00 WITA")
    expect(ketua.locator("#tasks-panel")).to_contain_text("Bawa cangkul ×5")
    tasks = ketua.locator("#tasks-panel")
    tasks.get_by_label("Yang dibutuhkan").fill("Bawa karung")
    tasks.get_by_label("Jumlah").last.fill("10")
    tasks.get_by_role("button", name="Tambah ke daftar").click()
    expect(ketua.locator("#tasks-panel")).to_contain_text("Bawa karung ×10")
    expect(ketua.locator("#tasks-panel")).to_contain_text("Masih kurang 5")
    check_page(ketua, "activity-organiser")
    screenshot(ketua, "1-ketua-rt")

    resident = open_context("phone").new_page()
    sign_in_as.resident(resident)
    resident.get_by_role("link", name=title).click()
    expect(resident.get_by_role("heading", level=1)).to_have_text(title)
    check_page(resident, "activity-resident")
    resident.evaluate("window.__noReload = 'still here'")
    panel = resident.locator("[id^=rsvp-panel-]")
    panel.get_by_text("Tamu, catatan, butuh bantuan").click()
    panel.get_by_label("Tamu yang ikut (+1)").fill("1")
    panel.get_by_role("button", name="Hadir", exact=True).click()
    expect(resident.locator("[id^=rsvp-panel-]")).to_contain_text("2 hadir")
    expect(resident.locator("[id^=rsvp-panel-]")).to_contain_text("Jawaban Anda: Hadir + 1 tamu")

    row = resident.locator("#tasks-panel li", has_text="Bawa cangkul")
    row.get_by_label("Jumlah").fill("2")
    row.get_by_role("button", name=re.compile(r"^Saya bawa")).click()
    expect(resident.locator("#tasks-panel")).to_contain_text("Masih kurang 3")
    expect(resident.locator("#tasks-panel")).to_contain_text("Anda membawa 2")
    assert resident.evaluate("window.__noReload") == "still here"  # htmx swapped, no reload
    check_page(resident, "activity-answered")
    screenshot(resident, "2-warga-hadir")


def test_check_in_by_tap_and_by_qr_on_the_day(
    phone, open_context, live_server, sign_in_as, screenshot
):
    title = "Kerja bakti pagi ini (uji browser)"
    now = utcnow().astimezone(WITA)
    start, end = now - timedelta(minutes=30), now + timedelta(hours=2)
    # The form takes one date: keep the activity on today's local date around midnight.
    if start.date() != now.date():  # just after midnight: it began at 00.00
        start = now.replace(hour=0, minute=0)
    if end.date() != now.date():  # just before midnight: it ends at 23.59
        end = now.replace(hour=23, minute=59)
    ketua: Page = phone
    sign_in_as.ketua_rt(ketua)
    _announce(ketua, title, start.date().isoformat(), f"{start:%H:%M}", f"{end:%H:%M}")
    expect(ketua.get_by_role("status").filter(has_text="sudah lewat")).to_contain_text(
        "sudah lewat"
    )  # recorded, with a warning

    activity_id = _activity_id(live_server, title)
    token = live_server.query(
        lambda: attendance.check_in_token(db.session.get(Activity, activity_id))
    )
    resident = open_context("phone").new_page()
    sign_in_as.resident(resident)
    resident.goto(f"/kegiatan/{activity_id}/hadir/{token}")
    check_page(resident, "check-in")
    resident.get_by_role("button", name="Saya sudah datang").click()
    expect(
        resident.get_by_role("status").filter(has_text="kehadiran Anda sudah tercatat")
    ).to_contain_text("kehadiran Anda sudah tercatat")
    screenshot(resident, "1-qr-check-in")

    ketua.goto(f"/kegiatan/{activity_id}/daftar-hadir")
    check_page(ketua, "daftar-hadir")
    expect(ketua.locator("#attendance-list")).to_contain_text("1 orang sudah ditandai hadir")
    row = (
        ketua.locator(".attendance-row")
        .filter(has=ketua.get_by_role("button", name="Tandai hadir"))
        .first
    )
    name = row.locator("strong").inner_text()
    row.get_by_role("button", name=re.compile("Tandai hadir")).click()
    expect(ketua.get_by_role("button", name=f"Hadir ✓ {name}")).to_be_visible()
    ketua.get_by_label("Cari nama").fill(name[:4])
    expect(ketua.locator("#attendance-list")).to_contain_text(name)
    screenshot(ketua, "2-daftar-hadir")
