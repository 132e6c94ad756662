"""The dates an activity may have, and the series limit the window leaves in place."""

from datetime import date, datetime

import pytest

from community.core.time import WITA
from community.events import rules


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (date(2026, 12, 1), date(2025, 12, 1), date(2031, 12, 1)),
        (date(2028, 2, 29), date(2027, 3, 1), date(2033, 2, 28)),  # leap days on both sides
        (date(2026, 1, 1), date(2025, 1, 1), date(2031, 1, 1)),
    ],
)
def test_a_year_back_and_five_years_ahead(today, first, last):
    assert rules.date_window(today) == (first, last)


def test_a_count_above_the_limit_is_too_many():
    start = datetime(2026, 12, 6, 7, 0, tzinfo=WITA)
    rule = rules.recurrence_rule("weekly", start, until=None, count=rules.MAX_OCCURRENCES + 1)

    with pytest.raises(ValueError, match="too_many"):
        rules.expand(rule, start)
    assert len(rules.expand(rule.replace("COUNT=501", "COUNT=500"), start)) == 500
