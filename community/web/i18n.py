"""Languages: Bahasa Indonesia first, English second.

Message ids are the Indonesian text itself, so Indonesian needs no catalogue and the
English ``.po`` is the only one to keep up to date. The ``.po`` files are committed;
the ``.mo`` files are compiled here when missing or older than their ``.po``.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, request, session
from flask_login import current_user

TRANSLATIONS = Path(__file__).resolve().parent.parent.parent / "translations"


def compile_catalogues() -> None:
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog)
        tmp.replace(mo_path)


def select_locale() -> str:
    """The user's saved choice, then the session's, then ``Accept-Language``, then id."""
    languages = current_app.config["LANGUAGES"]
    if getattr(current_user, "is_authenticated", False) and current_user.language in languages:
        return current_user.language
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]
