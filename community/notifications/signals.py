"""Signals the notifications domain sends, so that the domains that plan messages can
re-plan them without notifications importing them."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# A user added or removed a device, or changed what they want to be told: re-plan
# their pending messages.  Sent with ``user_id``.
recipient_changed = _signals.signal("recipient-changed")
