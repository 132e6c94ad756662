"""An announcement's photo: checked by its content (not its name), re-encoded so nothing
but the pixels survives (no EXIF, so no GPS position of the author's house), stored in
the instance folder under a random name with mode 0600, and removed with its announcement.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
import warnings
from pathlib import Path
from typing import IO

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from community.announcements import rules
from community.core.errors import DomainError

log = logging.getLogger(__name__)

JPEG_QUALITY = 82  # indistinguishable on a phone, a third of the bytes of 95


class PhotoError(DomainError):
    """The upload is not a photo we keep; ``code`` is a :class:`rules.AnnouncementError`."""


def folder() -> Path:
    return Path(current_app.config["ANNOUNCEMENT_PHOTO_FOLDER"])


def path_of(name: str) -> Path:
    return folder() / name


def _read_limited(stream: IO[bytes]) -> bytes:
    data = stream.read(rules.PHOTO_MAX_BYTES + 1)
    if len(data) > rules.PHOTO_MAX_BYTES:
        raise PhotoError(rules.AnnouncementError.PHOTO_TOO_BIG)
    return data


def clean_jpeg(data: bytes) -> bytes:
    """The photo as a fresh JPEG without any metadata, turned the way the phone meant it
    and scaled to :data:`rules.PHOTO_MAX_SIDE`. Raises :class:`PhotoError`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                problem = rules.photo_problem(len(data), *probe.size, probe.format)
                if problem is not None:
                    raise PhotoError(problem)
                probe.verify()  # a truncated or corrupt file fails here
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                turned = ImageOps.exif_transpose(image)
                if turned.mode not in ("RGB", "L"):
                    flat = Image.new("RGB", turned.size, "white")  # transparency on white
                    rgba = turned.convert("RGBA")
                    flat.paste(rgba, mask=rgba.getchannel("A"))
                    turned = flat
                turned = turned.convert("RGB").resize(
                    rules.scaled_size(*turned.size), Image.Resampling.LANCZOS
                )
                out = io.BytesIO()
                turned.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif=…
                return out.getvalue()
    except PhotoError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        log.info("announcement photo refused: %s", type(exc).__name__)
        raise PhotoError(rules.AnnouncementError.PHOTO_NOT_IMAGE) from exc


def store(stream: IO[bytes]) -> str:
    """Check, clean and write the upload; answers its new random file name."""
    cleaned = clean_jpeg(_read_limited(stream))
    target = folder()
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{secrets.token_urlsafe(18)}.jpg"
    fd = os.open(target / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(cleaned)
    return name


def remove(name: str | None) -> None:
    """Delete a stored photo (after the commit that stopped pointing at it)."""
    if name:
        path_of(name).unlink(missing_ok=True)
