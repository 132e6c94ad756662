"""The cursor in the "Lihat lebih banyak" link: written and read back exactly, anything
else refused (the feed then starts at its first page)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from community.core.time import WITA
from community.events.rules import FeedCursor, parse_feed_cursor


def test_a_cursor_reads_back_as_written():
    cursor = FeedCursor(datetime(2026, 12, 12, 23, 0, tzinfo=UTC), 42)
    assert str(cursor) == "20261212T230000Z-42"
    assert parse_feed_cursor(str(cursor)) == cursor


def test_a_wita_start_is_written_in_utc_and_microseconds_are_kept():
    cursor = FeedCursor(datetime(2026, 12, 13, 7, 0, 0, 250, tzinfo=WITA), 7)
    assert str(cursor) == "20261212T230000.000250Z-7"
    back = parse_feed_cursor(str(cursor))
    assert back == FeedCursor(datetime(2026, 12, 12, 23, 0, 0, 250, tzinfo=UTC), 7)


@pytest.mark.parametrize(
    "text",
    [None, "", "kemarin", "20261212T230000Z", "20261212T230000-42", "20261312T230000Z-42",
     "20261212T250000Z-1", " 20261212T230000Z-42", "20261212T230000Z-42x",
     "20261212T230000.5Z-42", "20261212T230000Z-1234567890123456789"],
)  # fmt: skip
def test_anything_else_is_no_cursor(text):
    assert parse_feed_cursor(text) is None
