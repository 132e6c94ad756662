"""Access logs without the secrets some URLs carry.

Three URLs are credentials in themselves: the calendar feed (``/kalender/<token>.ics``),
QR self check-in (``/kegiatan/<id>/hadir/<token>``) and the invite link
(``/gabung/<code>``). Anyone who reads a log line must not be able to use them, so the
secret part is replaced by ``***`` wherever a logged field may hold a URL: the request
line, path, query (``?next=%2Fgabung%2F…``), the Referer and the other headers. Both
servers Rukun runs under are covered: gunicorn (``rukun serve``) through
:class:`RedactingLogger`, and werkzeug's development server through a filter on its
``werkzeug`` logger (:func:`install`); so is Flask's "Exception on <path>" error line.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

MASK = "***"

_SLASH = r"(?:/|%2[Ff])"
# A secret segment runs to the next separator; "%" starts an encoded one (?next=%2F…).
_SEGMENT = r"[^/?&#\s\"%.]+"
SECRET_IN_URL = re.compile(
    rf"((?<!profil){_SLASH}kalender{_SLASH}|{_SLASH}hadir{_SLASH}){_SEGMENT}"
    rf"|({_SLASH}gabung{_SLASH})(?!batal(?![^/?&#\s\"%.])){_SEGMENT}"
)


def redact(text: str) -> str:
    """``text`` with every URL secret replaced by ``***`` (other text unchanged)."""
    return SECRET_IN_URL.sub(lambda m: (m.group(1) or m.group(2)) + MASK, text)


class RedactingLogger(GunicornLogger):
    """gunicorn's logger, with every access-log atom redacted (``%(r)s``, ``%(U)s``,
    ``%(q)s``, ``%(f)s``, ``%({header}i)s``, ``%({environ}e)s``…)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}


class _RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


_FILTER = _RedactFilter()


def install(app_logger: logging.Logger) -> None:
    """Redact werkzeug's request log (``rukun run``, the browser tests' live server) and
    the app's own log, where Flask writes "Exception on <path>" for an unhandled error."""
    for logger in (logging.getLogger("werkzeug"), app_logger):
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
