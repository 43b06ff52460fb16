"""
Reads for the Open311 API. Everything here is public output: no reporter's name, email, phone,
account or device, and no internal notes.
"""

import datetime
import uuid

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
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


def request_by_id(*, council, service_request_id: str) -> ServiceRequest:
    number = number_from_reference(council, service_request_id)
    if number is None:
        raise Http404
    found = _annotated(ServiceRequest.objects.filter(council=council, number=number)).first()
    if found is None:
        raise Http404
    return found


def _annotated(requests: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    """Add the latest public status message and the first public photo, in the same query."""
    latest_note = (
        RequestEvent.objects.filter(request=OuterRef("pk"), kind__in=UPDATE_KINDS, is_public=True)
        .exclude(public_message="")
        .order_by("-created_at", "-id")
        .values("public_message")[:1]
    )
    first_photo = Photo.objects.filter(request=OuterRef("pk"), is_public=True).order_by("id").values("image")[:1]
    return (
        requests.select_related("category", "category__service_area", "council")
        .annotate(status_notes=Subquery(latest_note), photo=Subquery(first_photo))
        .defer("answers", "reporter_name", "reporter_email", "reporter_phone", "closure_reason", "referred_to")
    )


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
) -> QuerySet[ServiceRequest]:
    """GET requests: by ids (which override everything else), or by category, status and date, newest first."""
    requests = ServiceRequest.objects.filter(council=council)
    if service_request_ids is not None:
        numbers = {number_from_reference(council, value) for value in service_request_ids} - {None}
        requests = requests.filter(number__in=sorted(numbers)[:MAX_RESULTS])
    else:
        if service_codes:
            requests = requests.filter(category__slug__in=service_codes)
        if status and set(status) != {"open", "closed"}:
            requests = requests.filter(status__in=OPEN_STATUSES if "open" in status else CLOSED_STATUSES)
        if start is not None:
            requests = requests.filter(created_at__gte=start)
        if end is not None:
            requests = requests.filter(created_at__lte=end)
    offset = (page - 1) * page_size
    return _annotated(requests.order_by("-created_at", "-id"))[offset : offset + page_size]


def _absolute_media(path: str) -> str:
    if not path:
        return ""
    url = default_storage.url(path)
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def expected_datetime(request: ServiceRequest) -> str:
    """The end of the day it should be dealt with by, UK time."""
    end_of_day = datetime.datetime.combine(request.expected_by, datetime.time(23, 59, 59))
    return w3c(timezone.make_aware(end_of_day))


def request_output(request: ServiceRequest, *, media_urls: list[str] | None = None) -> dict:
    """One request object of GeoReport v2, with `extended_status` from the mySociety extension."""
    media = _absolute_media(getattr(request, "photo", "") or "") or (media_urls[0] if media_urls else "")
    closed = request.status in CLOSED_STATUSES
    return {
        "service_request_id": request.reference,
        "status": statuses.basic(request.status),
        "extended_status": statuses.extended(request.status),
        "status_notes": getattr(request, "status_notes", None) or "",
        "service_name": request.category.name,
        "service_code": request.category.slug,
        "description": request.description,
        "agency_responsible": request.category.service_area.name,
        "service_notice": request.category.notice,
        "requested_datetime": w3c(request.created_at),
        "updated_datetime": w3c(request.closed_at if closed and request.closed_at else request.status_changed_at),
        "expected_datetime": expected_datetime(request),
        "address": request.location_text,
        "address_id": "",
        "zipcode": request.postcode,
        "lat": request.latitude,
        "long": request.longitude,
        "media_url": media,
    }


def requests_output(requests) -> list[dict]:
    requests = list(requests)
    without_photo = [r.pk for r in requests if not getattr(r, "photo", None)]
    media = dict(ApiSubmission.objects.filter(request_id__in=without_photo).values_list("request_id", "media_urls"))
    return [request_output(r, media_urls=media.get(r.pk)) for r in requests]


def updates_between(
    *, council, start: datetime.datetime, end: datetime.datetime, page: int = 1, page_size: int = MAX_RESULTS
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
    events = list(events[offset : offset + page_size])
    photos = {}
    for event_id, image in (
        Photo.objects.filter(event__in=events, is_public=True).order_by("-id").values_list("event_id", "image")
    ):
        photos[event_id] = image
    return [
        {
            "update_id": str(event.pk),
            "service_request_id": event.request.reference,
            "status": statuses.extended(event.to_status) if event.to_status else statuses.UNCHANGED,
            "updated_datetime": w3c(event.created_at),
            "description": event.public_message,
            "media_url": _absolute_media(photos.get(event.pk, "")),
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
