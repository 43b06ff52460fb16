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


def test_contact_details_in_the_words_of_an_old_request_are_removed(settings, council, category, staff_user):
    """The description, location, answers, closure reason, messages and staff notes can quote the
    resident: their name, email and phone (and, in notes, postcodes) go after the retention period."""
    settings.REQUEST_RETENTION_MONTHS = 24
    old = report(
        council,
        category,
        reporter_name="Rosa Okafor",
        reporter_phone="07700 900982",
        contact_preference=ContactPreference.BOTH,
        description="Rosa Okafor here: the sofa is back. Ring me on 07700 900982.",
        location_text="Outside Mrs Okafor's gate",
        answers={"size": "van"},
    )
    services.request_internal_note(
        actor=staff_user,
        request=old,
        note="Rang Mrs Okafor on 07700900982, she lives at PE21 8QR; email rosa.o@example.org",
    )
    services.request_status_change(
        actor=staff_user,
        request=old,
        to_status=Status.CLOSED,
        public_message="Thank you Rosa, cleared. Questions to streets@boston.example.org",
    )
    # Answers to free-text questions can quote the resident too (the test category asks none).
    ServiceRequest.objects.filter(pk=old.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=800), answers={"size": "van", "notes": "Rosa saw them"}
    )
    untouched = report(council, category, description="Call me on 07700 900123", reporter_name="Ann Other")

    call_command("prune_personal_data")

    old.refresh_from_db()
    words = " ".join(
        [old.description, old.location_text, old.closure_reason, json.dumps(old.answers)]
        + [e.public_message + " " + e.internal_note for e in old.events.all()]
    )
    for gone in ("Rosa", "Okafor", "07700", "PE21 8QR", "@example.org"):
        assert gone not in words, gone
    assert old.description == "[name removed] here: the sofa is back. Ring me on [phone number removed]."
    assert old.answers["size"] == "van"
    assert "the sofa is back" in old.description and "gate" in old.location_text
    untouched.refresh_from_db()
    assert untouched.description == "Call me on 07700 900123"


def test_member_enquiries_are_anonymised_after_the_retention_period(settings, council, staff_user):
    import datetime as dt

    from joinedup.accounts.tests.factories import UserFactory
    from joinedup.councillors.models import EnquiryMessage, EnquiryStatus, MemberEnquiry
    from joinedup.councils.tests.factories import ServiceAreaFactory

    settings.REQUEST_RETENTION_MONTHS = 24
    councillor = UserFactory(email="cllr@example.org", full_name="Cllr Jones")
    area = ServiceAreaFactory(council=council)
    long_ago = timezone.now() - dt.timedelta(days=800)

    def enquiry(number, **values):
        made = MemberEnquiry.objects.create(
            council=council,
            number=number,
            councillor=councillor,
            service_area=area,
            subject="Bins",
            resident_name="Rosa Okafor",
            resident_email="rosa@example.org",
            resident_phone="07700900982",
            resident_address="1 Market Place, Boston PE21 8QR",
            due_by=dt.date(2024, 1, 10),
            **values,
        )
        EnquiryMessage.objects.create(
            enquiry=made, author=councillor, from_council=False, body="Mrs Okafor (07700 900982, PE21 8QR) again"
        )
        Message.objects.create(
            council=council,
            event="enquiry.created",
            channel="email",
            recipient="officer@example.org",
            body="Rosa Okafor",
            object_type="councillors.memberenquiry",
            object_id=str(made.pk),
            dedupe_key=f"enquiry-{number}",
        )
        return made

    closed = enquiry(1, status=EnquiryStatus.CLOSED, closed_at=long_ago)
    answered = enquiry(2, status=EnquiryStatus.ANSWERED, first_answered_at=long_ago)
    MemberEnquiry.objects.filter(pk=answered.pk).update(updated_at=long_ago)
    still_open = enquiry(3, status=EnquiryStatus.OPEN)
    recent = enquiry(4, status=EnquiryStatus.CLOSED, closed_at=timezone.now() - dt.timedelta(days=30))

    call_command("prune_personal_data")

    for gone in (closed, answered):
        gone.refresh_from_db()
        assert (gone.resident_name, gone.resident_email, gone.resident_phone, gone.resident_address) == ("", "", "", "")
        body = gone.messages.get().body
        assert body == "Mrs [name removed] ([phone number removed], [postcode removed]) again"
        assert not Message.objects.filter(object_id=str(gone.pk), object_type="councillors.memberenquiry").exists()
    for kept in (still_open, recent):
        kept.refresh_from_db()
        assert kept.resident_address == "1 Market Place, Boston PE21 8QR"
        assert "Okafor" in kept.messages.get().body
        assert Message.objects.filter(object_id=str(kept.pk), object_type="councillors.memberenquiry").exists()
