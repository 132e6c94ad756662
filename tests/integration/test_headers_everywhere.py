"""Headers everywhere: every response Rukun sends (pages, htmx fragments, redirects,
errors 400/403/404/405/413/422/500/503, static files, /sw.js, the manifest, .ics, CSV, QR
SVGs) carries a strict Content-Security-Policy, ``nosniff``, a Referrer-Policy that does
not leak paths to other sites and ``frame-ancestors 'none'``; every response to a
signed-in person carries ``Cache-Control: no-store``.

The responses come from the access matrix (``test_access_matrix.ROUTES``: every route,
its guard fails when one is missing) requested as every principal, as a page and as an
htmx request, plus the error paths and every static file. The CSP is checked by its
properties, not its exact text, so narrowing it keeps these tests green.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from sqlalchemy import exc as sa

from community.extensions import db
from tests.conftest import PRINCIPALS, csrf_token, sign_in
from tests.integration.test_access_matrix import ROUTES

# Headers are added after the page is made, the same whatever the database: checked in the
# first (SQLite) pass only, which keeps CI's PostgreSQL pass ~50 s shorter.
pytestmark = pytest.mark.first_pass_only

# Referrer policies that never send a path (which may hold a feed, check-in or invite
# secret) to another site.
SAFE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
UNSAFE_SOURCES = {
    "'unsafe-inline'",
    "'unsafe-eval'",
    "'unsafe-hashes'",
    "*",
    "data:",
    "http:",
    "https:",
}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives.setdefault(name.lower(), sources)  # CSP: the first of a name counts
    return directives


def header_problems(response, *, signed_in: bool) -> list[str]:
    """What is missing or weak in ``response``'s security headers (empty: all good)."""
    headers = response.headers
    problems = []
    csp = headers.get("Content-Security-Policy")
    if not csp:
        problems.append("no Content-Security-Policy")
    else:
        d = csp_directives(csp)
        for name, wanted in (
            ("frame-ancestors", ["'none'"]),
            ("object-src", ["'none'"]),
            ("base-uri", ["'none'"]),
        ):
            if d.get(name) != wanted:
                problems.append(f"CSP {name} is {d.get(name)!r}, not {wanted!r}")
        if "default-src" not in d or set(d["default-src"]) & UNSAFE_SOURCES:
            problems.append(f"CSP default-src is {d.get('default-src')!r}")
        for name in ("script-src", "style-src"):
            sources = d.get(name, d.get("default-src", []))
            weak = set(sources) & UNSAFE_SOURCES
            if weak:
                problems.append(f"CSP {name} allows {sorted(weak)}")
            if any(s.startswith("https://") and s.endswith("/") for s in sources):
                problems.append(f"CSP {name} allows a whole host or folder: {sources}")
        if "form-action" not in d:
            problems.append("CSP has no form-action")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options is {headers.get('X-Content-Type-Options')!r}")
    if headers.get("Referrer-Policy") not in SAFE_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy is {headers.get('Referrer-Policy')!r}")
    if signed_in:
        directives = {p.strip() for p in headers.get("Cache-Control", "").lower().split(",")}
        if "no-store" not in directives:
            problems.append(f"signed in, but Cache-Control is {headers.get('Cache-Control')!r}")
    return problems


def check(response, what: str, *, signed_in: bool) -> None:
    problems = header_problems(response, signed_in=signed_in)
    response.close()  # static files are streamed from disk
    assert not problems, f"{what} ({response.status_code}): " + "; ".join(problems)


def test_the_check_sees_a_missing_or_weak_header(client):
    """The detector itself, on a real response with its headers taken away or weakened."""
    response = client.get("/masuk")
    assert header_problems(response, signed_in=False) == []
    assert header_problems(response, signed_in=True)  # anonymous page: no no-store needed
    response.headers["Content-Security-Policy"] += "; script-src 'self' 'unsafe-inline'"
    assert header_problems(response, signed_in=False) == []  # the first directive counts
    response.headers["Content-Security-Policy"] = response.headers[
        "Content-Security-Policy"
    ].replace("frame-ancestors 'none'", "frame-ancestors *")
    del response.headers["X-Content-Type-Options"]
    response.headers["Referrer-Policy"] = "unsafe-url"
    assert len(header_problems(response, signed_in=False)) == 3


