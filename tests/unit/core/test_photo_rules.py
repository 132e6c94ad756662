"""Photo limits shared by announcements and arisan receipts: formats, 5 MB, 50 megapixels,
scaled to 1600 px."""

from __future__ import annotations

import pytest

from community.core import photo_rules as rules
from community.core.photo_rules import PhotoProblem as E


def test_the_policy_constants():
    assert rules.PHOTO_MAX_BYTES == 5 * 1024 * 1024
    assert rules.PHOTO_MAX_SIDE == 1600
    assert rules.PHOTO_MAX_PIXELS == 50_000_000
    assert frozenset({"JPEG", "PNG", "WEBP"}) == rules.PHOTO_FORMATS


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_photos_of_the_three_formats_up_to_5_mb_are_kept(image_format):
    assert rules.photo_problem(rules.PHOTO_MAX_BYTES, 4000, 3000, image_format) is None


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF", "PDF", None, "jpeg"])
def test_other_formats_are_not_photos(image_format):
    assert rules.photo_problem(100, 10, 10, image_format) == E.PHOTO_NOT_IMAGE


def test_over_5_mb_is_too_big_whatever_it_is():
    assert rules.photo_problem(rules.PHOTO_MAX_BYTES + 1, 10, 10, "JPEG") == E.PHOTO_TOO_BIG
    assert rules.photo_problem(rules.PHOTO_MAX_BYTES + 1, 10, 10, None) == E.PHOTO_TOO_BIG


def test_a_canvas_over_50_megapixels_is_refused_before_decoding():
    assert rules.photo_problem(100, 10_000, 5_000, "PNG") is None
    assert rules.photo_problem(100, 10_001, 5_000, "PNG") == E.PHOTO_TOO_MANY_PIXELS


def test_photos_are_scaled_to_1600_on_the_longest_side():
    assert rules.scaled_size(800, 600) == (800, 600)
    assert rules.scaled_size(1600, 1200) == (1600, 1200)
    assert rules.scaled_size(4000, 3000) == (1600, 1200)
    assert rules.scaled_size(3000, 4000) == (1200, 1600)
    assert rules.scaled_size(3201, 1) == (1600, 1)  # never below one pixel
    assert rules.scaled_size(1, 3201) == (1, 1600)
    assert rules.scaled_size(100, 50, limit=10) == (10, 5)
