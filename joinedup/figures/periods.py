"""Periods the figures are shown for: a month, a quarter, a financial year (April to March) or custom dates."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
KINDS = ((MONTH, "Month"), (QUARTER, "Quarter"), (YEAR, "Financial year (April to March)"), (CUSTOM, "Custom dates"))
LONGEST_CUSTOM_DAYS = 3 * 366


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _fy_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _quarter_start(day: datetime.date) -> datetime.date:
    """Quarters of the financial year: April, July, October and January."""
    return datetime.date(day.year, ((day.month - 1) // 3) * 3 + 1, 1)


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%B %Y}"
        if self.kind == YEAR:
            return f"April {self.start.year} to March {self.start.year + 1}"
        if self.kind == QUARTER:
            return f"{self.start:%B} to {self.end:%B %Y}"
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"

    @property
    def months(self) -> int:
        return {MONTH: 1, QUARTER: 3, YEAR: 12}.get(self.kind, 0)

    def previous(self) -> "Period":
        """The period just before, of the same kind and length."""
        if self.months:
            start = _add_months(self.start, -self.months)
            return Period(self.kind, start, self.start - datetime.timedelta(days=1))
        return Period(CUSTOM, self.start - datetime.timedelta(days=self.days), self.start - datetime.timedelta(days=1))

    def year_before(self) -> "Period":
        if self.months:
            start = _add_months(self.start, -12)
            return Period(self.kind, start, _add_months(start, self.months) - datetime.timedelta(days=1))
        return Period(CUSTOM, _year_before(self.start), _year_before(self.end))

    def as_dict(self) -> dict:
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label}


def period_of(kind: str, day: datetime.date) -> Period:
    """The month, quarter or financial year that `day` falls in."""
    if kind == MONTH:
        start = day.replace(day=1)
        return Period(MONTH, start, _add_months(start, 1) - datetime.timedelta(days=1))
    if kind == QUARTER:
        start = _quarter_start(day)
        return Period(QUARTER, start, _add_months(start, 3) - datetime.timedelta(days=1))
    if kind == YEAR:
        start = _fy_start(day)
        return Period(YEAR, start, _add_months(start, 12) - datetime.timedelta(days=1))
    raise ValueError(kind)


class PeriodError(ValueError):
    pass


def _date(text: str, what: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat((text or "").strip())
    except ValueError:
        raise PeriodError(f"Enter the {what} as a real date, like 2026-04-01") from None


def period_from_query(query, today: datetime.date | None = None) -> Period:
    """The period a page's query string asks for: `period=month|quarter|year&start=YYYY-MM-DD`
    or `period=custom&from=YYYY-MM-DD&to=YYYY-MM-DD`. With none, the current financial year.

    Raises PeriodError with a message for the person when the dates are not usable.
    """
    today = today or timezone.localdate()
    kind = query.get("period") or YEAR
    if kind == CUSTOM:
        start, end = _date(query.get("from"), "start date"), _date(query.get("to"), "end date")
        if end < start:
            raise PeriodError("The end date must be the same as or after the start date")
        if (end - start).days + 1 > LONGEST_CUSTOM_DAYS:
            raise PeriodError("Choose dates no more than 3 years apart")
        return Period(CUSTOM, start, end)
    if kind not in (MONTH, QUARTER, YEAR):
        raise PeriodError("Choose a month, a quarter, a financial year or custom dates")
    start = query.get("start")
    return period_of(kind, _date(start, "start of the period") if start else today)


def choices(kind: str, today: datetime.date | None = None, count: int = 24) -> list[Period]:
    """The most recent periods of a kind, newest first, for the period picker."""
    today = today or timezone.localdate()
    period = period_of(kind, today)
    periods = []
    for _ in range(count if kind == MONTH else (12 if kind == QUARTER else 5)):
        periods.append(period)
        period = period.previous()
    return periods
