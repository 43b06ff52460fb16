import datetime

import pytest

from joinedup.service_requests.working_days import add_working_days, is_working_day, working_days_between

D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 11, 23), 1, D(2026, 11, 24)),  # Monday to Tuesday
        (D(2026, 11, 27), 1, D(2026, 11, 30)),  # Friday to Monday
        (D(2026, 11, 28), 1, D(2026, 11, 30)),  # reported on a Saturday
        (D(2026, 12, 23), 3, D(2026, 12, 30)),  # Christmas, Boxing Day (observed Monday 28th)
        (D(2026, 4, 2), 1, D(2026, 4, 7)),  # Good Friday and Easter Monday
        (D(2026, 11, 23), 10, D(2026, 12, 7)),
        (D(2026, 11, 23), 0, D(2026, 11, 23)),
    ],
)
def test_add_working_days_skips_weekends_and_bank_holidays(start, days, expected):
    assert add_working_days(start, days) == expected


def test_bank_holidays_are_england_and_wales_ones():
    assert is_working_day(D(2026, 8, 31)) is False  # summer bank holiday in England and Wales
    assert is_working_day(D(2026, 8, 3)) is True  # Scotland's summer bank holiday is not ours
    assert is_working_day(D(2026, 3, 17)) is True  # St Patrick's Day (Northern Ireland only)


def test_working_days_between_counts_after_the_start():
    assert working_days_between(D(2026, 11, 27), D(2026, 11, 30)) == 1
    assert working_days_between(D(2026, 11, 30), D(2026, 11, 27)) == 0
