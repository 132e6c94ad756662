"""Share and calendar in a real browser on a 360 px phone: the WhatsApp link and the .ics
of an activity as a demo resident, the calendar feed on the profile page, and the A4
poster as the demo Ketua RT (axe clean, and the print layout hides the site chrome)."""

from __future__ import annotations

import re
from urllib.parse import unquote

from playwright.sync_api import Page, expect
from sqlalchemy import select

from community.core.time import format_wita
from community.events.models import Activity
from community.extensions import db
from tests.browser.conftest import check_a11y, check_page

TITLE = "Kerja bakti bersihkan saluran RT 01"  # community.demo


def _demo_activity(live_server) -> tuple[int, str]:
    def find() -> tuple[int, str]:
        activity = db.session.scalar(select(Activity).where(Activity.title == TITLE))
        return activity.id, format_wita(activity.starts_at, "id", with_year=False)

    return live_server.query(find)


def test_resident_shares_an_activity_and_adds_it_to_the_calendar(phone, sign_in_as, live_server):
    activity_id, when = _demo_activity(live_server)
    page: Page = phone
    sign_in_as.resident(page)
    page.goto(f"/kegiatan/{activity_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    whatsapp = page.get_by_role("link", name="Bagikan ke WhatsApp (membuka tab baru)")
    expect(whatsapp).to_have_attribute("target", "_blank")
    expect(whatsapp).to_have_attribute("rel", "noopener")
    href = whatsapp.get_attribute("href")
    assert href.startswith("https://wa.me/?text=") and " " not in href
    assert unquote(href.removeprefix("https://wa.me/?text=")) == (
        f"*{TITLE}*\n{when}\nTempat: Depan pos kamling RT 01\n\n"
        f"Konfirmasi kehadiran di Rukun: {live_server.url}/kegiatan/{activity_id}"
    )

    calendar = page.get_by_role("link", name="Tambahkan ke kalender")
    expect(calendar).to_have_attribute("href", f"/kegiatan/{activity_id}.ics")
    ics = page.request.get(f"/kegiatan/{activity_id}.ics")  # with the page's session
    assert ics.status == 200
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "DTSTART;TZID=Asia/Makassar:" in ics.text()
    check_page(page, "kegiatan-bagikan")


def test_resident_makes_and_revokes_a_calendar_feed(phone, sign_in_as, open_context):
    page: Page = phone
    sign_in_as.resident(page)
    page.goto("/profil")
    section = page.locator("#kalender")
    section.get_by_label("Semua kegiatan untuk RT saya").check()
    section.get_by_role("button", name="Buat alamat kalender").click()
    expect(page.get_by_role("status").filter(has_text="URL kalender sudah dibuat")).to_contain_text(
        "URL kalender sudah dibuat"
    )
    address = page.get_by_label(re.compile("Alamat kalender Anda"))
    expect(address).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/kalender/[\w-]{43}\.ics$"))
    url = address.input_value()
    calendar_app = open_context("desktop").request  # a context that never signed in
    feed = calendar_app.get(url)
    assert feed.status == 200 and "BEGIN:VCALENDAR" in feed.text()
    check_page(page, "profil-kalender")

    section.get_by_role("button", name="Hapus alamat kalender").click()
    expect(page.get_by_role("status").filter(has_text="URL kalender dihapus")).to_contain_text(
        "URL kalender dihapus"
    )
    expect(page.get_by_label(re.compile("Alamat kalender Anda"))).to_have_count(0)
    assert calendar_app.get(url).status == 404
    check_a11y(page, "profil-kalender-dihapus")


def test_ketua_rt_prints_the_poster(phone, sign_in_as, live_server):
    activity_id, _ = _demo_activity(live_server)
    page: Page = phone
    sign_in_as.ketua_rt(page)
    page.goto(f"/kegiatan/{activity_id}")
    page.get_by_role("link", name="Cetak poster").click()
    expect(page).to_have_url(re.compile(rf"/kegiatan/{activity_id}/poster$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    qr = page.get_by_role("img", name=re.compile("Kode QR ke halaman kegiatan"))
    expect(qr).to_be_visible()
    # Visible is not loaded: wait (on a busy machine the SVG arrives after the layout).
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=qr.element_handle(), timeout=10_000
    )  # a QR that never loads times out here
    expect(page.locator(".activity-poster")).to_contain_text("Jalan datar, bisa dengan kursi roda")
    check_page(page, "poster-kegiatan")

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_role("link", name="Kembali ke kegiatan")).to_be_hidden()
    expect(page.locator(".activity-poster .qr")).to_be_visible()
    page.emulate_media(media="screen")
