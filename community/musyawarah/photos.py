"""A proposal's photo (the broken drain, the dark corner), kept as every resident's photo is
(:mod:`community.core.photos`: checked by content, re-encoded without EXIF so no GPS
position of the sender's house survives, stored 0600 under a random name) in the
proposals' own folder; served to whoever may see the proposal."""

from __future__ import annotations

from typing import IO

from community.core.photos import PhotoError, PhotoFolder

__all__ = ["PhotoError", "remove", "response", "store"]

_PHOTOS = PhotoFolder("PROPOSAL_PHOTO_FOLDER")


def store(stream: IO[bytes]) -> str:
    """Check, clean and write the upload; answers its new random file name."""
    return _PHOTOS.store(stream)


def remove(name: str | None) -> None:
    """Delete a stored photo (a proposal that was not saved after all)."""
    _PHOTOS.remove(name)


def response(name: str | None):
    """The photo as a private JPEG, or 404."""
    return _PHOTOS.response(name)
