"""Languages: Bahasa Indonesia first, English second.

Message ids are the Indonesian text itself, so Indonesian needs no catalogue and the
English ``.po`` is the only one to keep up to date. The ``.po`` files are committed;
the ``.mo`` files are compiled here when missing or older than their ``.po``: beside
them when that folder is writable (a checkout, a virtualenv), else in the instance
folder (an install in a read-only site-packages).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user

from community import asset_dir

TRANSLATIONS = asset_dir("translations")


def compile_catalogues(fallback: Path) -> Path:
    """Compile every ``.po``; returns the folder Flask-Babel should read."""
    try:
        _compile(TRANSLATIONS)
    except OSError:  # read-only site-packages (EACCES) or file system (EROFS)
        _compile(fallback)
        return fallback
    return TRANSLATIONS


def _compile(target: Path) -> None:
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = target / po_path.relative_to(TRANSLATIONS).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = mo_path.with_suffix(f".mo.{os.getpid()}.tmp")
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


_resolved_labels: dict[tuple[int, str], dict[str, str]] = {}


def labels(mapping: Mapping[str, Any]) -> dict[str, str]:
    """``mapping``'s lazy labels as plain text in the request's language.

    Translated once per process and language: a feed of cards looks each label up in a
    dict instead of running gettext (and Flask-Babel's context look-ups) per card (#12).
    ``mapping`` is a module-level constant such as ``KIND_LABELS``; its identity is the key.
    """
    locale = str(get_locale() or "id")
    key = (id(mapping), locale)
    found = _resolved_labels.get(key)
    if found is None:
        found = _resolved_labels[key] = {k: str(v) for k, v in mapping.items()}
    return found
