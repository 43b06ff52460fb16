"""Every read about councillors. Each takes the council; reads of private data check the user."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from joinedup.accounts import permissions
from joinedup.accounts.models import Role, RoleAssignment
from joinedup.councillors import access
from joinedup.councillors.models import Councillor, EnquiryStatus, Escalation, Follow, MemberEnquiry
from joinedup.councils.models import ServiceArea, Ward
from joinedup.service_requests.models import CLOSED_STATUSES, OPEN_STATUSES, Feedback, ServiceRequest
from joinedup.service_requests.selectors import number_from_reference, working_days_open
from joinedup.service_requests.working_days import is_working_day

PERIODS = {7: "Last 7 days", 30: "Last 30 days", 90: "Last 90 days", 365: "Last 12 months"}
AGE_BANDS = ((0, 5, "Up to 5 working days"), (6, 10, "6 to 10 working days"), (11, 20, "11 to 20 working days"))
TABLE_LIMIT = 200


# Public: who represents which ward


def councillors_in_office(*, council, today=None) -> QuerySet[Councillor]:
    today = today or timezone.localdate()
    return (
        Councillor.objects.filter(council=council, term_start__lte=today)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=today))
        .prefetch_related("wards")
        .order_by("name")
    )


def ward_councillors(*, ward, today=None) -> list[Councillor]:
    if ward is None:
        return []
    return list(councillors_in_office(council=ward.council, today=today).filter(wards=ward))


def wards_with_councillors(*, council, today=None) -> list[tuple[Ward, list[Councillor]]]:
    by_ward: dict[int, list[Councillor]] = {}
    for councillor in councillors_in_office(council=council, today=today):
        for ward in councillor.wards.all():
            by_ward.setdefault(ward.pk, []).append(councillor)
    wards = Ward.objects.filter(council=council).defer("boundary").order_by("name")
    return [(ward, by_ward.get(ward.pk, [])) for ward in wards]


def ward_by_code(*, council, gss_code: str) -> Ward:
    try:
        return Ward.objects.get(council=council, gss_code=gss_code.upper())
    except Ward.DoesNotExist:
        raise Http404 from None


def councillor_list_for_staff(*, user, council) -> QuerySet[Councillor]:
    if not permissions.can_view_staff_pages(user, council):
        raise PermissionDenied("Only this council's staff can see this page.")
    return Councillor.objects.filter(council=council).prefetch_related("wards").select_related("user")


# The ward dashboard


def dashboard_wards(*, user, council) -> QuerySet[Ward]:
    """The wards whose dashboards the user may see: their own as a councillor; all, for staff."""
    if permissions.can_view_staff_pages(user, council):
        return Ward.objects.filter(council=council).defer("boundary").order_by("name")
    return permissions.councillor_wards(user, council).defer("boundary").order_by("name")


def ward_for_dashboard(*, user, council, gss_code: str) -> Ward:
    ward = ward_by_code(council=council, gss_code=gss_code)
    if not access.can_view_ward_dashboard(user, ward):
        raise PermissionDenied("Only the ward's councillors and the council's officers can see this dashboard.")
    return ward


@dataclass
class DashboardFilters:
    category: int | None = None
    status: str = "open"  # open, overdue, closed or "" for all
    period: int = 30  # days, for 'recently closed' and the figures


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _age_cutoffs(today: datetime.date, limits: list[int]) -> dict[int, datetime.date]:
    """For each limit, the earliest day a request can have been made on and still be at most that
    many working days old today (the same count as `working_days_open`), so ages can be banded in
    the database instead of reading every open request."""
    cutoffs = {}
    day, age = today, 0
    for limit in sorted(limits):
        # Step back while the request made the day before would still be within the limit.
        while age + (1 if is_working_day(day) else 0) <= limit:
            age += 1 if is_working_day(day) else 0
            day -= datetime.timedelta(days=1)
        cutoffs[limit] = day
    return cutoffs


def _closed_figures(requests: QuerySet[ServiceRequest], since) -> dict:
    """Closed in the period, how many by their target date, and the feedback on them: counted in
    the database, whatever the number of requests."""
    closed = requests.filter(closed_at__gte=since)
    counts = closed.annotate(closed_on=TruncDate("closed_at", tzinfo=timezone.get_current_timezone())).aggregate(
        closed=Count("id"), within=Count("id", filter=Q(closed_on__lte=F("expected_by")))
    )
    ratings = Feedback.objects.filter(request__in=closed.values("pk")).aggregate(
        feedback=Count("id"), satisfied=Count("id", filter=Q(rating__gte=4))
    )
    return {
        "closed": counts["closed"],
        "within_target": counts["within"],
        "percent_within_target": _percent(counts["within"], counts["closed"]),
        "feedback": ratings["feedback"],
        "percent_satisfied": _percent(ratings["satisfied"], ratings["feedback"]),
    }


def ward_figures(*, council, wards, filters: DashboardFilters | None = None, today=None, now=None) -> dict:
    """The figures for a ward (or several) and the council as a whole. No personal data."""
    filters = filters or DashboardFilters()
    today = today or timezone.localdate()
    now = now or timezone.now()
    since = now - datetime.timedelta(days=filters.period)
    council_requests = ServiceRequest.objects.filter(council=council)
    if filters.category:
        council_requests = council_requests.filter(category_id=filters.category)
    requests = council_requests.filter(ward__in=wards)
    open_requests = requests.filter(status__in=OPEN_STATUSES)
    by_category = (
        requests.values("category__name")
        .annotate(
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, expected_by__lt=today)),
            closed=Count("id", filter=Q(closed_at__gte=since)),
        )
        .filter(Q(open__gt=0) | Q(closed__gt=0))
        .order_by("category__name")
    )
    cutoffs = _age_cutoffs(today, [high for _low, high, _label in AGE_BANDS])
    made_since = {high: Q(created_at__gte=_start_of_day(day)) for high, day in cutoffs.items()}
    labels = [label for _low, _high, label in AGE_BANDS] + ["More than 20 working days"]
    bands, previous = [], None
    for _low, high, _label in AGE_BANDS:
        bands.append(made_since[high] if previous is None else made_since[high] & ~previous)
        previous = made_since[high]
    bands.append(~previous)
    counts = open_requests.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(expected_by__lt=today)),
        **{f"band_{i}": Count("id", filter=band) for i, band in enumerate(bands)},
    )
    ageing = [{"label": label, "count": counts[f"band_{i}"]} for i, label in enumerate(labels)]
    return {
        "open": counts["open"],
        "overdue": counts["overdue"],
        "by_category": [
            {"name": row["category__name"], "open": row["open"], "overdue": row["overdue"], "closed": row["closed"]}
            for row in by_category
        ],
        "ageing": ageing,
        "ward": _closed_figures(requests, since),
        "council": _closed_figures(council_requests, since),
    }


def ward_requests(*, user, council, wards, filters: DashboardFilters | None = None, today=None) -> list[dict]:
    """The dashboard's table: requests in the wards, newest first, with the reporter's name only
    where the reporter asked their councillor to be involved and the user is that councillor."""
    filters = filters or DashboardFilters()
    today = today or timezone.localdate()
    requests = ServiceRequest.objects.filter(council=council, ward__in=wards).select_related(
        "category", "ward", "council"
    )
    if filters.category:
        requests = requests.filter(category_id=filters.category)
    if filters.status == "open":
        requests = requests.filter(status__in=OPEN_STATUSES)
    elif filters.status == "overdue":
        requests = requests.filter(status__in=OPEN_STATUSES, expected_by__lt=today)
    elif filters.status == "closed":
        since = timezone.now() - datetime.timedelta(days=filters.period)
        requests = requests.filter(status__in=CLOSED_STATUSES, closed_at__gte=since)
    own_wards = set(permissions.councillor_wards(user, council).values_list("pk", flat=True))
    rows = []
    for request in requests.order_by("-created_at", "-number")[:TABLE_LIMIT]:
        shared = request.involve_councillor and request.anonymised_at is None and request.ward_id in own_wards
        rows.append(
            {
                "request": request,
                "overdue": request.status in OPEN_STATUSES and request.expected_by < today,
                "days_open": working_days_open(request, today),
                "reporter_name": request.reporter_name if shared else "",
                "point": [request.latitude, request.longitude] if request.latitude is not None else None,
            }
        )
    return rows


def request_for_councillor(*, user, council, reference: str) -> ServiceRequest:
    """A request for a councillor's page: any of the council's requests, for its councillors and staff."""
    if not (access.is_councillor(user, council) or permissions.can_view_staff_pages(user, council)):
        raise PermissionDenied("Only this council's councillors can see this page.")
    number = number_from_reference(council, reference)
    if number is None:
        raise Http404
    try:
        return ServiceRequest.objects.select_related("category", "category__service_area", "ward", "council").get(
            council=council, number=number
        )
    except ServiceRequest.DoesNotExist:
        raise Http404 from None


def escalations_for_request(*, request) -> QuerySet[Escalation]:
    return Escalation.objects.filter(request=request).select_related("councillor", "answered_by")


def escalation_for_staff(*, user, council, pk: int) -> Escalation:
    if not permissions.can_view_staff_pages(user, council):
        raise PermissionDenied("Only this council's staff can see this page.")
    try:
        return Escalation.objects.select_related("request", "request__category", "councillor").get(
            council=council, pk=pk
        )
    except Escalation.DoesNotExist:
        raise Http404 from None


def is_following(*, user, request) -> bool:
    return user.is_authenticated and Follow.objects.filter(request=request, user=user).exists()


def follows_of(*, user, council) -> QuerySet[Follow]:
    return Follow.objects.filter(council=council, user=user).select_related("request", "request__category")


def follower_count(*, request) -> int:
    return Follow.objects.filter(request=request).count()


# Member enquiries


def enquiries_of_councillor(*, user, council) -> QuerySet[MemberEnquiry]:
    return MemberEnquiry.objects.filter(council=council, councillor=user).select_related("service_area", "council")


def _service_areas_handled(*, user, council) -> QuerySet[ServiceArea]:
    """The council's service areas the officer handles (as access.handles_service_area), in one query."""
    if user is None or not user.is_authenticated or not permissions.mfa_satisfied(user):
        return ServiceArea.objects.none()
    given = RoleAssignment.objects.filter(user=user, role=Role.STAFF, council=council).values("service_areas")
    return ServiceArea.objects.filter(council=council).filter(Q(lead_officer=user) | Q(pk__in=given))


