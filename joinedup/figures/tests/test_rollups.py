"""Rollups kept by tasks, and rebuilt by the command, agree with the figures worked out from the raw rows."""

import datetime
import random

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.councils.tests.factories import CouncilFactory
from joinedup.figures.models import COUNT_FIELDS, OverdueSnapshot, RequestDaily, ResolutionDaily
from joinedup.figures.tests.raw import raw_open_overdue, raw_totals
from joinedup.service_requests import services
from joinedup.service_requests.models import Channel, ContactPreference, ServiceRequest, Status
from joinedup.service_requests.tests.factories import CategoryFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db


def rollup_totals(council, day_from, day_to) -> dict:
    rows = RequestDaily.objects.filter(council=council, day__gte=day_from, day__lte=day_to)
    sums = rows.aggregate(**{f: Sum(f) for f in COUNT_FIELDS})
    totals = {k: v for k, v in sums.items() if v}
    histogram = {
        row["working_days"]: row["n"]
        for row in ResolutionDaily.objects.filter(council=council, day__gte=day_from, day__lte=day_to)
        .values("working_days")
        .annotate(n=Sum("count"))
    }
    return {"totals": totals, "histogram": histogram}


def rollup_open_overdue(council) -> dict:
    return {
        s.category_id: (s.open_count, s.overdue_count)
        for s in OverdueSnapshot.objects.filter(council=council, day=timezone.localdate())
        if s.open_count
    }


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["create", "status", "close", "merge", "dispute", "chase", "support", "feedback", "recategorise"]
        ),
        st.integers(min_value=0, max_value=50),
        st.integers(min_value=0, max_value=50),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_rollups_kept_by_tasks_equal_the_raw_figures(operations, immediate_tasks, django_capture_on_commit_callbacks):
    council = CouncilFactory()  # a council of its own for each example: examples share the database
    staff_user = UserFactory()
    grant(staff_user, Role.STAFF, council=council)
    categories = [CategoryFactory(council=council, allow_anonymous=True) for _ in range(2)]

    def pick(seed, open_only=None):
        requests = list(ServiceRequest.objects.filter(council=council).order_by("pk"))
        if open_only is not None:
            requests = [r for r in requests if r.is_open == open_only]
        return requests[seed % len(requests)] if requests else None

    for op, a, b in operations:
        with django_capture_on_commit_callbacks(execute=True):
            try:
                if op == "create" or pick(a) is None:
                    services.request_create(
                        council=council,
                        category=categories[a % 2],
                        description="Broken glass",
                        location_text="Market Place",
                        reporter_name="Rosa Resident",
                        reporter_email=f"rosa{b}@example.org",
                        contact_preference=[ContactPreference.EMAIL, ContactPreference.NONE][b % 2],
                        channel=list(Channel)[b % len(Channel)],
                        logged_by=staff_user if b % 3 == 0 else None,
                    )
                elif op == "status":
                    request = pick(a)
                    target = [Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.IN_PROGRESS][b % 3]
                    services.request_status_change(actor=staff_user, request=request, to_status=target)
                elif op == "close":
                    request = pick(a, open_only=True)
                    if request:
                        target = [Status.FIXED, Status.CLOSED, Status.NOT_OURS, Status.CANCELLED][b % 4]
                        services.request_status_change(
                            actor=staff_user,
                            request=request,
                            to_status=target,
                            public_message="Done",
                            referred_to="Highways England",
                        )
                elif op == "merge":
                    request, into = pick(a, open_only=True), pick(b, open_only=True)
                    if request and into and request.pk != into.pk:
                        services.request_merge(actor=staff_user, request=request, into=into)
                elif op == "dispute":
                    request = pick(a, open_only=False)
                    if request and request.reporter_email:
                        services.request_dispute(request=request, reason="Still there", email=request.reporter_email)
                elif op == "chase":
                    request = pick(a, open_only=True)
                    if request:
                        services.request_chaser_record(actor=staff_user, request=request)
                elif op == "support":
                    request = pick(a, open_only=True)
                    if request:
                        services.request_support(request=request, email=f"neighbour{b}@example.org")
                elif op == "feedback":
                    request = pick(a, open_only=False)
                    if request:
                        services.feedback_give(request=request, rating=b % 5 + 1)
                elif op == "recategorise":
                    services.request_recategorise(actor=staff_user, request=pick(a), category=categories[b % 2])
            except Exception as error:  # refused changes (validation) change nothing
                from django.core.exceptions import ValidationError

                if not isinstance(error, ValidationError):
                    raise

    today = timezone.localdate()
    assert rollup_totals(council, today, today) == {
        "totals": {k: v for k, v in raw_totals(council, today, today)["totals"].items() if v},
        "histogram": raw_totals(council, today, today)["histogram"],
    }
    assert rollup_open_overdue(council) == raw_open_overdue(council)


