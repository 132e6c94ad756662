"""No group smaller than five reaches an official (``core/privacy.suppress_small``)."""

from __future__ import annotations

import pytest

from community.core.privacy import suppress_small


@pytest.mark.parametrize(
    ("n", "shown"),
    [(0, "0"), (1, "<5"), (2, "<5"), (3, "<5"), (4, "<5"), (5, "5"), (6, "6"), (120, "120")],
)
def test_counts_of_one_to_four_are_shown_as_fewer_than_five(n, shown):
    assert suppress_small(n) == shown


def test_a_negative_count_is_a_bug_not_a_figure():
    with pytest.raises(ValueError):
        suppress_small(-1)
