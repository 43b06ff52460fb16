"""Every event that should tell someone does, once, delivered by a real SMTP server."""

import datetime

import pytest
from django.utils import timezone

from joinedup.notifications.delivery import deliver_due
from joinedup.notifications.models import Message, MessageStatus
from joinedup.service_requests import services
from joinedup.service_requests.models import ServiceRequest, Status
from joinedup.service_requests.overdue import overdue_notices_send
from joinedup.service_requests.tests.test_services import report

pytestmark = pytest.mark.django_db


def delivered(smtp_server):
    return [(m["To"], m["Subject"], m.get_content()) for m in smtp_server]


def test_each_event_reaches_the_right_people_once(smtp_server, council, category, staff_user, administrator):
    area = category.service_area
    area.lead_officer = staff_user
    area.save()

    request = report(council, category)  # request.submitted -> reporter
    services.request_support(request=request, email="neighbour@example.org")  # request.supported -> supporter
    services.request_assign(actor=administrator, request=request, officer=staff_user)  # request.assigned -> officer
    services.request_status_change(
        actor=staff_user, request=request, to_status=Status.ACTION_SCHEDULED, public_message="Booked for Thursday."
    )  # request.status_changed -> both
    services.request_public_update(actor=staff_user, request=request, message="The crew is on its way.")
    services.request_resident_update(request=request, text="It is blocking the path now", email="rosa@example.org")
    ServiceRequest.objects.filter(pk=request.pk).update(expected_by=timezone.localdate() - datetime.timedelta(days=1))
    overdue_notices_send()  # request.overdue -> officer, request.overdue_digest -> lead
    services.request_status_change(
        actor=staff_user, request=request, to_status=Status.FIXED, public_message="Cleared."
    )  # request.closed -> both, with a feedback link
    request.refresh_from_db()
    services.request_dispute(request=request, reason="Half of it is still there", email="rosa@example.org")

    other = report(council, category, reporter_email="second@example.org", reporter_name="Sid")
    services.request_merge(actor=staff_user, request=other, into=request)  # request.merged -> second
    third = report(council, category, reporter_email="third@example.org", reporter_name="Tam")
    services.request_status_change(
        actor=staff_user,
        request=third,
        to_status=Status.NOT_OURS,
        referred_to="National Highways",
        public_message="It is on the A17.",
    )

    outcome = deliver_due()
    assert not Message.objects.exclude(status=MessageStatus.SENT).exists(), outcome
    sent = {(m.event, m.recipient) for m in Message.objects.all()}
    assert sent == {
        ("request.submitted", "rosa@example.org"),
        ("request.supported", "neighbour@example.org"),
        ("request.assigned", staff_user.email),
        ("request.status_changed", "rosa@example.org"),
        ("request.status_changed", "neighbour@example.org"),
        ("request.public_update", "rosa@example.org"),
        ("request.public_update", "neighbour@example.org"),
        ("request.resident_update", staff_user.email),
        ("request.overdue", staff_user.email),
        ("request.overdue_digest", staff_user.email),
        ("request.closed", "rosa@example.org"),
        ("request.closed", "neighbour@example.org"),
        ("request.disputed", staff_user.email),
        ("request.submitted", "second@example.org"),
        ("request.merged", "second@example.org"),
        ("request.submitted", "third@example.org"),
        ("request.referred", "third@example.org"),
    }
    # Exactly one email per queued message arrived at the SMTP server.
    assert len(smtp_server) == Message.objects.count() == len(sent)
    bodies = {(to, subject): body for to, subject, body in delivered(smtp_server)}
    closed_bodies = [body for (to, _), body in bodies.items() if to == "rosa@example.org" and "/feedback/" in body]
    assert len(closed_bodies) == 1
    referred = [body for (to, _), body in bodies.items() if to == "third@example.org" and "National Highways" in body]
    assert len(referred) == 1

    # Delivering again sends nothing more.
    deliver_due()
    assert len(smtp_server) == len(sent)
