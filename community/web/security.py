"""Security headers on every response (shared/reference/security-plan.md §3.3)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, request
from flask_login import current_user
from werkzeug.wrappers import Response


def content_security_policy(htmx_url: str) -> str:
    cdn = "{0.scheme}://{0.netloc}".format(urlsplit(htmx_url))
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {cdn}",
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


def init_app(app: Flask) -> None:
    csp = content_security_policy(app.config["HTMX_URL"])
    production = app.config["RUKUN_ENV"] == "production"
    if production:
        check_production_config(app.config)

    @app.before_request
    def _refuse_cross_site_writes():
        """Defence in depth behind the CSRF token: browsers say where a request came from."""
        if (
            request.method in UNSAFE_METHODS
            and request.headers.get("Sec-Fetch-Site") == "cross-site"
        ):
            abort(403)

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", csp)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        # Pages of a signed-in person may carry phone numbers or needs: never cache them.
        if current_user.is_authenticated and not request.path.startswith("/static/"):
            headers["Cache-Control"] = "no-store"
        return response
