import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from joinedup.notifications.models import Message
from joinedup.service_requests import services
from joinedup.service_requests.models import ContactPreference, ServiceRequest, Status
from joinedup.service_requests.tests.test_services import report

pytestmark = pytest.mark.django_db


def close_long_ago(request, staff_user, days):
    services.request_status_change(actor=staff_user, request=request, to_status=Status.FIXED, public_message="Done.")
    ServiceRequest.objects.filter(pk=request.pk).update(closed_at=timezone.now() - datetime.timedelta(days=days))


def test_personal_data_is_removed_24_months_after_closure(settings, council, category, staff_user, capsys):
    settings.REQUEST_RETENTION_MONTHS = 24
    old = report(council, category, reporter_phone="07700 900982", contact_preference=ContactPreference.BOTH)
    services.request_support(request=old, email="neighbour@example.org")
    services.request_resident_update(request=old, text="My number is 07700 900982", email="rosa@example.org")
    close_long_ago(old, staff_user, days=732)
    services.feedback_give(request=ServiceRequest.objects.get(pk=old.pk), rating=2, comment="Call me on 07700")
    recent = report(council, category)
    close_long_ago(recent, staff_user, days=700)

    call_command("prune_personal_data")

    assert "1 closed requests anonymised" in capsys.readouterr().out
    old.refresh_from_db()
    assert (old.reporter_name, old.reporter_email, old.reporter_phone) == ("", "", "")
    assert old.anonymised_at is not None
    assert not old.subscriptions.exists()
    assert "07700" not in " ".join(old.events.values_list("internal_note", flat=True))
    assert old.feedback.rating == 2 and old.feedback.comment == ""
    assert not Message.objects.filter(object_id=str(old.pk)).exists()
    recent.refresh_from_db()
    assert recent.reporter_email == "rosa@example.org"
    assert Message.objects.filter(object_id=str(recent.pk)).exists()


def test_subject_access_export_holds_everything_about_one_resident(council, category, tmp_path):
    mine = report(council, category, reporter_phone="07700900982", contact_preference=ContactPreference.BOTH)
    report(council, category, reporter_email="someone.else@example.org", reporter_name="Someone Else")
    followed = report(council, category, reporter_email="third@example.org", reporter_name="Third")
    services.request_support(request=followed, email="rosa@example.org")
    output = tmp_path / "sar.json"

    call_command("export_resident_data", "--email", "ROSA@example.org", "--output", str(output))

    data = json.loads(output.read_text())
    assert [r["reference"] for r in data["requests_reported"]] == [mine.reference]
    assert data["requests_reported"][0]["reporter_phone"] == "07700900982"
    assert [r["reference"] for r in data["requests_followed"]] == [followed.reference]
    recipients = {m["to"] for m in data["messages_sent_to_you"]}
    assert recipients == {"rosa@example.org"}
    assert "Someone Else" not in output.read_text()


def test_export_needs_an_email_or_phone():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--email, --phone or both"):
        call_command("export_resident_data")
