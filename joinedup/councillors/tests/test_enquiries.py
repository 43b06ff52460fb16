"""Member enquiries: their own target in working days, a thread, and visibility only to the
councillor, the service area and the resident's own record."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.accounts.tests.factories import UserFactory
from joinedup.core.models import AuditEntry
from joinedup.councillors import services
from joinedup.councillors.models import EnquiryStatus, MemberEnquiry
from joinedup.notifications.models import Message
from joinedup.service_requests.working_days import add_working_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def enquiry(council, cllr_a, area, ward_a):
    return services.enquiry_create(
        actor=cllr_a,
        council=council,
        service_area=area,
        ward=ward_a,
        subject="Assisted bin collection",
        body="Mrs Patel cannot lift her bin after an operation.",
        resident_name="Priya Patel",
        resident_email="Priya@Example.org",
        resident_phone="07700 900123",
    )


def test_an_enquiry_is_due_in_the_councils_working_days_and_tells_the_service_area(
    council, cllr_a, area, lead, partnership_officer, monkeypatch
):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2026, 12, 23))  # before Christmas
    services.councillor_settings_save(actor=partnership_officer, council=council, enquiry_target_days=3)
    first = services.enquiry_create(
        actor=cllr_a, council=council, service_area=area, subject="Bins", body="Help", resident_name="Priya"
    )
    assert first.due_by == add_working_days(datetime.date(2026, 12, 23), 3) == datetime.date(2026, 12, 30)
    assert first.reference == "ME-BDC-00001"
    assert sorted(Message.objects.filter(event="councillor.enquiry_raised").values_list("recipient", flat=True)) == [
        lead.email,
        area.email,
    ]
    assert "Priya" not in Message.objects.filter(event="councillor.enquiry_raised").first().body
    audit = AuditEntry.objects.get(action="councillors.enquiry.create")
    assert "Priya" not in str(audit.changes)


def test_the_target_defaults_to_ten_working_days(council, enquiry):
    from django.utils import timezone

    assert enquiry.due_by == add_working_days(timezone.localdate(), 10)


def test_bad_input_is_refused_and_nothing_is_saved(council, cllr_a, area, ward_b, outside_council):
    from joinedup.councils.tests.factories import ServiceAreaFactory

    with pytest.raises(ValidationError) as error:
        services.enquiry_create(
            actor=cllr_a,
            council=council,
            service_area=ServiceAreaFactory(council=outside_council),
            ward=ward_b,
            subject="",
            body="",
            resident_name="",
            resident_email="nope",
        )
    assert set(error.value.message_dict) == {
        "service_area",
        "ward",
        "subject",
        "body",
        "resident_name",
        "resident_email",
    }
    assert not MemberEnquiry.objects.exists()


def test_only_councillors_raise_enquiries(council, area, staff_user, resident):
    for actor in (staff_user, resident):
        with pytest.raises(PermissionDenied):
            services.enquiry_create(
                actor=actor, council=council, service_area=area, subject="S", body="B", resident_name="R"
            )


def test_the_thread_answers_reopens_and_closes(council, enquiry, officer, cllr_a, cllr_b):
    services.enquiry_reply(actor=officer, enquiry=enquiry, body="Assisted collection arranged.")
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.ANSWERED and enquiry.first_answered_at is not None
    assert Message.objects.filter(event="councillor.enquiry_reply", recipient=cllr_a.email).count() == 1
    services.enquiry_reply(actor=cllr_a, enquiry=enquiry, body="For how long?")
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.OPEN
    services.enquiry_reply(actor=cllr_a, enquiry=enquiry, body="Thanks, all sorted.", close=True)
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.CLOSED and enquiry.closed_at is not None
    assert list(enquiry.messages.values_list("from_council", flat=True)) == [False, True, False, False]
    with pytest.raises(ValidationError, match="closed"):
        services.enquiry_reply(actor=officer, enquiry=enquiry, body="One more thing")
    with pytest.raises(PermissionDenied):
        services.enquiry_reply(actor=cllr_b, enquiry=enquiry, body="Me too")


def test_visibility_only_to_the_councillor_the_service_area_and_the_resident(
    client, council, enquiry, cllr_a, cllr_b, officer, planning_officer, staff_user, partnership_officer
):
    url = f"/{council.slug}/councillors/enquiries/{enquiry.reference}/"
    resident = UserFactory(email="someone.else@example.org")
    for user in (cllr_b, planning_officer, staff_user, partnership_officer, resident):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.force_login(cllr_a)
    page = client.get(url).content.decode()
    assert "Priya Patel" in page and "Mrs Patel cannot lift her bin" in page
    client.force_login(officer)
    assert "Priya Patel" in client.get(url).content.decode()
    assert client.post(url, {"body": ""}).status_code == 400
    assert client.post(url, {"body": "Arranged for Tuesdays."}).status_code == 302


def test_the_resident_sees_it_in_their_own_record_but_cannot_reply(client, council, cllr_a, area):
    priya = UserFactory(email="priya@example.org")
    enquiry = services.enquiry_create(
        actor=cllr_a,
        council=council,
        service_area=area,
        subject="Bins",
        body="Help with the bin",
        resident_name="Priya",
        resident_email="PRIYA@example.org",
    )
    assert enquiry.resident == priya
    client.force_login(priya)
    assert enquiry.reference in client.get(f"/{council.slug}/councillors/about-me/").content.decode()
    url = f"/{council.slug}/councillors/enquiries/{enquiry.reference}/"
    page = client.get(url).content.decode()
    assert "Help with the bin" in page and "Send the reply" not in page
    assert client.post(url, {"body": "Me"}).status_code == 403


def test_a_councillor_cannot_see_another_wards_enquiries(client, council, enquiry, cllr_b):
    client.force_login(cllr_b)
    page = client.get(f"/{council.slug}/councillors/").content.decode()
    assert enquiry.reference not in page and "Priya" not in page


def test_officers_see_member_enquiries_marked_in_their_queue(client, council, enquiry, officer, planning_officer):
    client.force_login(officer)
    page = client.get(f"/{council.slug}/staff/requests/").content.decode()
    assert enquiry.reference in page and "Member enquiry" in page
    client.force_login(planning_officer)
    page = client.get(f"/{council.slug}/staff/requests/").content.decode()
    assert enquiry.reference not in page
    assert enquiry.reference not in client.get(f"/{council.slug}/staff/councillors/enquiries/").content.decode()


def test_the_enquiry_form_raises_an_enquiry(client, council, cllr_a, area):
    client.force_login(cllr_a)
    url = f"/{council.slug}/councillors/enquiries/new/"
    response = client.post(url, {"subject": ""})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    response = client.post(
        url,
        {"service_area": area.pk, "subject": "Bins", "body": "Please help", "resident_name": "Priya Patel"},
    )
    enquiry = MemberEnquiry.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/enquiries/{enquiry.reference}/")


def test_enquiry_numbers_are_per_council(council, partner_council, cllr_a, area):
    from joinedup.accounts.models import Role
    from joinedup.accounts.tests.factories import grant
    from joinedup.councils.tests.factories import ServiceAreaFactory, WardFactory

    other = UserFactory(email="cllr@felpersham.example.org")
    grant(other, Role.COUNCILLOR, council=partner_council, wards=[WardFactory(council=partner_council)])
    values = {"subject": "S", "body": "B", "resident_name": "R"}
    services.enquiry_create(actor=cllr_a, council=council, service_area=area, **values)
    second = services.enquiry_create(actor=cllr_a, council=council, service_area=area, **values)
    theirs = services.enquiry_create(
        actor=other, council=partner_council, service_area=ServiceAreaFactory(council=partner_council), **values
    )
    assert (second.number, theirs.number) == (2, 1)
    with pytest.raises(PermissionDenied):
        services.enquiry_create(actor=cllr_a, council=partner_council, service_area=area, **values)
