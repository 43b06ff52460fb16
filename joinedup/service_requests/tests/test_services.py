import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from joinedup.core.models import AuditEntry
from joinedup.councils.tests.factories import WardFactory, square
from joinedup.notifications.models import Message
from joinedup.service_requests import services
from joinedup.service_requests.models import (
    Channel,
    ContactPreference,
    EventKind,
    ServiceRequest,
    Status,
    Subscription,
)
from joinedup.service_requests.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def report(council, category, **overrides):
    values = {
        "council": council,
        "category": category,
        "description": "A sofa and a mattress on the verge",
        "location_text": "Verge outside 12 High Street",
        "postcode": "pe21 8qr",
        "answers": {"size": "van"},
        "reporter_name": "Rosa Resident",
        "reporter_email": "Rosa@Example.org",
        "contact_preference": ContactPreference.EMAIL,
    }
    values.update(overrides)
    return services.request_create(**values)


def test_create_numbers_requests_per_council_and_sets_the_expected_date(council, partner_council, category):
    first = report(council, category)
    second = report(council, category)
    other = report(partner_council, CategoryFactory(council=partner_council))
    assert (first.reference, second.reference) == ("BDC-000001", "BDC-000002")
    assert other.reference == "FDC-000001"
    assert first.postcode == "PE21 8QR"
    assert first.reporter_email == "rosa@example.org"
    assert first.answers == {"size": "van"}
    assert first.expected_by > timezone.localdate()
    assert first.status == Status.SUBMITTED


def test_create_tells_the_reporter_and_records_the_history(council, category):
    request = report(council, category)
    assert list(request.events.values_list("kind", flat=True)) == [EventKind.CREATED]
    assert Subscription.objects.get(request=request).is_reporter is True
    message = Message.objects.get(event="request.submitted")
    assert message.recipient == "rosa@example.org"
    assert "BDC-000001" in message.body
    assert AuditEntry.objects.filter(action="service_requests.request.create", council=council).count() == 1


