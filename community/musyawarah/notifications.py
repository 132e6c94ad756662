"""What musyawarah tells residents, registered with notifications: the "Musyawarah"
switch on the preferences page and the kinds of push it governs (see notices.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from community.musyawarah import notices
from community.notifications import kinds


def register() -> None:
    kinds.register_switch(
        kinds.Switch(
            "wants_musyawarah", _l("Musyawarah: jajak pendapat baru dan keputusan usulan"),
            order=70,
        )
    )  # fmt: skip
    kinds.register(
        kinds.Kind(notices.POLL_KIND, _l("Jajak pendapat baru"), switch="wants_musyawarah")
    )
    kinds.register(
        kinds.Kind(notices.DECISION_KIND, _l("Keputusan usulan"), switch="wants_musyawarah")
    )
    kinds.register(
        kinds.Kind(notices.CLOSING_KIND, _l("Jajak pendapat segera ditutup"),
                   switch="wants_musyawarah")
    )  # fmt: skip
    kinds.register(
        kinds.Kind(notices.TIME_POLL_KIND, _l("Kapan musyawarah?"), switch="wants_musyawarah")
    )
    kinds.register(
        kinds.Kind(notices.TIME_PICKED_KIND, _l("Waktu musyawarah ditetapkan"),
                   switch="wants_musyawarah")
    )  # fmt: skip