def enquiries_for_officer(*, user, council, open_only: bool = False) -> QuerySet[MemberEnquiry]:
    """The enquiries addressed to the service areas the officer works in."""
    if not permissions.can_view_staff_pages(user, council):
        raise PermissionDenied("Only this council's staff can see member enquiries.")
    enquiries = MemberEnquiry.objects.filter(
        council=council, service_area__in=_service_areas_handled(user=user, council=council)
    ).select_related("service_area", "council", "councillor")
    if open_only:
        enquiries = enquiries.filter(status=EnquiryStatus.OPEN)
    return enquiries.order_by("due_by", "number")


def enquiries_of_resident(*, user) -> QuerySet[MemberEnquiry]:
    if user is None or not user.is_authenticated:
        return MemberEnquiry.objects.none()
    return MemberEnquiry.objects.filter(resident=user).select_related("service_area", "council", "councillor")


def enquiry_for_user(*, user, council, reference: str) -> tuple[MemberEnquiry, str]:
    """Return the enquiry and how the user sees it. 404 for anyone else, so its existence is not shown."""
    prefix = "ME-"
    if not reference.upper().startswith(prefix):
        raise Http404
    number = number_from_reference(council, reference[len(prefix) :])
    if number is None:
        raise Http404
    enquiry = (
        MemberEnquiry.objects.filter(council=council, number=number)
        .select_related("service_area", "service_area__lead_officer", "council", "councillor", "ward")
        .first()
    )
    role = access.enquiry_role(user, enquiry) if enquiry else ""
    if not role:
        raise Http404
    return enquiry, role
