"""The database goes down while a resident answers: the page says so in a banner, keeps
what they typed, and the same tap works once the database is back."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from community.extensions import db


@contextlib.contextmanager
def database_down(live_server) -> Iterator[None]:
    """A real outage of the live server's SQLite file: a directory where the file was
    (SQLite cannot open it; root ignores file modes), open connections dropped."""
    uri = live_server.app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith("sqlite:///"):
        pytest.skip("the outage is staged on the SQLite live server")
    path = Path(uri.removeprefix("sqlite:///"))
    aside = path.with_name(path.name + ".aside")
    with live_server.app.app_context():
        db.engine.dispose()
    path.rename(aside)
    path.mkdir()
    try:
        yield
    finally:
        path.rmdir()
        aside.rename(path)


def open_activity(live_server, demo, base_url: str) -> str:
    """A gotong royong of the resident's RT in three days, open for answers (the demo's
    own activities are changed and cancelled by other browser tests)."""
    from datetime import timedelta

    from community.accounts import services as accounts
    from community.areas.models import Wilayah
    from community.core.time import utcnow
    from community.events import services

    def create() -> int:
        resident = accounts.find_by_phone(demo["resident"].phone)
        starts = utcnow() + timedelta(days=3)
        activity = services.create_activity(
            db.session.get(Wilayah, resident.rt_id), by=resident, now=utcnow(),
            kind="gotong_royong", title="Kerja bakti saat gangguan", place="Pos kamling",
            starts_at=starts, ends_at=starts + timedelta(hours=2),
        )  # fmt: skip
        db.session.commit()
        return activity.id

    return f"{base_url}/kegiatan/{live_server.query(create)}"


def test_an_answer_during_an_outage_shows_a_banner_and_keeps_the_page(
    phone, live_server, demo, base_url, sign_in_as, watcher
):
    page: Page = sign_in_as.resident(phone)
    page.goto(open_activity(live_server, demo, base_url))
    panel = page.locator("section.rsvp-panel")
    panel.get_by_text("Tamu, catatan, butuh bantuan").click()
    panel.get_by_label("Catatan untuk pengurus (rahasia)").fill("Saya bawa terpal")
    page.evaluate("window.__marker = 1")
    banner = page.locator("#unavailable-banner")

    with database_down(live_server):
        with page.expect_response(lambda r: r.status == 503):
            panel.get_by_role("button", name="Hadir", exact=True).click()
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("Server sedang gangguan")

    assert watcher.take(r"HTTP 503 for POST .*/jawab")  # the one provoked, nothing else
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"
    expect(panel.get_by_label("Catatan untuk pengurus (rahasia)")).to_have_value("Saya bawa terpal")
    panel.get_by_role("button", name="Hadir", exact=True).click()  # the database is back
    expect(panel.get_by_role("status").filter(has_text="Jawaban Anda: Hadir")).to_contain_text(
        "Jawaban Anda: Hadir"
    )
    expect(banner).to_be_hidden()
