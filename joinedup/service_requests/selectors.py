"""Every read of service requests. Each takes the council; staff reads check the user's access."""

import math
import re
import statistics
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from joinedup.accounts import permissions
from joinedup.service_requests.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    Feedback,
    RequestEvent,
    ResponseTemplate,
    ServiceRequest,
)
from joinedup.service_requests.validation import normalise_uk_mobile
from joinedup.service_requests.working_days import working_days_between

REFERENCE = re.compile(r"^\s*([A-Za-z]{1,20})-?0*(\d{1,9})\s*$")
EARTH_RADIUS_M = 6_371_000


def category_list(*, council, include_inactive: bool = False) -> QuerySet[Category]:
    categories = Category.objects.filter(council=council).select_related("service_area")
    return categories if include_inactive else categories.filter(is_active=True)


def category_by_slug(*, council, slug: str) -> Category:
    try:
        return category_list(council=council).prefetch_related("questions").get(slug=slug)
    except Category.DoesNotExist:
        raise Http404 from None


def category_for_staff(*, user, council, pk: int) -> Category:
    """One of the council's categories, active or not, for its staff; 404 for any other."""
    if not permissions.can_view_staff_pages(user, council):
        raise PermissionDenied("Only this council's staff can see its categories.")
    try:
        return category_list(council=council, include_inactive=True).get(pk=pk)
    except Category.DoesNotExist:
        raise Http404 from None


def response_templates_for(*, council, category: Category | None = None) -> QuerySet[ResponseTemplate]:
    """The council's response templates: all of them, or those for one category and for every category."""
    templates = ResponseTemplate.objects.filter(council=council).select_related("category")
    if category is not None:
        templates = templates.filter(Q(category=None) | Q(category=category))
    return templates.order_by("status", "title")


def response_template_for_staff(*, user, council, pk: int) -> ResponseTemplate:
    if not permissions.can_view_staff_pages(user, council):
        raise PermissionDenied("Only this council's staff can see its response templates.")
    try:
        return response_templates_for(council=council).get(pk=pk)
    except ResponseTemplate.DoesNotExist:
        raise Http404 from None


def number_from_reference(council, reference: str) -> int | None:
    """Return the request number in a reference like 'BBC-000123' if its prefix is this council's."""
    match = REFERENCE.match(reference or "")
    if not match or match.group(1).upper() != council.short_name.upper():
        return None
    return int(match.group(2))


def request_public(*, council, reference: str) -> ServiceRequest:
    """Return a request for its public page (which must show no personal data), or 404."""
    number = number_from_reference(council, reference)
    if number is None:
        raise Http404
    try:
        return ServiceRequest.objects.select_related("category", "council", "ward").get(council=council, number=number)
    except ServiceRequest.DoesNotExist:
        raise Http404 from None


def public_timeline(*, request: ServiceRequest) -> QuerySet[RequestEvent]:
    return request.events.filter(is_public=True).order_by("created_at", "id")


def request_for_reporter(*, council, reference: str, email: str = "", phone: str = "") -> ServiceRequest | None:
    """Find a resident's own request from its reference and the email or phone they gave."""
    number = number_from_reference(council, reference)
    if number is None:
        return None
    requests = ServiceRequest.objects.filter(council=council, number=number, anonymised_at__isnull=True)
    if email.strip():
        return requests.filter(reporter_email=email.strip().lower()).first()
    if phone.strip():
        try:
            return requests.filter(reporter_phone=normalise_uk_mobile(phone)).first()
        except Exception:  # an unreadable number matches nothing
            return None
    return None


def requests_of_resident(*, user) -> QuerySet[ServiceRequest]:
    """'My requests': what a signed-in resident reported, or follows, across every council."""
    if user is None or not user.is_authenticated:
        return ServiceRequest.objects.none()
    return (
        ServiceRequest.objects.filter(Q(reporter=user) | Q(subscriptions__user=user))
        .select_related("council", "category")
        .distinct()
        .order_by("-created_at")
    )


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def requests_nearby(
    *, council, category: Category, latitude: float, longitude: float, limit: int = 5
) -> list[tuple[ServiceRequest, float]]:
    """Open requests of the same category within the category's duplicate radius, nearest first."""
    radius = category.duplicate_radius_m
    dlat = radius / 111_320
    dlon = radius / (111_320 * max(math.cos(math.radians(latitude)), 0.01))
    candidates = ServiceRequest.objects.filter(
        council=council,
        category=category,
        status__in=OPEN_STATUSES,
        latitude__range=(latitude - dlat, latitude + dlat),
        longitude__range=(longitude - dlon, longitude + dlon),
    ).select_related("category", "council")
    found = [(r, distance_m(latitude, longitude, r.latitude, r.longitude)) for r in candidates]
    return sorted([pair for pair in found if pair[1] <= radius], key=lambda pair: pair[1])[:limit]


@dataclass
class QueueFilters:
    status: str = ""  # a status, or "open" / "closed"
    category: int | None = None
    service_area: int | None = None
    ward: int | None = None
    priority: str = ""
    overdue: bool = False
    channel: str = ""
    assigned_to: int | None = None  # a user id, or 0 for nobody
    sort: str = "expected_by"