def spread_requests(council, count=60, seed=7):
    """Requests made and closed on different days over two months, some overdue, some rated."""
    rng = random.Random(seed)
    categories = [CategoryFactory(council=council) for _ in range(3)]
    today = timezone.localdate()
    from joinedup.service_requests.models import Feedback

    for _ in range(count):
        created = timezone.now() - datetime.timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
        closed = created + datetime.timedelta(days=rng.randint(0, 20)) if rng.random() < 0.6 else None
        if closed and closed > timezone.now():
            closed = timezone.now()
        status = rng.choice([Status.FIXED, Status.CLOSED, Status.DUPLICATE]) if closed else Status.INVESTIGATING
        request = ServiceRequestFactory(
            council=council,
            category=rng.choice(categories),
            status=status,
            closed_at=closed,
            channel=rng.choice(list(Channel)),
            expected_by=timezone.localdate(created) + datetime.timedelta(days=rng.randint(1, 15)),
            chaser_count=rng.randint(0, 2),
            supporter_count=rng.randint(0, 1),
        )
        ServiceRequest.objects.filter(pk=request.pk).update(created_at=created)
        if closed and rng.random() < 0.5:
            feedback = Feedback.objects.create(request=request, rating=rng.randint(1, 5), channel=request.channel)
            Feedback.objects.filter(pk=feedback.pk).update(created_at=closed)
    return today


def test_rebuild_command_equals_the_raw_figures_day_by_day_and_in_total(council, partner_council):
    today = spread_requests(council)
    spread_requests(partner_council, count=10, seed=3)
    call_command("figures_rebuild", council=council.slug)
    start = today - datetime.timedelta(days=61)
    for offset in range(0, 62, 5):
        day = start + datetime.timedelta(days=offset)
        assert rollup_totals(council, day, day) == {
            "totals": {k: v for k, v in raw_totals(council, day, day)["totals"].items() if v},
            "histogram": raw_totals(council, day, day)["histogram"],
        }
    raw = raw_totals(council, start, today)
    assert rollup_totals(council, start, today)["totals"] == {k: v for k, v in raw["totals"].items() if v}
    assert raw["totals"]["made"] == 60
    # Only the council asked for was rebuilt: the partner's rollups are untouched.
    assert not RequestDaily.objects.filter(council=partner_council).exists()
    # Past weeks' overdue snapshots (one pass over the history) agree with working out each day alone.
    from joinedup.figures import rollups

    past = [today - datetime.timedelta(days=d) for d in (3, 17, 40)]
    as_tuples = lambda rows: sorted((r.day, r.category_id, r.open_count, r.overdue_count) for r in rows)  # noqa: E731
    assert as_tuples(rollups.overdue_history(council.pk, past)) == as_tuples(
        [row for day in past for row in rollups.overdue_rows(council.pk, day)]
    )
    assert rollup_open_overdue(council) == raw_open_overdue(council)
    # Running it again changes nothing.
    before = list(RequestDaily.objects.filter(council=council).order_by("day", "category", "channel").values())
    call_command("figures_rebuild", council=council.slug)
    after = list(RequestDaily.objects.filter(council=council).order_by("day", "category", "channel").values())
    assert [{k: v for k, v in r.items() if k != "id"} for r in before] == [
        {k: v for k, v in r.items() if k != "id"} for r in after
    ]
