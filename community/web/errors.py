"""Error pages in the user's language; htmx gets a refresh instead of a broken swap."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


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

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
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
        }
        title, message = messages.get(exc.code or 500, (exc.name, _("Terjadi kesalahan.")))
        response = app.make_response(_page(exc.code or 500, title, message))
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http(exc)
        ref = uuid.uuid4().hex[:8]
        log.exception("unhandled error ref=%s path=%s", ref, request.path)
        from community.extensions import db

        db.session.rollback()
        return _page(
            500,
            _("Terjadi kesalahan"),
            _("Maaf, ada yang salah di sistem kami. Kode: %(ref)s", ref=ref),
        )
