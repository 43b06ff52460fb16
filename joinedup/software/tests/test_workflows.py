import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.core.models import AuditEntry
from joinedup.councils.tests.factories import ServiceAreaFactory
from joinedup.notifications.models import Message
from joinedup.software import services, workflows
from joinedup.software.models import (
    Assignment,
    Attestation,
    AttestationStatus,
    ReclaimRequest,
    ReclaimStatus,
)
from joinedup.software.tests.factories import make_application, make_product, make_usage

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def lead(council):
    user = UserFactory(email="lead@borchester.example.org", full_name="Lena Lead")
    grant(user, Role.STAFF, council=council)
    return user


@pytest.fixture
def estate(council, lead):
    area = ServiceAreaFactory(council=council, name="Corporate ICT", lead_officer=lead)
    e3 = make_product(council, "Office 365 E3", aliases=["ENTERPRISEPACK"])
    app = make_application(council, e3, name="Microsoft 365", service_area=area, business_owner="Lena Lead")
    services.entitlement_create(actor=None, council=council, product=e3, quantity=4, unit_price=Decimal("240"))
    for person in ("active@b.gov.uk", "stale@b.gov.uk", "never@b.gov.uk"):
        services.assignment_add(actor=None, council=council, product=e3, person=person)
    make_usage(council, e3, "active@b.gov.uk", TODAY)
    make_usage(council, e3, "stale@b.gov.uk", TODAY - datetime.timedelta(days=90))
    return {"e3": e3, "app": app, "area": area}


def test_candidates_are_assigned_people_not_active_within_the_threshold(council, estate):
    candidates = workflows.reclaim_candidates(council=council, product=estate["e3"], today=TODAY)
    # Exactly the threshold ago is outside it.
    assert candidates == [("never@b.gov.uk", None), ("stale@b.gov.uk", TODAY - datetime.timedelta(days=90))]


def test_site_licences_have_no_reclaim_candidates(council):
    site = make_product(council, "Site thing")
    services.entitlement_create(actor=None, council=council, product=site, quantity=1, metric="site")
    services.assignment_add(actor=None, council=council, product=site, person="a@b.gov.uk")
    assert workflows.reclaim_candidates(council=council, product=site, today=TODAY) == []


def test_reclaim_requests_go_to_the_service_area_lead_by_email(council, staff_user, lead, estate):
    created = workflows.reclaim_requests_create(actor=staff_user, council=council, product=estate["e3"], today=TODAY)
    assert sorted(r.person for r in created) == ["never@b.gov.uk", "stale@b.gov.uk"]
    assert all(r.owner == lead and r.due_date == TODAY + datetime.timedelta(days=14) for r in created)
    message = Message.objects.get(event="software.reclaim_requested")
    assert message.recipient == lead.email
    assert "stale@b.gov.uk" in message.body and "never used" in message.body
    assert "/staff/software/reclaim-and-attest/" in message.body
    assert AuditEntry.objects.filter(action="software.reclaim.request").count() == 1
    # Asking again adds nothing while the requests are open.
    assert workflows.reclaim_requests_create(actor=staff_user, council=council, product=estate["e3"], today=TODAY) == []
    assert Message.objects.filter(event="software.reclaim_requested").count() == 1


def test_another_councils_staff_cannot_raise_requests(council, partner_council, estate):
    other = UserFactory()
    grant(other, Role.STAFF, council=partner_council)
    with pytest.raises(PermissionDenied):
        workflows.reclaim_requests_create(actor=other, council=council, product=estate["e3"], today=TODAY)
    assert not ReclaimRequest.objects.exists()


def test_the_owner_keeps_with_a_reason_or_reclaims(council, staff_user, lead, estate):
    stale, never = sorted(
        workflows.reclaim_requests_create(actor=None, council=council, product=estate["e3"], today=TODAY),
        key=lambda r: r.person,
        reverse=True,
    )
    with pytest.raises(ValidationError):
        workflows.reclaim_decide(actor=lead, request=stale, decision="kept", reason=" ")
    workflows.reclaim_decide(actor=lead, request=stale, decision="kept", reason="Seasonal worker")
    workflows.reclaim_decide(actor=lead, request=never, decision="reclaimed")
    stale.refresh_from_db()
    assert stale.status == ReclaimStatus.KEPT and stale.reason == "Seasonal worker" and stale.decided_by == lead
    people = set(Assignment.objects.filter(council=council).values_list("person", flat=True))
    assert people == {"active@b.gov.uk", "stale@b.gov.uk"}
    assert AuditEntry.objects.filter(action="software.reclaim.reclaim", actor=lead).exists()
    with pytest.raises(ValidationError):
        workflows.reclaim_decide(actor=lead, request=never, decision="kept", reason="Changed my mind")


def test_only_the_owner_or_the_partnership_decides(council, staff_user, partnership_officer, estate):
    request = workflows.reclaim_requests_create(actor=None, council=council, product=estate["e3"], today=TODAY)[0]
    with pytest.raises(PermissionDenied):
        workflows.reclaim_decide(actor=staff_user, request=request, decision="reclaimed")
    workflows.reclaim_decide(actor=partnership_officer, request=request, decision="reclaimed")


