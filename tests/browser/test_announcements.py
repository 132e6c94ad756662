"""Pengumuman at 360 px (#13): the ketua RT posts and pins an announcement with a photo
through the real form; a resident of the RT finds it first on the home feed, opens it,
and the ketua sees it counted as read."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_page


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), "orange").save(out, "JPEG")
    return out.getvalue()


def test_a_ketua_posts_and_pins_and_a_resident_sees_it_first_and_opens_it(
    phone: Page, open_context, sign_in_as, screenshot
):
    ketua = phone
    sign_in_as.ketua_rt(ketua)
    ketua.get_by_role("link", name="Pengumuman", exact=True).click()
    expect(ketua.get_by_role("heading", name="Pengumuman", exact=True)).to_be_visible()
    ketua.get_by_role("link", name="Buat pengumuman").click()
    check_page(ketua, "pengumuman-baru")

    ketua.get_by_label("Untuk warga").select_option(label="RT 01 / RW 01")
    ketua.get_by_label("Isi pengumuman").fill(
        "Air PDAM mati besok pagi.\nInfo lengkap: https://pdam.banjarbarukota.go.id"
    )
    ketua.get_by_label("Foto (tidak wajib)").set_input_files(
        {"name": "pdam.jpg", "mimeType": "image/jpeg", "buffer": _photo()}
    )
    ketua.get_by_label("Sematkan di atas").check()
    screenshot(ketua, "form-filled")
    ketua.get_by_role("button", name="Kirim pengumuman").click()

    expect(ketua.get_by_role("status").filter(has_text="Pengumuman sudah dikirim")).to_contain_text(
        "Pengumuman sudah dikirim"
    )
    expect(ketua.get_by_text("Disematkan", exact=True)).to_be_visible()
    expect(ketua.get_by_role("img", name="Foto pengumuman")).to_be_visible()
    link = ketua.get_by_role("link", name="https://pdam.banjarbarukota.go.id")
    expect(link).to_have_attribute("rel", "noopener nofollow ugc")
    expect(ketua.locator(".read-count")).to_contain_text("Dibaca oleh 1 dari")
    check_page(ketua, "pengumuman-detail-ketua")
    page_url = ketua.url

    resident = open_context("phone").new_page()
    sign_in_as.resident(resident)
    first = resident.locator(".announcement-lines li").first  # Beranda: one line each
    expect(first).to_contain_text("Air PDAM mati besok pagi.")
    expect(first).to_contain_text("Disematkan")
    check_page(resident, "beranda-pengumuman")
    screenshot(resident, "home")
    first.get_by_role("link", name="Air PDAM mati besok pagi.").click()
    expect(resident.get_by_text("Info lengkap:")).to_be_visible()
    expect(resident.locator(".read-count")).to_have_count(0)  # the count is the author's
    check_page(resident, "pengumuman-detail-warga")

    ketua.goto(page_url)
    expect(ketua.locator(".read-count")).to_have_text(re.compile(r"Dibaca oleh 2 dari \d+ warga"))
