import pytest
from django.urls import reverse

from joinedup.core.models import AuditEntry
from joinedup.notifications.models import MessageTemplate

pytestmark = pytest.mark.django_db


def edit_url(council, event="request.submitted", channel="email"):
    return reverse("notifications:message-edit", args=[council.slug, event, channel])


def test_staff_read_the_wording_but_cannot_change_it(client, staff_user, council):
    client.force_login(staff_user)
    listing = client.get(reverse("notifications:message-list", args=[council.slug]))
    assert "Request received" in listing.text
    page = client.get(edit_url(council))
    assert "We have your report BDC-000123" in page.text  # the preview, with made-up details
    assert "Save message" not in page.text
    assert client.post(edit_url(council), {"body": "Hi", "action": "save"}).status_code == 403


def test_a_manager_previews_saves_and_resets_the_wording(client, partnership_officer, council):
    client.force_login(partnership_officer)
    data = {"subject": "Thanks: {reference}", "body": "We got {reference}. Due {expected_by}.", "action": "preview"}
    preview = client.post(edit_url(council), data)
    assert "We got BDC-000123. Due 4 December 2026." in preview.text
    assert not MessageTemplate.objects.exists()

    response = client.post(edit_url(council), {**data, "action": "save"})
    assert response.status_code == 302
    template = MessageTemplate.objects.get(council=council, event="request.submitted", channel="email")
    assert template.subject == "Thanks: {reference}"
    assert AuditEntry.objects.filter(action="notifications.message_template.create").exists()

    client.post(edit_url(council), {"action": "reset"})
    assert not MessageTemplate.objects.exists()


def test_unknown_placeholders_are_named_in_the_error(client, administrator, council):
    client.force_login(administrator)
    response = client.post(edit_url(council, channel="sms"), {"body": "Ref {refrence}", "action": "save"})
    assert "There is a problem" in response.text
    assert "{refrence}" in response.text
    assert not MessageTemplate.objects.exists()


def test_other_councils_staff_are_refused(client, staff_user, partner_council):
    client.force_login(staff_user)
    assert client.get(reverse("notifications:message-list", args=[partner_council.slug])).status_code == 403
    assert client.get(edit_url(partner_council)).status_code == 403


def test_unknown_event_is_not_found(client, staff_user, council):
    client.force_login(staff_user)
    assert client.get(edit_url(council, event="request.nope")).status_code == 404
