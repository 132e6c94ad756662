"""htmx comes from the CDN under SRI: the browser runs the pinned copy and nothing else."""

from __future__ import annotations

from playwright.sync_api import Page, Route


def test_htmx_loads_with_its_integrity_hash(phone, live_server):
    page: Page = phone
    page.goto("/")
    assert live_server.app.config["HTMX_VERSION"] == "2.0.11"
    assert page.evaluate("window.htmx && window.htmx.version") == "2.0.11"
    script = page.locator(f'script[src="{live_server.app.config["HTMX_URL"]}"]')
    assert script.get_attribute("integrity") == live_server.app.config["HTMX_SRI"]
    assert script.get_attribute("crossorigin") == "anonymous"


def test_tampered_htmx_is_blocked(phone, context, live_server, htmx_body, watcher):
    url = live_server.app.config["HTMX_URL"]

    def tampered(route: Route) -> None:
        route.fulfill(
            status=200,
            body=htmx_body + b"\n;window.pwned = true;",
            headers={
                "content-type": "application/javascript",
                "access-control-allow-origin": "*",
            },
        )

    context.route(url, tampered)  # registered after the good copy, so matched first
    page: Page = phone
    page.goto("/")
    assert page.evaluate("typeof window.htmx") == "undefined"
    assert page.evaluate("typeof window.pwned") == "undefined"
    blocked = [m for m in watcher.console if "integrity" in m and url in m]
    assert blocked, f"no integrity error in the console: {watcher.console}"
