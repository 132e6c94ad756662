"""Security headers on every response (shared/reference/security-plan.md §3.3)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, g, request, session
from werkzeug.wrappers import Response


def content_security_policy(htmx_url: str) -> str:
    """A source with a full path matches that one file only (CSP3 §6.7.2.12): the pinned
    htmx, not every package the CDN serves (any of which could be a script gadget)."""
    parts = urlsplit(htmx_url)
    if parts.scheme != "https" or not parts.path or parts.path.endswith("/") or parts.query:
        raise ValueError("HTMX_URL must be one https file, pinned to an exact version")
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {htmx_url}",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "font-src 'self'",
            "manifest-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def check_production_config(config: dict) -> None:
    """Refuse to start in production with settings that would be unsafe there."""
    problems = []
    if len(str(config.get("SECRET_KEY") or "")) < 32:
        problems.append("SECRET_KEY must be at least 32 characters")
    if config.get("DEBUG"):
        problems.append("DEBUG must be off")
    if not config.get("SESSION_COOKIE_SECURE") or not config.get("REMEMBER_COOKIE_SECURE"):
        problems.append("cookies must be Secure (served over HTTPS)")
    if not config.get("PUSH_CHECK_ENDPOINTS", True):
        problems.append("push endpoint checks may be off only in tests")
    if problems:
        raise RuntimeError("unsafe production configuration: " + "; ".join(problems))


def security_headers(config: dict) -> dict[str, str]:
    """The headers every response carries, static files included."""
    headers = {
        "Content-Security-Policy": content_security_policy(config["HTMX_URL"]),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
    }
    if config["RUKUN_ENV"] == "production":
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return headers


def init_app(app: Flask) -> None:
    defaults = security_headers(app.config)
    if app.config["RUKUN_ENV"] == "production":
        check_production_config(app.config)

    @app.before_request
    def _refuse_cross_site_writes():
        """Defence in depth behind the CSRF token: browsers say where a request came from."""
        if (
            request.method in UNSAFE_METHODS
            and request.headers.get("Sec-Fetch-Site") == "cross-site"
        ):
            abort(403)

    @app.before_request
    def _remember_signed_in():
        """Signing out (or deleting the account) empties the session before the response
        is made: that response still answered a signed-in person, so it is not cached."""
        if not request.path.startswith("/static/"):
            g.signed_in_request = bool(session.get("_user_id"))

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        for name, value in defaults.items():
            headers.setdefault(name, value)
        # Pages of a signed-in person may carry phone numbers or needs: never cache them.
        # Read from the session, not current_user: loading the person needs the database,
        # and this runs on every response, the 503 for a database that is down included.
        if not request.path.startswith("/static/") and (
            session.get("_user_id") or g.get("signed_in_request")
        ):
            headers["Cache-Control"] = "no-store"
        return response
