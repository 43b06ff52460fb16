"""Escalating a request tells the lead once; the councillor hears when it is answered or changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.core.models import AuditEntry
from joinedup.councillors import services
from joinedup.councillors.models import Councillor, DigestChoice, Escalation, Follow
from joinedup.notifications.models import Message
from joinedup.service_requests import services as request_services
from joinedup.service_requests.models import Status

pytestmark = pytest.mark.django_db


def messages(event):
    return list(Message.objects.filter(event=event).order_by("pk").values_list("recipient", flat=True))


def test_escalation_notifies_the_lead_once(council, ward_a, cllr_a, make_request, lead):
    request = make_request(ward=ward_a)
    escalation = services.escalation_create(actor=cllr_a, request=request, reason="Third time residents asked me.")
    assert messages("councillor.escalated") == [lead.email]
    body = Message.objects.get(event="councillor.escalated").body
    assert request.reference in body and "Third time residents asked me." in body
    assert f"/staff/requests/{request.reference}/" in body
    with pytest.raises(ValidationError, match="already escalated"):
        services.escalation_create(actor=cllr_a, request=request, reason="Again!")
    assert messages("councillor.escalated") == [lead.email]
    assert Escalation.objects.count() == 1
    assert AuditEntry.objects.filter(action="councillors.escalation.create", object_id=str(escalation.pk)).exists()


def test_the_service_area_mailbox_hears_when_there_is_no_lead(council, ward_a, cllr_a, make_request, area):
    area.lead_officer = None
    area.save()
    services.escalation_create(actor=cllr_a, request=make_request(ward=ward_a), reason="Please look again")
    assert messages("councillor.escalated") == [area.email]


def test_only_the_wards_councillors_can_escalate(council, ward_a, cllr_b, make_request, staff_user):
    request = make_request(ward=ward_a)
    for actor in (cllr_b, staff_user):
        with pytest.raises(PermissionDenied):
            services.escalation_create(actor=actor, request=request, reason="Please")
    with pytest.raises(PermissionDenied):
        services.escalation_create(actor=cllr_b, request=make_request(ward=None), reason="Please")


def test_an_empty_reason_is_refused(council, ward_a, cllr_a, make_request):
    with pytest.raises(ValidationError, match="Enter why"):
        services.escalation_create(actor=cllr_a, request=make_request(ward=ward_a), reason="  ")


def test_escalation_shows_on_the_staff_page_and_is_answered(client, council, ward_a, cllr_a, make_request, staff_user):
    request = make_request(ward=ward_a)
    escalation = services.escalation_create(actor=cllr_a, request=request, reason="Residents keep asking")
    services.follow_start(actor=cllr_a, request=request)
    client.force_login(staff_user)
    page = client.get(f"/{council.slug}/staff/requests/{request.reference}/").content.decode()
    assert "Escalated" in page and "Residents keep asking" in page and "1 councillor follows" in page
    url = f"/{council.slug}/staff/councillors/escalations/{escalation.pk}/answer/"
    assert client.post(url, {"answer": ""}).status_code == 400
    response = client.post(url, {"answer": "The crew goes on Friday."})
    assert response.status_code == 302
    assert messages("councillor.escalation_answered") == [cllr_a.email]
    assert "The crew goes on Friday." in Message.objects.get(event="councillor.escalation_answered").body
    with pytest.raises(ValidationError, match="already been answered"):
        services.escalation_answer(actor=staff_user, escalation=escalation, answer="Again")
    # Answered, the councillor may escalate it again.
    services.escalation_create(actor=cllr_a, request=request, reason="Friday came and went")


def test_escalation_answers_need_the_councils_staff(council, partner_council, ward_a, cllr_a, make_request):
    from joinedup.accounts.models import Role
    from joinedup.accounts.tests.factories import UserFactory, grant

    escalation = services.escalation_create(actor=cllr_a, request=make_request(ward=ward_a), reason="Please")
    other_staff = UserFactory(email="other@felpersham.example.org")
    grant(other_staff, Role.STAFF, council=partner_council)
    with pytest.raises(PermissionDenied):
        services.escalation_answer(actor=other_staff, escalation=escalation, answer="Not mine")
    with pytest.raises(PermissionDenied):
        services.escalation_answer(actor=cllr_a, escalation=escalation, answer="Answering myself")


def test_followers_and_escalating_councillors_hear_of_status_changes(
    council, ward_a, cllr_a, cllr_b, make_request, staff_user
):
    request = make_request(ward=ward_a)
    services.escalation_create(actor=cllr_a, request=request, reason="Please")
    services.follow_start(actor=cllr_b, request=request)
    request_services.request_status_change(actor=staff_user, request=request, to_status=Status.ACKNOWLEDGED)
    assert sorted(messages("councillor.request_update")) == sorted([cllr_a.email, cllr_b.email])
    request_services.request_public_update(actor=staff_user, request=request, message="On our list")
    assert len(messages("councillor.request_update")) == 4
    services.follow_stop(actor=cllr_b, request=request)
    request_services.request_status_change(
        actor=staff_user, request=request, to_status=Status.FIXED, public_message="Cleared"
    )
    assert messages("councillor.request_update")[4:] == [cllr_a.email]
    assert "Cleared" in Message.objects.filter(event="councillor.request_update").order_by("pk").last().body


def test_councillors_who_chose_the_digest_get_no_single_messages(council, ward_a, cllr_a, make_request, staff_user):
    Councillor.objects.filter(user=cllr_a).update(digest=DigestChoice.WEEKLY)
    request = make_request(ward=ward_a)
    escalation = services.escalation_create(actor=cllr_a, request=request, reason="Please")
    request_services.request_status_change(actor=staff_user, request=request, to_status=Status.ACKNOWLEDGED)
    services.escalation_answer(actor=staff_user, escalation=escalation, answer="Done")
    assert messages("councillor.request_update") == [] and messages("councillor.escalation_answered") == []


def test_follow_is_for_the_councils_councillors(client, council, ward_a, ward_b, cllr_a, make_request, resident):
    request = make_request(ward=ward_b)  # any request of their council, not only their wards
    client.force_login(cllr_a)
    url = f"/{council.slug}/councillors/requests/{request.reference}/follow/"
    assert client.post(url, {"action": "start"}).status_code == 302
    assert client.post(url, {"action": "start"}).status_code == 302
    assert Follow.objects.filter(user=cllr_a, request=request).count() == 1
    assert request.reference in client.get(f"/{council.slug}/councillors/").content.decode()
    client.post(url, {"action": "stop"})
    assert not Follow.objects.exists()
    with pytest.raises(PermissionDenied):
        services.follow_start(actor=resident, request=request)


def test_escalating_through_the_page_shows_errors_and_then_succeeds(client, council, ward_a, cllr_a, make_request):
    request = make_request(ward=ward_a)
    client.force_login(cllr_a)
    url = f"/{council.slug}/councillors/requests/{request.reference}/escalate/"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    assert client.post(url, {"reason": "Please look again"}).status_code == 302
    response = client.post(url, {"reason": "And again"})
    assert response.status_code == 400 and "already escalated" in response.content.decode()