SORTS = {
    "expected_by": ("expected_by", "number"),
    "newest": ("-created_at",),
    "oldest": ("created_at",),
    "priority": ("priority_rank", "expected_by"),
    "reference": ("number",),
}


def staff_queue(*, user, council, filters: QueueFilters | None = None) -> QuerySet[ServiceRequest]:
    """The council's requests for its staff, filtered and sorted."""
    if not permissions.can_view_staff_pages(user, council):
        raise PermissionDenied("Only this council's staff can see its requests.")
    filters = filters or QueueFilters()
    requests = ServiceRequest.objects.filter(council=council).select_related(
        "category", "category__service_area", "assigned_to", "ward", "council"
    )
    if filters.status == "open":
        requests = requests.filter(status__in=OPEN_STATUSES)
    elif filters.status == "closed":
        requests = requests.filter(status__in=CLOSED_STATUSES)
    elif filters.status:
        requests = requests.filter(status=filters.status)
    if filters.category:
        requests = requests.filter(category_id=filters.category)
    if filters.service_area:
        requests = requests.filter(category__service_area_id=filters.service_area)
    if filters.ward:
        requests = requests.filter(ward_id=filters.ward)
    if filters.priority:
        requests = requests.filter(priority=filters.priority)
    if filters.overdue:
        requests = requests.filter(status__in=OPEN_STATUSES, expected_by__lt=timezone.localdate())
    if filters.channel:
        requests = requests.filter(channel=filters.channel)
    if filters.assigned_to == 0:
        requests = requests.filter(assigned_to__isnull=True)
    elif filters.assigned_to:
        requests = requests.filter(assigned_to_id=filters.assigned_to)
    requests = requests.annotate(
        priority_rank=Case(
            When(priority="urgent", then=Value(0)),
            When(priority="high", then=Value(1)),
            When(priority="normal", then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    )
    return requests.order_by(*SORTS.get(filters.sort, SORTS["expected_by"]))


def request_for_staff(*, user, council, reference: str) -> ServiceRequest:
    if not permissions.can_view_staff_pages(user, council):
        raise PermissionDenied("Only this council's staff can see its requests.")
    number = number_from_reference(council, reference)
    if number is None:
        raise Http404
    try:
        return ServiceRequest.objects.select_related(
            "category",
            "category__service_area",
            "assigned_to",
            "ward",
            "council",
            "duplicate_of",
            "reporter",
            "logged_by",
        ).get(council=council, number=number)
    except ServiceRequest.DoesNotExist:
        raise Http404 from None


def is_overdue(request: ServiceRequest, today=None) -> bool:
    return request.status in OPEN_STATUSES and request.expected_by < (today or timezone.localdate())


# Figures for scrutiny (later work builds reports on these).


def _requests_in(council, start, end) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.filter(council=council, created_at__gte=start, created_at__lt=end)


def figures_by_channel(*, council, start, end) -> dict[str, int]:
    """Requests made in the period by channel: the digital take-up figure."""
    rows = _requests_in(council, start, end).values("channel").annotate(n=Count("id"))
    return {row["channel"]: row["n"] for row in rows}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * fraction
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def figures_time_to_close(*, council, start, end) -> dict[str, dict]:
    """Per category: how many closed, median and 90th percentile days to close, % within target."""
    closed = _requests_in(council, start, end).filter(closed_at__isnull=False).select_related("category")
    by_category: dict[str, list[ServiceRequest]] = {}
    for request in closed:
        by_category.setdefault(request.category.name, []).append(request)
    result = {}
    for name, requests in sorted(by_category.items()):
        days = [(r.closed_at - r.created_at).total_seconds() / 86400 for r in requests]
        within = sum(1 for r in requests if timezone.localdate(r.closed_at) <= r.expected_by)
        result[name] = {
            "closed": len(requests),
            "median_days": round(statistics.median(days), 2),
            "p90_days": round(_percentile(days, 0.9), 2),
            "percent_within_target": round(100 * within / len(requests), 1),
        }
    return result


def figures_summary(*, council, start, end) -> dict:
    """Chasers, satisfaction and reopenings for requests made in the period."""
    requests = _requests_in(council, start, end)
    ratings = list(Feedback.objects.filter(request__in=requests).values_list("rating", flat=True))
    return {
        "requests": requests.count(),
        "chasers": sum(requests.values_list("chaser_count", flat=True)),
        "reopened_after_dispute": requests.filter(dispute_count__gt=0).count(),
        "satisfaction_responses": len(ratings),
        "percent_satisfied": round(100 * sum(1 for r in ratings if r >= 4) / len(ratings), 1) if ratings else None,
        "average_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
    }


def working_days_open(request: ServiceRequest, today=None) -> int:
    end = timezone.localdate(request.closed_at) if request.closed_at else (today or timezone.localdate())
    return working_days_between(timezone.localdate(request.created_at), end)
