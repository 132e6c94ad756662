"""Headers, cross-site writes and the production configuration guard."""

import pytest

from community import create_app
from community.web.security import check_production_config
from tests.conftest import csrf_token, test_config

PAGES = ["/", "/masuk", "/daftar", "/healthz", "/tidak-ada", "/static/css/app.css"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    # Only the pinned htmx file on the CDN, not every package the CDN host serves.
    htmx = "https://unpkg.com/htmx.org@2.0.11/dist/htmx.min.js"
    assert script_src.split()[1:] == ["'self'", htmx]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    response.close()  # static files are streamed from disk


def test_signed_in_pages_are_not_cached_and_vary_on_htmx(world, as_user):
    response = as_user(world["resident_a"]).get("/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in response.headers["Vary"]


def test_cross_site_post_is_refused_even_with_a_valid_token(client):
    token = csrf_token(client)
    response = client.post(
        "/masuk",
        data={"csrf_token": token, "phone": "081234567890", "password": "x"},
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("override", "problem"),
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"DEBUG": True}, "DEBUG"),
        ({"SESSION_COOKIE_SECURE": False}, "Secure"),
    ],
)
def test_production_refuses_unsafe_settings(override, problem):
    good = {
        "SECRET_KEY": "x" * 48,
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True,
    }
    check_production_config(good)  # the safe configuration starts
    with pytest.raises(RuntimeError, match=problem):
        check_production_config({**good, **override})


def test_production_cookies_are_secure_host_cookies(tmp_path, monkeypatch):
    monkeypatch.setenv("RUKUN_ENV", "production")
    config = test_config(tmp_path)
    config.pop("SERVER_NAME")
    app = create_app(config)
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-rukun"
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["REMEMBER_COOKIE_DURATION"].days == 30
