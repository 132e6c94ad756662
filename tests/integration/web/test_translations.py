"""Every text the app shows has its English translation: the strings ``pybabel extract``
finds with babel.cfg (``_``, ``gettext``, ``ngettext`` and the forms' lazy ``_l``) are all
in translations/en with a msgstr. A string added without one would show in Indonesian to
someone who chose English."""

from __future__ import annotations

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from community import ROOT

KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def _extracted() -> dict[str, str]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for path, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message  # a plural: its singular
        if msgid:
            found.setdefault(msgid, path)
    return found


def test_every_text_on_screen_has_an_english_translation():
    with (ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    extracted = _extracted()
    untranslated = sorted(
        f"{path}: {msgid!r}"
        for msgid, path in extracted.items()
        if not (catalog.get(msgid) and catalog.get(msgid).string)
    )
    assert len(extracted) > 500  # the extraction found the app's texts
    assert not untranslated, "\n".join(untranslated)
