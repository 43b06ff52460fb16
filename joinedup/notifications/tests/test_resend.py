"""Staff see messages that ended uncertain or failed, and resend one after checking."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.core.models import AuditEntry
from joinedup.notifications import delivery, selectors, services
from joinedup.notifications.models import Message, MessageStatus

pytestmark = pytest.mark.django_db


def ended(message, status, error="The worker stopped while sending this message."):
    Message.objects.filter(pk=message.pk).update(status=status, attempts=1, last_error=error)
    message.refresh_from_db()
    return message


def resend_url(message, council=None, **query):
    url = reverse("notifications:message-resend", args=[(council or message.council).slug, message.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def other_staff(outside_council):
    user = UserFactory(email="officer@ambridge.example.org")
    grant(user, Role.STAFF, council=outside_council)
    return user


def test_resending_makes_a_new_attempt_and_keeps_the_old_record(
    smtp_server, queue, staff_user, django_capture_on_commit_callbacks
):
    old = ended(queue(recipient="resident@example.org"), MessageStatus.UNCERTAIN)
    with django_capture_on_commit_callbacks(execute=True):
        new = services.message_resend(actor=staff_user, message=old, checked=True)

    old.refresh_from_db()
    assert (old.status, old.attempts) == (MessageStatus.UNCERTAIN, 1)
    assert old.last_error == "The worker stopped while sending this message."
    assert new.resend_of == old
    assert (new.recipient, new.subject, new.body, new.event) == (old.recipient, old.subject, old.body, old.event)
    assert (new.object_type, new.object_id) == (old.object_type, old.object_id)

    # The new message is queued for the worker when the transaction commits; delivering sends it once.
    assert delivery.deliver_due() == {"sent": 1}
    new.refresh_from_db()
    assert new.status == MessageStatus.SENT
    assert len(smtp_server) == 1

    entry = AuditEntry.objects.get(action="notifications.message.resend")
    assert entry.actor == staff_user
    assert entry.council == old.council
    assert entry.object_id == str(old.pk)
    assert entry.changes["resent_as"] == new.pk
    assert entry.changes["status"] == MessageStatus.UNCERTAIN


def test_a_message_is_resent_once_and_only_if_it_ended_badly(queue, staff_user):
    old = ended(queue(), MessageStatus.FAILED, "The mail server refused the address.")
    services.message_resend(actor=staff_user, message=old, checked=True)
    with pytest.raises(ValidationError, match="already been resent"):
        services.message_resend(actor=staff_user, message=old, checked=True)

    for status in (MessageStatus.PENDING, MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.DELIVERED):
        message = ended(queue(), status)
        with pytest.raises(ValidationError, match="cannot be resent"):
            services.message_resend(actor=staff_user, message=message, checked=True)
    assert Message.objects.filter(resend_of__isnull=False).count() == 1
    assert AuditEntry.objects.filter(action="notifications.message.resend").count() == 1


def test_resending_needs_the_check_confirmed(queue, staff_user):
    old = ended(queue(), MessageStatus.UNCERTAIN)
    with pytest.raises(ValidationError) as error:
        services.message_resend(actor=staff_user, message=old, checked=False)
    assert "checked" in error.value.message_dict
    assert not Message.objects.filter(resend_of=old).exists()


def test_only_the_councils_staff_may_resend(queue, other_staff, resident, partnership_officer, outside_council):
    old = ended(queue(), MessageStatus.UNCERTAIN)
    for user in (other_staff, resident, None):
        with pytest.raises(PermissionDenied):
            services.message_resend(actor=user, message=old, checked=True)
    # A partnership officer may (the council is in their partnership).
    assert services.message_resend(actor=partnership_officer, message=old, checked=True).resend_of == old
    with pytest.raises(PermissionDenied):
        selectors.messages_needing_checking(user=other_staff, council=old.council)


def test_the_message_list_shows_what_needs_checking(client, queue, staff_user, council):
    uncertain = ended(queue(recipient="maybe@example.org"), MessageStatus.UNCERTAIN)
    failed = ended(queue(recipient="failed@example.org"), MessageStatus.FAILED, "Bad address.")
    ended(queue(recipient="fine@example.org"), MessageStatus.SENT)
    resent = ended(queue(recipient="resent@example.org"), MessageStatus.FAILED)
    services.message_resend(actor=staff_user, message=resent, checked=True)

    client.force_login(staff_user)
    page = client.get(reverse("notifications:message-list", args=[council.slug]))
    assert page.status_code == 200
    assert list(page.context["to_check"]) == [failed, uncertain]
    assert "2 messages could not be sent, or may not have been" in page.text
    assert resend_url(uncertain) in page.text
    assert resend_url(failed) in page.text
    assert "fine@example.org" not in page.text
    assert "resent@example.org" not in page.text


def test_staff_check_and_resend_through_the_page(client, queue, staff_user, council):
    old = ended(queue(recipient="maybe@example.org"), MessageStatus.UNCERTAIN)
    client.force_login(staff_user)
    page = client.get(resend_url(old))
    assert page.status_code == 200
    assert "may already have reached maybe@example.org" in page.text
    assert "The worker stopped while sending this message." in page.text

    # Not confirmed: a GOV.UK error summary, nothing resent.
    refused = client.post(resend_url(old), {})
    assert refused.status_code == 200
    assert "There is a problem" in refused.text
    assert "Confirm you have checked that the message needs sending again" in refused.text
    assert refused.context["form"].errors["checked"]
    assert not Message.objects.filter(resend_of=old).exists()

    done = client.post(resend_url(old), {"checked": "on"})
    new = Message.objects.get(resend_of=old)
    assert done.status_code == 302
    assert done.url == resend_url(new)
    assert new.status == MessageStatus.PENDING
    page = client.get(done.url)
    assert "The message will be sent again to maybe@example.org" in page.text
    assert "Resend the message" not in page.text  # the new one is waiting, not to be resent

    # The old message's page now points at the resend and offers no second one.
    page = client.get(resend_url(old))
    assert resend_url(new) in page.text
    assert "Resend the message" not in page.text
    again = client.post(resend_url(old), {"checked": "on"})
    assert "already been resent" in again.text
    assert Message.objects.filter(resend_of=old).count() == 1


def test_after_resending_staff_go_back_where_they_came_from_but_never_off_site(client, queue, staff_user):
    first = ended(queue(), MessageStatus.FAILED)
    second = ended(queue(), MessageStatus.FAILED)
    client.force_login(staff_user)
    back = client.post(resend_url(first), {"checked": "on", "next": "/borchester/staff/requests/"})
    assert back.url == "/borchester/staff/requests/"
    away = client.post(resend_url(second), {"checked": "on", "next": "https://evil.example.com/"})
    assert away.url == resend_url(Message.objects.get(resend_of=second))


def test_resend_is_a_post_and_html_in_a_message_is_escaped(client, queue, staff_user):
    old = ended(queue(recipient="resident@example.org"), MessageStatus.FAILED, "<script>alert(1)</script>")
    client.force_login(staff_user)
    page = client.get(resend_url(old))
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
    assert client.put(resend_url(old)).status_code == 405
    assert not Message.objects.filter(resend_of=old).exists()


def test_other_councils_staff_cannot_see_or_resend(client, queue, other_staff, staff_user, council, outside_council):
    old = ended(queue(), MessageStatus.UNCERTAIN)
    client.force_login(other_staff)
    # Through their own council's address the message is not found; through its council's, refused.
    assert client.get(resend_url(old, council=outside_council)).status_code == 404
    assert client.post(resend_url(old, council=outside_council), {"checked": "on"}).status_code == 404
    assert client.get(resend_url(old)).status_code == 403
    assert client.post(resend_url(old), {"checked": "on"}).status_code == 403
    assert client.get(reverse("notifications:message-list", args=[council.slug])).status_code == 403
    own = client.get(reverse("notifications:message-list", args=[outside_council.slug]))
    assert list(own.context["to_check"]) == []
    assert not Message.objects.filter(resend_of=old).exists()


def test_signed_out_people_are_sent_to_sign_in(client, queue):
    old = ended(queue(), MessageStatus.UNCERTAIN)
    response = client.post(resend_url(old), {"checked": "on"})
    assert response.status_code == 302
    assert "login" in response.url or "sign-in" in response.url
    assert not Message.objects.filter(resend_of=old).exists()


def test_the_requests_staff_page_links_a_message_to_check_and_comes_back(client, staff_user, council, category):
    from joinedup.service_requests import services as request_services
    from joinedup.service_requests.models import ContactPreference

    sr = request_services.request_create(
        council=council,
        category=category,
        description="A sofa on the verge",
        location_text="Verge outside 12 High Street",
        answers={"size": "van"} if category.questions.filter(code="size").exists() else {},
        reporter_name="Rosa Resident",
        reporter_email="rosa@example.org",
        contact_preference=ContactPreference.EMAIL,
    )
    message = Message.objects.get(object_type="service_requests.servicerequest", object_id=str(sr.pk))
    ended(message, MessageStatus.UNCERTAIN)
    detail = reverse("service_requests:staff-detail", args=[council.slug, sr.reference])

    client.force_login(staff_user)
    page = client.get(detail)
    link = resend_url(message, next=detail)
    assert link in page.text
    assert "May have been sent: check before resending" in page.text

    done = client.post(resend_url(message), {"checked": "on", "next": detail})
    assert done.url == detail
    page = client.get(detail)
    # Both attempts are listed on the request: the old one as it ended, the new one waiting.
    assert {m.status for m in page.context["notifications"]} == {MessageStatus.UNCERTAIN, MessageStatus.PENDING}
    assert "Check and resend" not in page.text
    assert "Resent by staff" in page.text
