"""Residents' photos (an announcement's photo, an arisan transfer receipt): checked by their
content (not their name), re-encoded so nothing but the pixels survives (no EXIF, so no GPS
position of the sender's house), stored in a folder of the instance under a random name
with mode 0600, served only after the caller's permission check, removed with their row.

Each use has its own folder, named by a config key (:class:`PhotoFolder`).
"""

from __future__ import annotations

import io
import logging
import os
import secrets
import warnings
from pathlib import Path
from typing import IO

from flask import Response, abort, current_app, request
from PIL import Image, ImageOps, UnidentifiedImageError

from community.core import photo_rules as rules
from community.core.errors import DomainError
from community.extensions import csrf

log = logging.getLogger(__name__)

JPEG_QUALITY = 82  # indistinguishable on a phone, a third of the bytes of 95
# The form's other fields and the multipart envelope need far less than this.
UPLOAD_SLACK_BYTES = 256 * 1024


class PhotoError(DomainError):
    """The upload is not a photo we keep; ``code`` is a :class:`rules.PhotoProblem`."""


def accept_photo_upload() -> None:
    """For a view that takes a photo: raise the app's 1 MB MAX_CONTENT_LENGTH to 5 MB plus
    the other fields for this request alone, then check the CSRF token (which the app
    would otherwise read, under the 1 MB limit, before the view runs). The view is
    ``@csrf.exempt`` and calls this first."""
    request.max_content_length = rules.PHOTO_MAX_BYTES + UPLOAD_SLACK_BYTES
    if request.method == "POST":
        csrf.protect()


def _read_limited(stream: IO[bytes]) -> bytes:
    data = stream.read(rules.PHOTO_MAX_BYTES + 1)
    if len(data) > rules.PHOTO_MAX_BYTES:
        raise PhotoError(rules.PhotoProblem.PHOTO_TOO_BIG)
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
        log.info("photo refused: %s", type(exc).__name__)
        raise PhotoError(rules.PhotoProblem.PHOTO_NOT_IMAGE) from exc


class PhotoFolder:
    """The folder one kind of photo lives in, from the app's config key ``config_key``."""

    def __init__(self, config_key: str) -> None:
        self.config_key = config_key

    def folder(self) -> Path:
        return Path(current_app.config[self.config_key])

    def path_of(self, name: str) -> Path:
        return self.folder() / name

    def store(self, stream: IO[bytes]) -> str:
        """Check, clean and write the upload; answers its new random file name."""
        cleaned = clean_jpeg(_read_limited(stream))
        target = self.folder()
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = f"{secrets.token_urlsafe(18)}.jpg"
        fd = os.open(target / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(cleaned)
        return name

    def remove(self, name: str | None) -> None:
        """Delete a stored photo (after the commit that stopped pointing at it)."""
        if name:
            self.path_of(name).unlink(missing_ok=True)

    def response(self, name: str | None) -> Response:
        """The stored photo as a JPEG for this browser only, or 404. The caller has
        checked who may see it."""
        path = self.path_of(name) if name else None
        if path is None or not path.is_file():
            abort(404)
        # Re-encoded photos are a few hundred KB: read at once, no file left open per request.
        answer = Response(path.read_bytes(), mimetype="image/jpeg")
        answer.headers["Cache-Control"] = "private, max-age=86400"
        return answer
