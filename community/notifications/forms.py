from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TimeField
from wtforms.validators import InputRequired

from community.core.forms import RukunForm
from community.notifications import kinds


class PrefsForm(RukunForm):
    """Quiet hours, and (see :func:`prefs_form`) one checkbox per registered switch."""

    quiet_start = TimeField(
        _l("Jam tenang mulai (WITA)"), validators=[InputRequired(_l("Jam wajib diisi."))]
    )
    quiet_end = TimeField(
        _l("Jam tenang selesai (WITA)"), validators=[InputRequired(_l("Jam wajib diisi."))]
    )


def prefs_form(**kwargs) -> PrefsForm:
    """The preferences form with the switches the domains registered, in their order."""

    class Form(PrefsForm):
        pass

    for switch in kinds.switches():
        setattr(Form, switch.field, BooleanField(switch.label))
    return Form(**kwargs)
