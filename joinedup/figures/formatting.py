"""How a figure is written on a page: '12.5%', '£3.20', '1,234', 'fewer than 5'."""

import datetime
from decimal import Decimal

SUPPRESSED_TEXT = "fewer than 5"
SUPPRESSED_MARK = "[c]"  # in downloads, as the Office for National Statistics marks a suppressed cell


def display(value, unit: str, suppressed: bool = False) -> str:
    if suppressed:
        return SUPPRESSED_TEXT
    if value is None:
        return "not available"
    if isinstance(value, datetime.date):
        return f"{value:%-d %b %Y}"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "money":
        return f"£{Decimal(value):,.2f}"
    if unit in ("score", "per100"):
        return f"{value:.1f}"
    if unit == "days":
        return f"{value} working day{'s' if value != 1 else ''}"
    if isinstance(value, int | float | Decimal):
        return f"{value:,}"
    return str(value)