def test_attestation_campaign_asks_each_owner_once(council, lead, estate, staff_user):
    make_application(council, make_product(council, "Uniform"), name="Uniform")  # no service area: no owner
    campaign = workflows.attestation_campaign_start(
        actor=staff_user, council=council, year=2026, due_date=datetime.date(2099, 1, 31)
    )
    attestations = Attestation.objects.filter(campaign=campaign).order_by("application__name")
    assert [(a.application.name, a.owner) for a in attestations] == [("Microsoft 365", lead), ("Uniform", None)]
    message = Message.objects.get(event="software.attestation_requested")
    assert message.recipient == lead.email and "Microsoft 365" in message.body and "Uniform" not in message.body
    with pytest.raises(ValidationError):
        workflows.attestation_campaign_start(
            actor=staff_user, council=council, year=2026, due_date=datetime.date(2099, 1, 31)
        )


def test_attestation_answers(council, lead, estate, staff_user):
    campaign = workflows.attestation_campaign_start(
        actor=None, council=council, year=2026, due_date=datetime.date(2099, 1, 31)
    )
    attestation = campaign.attestations.get()
    with pytest.raises(PermissionDenied):
        workflows.attestation_answer(
            actor=staff_user, attestation=attestation, still_needed=True, owner_correct=True, users_correct=True
        )
    with pytest.raises(ValidationError):
        workflows.attestation_answer(
            actor=lead, attestation=attestation, still_needed=True, owner_correct=False, users_correct=True
        )
    workflows.attestation_answer(
        actor=lead,
        attestation=attestation,
        still_needed=True,
        owner_correct=False,
        users_correct=True,
        comment="Owner is now Sam Smith",
    )
    attestation.refresh_from_db()
    assert attestation.status == AttestationStatus.CHANGES and attestation.answered_by == lead
    assert AuditEntry.objects.filter(action="software.attestation.answer").count() == 1


def test_overdue_reminders_weekly(council, lead, estate):
    workflows.reclaim_requests_create(actor=None, council=council, product=estate["e3"], today=TODAY)
    due = TODAY + datetime.timedelta(days=14)
    assert workflows.software_reminders_send(today=due) == {"owners reminded of overdue software decisions": 0}
    day_after = due + datetime.timedelta(days=1)
    assert workflows.software_reminders_send(today=day_after)["owners reminded of overdue software decisions"] == 1
    reminders = Message.objects.filter(event="software.overdue_reminder")
    assert reminders.count() == 1 and "stale@b.gov.uk" in reminders.get().body
    for offset in range(1, 7):
        workflows.software_reminders_send(today=day_after + datetime.timedelta(days=offset))
    week = Message.objects.filter(event="software.overdue_reminder").count()
    assert week in (1, 2)  # seven days in a row cross at most one weekly boundary
    workflows.software_reminders_send(today=day_after + datetime.timedelta(days=14))
    workflows.software_reminders_send(today=day_after + datetime.timedelta(days=14))
    assert Message.objects.filter(event="software.overdue_reminder").count() == week + 1


def test_reminder_command_runs(council, estate, capsys):
    call_command("send_software_reminders")
    assert "owners reminded" in capsys.readouterr().out


# Pages


def test_pages_for_the_owner(client, council, lead, estate):
    request = workflows.reclaim_requests_create(actor=None, council=council, product=estate["e3"], today=TODAY)[0]
    client.force_login(lead)
    base = f"/{council.slug}/staff/software/reclaim-and-attest/"
    content = client.get(base).content.decode()
    assert request.person in content and "Overdue" not in content  # due in 14 days
    ReclaimRequest.objects.filter(pk=request.pk).update(due_date=TODAY - datetime.timedelta(days=1))
    content = client.get(base).content.decode()
    assert "1 reclaim decision and 0 attestations are overdue" in content
    response = client.post(f"{base}reclaim/{request.pk}/", {"decision": "kept", "reason": ""})
    assert response.status_code == 200 and "Say why the licence is still needed" in response.content.decode()
    response = client.post(f"{base}reclaim/{request.pk}/", {"decision": "reclaimed"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ReclaimStatus.RECLAIMED


def test_pages_refuse_others(client, council, staff_user, partner_council, estate):
    request = workflows.reclaim_requests_create(actor=None, council=council, product=estate["e3"], today=TODAY)[0]
    base = f"/{council.slug}/staff/software/reclaim-and-attest/"
    client.force_login(staff_user)
    assert client.get(base).status_code == 200
    assert client.get(f"{base}reclaim/{request.pk}/").status_code == 403
    other = UserFactory()
    grant(other, Role.STAFF, council=partner_council)
    client.force_login(other)
    assert client.get(base).status_code == 403
    assert (
        client.get(f"/{partner_council.slug}/staff/software/reclaim-and-attest/reclaim/{request.pk}/").status_code
        == 404
    )


def test_start_pages(client, council, staff_user, estate):
    client.force_login(staff_user)
    base = f"/{council.slug}/staff/software/reclaim-and-attest/"
    response = client.post(f"{base}reclaim/new/", {"product": estate["e3"].pk})
    assert response.status_code == 302 and ReclaimRequest.objects.count() == 2
    response = client.post(f"{base}attestation/new/", {"year": "2026", "due_date": "not a date"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    response = client.post(f"{base}attestation/new/", {"year": "2026", "due_date": "2099-01-31"})
    assert response.status_code == 302 and Attestation.objects.count() == 1
