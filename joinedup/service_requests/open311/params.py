"""
Reading Open311 arguments. An optional argument that is empty counts as absent (the standard
says so); every problem found is reported, not just the first.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from joinedup.service_requests.open311.formats import Open311Error, bad_request

ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,60})\](\[\])?$")
MAX_VALUE_LENGTH = 10_000
MAX_MEDIA_URLS = 10
MAX_SPAN = datetime.timedelta(days=90)
PLAIN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_values(query) -> None:
    """Refuse any argument with a NUL character or an absurd length (the database cannot store them)."""
    problems = []
    for key, values in query.lists():
        for value in values:
            if "\x00" in key or "\x00" in value:
                problems.append(f"{key.replace(chr(0), '')}: contains a NUL character")
            elif len(value) > MAX_VALUE_LENGTH:
                problems.append(f"{key}: is longer than {MAX_VALUE_LENGTH:,} characters")
    if problems:
        raise bad_request(*sorted(set(problems)))


def optional(query, name: str) -> str:
    return (query.get(name) or "").strip()


def comma_list(query, name: str) -> list[str] | None:
    value = optional(query, name)
    if not value:
        return None
    return [part.strip() for part in value.split(",") if part.strip()] or None


def _date(value: str) -> datetime.date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


def when(value: str, name: str, errors: list[str]) -> datetime.datetime | None:
    """A W3C date-time, which must carry a time zone, or a date (midnight UK time)."""
    # A '+' left unencoded in a query string arrives as a space: put it back.
    value = value.strip().replace(" ", "+")
    if PLAIN_DATE.match(value):
        # Python reads a plain date as a date-time without a time zone: take it as a date first.
        day = _date(value)
        if day is not None:
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is not None:
        if timezone.is_naive(parsed):
            errors.append(f"{name}: must include a time zone, like 2026-11-23T10:00:00Z or +00:00")
            return None
        return parsed
    day = _date(value)
    if day is not None:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    errors.append(f"{name}: must be a W3C date-time, like 2026-11-23T10:00:00Z")
    return None


def window(query, *, default: datetime.timedelta) -> tuple[datetime.datetime, datetime.datetime]:
    """start_date and end_date: at most 90 days apart; `default` back from now (or from end_date)."""
    errors = []
    start_text, end_text = optional(query, "start_date"), optional(query, "end_date")
    start = when(start_text, "start_date", errors) if start_text else None
    end = when(end_text, "end_date", errors) if end_text else None
    if errors:
        raise bad_request(*errors)
    if start is None and end is None:
        end = timezone.now()
        start = end - default
    elif start is None:
        start = end - default
    elif end is None:
        end = min(start + MAX_SPAN, max(timezone.now(), start))
    if start > end:
        raise bad_request("start_date: must be before end_date")
    if end - start > MAX_SPAN:
        raise bad_request("end_date: must be no more than 90 days after start_date")
    return start, end


def paging(query, *, maximum: int) -> tuple[int, int]:
    """The page and page_size extension: pages count from 1; page_size is at most `maximum`."""
    errors = []
    page, page_size = 1, maximum
    for name in ("page", "page_size"):
        value = optional(query, name)
        if not value:
            continue
        if not value.isdigit() or len(value) > 9 or int(value) < 1:
            errors.append(f"{name}: must be a whole number, 1 or more")
        elif name == "page":
            page = int(value)
        elif int(value) > maximum:
            errors.append(f"page_size: must be {maximum:,} or fewer")
        else:
            page_size = int(value)
    if errors:
        raise bad_request(*errors)
    return page, page_size


def attributes(query) -> dict[str, str | list[str]]:
    """attribute[code]=v, and attribute[code][]=v1&attribute[code][]=v2 for a multivaluelist."""
    found = {}
    for key, values in query.lists():
        match = ATTRIBUTE.match(key)
        if not match:
            continue
        code, many = match.group(1), match.group(2)
        values = [v for v in values if v.strip()]
        if not values:
            continue
        if many or len(values) > 1 or isinstance(found.get(code), list):
            previous = found.get(code, [])
            found[code] = (previous if isinstance(previous, list) else [previous]) + values
        else:
            found[code] = values[0]
    return found


def media_urls(query, errors: list[str]) -> list[str]:
    urls = [u.strip() for u in query.getlist("media_url") if u.strip()]
    check = URLValidator(schemes=["http", "https"])
    for url in urls:
        try:
            if len(url) > 500:
                raise ValidationError("too long")
            check(url)
        except ValidationError:
            errors.append("media_url: must be an http or https address of 500 characters or fewer")
            break
    if len(urls) > MAX_MEDIA_URLS:
        errors.append(f"media_url: send {MAX_MEDIA_URLS} or fewer")
    return urls


def coordinate(query, name: str, errors: list[str]) -> float | None:
    value = optional(query, name)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        errors.append(f"{name}: must be a number in WGS84 degrees, like 52.9789")
        return None
    limit = 90 if name == "lat" else 180
    if not -limit <= number <= limit:  # also refuses nan and inf
        errors.append(f"{name}: must be between -{limit} and {limit}")
        return None
    return number


__all__ = ["Open311Error"]
