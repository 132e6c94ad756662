"""The home feed on a 360 px phone: 25 activities are one page of 20 and a "Lihat lebih
banyak" link; a tap appends the last five in place (no reload), the focus moves to the
first new card, and the new cards answer with one tap like the others."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from community.accounts import services as account_services
from community.areas import services as areas
from community.areas.models import Level, Wilayah
from community.core.time import utcnow
from community.events import services as events
from community.events.rules import FEED_PAGE_SIZE
from community.extensions import db
from tests.browser.conftest import check_page, fresh_phone, sign_in
from tests.conftest import PASSWORD

TITLES = [f"Arisan blok {chr(ord('A') + n)}" for n in range(FEED_PAGE_SIZE + 5)]


def _resident_with_25_activities(live_server) -> str:
    """A resident of a new RT in Kelurahan Mentaos (no demo activities there), whose RT
    has 25 activities one day apart; returns the resident's phone number."""
    phone = fresh_phone()

    def create() -> None:
        mentaos = db.session.scalar(
            select(Wilayah).where(Wilayah.level == Level.KELURAHAN, Wilayah.name == "Mentaos")
        )
        rt = areas.add_child(areas.add_child(mentaos, 9), 9)
        resident = account_services.register(
            phone=phone, password=PASSWORD, name="Warga Mentaos", email=None, language="id"
        )
        resident.rt_id = rt.id
        first = (utcnow() + timedelta(days=1)).replace(second=0, microsecond=0)
        for n, title in enumerate(TITLES):
            starts = first + timedelta(days=n)
            events.create_activity(rt, by=resident, now=utcnow(), kind="arisan", title=title,
                                   place="Rumah Bu RT", starts_at=starts,
                                   ends_at=starts + timedelta(hours=2))  # fmt: skip
        db.session.commit()

    live_server.query(create)
    return phone


def test_lihat_lebih_banyak_appends_the_next_cards_in_place(phone, live_server, screenshot):
    page: Page = phone
    sign_in(page, _resident_with_25_activities(live_server), PASSWORD)
    cards = page.locator("li.activity-card")
    expect(cards).to_have_count(FEED_PAGE_SIZE)
    expect(cards.locator("h3")).to_have_text(TITLES[:FEED_PAGE_SIZE])
    check_page(page, "beranda-halaman-1")
    screenshot(page, "1-halaman-1")

    home_url = page.url
    page.evaluate("window.__marker = 1")
    page.get_by_role("link", name="Lihat lebih banyak").tap()

    expect(cards).to_have_count(len(TITLES))
    expect(cards.locator("h3")).to_have_text(TITLES)  # appended after the first 20, in order
    expect(page.get_by_role("link", name="Lihat lebih banyak")).to_have_count(0)  # the end
    expect(
        cards.nth(FEED_PAGE_SIZE).get_by_role("link", name=TITLES[FEED_PAGE_SIZE])
    ).to_be_focused()
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"
    assert page.url == home_url
    check_page(page, "beranda-setelah-lihat-lebih-banyak")
    screenshot(page, "2-lihat-lebih-banyak")

    last = cards.nth(len(TITLES) - 1)
    last.get_by_role("button", name=re.compile(r"^Hadir")).tap()
    expect(last).to_contain_text("Jawaban Anda: Hadir")
    assert page.evaluate("window.__marker") == 1, "answering reloaded the page"
