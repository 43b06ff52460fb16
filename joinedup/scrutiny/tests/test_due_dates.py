"""The executive's two-month clock (section 9FE of the Local Government Act 2000)."""

import datetime

import pytest

from joinedup.scrutiny.models import response_due

D = datetime.date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2027, 1, 31), D(2027, 3, 31)),  # the example: the same day exists
        (D(2026, 12, 30), D(2027, 2, 28)),  # no 30 February: the last day of February
        (D(2027, 12, 30), D(2028, 2, 29)),  # ...which is the 29th in a leap year
        (D(2026, 12, 31), D(2027, 2, 28)),
        (D(2027, 12, 29), D(2028, 2, 29)),
        (D(2026, 12, 29), D(2027, 2, 28)),  # 29 February 2027 does not exist
        (D(2026, 8, 31), D(2026, 10, 31)),
        (D(2026, 10, 31), D(2026, 12, 31)),  # across a year end, on the last day
        (D(2026, 11, 30), D(2027, 1, 30)),  # 30 January exists: not the month's last day
        (D(2026, 7, 31), D(2026, 9, 30)),  # no 31 September
        (D(2026, 3, 1), D(2026, 5, 1)),
        (D(2026, 12, 1), D(2027, 2, 1)),
        (D(2026, 1, 15), D(2026, 3, 15)),
    ],
)
def test_response_is_due_two_calendar_months_later(received, due):
    assert response_due(received) == due


def test_every_day_of_a_leap_cycle_gives_a_date_two_months_on_never_later():
    day = D(2024, 1, 1)
    while day < D(2028, 1, 1):
        due = response_due(day)
        months = (due.year - day.year) * 12 + due.month - day.month
        assert months == 2
        assert due.day == day.day or (due.day < day.day and (due + datetime.timedelta(days=1)).day == 1)
        day += datetime.timedelta(days=1)
