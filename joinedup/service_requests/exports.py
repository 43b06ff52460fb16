"""CSV export of a staff queue: what staff need to plan the work, and no resident's personal data."""

import csv
from collections.abc import Iterable, Iterator

from django.utils import timezone

from joinedup.service_requests.models import ServiceRequest
from joinedup.service_requests.selectors import is_overdue

HEADER = [
    "Reference",
    "Reported",
    "Category",
    "Service area",
    "Status",
    "Priority",
    "Expected by",
    "Overdue",
    "Closed",
    "Ward",
    "Location",
    "Postcode",
    "Channel",
    "Assigned to",
    "Supporters",
]
# A spreadsheet runs a cell starting with one of these as a formula: residents type the location.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def request_row(request: ServiceRequest, today) -> list[str]:
    return [
        _safe(value)
        for value in (
            request.reference,
            _local(request.created_at),
            request.category.name,
            request.category.service_area.name,
            request.get_status_display(),
            request.get_priority_display(),
            request.expected_by.isoformat(),
            "Yes" if is_overdue(request, today) else "No",
            _local(request.closed_at),
            request.ward.name if request.ward else "",
            request.location_text,
            request.postcode,
            request.get_channel_display(),
            str(request.assigned_to) if request.assigned_to else "",
            request.supporter_count,
        )
    ]


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def queue_csv_lines(requests: Iterable[ServiceRequest]) -> Iterator[str]:
    """Yield the CSV, a line at a time, for the requests (a staff_queue queryset)."""
    writer = csv.writer(_Echo())
    today = timezone.localdate()
    yield writer.writerow(HEADER)
    if hasattr(requests, "iterator"):
        requests = requests.iterator(chunk_size=2000)
    for request in requests:
        yield writer.writerow(request_row(request, today))
