"""An announcement's photo, kept as every resident's photo is (:mod:`community.core.photos`:
checked by content, re-encoded without EXIF, stored 0600 under a random name) in the
announcements' own folder, and removed with its announcement."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from community.core.photos import PhotoError, PhotoFolder

__all__ = ["PhotoError", "folder", "path_of", "remove", "store"]

_PHOTOS = PhotoFolder("ANNOUNCEMENT_PHOTO_FOLDER")


def folder() -> Path:
    return _PHOTOS.folder()


def path_of(name: str) -> Path:
    return _PHOTOS.path_of(name)


def store(stream: IO[bytes]) -> str:
    """Check, clean and write the upload; answers its new random file name."""
    return _PHOTOS.store(stream)


def remove(name: str | None) -> None:
    """Delete a stored photo (after the commit that stopped pointing at it)."""
    _PHOTOS.remove(name)


def response(name: str | None):
    """The photo as a private JPEG, or 404."""
    return _PHOTOS.response(name)
