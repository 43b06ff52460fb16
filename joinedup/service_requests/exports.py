"""CSV export of a staff queue: what staff need to plan the work, and no resident's personal data."""

from collections.abc import Iterable, Iterator

from django.utils import timezone

from joinedup.core.exports import csv_lines
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


def request_row(request: ServiceRequest, today) -> list:
    return [
        request.reference,
        request.created_at,
        request.category.name,
        request.category.service_area.name,
        request.get_status_display(),
        request.get_priority_display(),
        request.expected_by,
        is_overdue(request, today),
        request.closed_at,
        request.ward.name if request.ward else "",
        request.location_text,  # residents type the location: the writer stops it running as a formula
        request.postcode,
        request.get_channel_display(),
        str(request.assigned_to) if request.assigned_to else "",
        request.supporter_count,
    ]


def queue_csv_lines(requests: Iterable[ServiceRequest]) -> Iterator[str]:
    """Yield the CSV, a line at a time, for the requests (a staff_queue queryset). It starts with a
    UTF-8 byte order mark, like every other download, so Excel reads "£" and accented letters."""
    today = timezone.localdate()
    if hasattr(requests, "iterator"):
        requests = requests.iterator(chunk_size=2000)
    return csv_lines(HEADER, (request_row(request, today) for request in requests), bom=True)
