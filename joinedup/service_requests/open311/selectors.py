"""
Reads for the Open311 API. Everything here is public output: no reporter's name, email, phone,
account or device, and no internal notes.
"""

import datetime
import uuid

from django.conf import settings
from django.db.models import Case, F, OuterRef, QuerySet, Subquery, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from joinedup.service_requests.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    EventKind,
    Photo,
    QuestionKind,
    RequestEvent,
    ServiceRequest,
)
from joinedup.service_requests.open311 import statuses
from joinedup.service_requests.open311.formats import w3c
from joinedup.service_requests.open311.models import ApiSubmission
from joinedup.service_requests.selectors import category_list, number_from_reference

DATATYPES = {
    QuestionKind.TEXT: "string",
    QuestionKind.NUMBER: "number",
    QuestionKind.DATE: "datetime",
    QuestionKind.SINGLE_CHOICE: "singlevaluelist",
    QuestionKind.MULTIPLE_CHOICE: "multivaluelist",
}
DATATYPE_DESCRIPTIONS = {
    QuestionKind.NUMBER: "A number, like 3",
    QuestionKind.DATE: "A date, like 2026-11-23 (a date-time is cut to its date)",
}
# The kinds of history entry shown as updates: status changes, council updates and reopenings.
UPDATE_KINDS = (EventKind.STATUS, EventKind.PUBLIC_UPDATE, EventKind.DISPUTED)
MAX_RESULTS = 1000


def services_for(*, council) -> list[dict]:
    categories = category_list(council=council).prefetch_related("questions")
    return [
        {
            "service_code": c.slug,
            "service_name": c.name,
            "description": c.description,
            "metadata": bool(c.questions.all()),
            "type": "realtime",
            "keywords": "",
            "group": c.group,
            "groups": [c.group],
        }
        for c in categories
    ]


def service_definition(*, council, service_code: str) -> dict:
    try:
        category = category_list(council=council).prefetch_related("questions").get(slug=service_code)
    except Category.DoesNotExist:
        raise Http404 from None
    attributes = []
    for order, question in enumerate(category.questions.all(), start=1):
        attribute = {
            "variable": True,
            "code": question.code,
            "datatype": DATATYPES[question.kind],
            "required": question.required,
            "datatype_description": question.hint or DATATYPE_DESCRIPTIONS.get(question.kind, ""),
            "order": order,
            "description": question.prompt,
        }
        if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            attribute["values"] = [{"key": c["value"], "name": c["label"]} for c in question.choices]
        attributes.append(attribute)
    return {"service_code": category.slug, "attributes": attributes}


def request_by_id(*, council, service_request_id: str) -> dict:
    """One request's public fields (as `request_search` gives them), or 404."""
    number = number_from_reference(council, service_request_id)
    if number is None:
        raise Http404
    found = _public_rows(ServiceRequest.objects.filter(council=council, number=number)).first()
    if found is None:
        raise Http404
    return found


# The only columns the output needs: reading just these (as tuples, not model instances) is most of
# the saving on a page of 1,000 requests.
PUBLIC_FIELDS = (
    "id",
    "number",
    "council__short_name",
    "council__slug",
    "status",
    "created_at",
    "description",
    "location_text",
    "postcode",
    "latitude",
    "longitude",
    "expected_by",
    "category__name",
    "category__slug",
    "category__notice",
    "category__service_area__name",
    # The media urls an Open311 client sent with it (a one-to-one join; null if it came another way).
    "open311_submission__media_urls",
)


def _public_rows(requests: QuerySet[ServiceRequest]) -> QuerySet:
    """The public fields as dicts, with the latest public status message and the first public photo, in one query."""
    latest_note = (
        RequestEvent.objects.filter(request=OuterRef("pk"), kind__in=UPDATE_KINDS, is_public=True)
        .exclude(public_message="")
        .order_by("-created_at", "-id")
        .values("public_message")[:1]
    )
    first_photo = Photo.objects.filter(request=OuterRef("pk"), is_public=True).order_by("id").values("pk")[:1]
    # When it was closed if it is closed (and that was recorded), else its last status change: one
    # date-time read per row instead of two.
    updated = Case(
        When(status__in=CLOSED_STATUSES, closed_at__isnull=False, then=F("closed_at")),
        default=F("status_changed_at"),
    )
    return requests.annotate(
        status_notes=Subquery(latest_note), photo=Subquery(first_photo), updated_datetime=updated
    ).values(*PUBLIC_FIELDS, "status_notes", "photo", "updated_datetime")


def request_search(
    *,
    council,
    service_request_ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    status: list[str] | None = None,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    page: int = 1,
    page_size: int = MAX_RESULTS,
    extra: int = 0,
) -> QuerySet:
    """
    GET requests: by ids (which override everything else), or by category, status and date, newest
    first. Each row is a dict of PUBLIC_FIELDS with status_notes, photo and updated_datetime, for `requests_output`.
    """
    requests = ServiceRequest.objects.filter(council=council)
    if service_request_ids is not None:
        numbers = {number_from_reference(council, value) for value in service_request_ids} - {None}
        requests = requests.filter(number__in=sorted(numbers)[:MAX_RESULTS])
    else:
        if service_codes:
            # Category ids first (a small query), so the big one filters on the request table's own
            # columns and can walk the (council, category, created_at) index in order.
            # (Categories belong to one council, as its requests do.)
            category_ids = list(
                Category.objects.filter(council=council, slug__in=service_codes).values_list("id", flat=True)
            )
            requests = requests.filter(category_id__in=category_ids)
        if status and set(status) != {"open", "closed"}:
            requests = requests.filter(status__in=OPEN_STATUSES if "open" in status else CLOSED_STATUSES)
        if start is not None:
            requests = requests.filter(created_at__gte=start)
        if end is not None:
            requests = requests.filter(created_at__lte=end)
    offset = (page - 1) * page_size
    # `extra` rows past the page tell the caller whether there is a next page.
    return _public_rows(requests.order_by("-created_at", "-id"))[offset : offset + page_size + extra]


