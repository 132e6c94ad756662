"""A proposal's photo (the broken drain, the dark corner), kept as every resident's photo is
(:mod:`community.core.photos`: checked by content, re-encoded without EXIF so no GPS
position of the sender's house survives, stored 0600 under a random name) in the
proposals' own folder; served to whoever may see the proposal."""

from __future__ import annotations

from community.core.photos import PhotoFolder

PHOTOS = PhotoFolder("PROPOSAL_PHOTO_FOLDER")
