"""Activities in a real browser on a 360 px phone: the Ketua RT announces a gotong royong,
a resident of the same RT answers Hadir in one tap and sees the count change in place."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from community.core.time import WITA, utcnow
from tests.browser.conftest import check_a11y, check_page

_numbers = itertools.count(1)


def test_ketua_rt_announces_and_a_resident_answers_without_a_reload(
    phone, open_context, sign_in_as, screenshot
):
    title = f"Kerja bakti saluran Jl. Kenanga {next(_numbers)}"
    day = (utcnow() + timedelta(days=5)).astimezone(WITA).date()

    # --- the Ketua RT announces it -----------------------------------------------------
    ketua: Page = phone
    sign_in_as.ketua_rt(ketua)
    ketua.get_by_role("link", name="Buat kegiatan").click()
    expect(ketua.get_by_role("heading", level=1)).to_have_text("Buat kegiatan")
    check_page(ketua, "buat-kegiatan")
    ketua.get_by_label("Untuk warga").select_option(label="RT 01 / RW 01")
    ketua.get_by_label("Jenis kegiatan").select_option(label="Gotong royong")
    ketua.get_by_label("Judul", exact=True).fill(title)
    ketua.get_by_label("Tempat", exact=True).fill("Ujung Jl. Kenanga, depan pos kamling")
    ketua.get_by_label("Tanggal", exact=True).fill(day.isoformat())
    ketua.get_by_label("Jam mulai (WITA)").fill("07:00")
    ketua.get_by_label("Jam selesai (WITA)").fill("10:00")
    ketua.get_by_text("Pengaturan lainnya").click()  # the rest waits behind the essentials
    ketua.get_by_label("Kuota peserta (kosongkan jika tanpa batas)").fill("10")
    screenshot(ketua, "1-buat-kegiatan")
    ketua.get_by_role("button", name="Umumkan kegiatan").click()

    expect(ketua).to_have_url(re.compile(r"/kegiatan/\d+$"))
    expect(ketua.get_by_role("heading", level=1)).to_have_text(title)
    expect(ketua.get_by_role("main")).to_contain_text("07.00 WITA – 10.00")
    expect(ketua.get_by_role("status").filter(has_text="sudah diumumkan")).to_contain_text(
        "sudah diumumkan"
    )
    check_page(ketua, "kegiatan-ketua")
    activity_url = ketua.url
    screenshot(ketua, "2-diumumkan")

    # --- a resident of the same RT finds it in the feed ---------------------------------
    warga = open_context("phone").new_page()
    sign_in_as.resident(warga)
    card = warga.locator("li.activity-card", has_text=title)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Gotong royong")
    expect(card).to_contain_text("07.00 WITA")
    expect(card).to_contain_text("0 orang hadir · kuota 10")
    check_page(warga, "beranda-warga")
    screenshot(warga, "3-beranda")
    card.get_by_role("link", name=title).click()
    expect(warga).to_have_url(activity_url)
    panel = warga.locator("section.rsvp-panel")
    expect(panel.locator(".counts")).to_contain_text("0 hadir dari kuota 10")
    check_page(warga, "kegiatan-sebelum-menjawab")
    screenshot(warga, "4-kegiatan")

    # --- one tap: Hadir, swapped in place by htmx ---------------------------------------
    warga.evaluate("window.__marker = 1")
    panel.get_by_role("button", name="Hadir", exact=True).click()
    expect(panel.locator(".counts")).to_contain_text("1 hadir dari kuota 10")
    expect(panel.get_by_role("status").filter(has_text="Jawaban Anda: Hadir")).to_contain_text(
        "Jawaban Anda: Hadir"
    )
    expect(panel.get_by_role("button", name="Hadir", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert warga.evaluate("window.__marker") == 1, "the page was reloaded"
    assert warga.url == activity_url
    check_a11y(warga, "kegiatan-sesudah-hadir")
    screenshot(warga, "5-hadir")

    # --- a guest comes along --------------------------------------------------------------
    panel.get_by_text("Tamu, catatan, butuh bantuan").click()
    panel.get_by_label("Tamu yang ikut (+1)").fill("1")
    panel.get_by_label("Catatan untuk pengurus (rahasia)").fill("Saya bawa cangkul")
    screenshot(warga, "6-tamu")
    panel.get_by_role("button", name="Hadir", exact=True).click()
    expect(panel.locator(".counts")).to_contain_text("2 hadir dari kuota 10")
    expect(panel.get_by_role("status").filter(has_text="+ 1 tamu")).to_contain_text("+ 1 tamu")
    assert warga.evaluate("window.__marker") == 1, "the page was reloaded"
    check_page(warga, "kegiatan-dengan-tamu")
    screenshot(warga, "7-dengan-tamu")

    # --- the feed and the organiser see the new count -----------------------------------
    warga.goto("/")
    card = warga.locator("li.activity-card", has_text=title)
    expect(card).to_contain_text("2 orang hadir · kuota 10")
    expect(card).to_contain_text("Jawaban Anda: Hadir")
    ketua.reload()
    expect(ketua.locator("section.rsvp-panel .counts")).to_contain_text("2 hadir dari kuota 10")
