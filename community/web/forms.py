from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from community.core.forms import RukunForm

LANGUAGE_CHOICES = [SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")]


class LanguageForm(RukunForm):
    language = SelectField(_l("Bahasa"), choices=LANGUAGE_CHOICES)
