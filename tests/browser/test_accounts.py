"""Accounts and joining an RT, in a real browser on a 360 px phone (Bahasa Indonesia UI)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from community.demo import DEMO_PASSWORD
from tests.browser.conftest import check_page, fresh_phone
from tests.conftest import PASSWORD


def test_register_join_and_get_approved(phone, open_context, live_server, sign_in_as, screenshot):
    page: Page = phone
    name = "Nur Hidayah Pendatang"
    number = fresh_phone()

    page.goto("/")
    check_page(page, "welcome")
    page.get_by_role("link", name="Daftar sebagai warga").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar sebagai warga")
    check_page(page, "daftar")
    page.get_by_label("Nama lengkap").fill(name)
    page.get_by_label("Nomor HP").fill(number)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    screenshot(page, "1-daftar")
    page.get_by_role("button", name="Daftar", exact=True).click()

    # Registered and signed in: the next step is the join page.
    expect(page).to_have_url(re.compile(r"/gabung$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Gabung ke RT")
    expect(page.get_by_role("status").filter(has_text="Akun Anda sudah dibuat")).to_contain_text(
        "Akun Anda sudah dibuat"
    )
    check_page(page, "gabung")
    page.get_by_label("Kode undangan").fill(live_server.invite_code(rw="01", rt="01"))
    screenshot(page, "2-gabung")
    page.get_by_role("button", name="Kirim permintaan bergabung").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Menunggu persetujuan")
    expect(page.get_by_role("main")).to_contain_text("RT 01 / RW 01")
    check_page(page, "menunggu")
    screenshot(page, "3-menunggu")

    # The ketua RT approves, on their own phone.
    ketua = open_context("phone").new_page()
    sign_in_as.ketua_rt(ketua)
    ketua.get_by_role("region", name="Wilayah yang Anda kelola").get_by_role(
        "link", name="RT 01 / RW 01"
    ).click()
    expect(ketua.get_by_role("heading", level=1)).to_have_text("RT 01 / RW 01")
    check_page(ketua, "rt-page-ketua")
    screenshot(ketua, "4-ketua-rt")
    ketua.get_by_role("button", name=f"Setujui {name}").click()
    joined = f"{name} sekarang warga RT 01 / RW 01"
    expect(ketua.get_by_role("status").filter(has_text=joined)).to_contain_text(joined)
    expect(ketua.get_by_role("button", name=f"Setujui {name}")).to_have_count(0)
    check_page(ketua, "rt-page-after-approval")
    screenshot(ketua, "5-disetujui")

    # The new resident reloads: the home page of their RT.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Halo, {name}")
    expect(page.get_by_role("heading", name="RT 01 / RW 01")).to_be_visible()
    check_page(page, "home-new-resident")
    screenshot(page, "6-beranda")


def test_sign_in_and_sign_out(phone, sign_in_as, demo, screenshot):
    page: Page = phone
    sign_in_as.resident(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Halo, {demo['resident'].name}")
    check_page(page, "home-resident")
    screenshot(page, "1-signed-in")

    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rukun: kegiatan warga di HP Anda")
    menu = page.get_by_role("navigation", name="Menu utama")
    expect(menu.get_by_role("link", name="Masuk", exact=True)).to_be_visible()
    expect(menu.get_by_role("button", name="Keluar")).to_have_count(0)
    screenshot(page, "2-signed-out")

    page.goto("/profil")  # protected: back to the sign-in form
    expect(page).to_have_url(re.compile(r"/masuk(\?|$)"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk")
    check_page(page, "masuk-after-sign-out")


def test_wrong_password_is_refused(phone, demo, screenshot):
    page: Page = phone
    page.goto("/masuk")
    check_page(page, "masuk")
    page.get_by_label("Nomor HP").fill(demo["resident"].phone)
    page.get_by_label("Kata sandi", exact=True).fill(DEMO_PASSWORD + "-salah")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Masuk", exact=True).click()
    assert posted.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Nomor HP atau kata sandi salah.")
    password = page.get_by_label("Kata sandi", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(re.compile("Nomor HP atau kata sandi salah."))
    check_page(page, "masuk-wrong-password")
    screenshot(page, "error")
    # Still signed out.
    page.goto("/profil")
    expect(page).to_have_url(re.compile(r"/masuk(\?|$)"))


def test_sign_in_with_the_keyboard_only(phone, demo):
    page: Page = phone
    page.goto("/masuk")
    check_page(page, "masuk")
    first_focusable = page.evaluate(
        """() => [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
                 .filter(el => el.tabIndex >= 0 && !el.disabled && el.type !== 'hidden')[0].className"""
    )
    assert first_focusable == "skip-link"

    skip = page.get_by_role("link", name="Langsung ke isi")
    expect(skip).not_to_be_in_viewport()  # hidden until focused
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused skip link has no visible focus outline"

    page.keyboard.press("Enter")  # jump over the header to <main>
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Nomor HP")).to_be_focused()
    page.keyboard.type(demo["resident"].phone)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Kata sandi", exact=True)).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Halo, {demo['resident'].name}")
    check_page(page, "home-after-keyboard-sign-in")
