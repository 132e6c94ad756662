"""Rukun as an installed app on a weak connection: installable with zero errors, and
with the network gone, a visited activity still shows while an answer says "not sent"."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from community.events.models import Activity
from community.extensions import db
from tests.browser.conftest import NOT_LOOPBACK, check_page


def test_installable_with_zero_installability_errors(
    browser_type, browser_type_launch_args, base_url, live_server, htmx_body, tmp_path
):
    # Ordinary contexts are off-the-record and always report "in-incognito": installability
    # is only meaningful in a persistent profile (shared/recipes/BROWSER.md §4).
    context = browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        **browser_type_launch_args,
        base_url=base_url,
        viewport={"width": 360, "height": 800},
        locale="id-ID",
        timezone_id="Asia/Makassar",
    )
    try:
        context.route(NOT_LOOPBACK, lambda route: route.abort("blockedbyclient"))
        context.route(
            live_server.app.config["HTMX_URL"],
            lambda route: route.fulfill(
                status=200, body=htmx_body,
                headers={"content-type": "application/javascript",
                         "access-control-allow-origin": "*"},
            ),
        )  # fmt: skip
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/")
        assert page.evaluate(
            "navigator.serviceWorker.ready.then(r => r.active.scriptURL)"
        ).endswith("/sw.js")
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == []
    finally:
        context.close()


def _first_activity(live_server, title_prefix: str) -> tuple[int, str]:
    return live_server.query(
        lambda: tuple(
            db.session.execute(
                select(Activity.id, Activity.title)
                .where(Activity.title.startswith(title_prefix))
                .order_by(Activity.starts_at)
                .limit(1)
            ).one()
        )
    )


def test_offline_shows_visited_activity_and_refuses_to_lose_an_answer(
    phone, context, live_server, sign_in_as, watcher, screenshot
):
    page: Page = phone
    sign_in_as.resident(page)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    activity_id, title = _first_activity(live_server, "Kerja bakti bersihkan saluran")
    page.goto(f"/kegiatan/{activity_id}")  # controlled by the worker: kept for offline use
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.reload()
    page.evaluate("navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("main")).to_contain_text("WITA")
    screenshot(page, "1-offline-activity")
    # Whether htmx came from the worker's cache or not, an answer is never lost silently.
    page.get_by_role("button", name="Mungkin Hadir", exact=True).first.click()
    expect(page.get_by_text("Tidak terkirim").first).to_be_visible()
    screenshot(page, "2-not-sent")

    page.goto("/profil")  # never cached: it holds the phone number and needs
    expect(page.get_by_role("heading", level=1)).to_have_text("Sedang offline")
    check_page(page, "offline-page")
    context.set_offline(False)
    watcher.take(r"HTTP 503 for POST")  # the worker's "not sent" answer, provoked on purpose


def test_htmx_answer_that_cannot_reach_the_server_shows_the_banner(
    phone, context, live_server, sign_in_as, watcher
):
    page: Page = phone
    sign_in_as.resident(page)
    activity_id, _title = _first_activity(live_server, "Kerja bakti bersihkan saluran")
    page.goto(f"/kegiatan/{activity_id}")
    assert page.evaluate("typeof window.htmx") == "object"
    context.route("**/jawab", lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="Tidak Hadir", exact=True).first.click()
    expect(page.locator("#offline-banner")).to_be_visible()
    expect(page.locator("#offline-banner")).to_contain_text("Tidak terkirim")
    expect(page.get_by_role("heading", level=1)).to_be_visible()  # still on the activity page
    watcher.take(r"HTTP 503 for POST")  # the worker's "not sent" answer, if it handled it