def _request(client, route, url: str, htmx: bool, world):
    headers = {"HX-Request": "true"} if htmx else {}
    if route.method == "GET":
        return client.get(url, headers=headers)
    data = {k: (world.rt_a.invite_code if v == "__code_a__" else v) for k, v in route.data.items()}
    token = csrf_token(client, "/")
    return client.post(url, data={"csrf_token": token, **data}, headers=headers)


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_every_route_answers_with_the_headers(app, world, principal):
    """Every route of the access matrix, as a page and as an htmx request. The GETs run
    first, on the world as built (so the .ics, CSV and pages answer 200 where the matrix
    says so); then the POSTs. A fresh client per request: a route that signs out must not
    hide the next ones."""
    signed_in = principal != "anonymous"
    for route in sorted(ROUTES, key=lambda r: r.method != "GET"):
        with app.app_context():
            url = route.url(world)  # once per route: some URLs are made by creating a row
            db.session.remove()
        for htmx in (False, True):
            client = sign_in(app.test_client(), world[principal])
            response = _request(client, route, url, htmx, world)
            what = f"{route.method} {url} ({route.endpoint}) as {principal}" + (
                " (htmx)" if htmx else ""
            )
            check(response, what, signed_in=signed_in)


def _static_files(app) -> list[str]:
    root = Path(app.static_folder)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("principal", ["anonymous", "resident_a"])
def test_static_files_carry_the_headers(app, world, principal):
    """Every file under static/. Static files hold no personal data: they may be cached
    (that is what makes the app fast and usable offline), so no no-store is required."""
    client = sign_in(app.test_client(), world[principal])
    files = _static_files(app)
    assert "css/app.css" in files
    for name in files:
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
        check(response, f"/static/{name} as {principal}", signed_in=False)
    check(client.get("/static/tidak-ada.css"), "a missing static file", signed_in=False)


@pytest.fixture
def failing_views(app):
    """Two views that fail the way production can: a bug (500) and a database that cannot
    be reached (503). Restored after the test: the app object is shared between tests."""
    originals = {name: app.view_functions[name] for name in ("web.offline", "web.manifest")}

    def failing(view, error):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            raise error

        return wrapper

    app.view_functions["web.offline"] = failing(originals["web.offline"], RuntimeError("bug"))
    app.view_functions["web.manifest"] = failing(
        originals["web.manifest"], sa.OperationalError("SELECT 1", {}, Exception("down"))
    )
    yield
    app.view_functions.update(originals)


@pytest.mark.parametrize("principal", ["anonymous", "resident_a"])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_error_responses_carry_the_headers(app, world, failing_views, principal, htmx):
    client = sign_in(app.test_client(), world[principal])
    signed_in = principal != "anonymous"
    headers = {"HX-Request": "true"} if htmx else {}
    token = csrf_token(client, "/")
    cases = [
        ("POST without CSRF token", client.post("/profil/kalender/hapus", headers=headers), 400),
        ("NUL in the URL", client.get("/kegiatan/lalu?jenis=%00", headers=headers), 400),
        (
            "a cross-site POST",
            client.post(
                "/bahasa",
                data={"csrf_token": token, "language": "id"},
                headers={**headers, "Sec-Fetch-Site": "cross-site"},
            ),
            403,
        ),
        ("an unknown URL", client.get("/tidak-ada", headers=headers), 404),
        ("GET on a POST-only route", client.get("/keluar", headers=headers), 405),
        ("PUT on a GET route", client.put("/", headers=headers), 405),
        (
            "a body over the limit",
            client.post(
                "/bahasa",
                data={"csrf_token": token, "language": "x" * (2 * 1024 * 1024)},
                headers=headers,
            ),
            413,
        ),
        ("a bug", client.get("/offline", headers=headers), 500),
        ("the database down", client.get("/manifest.webmanifest", headers=headers), 503),
        ("OPTIONS", client.options("/", headers=headers), 200),
    ]
    for what, response, status in cases:
        assert response.status_code == status, what
        check(response, f"{what} as {principal}", signed_in=signed_in)
