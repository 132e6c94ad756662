"""The arithmetic of a paged organiser list: "Menampilkan 51–100 dari 3.000"."""

from __future__ import annotations

import pytest

from community.events.attendance import Page


@pytest.mark.parametrize(
    ("total", "number", "pages", "first", "last"),
    [
        (0, 1, 1, 0, 0),  # nothing yet: one empty page
        (1, 1, 1, 1, 1),
        (50, 1, 1, 1, 50),
        (51, 2, 2, 51, 51),
        (3000, 2, 60, 51, 100),
        (3000, 60, 60, 2951, 3000),
    ],
)
def test_a_page_knows_where_it_is(total, number, pages, first, last):
    page = Page([], total, number, 50)
    assert (page.pages, page.first, page.last) == (pages, first, last)