def test_create_finds_the_ward_from_the_map_point(council, category):
    ward = WardFactory(council=council, boundary=square(0.0, 52.0), min_lon=0.0, min_lat=52.0)
    request = report(council, category, latitude=52.005, longitude=0.005, location_text="")
    assert request.ward == ward


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"description": ""}, "description", "Describe the problem"),
        ({"description": "x" * 2001}, "description", "2,000 characters or fewer"),
        ({"location_text": ""}, "location_text", "Enter where the problem is"),
        ({"postcode": "NOT A CODE"}, "postcode", "Enter a real postcode"),
        ({"answers": {}}, "size", "Select an answer for 'About how much is there?'"),
        ({"answers": {"size": "lorry"}}, "size", "Select one of the answers listed"),
        ({"answers": {"size": "bag", "seen": "31/02/2026"}}, "seen", "must be a real date"),
        ({"answers": {"size": "asbestos"}}, "answers", "Phone 01632 960 000 now."),
        ({"reporter_name": ""}, "reporter_name", "Enter your name"),
        ({"reporter_email": "", "reporter_phone": ""}, "reporter_email", "Enter an email address or a UK mobile"),
        ({"reporter_email": "rosa@"}, "reporter_email", "correct format"),
        ({"reporter_phone": "01632 960000"}, "reporter_phone", "Enter a UK mobile number"),
        ({"contact_preference": ContactPreference.SMS}, "contact_preference", "enter your mobile number"),
        ({"latitude": 95.0, "longitude": 0.0}, "location", "not a real place"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(council, category, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        report(council, category, **overrides)
    assert field in error.value.message_dict
    assert any(message in text for text in error.value.message_dict[field])
    assert not ServiceRequest.objects.exists()
    assert not Message.objects.exists()


def test_anonymous_reports_only_where_the_category_allows(council, category):
    request = report(council, category, anonymous=True)
    assert (request.reporter_name, request.reporter_email, request.contact_preference) == ("", "", "none")
    assert not request.subscriptions.exists()
    category.allow_anonymous = False
    category.save()
    with pytest.raises(ValidationError, match="need to give your name"):
        report(council, category, anonymous=True)


def test_a_category_of_another_council_is_refused(council, partner_council):
    with pytest.raises(ValidationError):
        report(council, CategoryFactory(council=partner_council))


def test_contact_centre_logs_a_phone_request_for_a_resident(council, category, staff_user, partner_council):
    request = report(
        council,
        category,
        channel=Channel.PHONE,
        logged_by=staff_user,
        reporter_phone="07700 900982",
        contact_preference=ContactPreference.BOTH,
    )
    assert (request.channel, request.logged_by, request.reporter_phone) == ("phone", staff_user, "07700900982")
    assert sorted(Message.objects.values_list("channel", flat=True)) == ["email", "sms"]
    with pytest.raises(PermissionDenied):
        report(partner_council, CategoryFactory(council=partner_council), logged_by=staff_user)


def test_status_changes_are_recorded_and_sent_to_followers(council, category, staff_user):
    request = report(council, category)
    services.request_support(request=request, email="neighbour@example.org")
    services.request_status_change(
        actor=staff_user,
        request=request,
        to_status=Status.ACTION_SCHEDULED,
        public_message="Booked for Thursday.",
        internal_note="Crew 3",
    )
    request.refresh_from_db()
    assert request.status == Status.ACTION_SCHEDULED
    event = request.events.get(kind=EventKind.STATUS)
    assert (event.actor, event.from_status, event.internal_note) == (staff_user, "submitted", "Crew 3")
    recipients = set(Message.objects.filter(event="request.status_changed").values_list("recipient", flat=True))
    assert recipients == {"rosa@example.org", "neighbour@example.org"}


def test_closing_sends_a_feedback_link_and_reopening_clears_closure(council, category, staff_user):
    request = report(council, category)
    services.request_status_change(
        actor=staff_user, request=request, to_status=Status.FIXED, public_message="Cleared today."
    )
    request.refresh_from_db()
    assert request.closed_at is not None
    closed = Message.objects.get(event="request.closed")
    assert "/requests/BDC-000001/feedback/" in closed.body
    services.request_status_change(actor=staff_user, request=request, to_status=Status.INVESTIGATING)
    request.refresh_from_db()
    assert request.closed_at is None


def test_other_councils_staff_cannot_change_a_request(council, category, partner_council):
    from joinedup.accounts.models import Role
    from joinedup.accounts.tests.factories import UserFactory, grant

    outsider = UserFactory()
    grant(outsider, Role.STAFF, council=partner_council)
    request = report(council, category)
    with pytest.raises(PermissionDenied):
        services.request_status_change(actor=outsider, request=request, to_status=Status.ACKNOWLEDGED)
    with pytest.raises(PermissionDenied):
        services.request_internal_note(actor=outsider, request=request, note="x")


def test_assignment_tells_the_officer_once(council, category, staff_user, administrator):
    request = report(council, category)
    services.request_assign(actor=administrator, request=request, officer=staff_user)
    services.request_assign(actor=administrator, request=request, officer=staff_user)
    assert Message.objects.filter(event="request.assigned", recipient=staff_user.email).count() == 1
    with pytest.raises(ValidationError, match="officer of this council"):
        services.request_assign(
            actor=administrator,
            request=request,
            officer=administrator.__class__.objects.create(email="nobody@example.org", full_name="Nobody"),
        )


def test_recategorise_recomputes_the_expected_date(council, category, staff_user):
    request = report(council, category)
    category.target_days_urgent = 1
    category.save()
    services.request_recategorise(actor=staff_user, request=request, priority="urgent")
    request.refresh_from_db()
    from joinedup.service_requests.working_days import add_working_days

    assert request.expected_by == add_working_days(timezone.localdate(request.created_at), 1)
    assert request.events.filter(kind=EventKind.RECATEGORISED).count() == 1


def test_support_counts_once_per_person_and_follows_the_request(council, category):
    request = report(council, category)
    services.request_support(request=request, email="neighbour@example.org")
    services.request_support(request=request, email="NEIGHBOUR@example.org")
    request.refresh_from_db()
    assert request.supporter_count == 1
    assert Message.objects.filter(event="request.supported").count() == 1
    with pytest.raises(ValidationError, match="email address or a UK mobile"):
        services.request_support(request=request)


def test_merge_moves_followers_and_supporters(council, category, staff_user):
    original = report(council, category)
    copy = report(council, category, reporter_email="other@example.org", reporter_name="Otto")
    services.request_support(request=copy, email="third@example.org")
    services.request_merge(actor=staff_user, request=copy, into=original)
    original.refresh_from_db()
    copy.refresh_from_db()
    assert (copy.status, copy.duplicate_of) == (Status.DUPLICATE, original)
    assert original.supporter_count == 2
    assert set(original.subscriptions.values_list("email", flat=True)) == {
        "rosa@example.org",
        "other@example.org",
        "third@example.org",
    }
    assert Message.objects.filter(event="request.merged", recipient="other@example.org").exists()


def test_reporter_updates_count_as_chasers_and_strangers_are_refused(council, category):
    request = report(council, category)
    services.request_resident_update(request=request, text="It has grown", email="rosa@example.org")
    request.refresh_from_db()
    assert request.chaser_count == 1
    with pytest.raises(PermissionDenied):
        services.request_resident_update(request=request, text="Me too", email="someone@example.org")


def test_dispute_reopens_within_28_days_only(council, category, staff_user):
    request = report(council, category)
    services.request_status_change(actor=staff_user, request=request, to_status=Status.FIXED, public_message="Cleared.")
    request.refresh_from_db()
    services.request_dispute(request=request, reason="Still there", email="rosa@example.org")
    request.refresh_from_db()
    assert (request.status, request.dispute_count, request.closed_at) == (Status.INVESTIGATING, 1, None)

    services.request_status_change(
        actor=staff_user, request=request, to_status=Status.FIXED, public_message="Cleared again."
    )
    ServiceRequest.objects.filter(pk=request.pk).update(closed_at=timezone.now() - datetime.timedelta(days=29))
    request.refresh_from_db()
    with pytest.raises(ValidationError, match="28 days"):
        services.request_dispute(request=request, reason="Still there", email="rosa@example.org")


def test_feedback_only_after_closure_and_once(council, category, staff_user):
    request = report(council, category)
    with pytest.raises(ValidationError, match="once the request is closed"):
        services.feedback_give(request=request, rating=5)
    services.request_status_change(actor=staff_user, request=request, to_status=Status.FIXED, public_message="Done.")
    request.refresh_from_db()
    feedback = services.feedback_give(request=request, rating=4, comment="Quick")
    assert (feedback.rating, feedback.channel) == (4, "web")
    with pytest.raises(ValidationError, match="already been given"):
        services.feedback_give(request=request, rating=5)


def test_status_check_changes_nothing(council, category, staff_user):
    request = report(council, category)
    services.request_status_check(actor=staff_user, request=request, to_status=Status.FIXED)
    with pytest.raises(ValidationError, match="Say why"):
        services.request_status_check(actor=staff_user, request=request, to_status=Status.CLOSED)
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED
    assert not Message.objects.filter(event="request.status_changed").exists()


def test_bulk_status_change_is_all_or_nothing(council, category, staff_user):
    first, second = report(council, category), report(council, category)
    services.request_status_change(actor=staff_user, request=second, to_status=Status.IN_PROGRESS)
    failures = services.request_bulk_status_change(
        actor=staff_user,
        council=council,
        references=[first.reference, second.reference, "BDC-999999"],
        to_status=Status.IN_PROGRESS,
        public_message="Crew out for {reference}",
    )
    assert [reference for reference, _ in failures] == [second.reference, "BDC-999999"]
    first.refresh_from_db()
    assert first.status == Status.SUBMITTED
    assert (
        services.request_bulk_status_change(
            actor=staff_user,
            council=council,
            references=[first.reference],
            to_status=Status.IN_PROGRESS,
            public_message="Crew out for {reference}",
        )
        == []
    )
    first.refresh_from_db()
    assert first.status == Status.IN_PROGRESS
    assert first.events.get(kind=EventKind.STATUS).public_message == f"Crew out for {first.reference}"


def test_chasers_are_only_for_open_requests_and_are_audited(council, category, staff_user):
    request = report(council, category)
    services.request_chaser_record(actor=staff_user, request=request, note="Phoned")
    assert AuditEntry.objects.filter(action="service_requests.request.chaser").count() == 1
    services.request_status_change(actor=staff_user, request=request, to_status=Status.FIXED, public_message="Done.")
    request.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.request_chaser_record(actor=staff_user, request=request)


def test_an_outsider_merging_is_refused_before_anything_is_checked(council, category, partner_council):
    from joinedup.accounts.models import Role
    from joinedup.accounts.tests.factories import UserFactory, grant

    outsider = UserFactory()
    grant(outsider, Role.STAFF, council=partner_council)
    first, second = report(council, category), report(council, category)
    with pytest.raises(PermissionDenied):
        services.request_merge(actor=outsider, request=second, into=first)
