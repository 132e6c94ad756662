"""The forms of direct messages (RukunForm: NUL refused, invisible-only text is empty)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from community.core.forms import RukunForm


class MessageForm(RukunForm):
    """The text is cleaned and measured by ``rules`` in the service; the form only says
    "write something" (after the invisible-only filter)."""

    body = TextAreaField(_l("Pesan"), validators=[DataRequired(_l("Pesan tidak boleh kosong."))])
