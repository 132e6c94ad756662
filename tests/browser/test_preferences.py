"""Language, "teks besar" and zoom: the UI adapts and nothing scrolls sideways."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect

from community.areas.models import Role
from tests.browser.conftest import ROOT, check_page, sign_in

EN_CATALOGUE = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def english(msgid: str) -> str | None:
    """The English translation of ``msgid`` in the committed catalogue, if there is one."""
    with EN_CATALOGUE.open("rb") as fh:
        message = read_po(fh).get(msgid)
    if message is None or not message.string or message.fuzzy:
        return None
    return message.string


def font_size_px(page: Page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def test_switch_language_to_english_and_back(phone, screenshot):
    page: Page = phone
    page.goto("/masuk")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk")

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/masuk\??$"))  # back on the same page
    # The footer now offers the way back, in Indonesian.
    expect(page.get_by_role("button", name="Bahasa Indonesia")).to_have_attribute("lang", "id")
    # One clearly translated string: the heading, "Sign in" in today's catalogue. Read from
    # the catalogue so that rewording it does not break this test; while a msgid has no
    # English msgstr yet the page shows the Indonesian text, and only ``lang`` is checked.
    heading = english("Masuk")
    if heading is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_role("heading", level=1)).not_to_have_text("Masuk")
    check_page(page, "masuk-en")
    screenshot(page, "english")

    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk")


def test_large_text(phone, wilayah_paths, make_account, screenshot):
    page: Page = phone
    account = make_account("Wulan Teks Besar", rt="RT 02 / RW 01", role=Role.SEKRETARIS)
    sign_in(page, account.phone, account.password)
    normal = font_size_px(page)
    assert normal == 16

    page.goto("/profil")
    check_page(page, "profil")
    page.get_by_label("Teks besar").check()
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Profil tersimpan.")).to_contain_text(
        "Profil tersimpan."
    )
    expect(page.locator("html")).to_have_class(re.compile(r"\bteks-besar\b"))
    expect(page.get_by_label("Teks besar")).to_be_checked()
    assert font_size_px(page) >= 20
    screenshot(page, "profil")

    rt_page = wilayah_paths["rt2"]
    for path in ("/", "/profil", "/tetangga", "/gabung", rt_page, f"{rt_page}/poster"):
        page.goto(path)
        assert font_size_px(page) >= 20, f"teks besar is off on {path}"
        check_page(page, f"teks-besar {path}")
    page.goto(rt_page)
    screenshot(page, "rt-page")


ZOOM_PAGES = {
    "anonymous": ["/", "/masuk", "/daftar", "/lupa-sandi"],
    "pending": ["/", "/gabung"],
    "ketua_rt": ["/", "/tetangga", "/profil", "{rt}", "{rt}/poster"],
    "ketua_rw": ["{rw}"],
    "admin_kelurahan": ["{kelurahan}"],
    "admin_kota": ["{kota}"],
}


@pytest.mark.parametrize("role", list(ZOOM_PAGES))
def test_reflow_at_200_percent_zoom(role, open_context, wilayah_paths, sign_in_as):
    """Zoom 200 %: a 640 px wide window with the page zoomed (CSS zoom 2 on <html>)."""
    page = open_context("desktop", viewport={"width": 640, "height": 800}).new_page()
    if role != "anonymous":
        sign_in_as.role(role, page)
    for template in ZOOM_PAGES[role]:
        path = template.format(**wilayah_paths)
        page.goto(path)
        page.evaluate("document.documentElement.style.zoom = '2'")  # CDP: not subject to CSP
        check_page(page, f"{path} at 200% as {role}")
