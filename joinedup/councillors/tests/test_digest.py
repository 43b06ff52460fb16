"""The weekly digest holds exactly the week's events, is queued once, and is a scheduled task."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from joinedup.councillors import digest, services
from joinedup.councillors.models import Councillor, DigestChoice, Escalation
from joinedup.councillors.tasks import send_weekly_digests
from joinedup.notifications.models import Message
from joinedup.service_requests.models import EventKind, RequestEvent, ServiceRequest, Status

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)  # the digest covers Monday 16 to Sunday 22 November


def local(day: int, hour: int = 12, minute: int = 0, month: int = 11) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, hour, minute))


def request_at(make_request, ward, *, created, expected_by=None, closed=None, status=Status.SUBMITTED, **values):
    request = make_request(ward=ward, **values)
    fields = {"created_at": created, "status": status}
    if expected_by:
        fields["expected_by"] = expected_by
    if closed:
        fields.update(closed_at=closed, status=Status.FIXED)
    ServiceRequest.objects.filter(pk=request.pk).update(**fields)
    request.refresh_from_db()
    return request


@pytest.fixture
def week(council, ward_a, ward_b, cllr_a, staff_user, make_request):
    """A week of events in and around Ann's ward; returns the references that belong in her digest."""
    far = datetime.date(2026, 12, 31)
    r = {}
    r["new_in"] = request_at(make_request, ward_a, created=local(18), expected_by=far, location_text="Mill Lane")
    r["new_first_moment"] = request_at(make_request, ward_a, created=local(16, 0, 0), expected_by=far)
    r["new_before"] = request_at(make_request, ward_a, created=local(15, 23, 59), expected_by=far)
    r["new_after"] = request_at(make_request, ward_a, created=local(23, 0, 0), expected_by=far)
    r["new_other_ward"] = request_at(make_request, ward_b, created=local(18), expected_by=far)
    old = local(1)
    r["overdue_in"] = request_at(make_request, ward_a, created=old, expected_by=datetime.date(2026, 11, 19))
    r["overdue_first_day"] = request_at(make_request, ward_a, created=old, expected_by=datetime.date(2026, 11, 15))
    r["overdue_before"] = request_at(make_request, ward_a, created=old, expected_by=datetime.date(2026, 11, 14))
    r["overdue_after"] = request_at(make_request, ward_a, created=old, expected_by=datetime.date(2026, 11, 22))
    r["closed_in_time"] = request_at(
        make_request, ward_a, created=old, expected_by=datetime.date(2026, 11, 19), closed=local(19, 9)
    )
    r["closed_late"] = request_at(
        make_request, ward_a, created=old, expected_by=datetime.date(2026, 11, 17), closed=local(24, 9)
    )
    r["closed_before"] = request_at(make_request, ward_a, created=old, expected_by=far, closed=local(10))
    answered = services.escalation_create(actor=cllr_a, request=r["overdue_before"], reason="Please")
    Escalation.objects.filter(pk=answered.pk).update(answer="Booked", answered_at=local(17), answered_by=staff_user)
    later = services.escalation_create(actor=cllr_a, request=r["overdue_after"], reason="Please")
    Escalation.objects.filter(pk=later.pk).update(answer="Later", answered_at=local(23, 8), answered_by=staff_user)
    followed = request_at(make_request, ward_b, created=old, expected_by=far)
    services.follow_start(actor=cllr_a, request=followed)
    inside = RequestEvent.objects.create(request=followed, kind=EventKind.PUBLIC_UPDATE, is_public=True)
    outside = RequestEvent.objects.create(request=followed, kind=EventKind.PUBLIC_UPDATE, is_public=True)
    private = RequestEvent.objects.create(request=followed, kind=EventKind.INTERNAL_NOTE, is_public=False)
    RequestEvent.objects.filter(pk__in=[inside.pk, private.pk]).update(created_at=local(20))
    RequestEvent.objects.filter(pk=outside.pk).update(created_at=local(12))
    r["followed"] = followed
    return r


def refs(items):
    return [getattr(item, "request", item).reference for item in items]


def test_the_digest_contains_exactly_the_weeks_events(council, cllr_a, week):
    start, end = digest.week_window(MONDAY)
    assert (start, end) == (local(16, 0), local(23, 0))
    events = digest.digest_events(council=council, user=cllr_a, start=start, end=end)
    assert refs(events["new"]) == [week["new_first_moment"].reference, week["new_in"].reference]
    assert refs(events["overdue"]) == [
        week["overdue_first_day"].reference,
        week["closed_late"].reference,  # still open on the day it became overdue
        week["overdue_in"].reference,
    ]
    assert refs(events["closed"]) == [week["closed_in_time"].reference]
    assert refs(events["answered"]) == [week["overdue_before"].reference]
    assert refs(events["updates"]) == [week["followed"].reference]


def test_digests_are_queued_once_a_week_for_those_who_chose_them(council, cllr_a, cllr_b, week):
    Councillor.objects.filter(user=cllr_a).update(digest=DigestChoice.WEEKLY)
    assert digest.digests_send(today=MONDAY) == 1
    assert digest.digests_send(today=MONDAY + datetime.timedelta(days=2)) == 0  # same week: not again
    message = Message.objects.get(event="councillor.digest")
    assert message.recipient == cllr_a.email
    assert "16 November to 22 November 2026" in message.body
    assert f"- {week['new_in'].reference}: Fly-tipping, Mill Lane (Abbey)" in message.body
    assert "New requests (2):" in message.body and "Closed (1):" in message.body
    assert week["new_before"].reference not in message.body
    assert week["new_other_ward"].reference not in message.body
    assert digest.digests_send(today=MONDAY + datetime.timedelta(days=7)) == 1


def test_an_empty_week_still_says_so(council, cllr_a):
    Councillor.objects.filter(user=cllr_a).update(digest=DigestChoice.WEEKLY)
    digest.digests_send(today=MONDAY)
    assert "New requests (0):\n- None" in Message.objects.get(event="councillor.digest").body


def test_the_digest_is_a_scheduled_task_that_reschedules_itself(council, cllr_a):
    now = local(18, 15)  # a Wednesday
    assert digest.next_send_time(now) == local(23, 7)
    assert digest.next_send_time(local(23, 7, 0)) == local(30, 7)
    assert digest.next_send_time(local(23, 6, 59)) == local(23, 7)
    assert digest.digest_schedule(now=now) is True
    assert digest.digest_schedule(now=now) is False
    waiting = DBTaskResult.objects.get(task_path=send_weekly_digests.module_path, status="READY")
    assert waiting.run_after == local(23, 7)
    Councillor.objects.filter(user=cllr_a).update(digest=DigestChoice.WEEKLY)
    waiting.delete()
    assert send_weekly_digests.call() == 1
    assert DBTaskResult.objects.filter(task_path=send_weekly_digests.module_path, status="READY").count() == 1


def test_choosing_the_digest_is_audited_and_needs_a_listed_councillor(client, council, cllr_a, councillor):
    client.force_login(cllr_a)
    response = client.post(f"/{council.slug}/councillors/preferences/", {"digest": "weekly"})
    assert response.status_code == 302
    assert Councillor.objects.get(user=cllr_a).digest == DigestChoice.WEEKLY
    client.force_login(councillor)  # has the role but is not on the council's list
    response = client.post(f"/{council.slug}/councillors/preferences/", {"digest": "weekly"})
    assert response.status_code == 200 and "not on the council" in response.content.decode()
