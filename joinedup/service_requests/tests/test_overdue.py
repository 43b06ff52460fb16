import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from joinedup.notifications.models import Message
from joinedup.service_requests import services
from joinedup.service_requests.models import ServiceRequest, Status
from joinedup.service_requests.tests.test_services import report

pytestmark = pytest.mark.django_db


def test_overdue_requests_reach_the_officer_once_and_the_lead_daily(council, category, staff_user, capsys):
    area = category.service_area
    area.lead_officer = staff_user
    area.save()
    late = report(council, category)
    services.request_assign(actor=None, request=late, officer=staff_user)
    on_time = report(council, category)
    closed = report(council, category)
    services.request_status_change(actor=None, request=closed, to_status=Status.FIXED, public_message="Done.")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ServiceRequest.objects.filter(pk__in=[late.pk, closed.pk]).update(expected_by=yesterday)

    call_command("send_overdue_notices")
    call_command("send_overdue_notices")

    officer_messages = Message.objects.filter(event="request.overdue", recipient=staff_user.email)
    assert officer_messages.count() == 1
    assert late.reference in officer_messages.get().body
    digest = Message.objects.get(event="request.overdue_digest")
    assert late.reference in digest.body
    assert on_time.reference not in digest.body and closed.reference not in digest.body
    assert "1 overdue notices to assigned officers" in capsys.readouterr().out
