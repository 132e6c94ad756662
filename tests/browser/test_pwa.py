"""Rukun as an installed app on a weak connection: installable with zero errors, and
with the network gone, a visited activity still shows and an answer is kept (#18)."""

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


def test_offline_shows_visited_activity_and_keeps_an_answer(
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
    # An answer given without signal is kept on the phone (#18), never lost silently.
    page.get_by_role("button", name="Mungkin Hadir", exact=True).first.click()
    expect(page.locator(".kept-note").first).to_contain_text("Menunggu sinyal")
    expect(page.locator("#kept")).to_contain_text("1 jawaban menunggu sinyal")
    screenshot(page, "2-kept")
    # Cancelled again: the demo activity's answers stay as other tests expect them.
    page.locator("#kept").get_by_role("button", name=f"Batalkan: Mungkin Hadir · {title}").click()
    expect(page.locator(".kept-note")).to_have_count(0)

    page.goto("/profil")  # never cached: it holds the phone number and needs
    expect(page.get_by_role("heading", level=1)).to_have_text("Sedang offline")
    check_page(page, "offline-page")
    context.set_offline(False)
    watcher.take(r"HTTP 503 for POST")  # if htmx sent it, the worker's "not sent" answer


def test_htmx_form_that_cannot_reach_the_server_shows_the_banner(
    phone, context, live_server, sign_in_as, watcher
):
    page: Page = phone
    sign_in_as.ketua_rt(page)  # "Tambah ke daftar" is not an answer: it is not kept
    activity_id, _title = _first_activity(live_server, "Kerja bakti bersihkan saluran")
    page.goto(f"/kegiatan/{activity_id}")
    assert page.evaluate("typeof window.htmx") == "object"
    context.route("**/tugas", lambda route: route.abort("internetdisconnected"))
    page.get_by_label("Yang dibutuhkan").fill("Ember")
    page.get_by_role("button", name="Tambah ke daftar").click()
    expect(page.locator("#offline-banner")).to_be_visible()
    expect(page.locator("#offline-banner")).to_contain_text("Tidak terkirim")
    expect(page.get_by_role("heading", level=1)).to_be_visible()  # still on the activity page
    watcher.take(r"HTTP 503 for POST")  # the worker's "not sent" answer, if it handled it
