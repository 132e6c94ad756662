"""Limits of an uploaded photo (an announcement's, an arisan receipt): plain values in,
plain values out. The checking, cleaning and storing is :mod:`community.core.photos`."""

from __future__ import annotations

from enum import StrEnum

# A phone photo is 2-4 MB; the issues' limit. Larger files are refused, not shrunk.
PHOTO_MAX_BYTES = 5 * 1024 * 1024
# A photo wider or taller than this is scaled down: a phone screen or an A4 print needs no
# more, and a 12-megapixel original would cost every resident's data plan.
PHOTO_MAX_SIDE = 1600
# Refuse before decoding: a small file can claim a huge canvas (a decompression bomb).
PHOTO_MAX_PIXELS = 50_000_000
# What a phone's camera or screenshot gives; anything else is refused.
PHOTO_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


class PhotoProblem(StrEnum):
    PHOTO_TOO_BIG = "photo_too_big"
    PHOTO_NOT_IMAGE = "photo_not_image"
    PHOTO_TOO_MANY_PIXELS = "photo_too_many_pixels"


def photo_problem(
    size: int, width: int, height: int, image_format: str | None
) -> PhotoProblem | None:
    """Why an uploaded file cannot be a photo we keep, or None."""
    if size > PHOTO_MAX_BYTES:
        return PhotoProblem.PHOTO_TOO_BIG
    if image_format not in PHOTO_FORMATS:
        return PhotoProblem.PHOTO_NOT_IMAGE
    if width * height > PHOTO_MAX_PIXELS:
        return PhotoProblem.PHOTO_TOO_MANY_PIXELS
    return None


def scaled_size(width: int, height: int, limit: int = PHOTO_MAX_SIDE) -> tuple[int, int]:
    """The size a photo is stored at: its own when it fits ``limit``, else scaled down
    keeping its proportions (never below 1 pixel)."""
    scale = min(1, limit / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))
