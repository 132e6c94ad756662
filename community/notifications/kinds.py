"""The kinds of push message and the switches on the preferences page, registered by the
domains that send them, so a new domain adds its own without editing this package.

A *switch* is something a resident turns on or off ("Pengingat kegiatan"), stored as a
``NotificationSwitch`` row under its name (no row: its default), so registering it is all
a domain does: no column, no migration. A *kind* is what a ``push_message`` row is
(``reminder``, ``cancelled``), with the label the delivery page shows and the switch that
governs it.  A domain may also ask to re-plan a person's messages when their devices or
preferences change.

    kinds.register_switch(kinds.Switch("wants_announcements", _l("Pengumuman baru"), order=40))
    kinds.register(kinds.Kind("announcement", _l("Pengumuman"), switch="wants_announcements"))
    kinds.on_recipient_changed(announcements.replan_for_user)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from community.extensions import db
from community.notifications import planning


@dataclass(frozen=True)
class Switch:
    """One checkbox on "Pengaturan notifikasi". ``field`` names it in the form and in
    ``notification_switch.name`` (at most 40 characters); ``default_on`` is what a resident
    who never set it gets."""

    field: str
    label: object  # a lazy string: the resident's language is known at render time
    description: object | None = None
    order: int = 100  # position on the page
    default_on: bool = True


@dataclass(frozen=True)
class Kind:
    """A kind of push message (``PushMessage.kind``, at most 16 characters)."""

    name: str
    label: object
    switch: str  # the Switch.field a resident turns off to stop it


_SWITCHES: dict[str, Switch] = {}
_KINDS: dict[str, Kind] = {}
_REPLANNERS: list[Callable[[list[int]], object]] = []


def register_switch(switch: Switch) -> Switch:
    if len(switch.field) > 40:
        raise ValueError(f"a switch's name is at most 40 characters: {switch.field!r}")
    _SWITCHES[switch.field] = switch  # registering again (a second create_app) replaces
    return switch


def register(kind: Kind) -> Kind:
    if kind.switch not in _SWITCHES:
        raise ValueError(f"register the switch {kind.switch!r} before the kind {kind.name!r}")
    _KINDS[kind.name] = kind
    return kind


def switches() -> list[Switch]:
    return sorted(_SWITCHES.values(), key=lambda s: s.order)


def switch_of(kind: str) -> str:
    """The preference that allows a message of ``kind`` (KeyError: an unregistered kind)."""
    return _KINDS[kind].switch


def labels() -> dict[str, object]:
    return {k.name: k.label for k in _KINDS.values()}


def on_recipient_changed(replan: Callable[..., object]) -> None:
    """``replan(user_ids, now=now)`` runs at the commit after a person added or removed a
    device or changed their preferences, to re-plan what is pending for them."""
    if replan not in _REPLANNERS:
        _REPLANNERS.append(replan)


def recipient_changed(user_ids: Iterable[int]) -> None:
    """Note, for the commit, that these people's devices or preferences changed."""
    for replan in _REPLANNERS:
        for user_id in user_ids:
            planning.note(db.session(), replan, user_id)


# The switches of domains still to come: the page offers them and residents can set them
# (their choices are kept), but no message is sent by them yet. When the domain lands it
# takes over its switch's registration (moves the line into its own notifications.py, same
# name, so what residents chose stays) and registers its kinds against it; no column to add.
# (Announcements and direct messages took theirs over in #13, the arisan its own in #15.)
