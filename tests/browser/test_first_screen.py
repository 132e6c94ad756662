"""On a 360 × 740 phone the first activity card of the home feed and the answer buttons of an
activity are on the first screen, in Indonesian and in English (#14)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

SCREEN = 740  # the phone: 360 × 740


def _top(page: Page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["y"]


def _language(page: Page, name: str) -> None:
    page.get_by_role("button", name=name).click()


def test_the_first_card_and_the_answer_buttons_are_on_the_first_screen(
    open_context, sign_in_as, screenshot
):
    phone = open_context("phone", viewport={"width": 360, "height": SCREEN}).new_page()
    page = sign_in_as.ketua_rt(phone)  # the fullest Beranda: pengumuman and "Buat kegiatan"
    try:
        for language in ("id", "en"):
            page.goto("/")
            assert page.viewport_size["height"] == SCREEN
            card = page.locator(".activity-card").first
            expect(card).to_be_visible()
            assert _top(page, ".activity-card") < SCREEN - 120, language  # its title and more
            chips = page.locator(".kind-filter li")
            rows = {round(chips.nth(i).bounding_box()["y"]) for i in range(chips.count())}
            assert len(rows) == 1, (language, rows)  # the kind filter is one row
            heading = page.locator("#feed-heading").bounding_box()
            create = page.locator(".heading-row a.button").bounding_box()
            assert create["y"] < heading["y"] + heading["height"], language  # beside, not below
            assert create["x"] + create["width"] <= 360, language
            screenshot(page, f"beranda-{language}")

            card.locator("h3 a").click()
            buttons = page.locator(".rsvp-panel .answer-buttons .button")
            expect(buttons.first).to_be_visible()
            bottom = max(
                b["y"] + b["height"] for b in (buttons.nth(i).bounding_box() for i in range(3))
            )
            assert bottom <= SCREEN, (language, bottom)
            screenshot(page, f"kegiatan-{language}")
            if language == "id":
                _language(page, "English")
    finally:
        page.goto("/")
        if page.get_by_role("button", name="Bahasa Indonesia").count():
            _language(page, "Bahasa Indonesia")  # saved on the account: set it back
