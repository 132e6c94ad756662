"""Error pages in the user's language; htmx gets a refresh instead of a broken swap."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa
from werkzeug.exceptions import HTTPException, InternalServerError

from community.web.access_log import redact  # feed/check-in/invite tokens never logged

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30  # a restarting database is usually back within a minute
# Errors that mean "the database cannot be reached now", not "our code is wrong".
DATABASE_DOWN = (sa.OperationalError, sa.InterfaceError, sa.TimeoutError)


def database_down(exc: BaseException | None) -> bool:
    if isinstance(exc, InternalServerError):  # raised outside a view (after_request)
        exc = exc.original_exception
    return isinstance(exc, DATABASE_DOWN) or (
        isinstance(exc, sa.DBAPIError) and exc.connection_invalidated
    )


def unavailable():
    """503 without touching the database: the page is self-contained, the user is
    treated as signed out for this response only (loading them needs the database),
    and nothing is cached.  htmx requests get a short text and the page shows a banner
    (static/js/app.js), keeping what the resident typed."""
    g._login_user = AnonymousUserMixin()  # Flask-Login: do not load the user again
    if request.headers.get("HX-Request") == "true":
        body = _("Server sedang gangguan. Isian Anda belum terkirim; coba lagi sebentar lagi.")
    else:
        body = render_template("errors/unavailable.html", retry_after=RETRY_AFTER_SECONDS)
    return (
        body,
        503,
        {
            "Retry-After": str(RETRY_AFTER_SECONDS),
            "Cache-Control": "no-store",
            "X-Rukun-Unavailable": "1",
        },
    )


def _page(status: int, title: str, message: str):
    body = render_template("errors/error.html", status=status, title=title, message=message)
    return body, status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        response = app.make_response(
            _page(
                400,
                _("Formulir kedaluwarsa"),
                _("Halaman ini sudah terlalu lama terbuka. Muat ulang halaman lalu coba lagi."),
            )
        )
        if request.headers.get("HX-Request") == "true":
            response.headers["HX-Refresh"] = "true"
        return response

    @app.errorhandler(sa.OperationalError)
    @app.errorhandler(sa.InterfaceError)
    @app.errorhandler(sa.TimeoutError)
    def _database_down(exc: Exception):
        log.warning("database unavailable path=%s: %s %s", redact(request.path),
                    type(exc).__name__, _driver_code(exc))  # fmt: skip
        try:
            from community.extensions import db

            db.session.remove()  # give the pool back; the next request reconnects
        except Exception:  # the connection is gone already; nothing more to release
            log.debug("session cleanup after a database error failed", exc_info=True)
        return unavailable()

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if database_down(exc):
            return _database_down(exc.original_exception)
        messages = {
            400: (_("Permintaan tidak valid"), _("Periksa isian Anda lalu coba lagi.")),
            403: (_("Tidak diizinkan"), _("Anda tidak punya wewenang untuk tindakan ini.")),
            404: (_("Halaman tidak ditemukan"), _("Halaman yang Anda cari tidak ada.")),
            405: (_("Tidak diizinkan"), _("Cara membuka halaman ini tidak didukung.")),
            413: (_("Terlalu besar"), _("Isian yang dikirim terlalu besar.")),
            429: (
                _("Terlalu banyak percobaan"),
                _("Tunggu sebentar sebelum mencoba lagi."),
            ),
            503: (
                _("Sedang gangguan"),
                _("Maaf, Rukun belum bisa memproses ini sekarang. Coba lagi sebentar."),
            ),
        }
        title, message = messages.get(exc.code or 500, (exc.name, _("Terjadi kesalahan.")))
        response = app.make_response(_page(exc.code or 500, title, message))
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        if exc.code == 503:  # e.g. sign-in while its rate-limit counters cannot be reached
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Rukun-Unavailable"] = "1"  # htmx: app.js shows the banner
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http(exc)
        if database_down(exc):  # e.g. a DBAPIError whose connection was invalidated
            return _database_down(exc)
        ref = uuid.uuid4().hex[:8]
        log.exception("unhandled error ref=%s path=%s", ref, redact(request.path))
        from community.extensions import db

        db.session.rollback()
        return _page(
            500,
            _("Terjadi kesalahan"),
            _("Maaf, ada yang salah di sistem kami. Kode: %(ref)s", ref=ref),
        )


def _driver_code(exc: Exception) -> str:
    """The driver's code for a database error (``SQLITE_BUSY_SNAPSHOT``, SQLSTATE
    ``57P01``): what an operator needs to tell a lock from an outage, and never a value
    from the query (the message may hold one)."""
    orig = getattr(exc, "orig", None)
    return str(getattr(orig, "sqlite_errorname", None) or getattr(orig, "sqlstate", None) or "")