class _PhotoUrls:
    """The public address of a request's photo: the tracking page's own photo link, which checks
    the photo is public and serves the cleaned copy (never the storage path). Built from one
    reversed pattern, not one `reverse` a row."""

    def __init__(self):
        self.pattern = settings.SITE_URL + reverse(
            "service_requests:photo", kwargs={"council_slug": "COUNCIL", "reference": "REFERENCE", "pk": 987654321}
        )

    def __call__(self, council_slug: str, reference: str, photo_id: int | None) -> str:
        if not photo_id:
            return ""
        return (
            self.pattern.replace("COUNCIL", council_slug, 1)
            .replace("REFERENCE", reference, 1)
            .replace("987654321", str(photo_id), 1)
        )


def expected_datetime(expected_by: datetime.date) -> str:
    """The end of the day it should be dealt with by, UK time."""
    end_of_day = datetime.datetime.combine(expected_by, datetime.time(23, 59, 59))
    return w3c(timezone.make_aware(end_of_day))


class _Dates:
    """w3c() and expected_datetime() for one page, each distinct value worked out once."""

    def __init__(self):
        self.zone = timezone.get_current_timezone()
        self.days = {}

    def w3c(self, value) -> str:
        if value is None:
            return ""
        return value.astimezone(self.zone).replace(microsecond=0).isoformat()

    def end_of_day(self, day: datetime.date) -> str:
        found = self.days.get(day)
        if found is None:
            found = self.days[day] = expected_datetime(day)
        return found


def request_output(
    row: dict, *, media_urls: list[str] | None = None, dates: _Dates | None = None, photo_urls: _PhotoUrls | None = None
) -> dict:
    """One request object of GeoReport v2, with `extended_status` from the mySociety extension."""
    dates = dates or _Dates()
    # The same as ServiceRequest.reference, without building the model.
    reference = f"{row['council__short_name']}-{row['number']:06d}"
    photo_urls = photo_urls or _PhotoUrls()
    media = photo_urls(row["council__slug"], reference, row["photo"]) or (media_urls[0] if media_urls else "")
    status = row["status"]
    closed = status in CLOSED_STATUSES
    return {
        "service_request_id": reference,
        "status": "closed" if closed else "open",
        "extended_status": statuses.extended(status),
        "status_notes": row["status_notes"] or "",
        "service_name": row["category__name"],
        "service_code": row["category__slug"],
        "description": row["description"],
        "agency_responsible": row["category__service_area__name"],
        "service_notice": row["category__notice"],
        "requested_datetime": dates.w3c(row["created_at"]),
        "updated_datetime": dates.w3c(row["updated_datetime"]),
        "expected_datetime": dates.end_of_day(row["expected_by"]),
        "address": row["location_text"],
        "address_id": "",
        "zipcode": row["postcode"],
        "lat": row["latitude"],
        "long": row["longitude"],
        "media_url": media,
    }


def requests_output(rows) -> list[dict]:
    """Rows from `request_search` or `request_by_id` as GeoReport v2 request objects."""
    dates, photo_urls = _Dates(), _PhotoUrls()
    return [
        request_output(row, media_urls=row["open311_submission__media_urls"], dates=dates, photo_urls=photo_urls)
        for row in rows
    ]


def updates_between(
    *,
    council,
    start: datetime.datetime,
    end: datetime.datetime,
    page: int = 1,
    page_size: int = MAX_RESULTS,
    extra: int = 0,
) -> list[dict]:
    """mySociety GET servicerequestupdates: every public update in the window, oldest first."""
    events = (
        RequestEvent.objects.filter(
            request__council=council, kind__in=UPDATE_KINDS, is_public=True, created_at__gte=start, created_at__lte=end
        )
        .select_related("request", "request__council")
        .order_by("created_at", "id")
    )
    offset = (page - 1) * page_size
    events = list(events[offset : offset + page_size + extra])
    photos = {}
    for event_id, photo_id in (
        Photo.objects.filter(event__in=events, is_public=True).order_by("-id").values_list("event_id", "pk")
    ):
        photos[event_id] = photo_id
    photo_urls = _PhotoUrls()
    return [
        {
            "update_id": str(event.pk),
            "service_request_id": event.request.reference,
            "status": statuses.extended(event.to_status) if event.to_status else statuses.UNCHANGED,
            "updated_datetime": w3c(event.created_at),
            "description": event.public_message,
            "media_url": photo_urls(event.request.council.slug, event.request.reference, photos.get(event.pk)),
        }
        for event in events
    ]


def submission_by_token(*, council, token: str) -> ApiSubmission:
    try:
        token = uuid.UUID(token)
    except ValueError:
        raise Http404 from None
    try:
        return ApiSubmission.objects.select_related("request", "request__council").get(
            token=token, request__council=council
        )
    except ApiSubmission.DoesNotExist:
        raise Http404 from None
