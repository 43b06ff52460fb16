"""The staff pages for Open311 API keys: list, issue (shown once), revoke; permissions and isolation."""

import hashlib

import pytest
from django.urls import reverse

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.core.models import AuditEntry
from joinedup.service_requests.open311 import clients
from joinedup.service_requests.open311.models import ApiClient
from joinedup.service_requests.open311.tests.conftest import BASE, report

pytestmark = pytest.mark.django_db


def url(name, council, *args):
    return reverse(f"service_requests:{name}", args=[council.slug, *args])


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


def issue(web, council, **overrides):
    data = {"name": "FixMyStreet", "scopes": ["create_requests", "post_updates"], "owner": "council"}
    data["rate_limit_per_minute"] = "120"
    data.update(overrides)
    return web.post(url("staff-open311-key-create", council), data)


def test_staff_issue_a_key_that_is_shown_once_and_works(staff, council, category):
    response = issue(staff, council)
    key_client = ApiClient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("staff-open311-key-created", council, key_client.pk)

    shown = staff.get(response["Location"])
    assert shown.status_code == 200 and shown["Cache-Control"] == "no-store"
    key = shown.context["key"]
    assert key.startswith("jo311_") and key in shown.content.decode()
    assert key_client.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key_client.council == council and key_client.partnership is None
    assert key_client.can_create_requests and key_client.can_post_updates
    assert key_client.created_by.email == "officer@borchester.example.org"
    assert AuditEntry.objects.filter(action="service_requests.open311_client.create").count() == 1

    again = staff.get(response["Location"])
    assert again.context["key"] is None
    assert key not in again.content.decode() and "cannot be shown again" in again.content.decode()

    # The key works against the API straight away.
    created = staff.post(f"{BASE}/requests.json", report(key))
    assert created.status_code == 200, created.content


def test_the_list_shows_the_councils_keys(staff, council, partnership, outside_council):
    own, _ = clients.api_client_create(actor=None, name="FixMyStreet", council=council)
    shared, _ = clients.api_client_create(actor=None, name="Shared app", partnership=partnership)
    clients.api_client_create(actor=None, name="Ambridge works", council=outside_council)
    clients.api_client_revoke(actor=None, client=shared)
    response = staff.get(url("staff-open311-keys", council))
    assert response.status_code == 200
    page = response.content.decode()
    assert "FixMyStreet" in page and own.key_prefix in page and "Not used yet" in page
    assert "Shared app" in page and "Revoked" in page
    assert "Ambridge works" not in page
    assert url("staff-open311-key-revoke", council, own.pk) in page
    assert url("staff-open311-key-revoke", council, shared.pk) not in page  # revoked already


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter the name of the system"),
        ({"name": "x" * 101}, "name", "100 characters or fewer"),
        ({"scopes": []}, "scopes", "Choose what the key may do"),
        ({"scopes": ["delete_everything"]}, "scopes", "Choose one of the options"),
        ({"owner": "partnership"}, "owner", "Choose one of the options"),  # staff may not make partnership keys
        ({"rate_limit_per_minute": "0"}, "rate_limit_per_minute", "between 1 and 100,000"),
        ({"rate_limit_per_minute": "lots"}, "rate_limit_per_minute", "whole number"),
    ],
)
def test_bad_input_shows_the_error_summary_and_saves_nothing(staff, council, overrides, field, message):
    response = issue(staff, council, **overrides)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert field in response.context["form"].errors
    assert page.count("<title>Error: ") == 1
    assert not ApiClient.objects.exists()
    assert not AuditEntry.objects.filter(action="service_requests.open311_client.create").exists()


def test_revoke_asks_first_then_stops_the_key(staff, council, category):
    key_client, key = clients.api_client_create(actor=None, name="FixMyStreet", council=council)
    confirm = staff.get(url("staff-open311-key-revoke", council, key_client.pk))
    assert confirm.status_code == 200 and "Revoke the key for FixMyStreet?" in confirm.content.decode()
    key_client.refresh_from_db()
    assert key_client.is_active  # looking at the page changes nothing

    response = staff.post(url("staff-open311-key-revoke", council, key_client.pk))
    assert response.status_code == 302 and response["Location"] == url("staff-open311-keys", council)
    key_client.refresh_from_db()
    assert not key_client.is_active
    entry = AuditEntry.objects.get(action="service_requests.open311_client.revoke")
    assert entry.object_id == str(key_client.pk)
    assert staff.post(f"{BASE}/requests.json", report(key)).status_code == 403


def test_staff_of_another_council_cannot_see_or_revoke_keys(client, council, outside_council):
    key_client, _ = clients.api_client_create(actor=None, name="Borchester works", council=council)
    stranger = UserFactory(email="officer@ambridge.example.org")
    grant(stranger, Role.STAFF, council=outside_council)
    client.force_login(stranger)
    # Under Borchester's address: refused outright.
    assert client.get(url("staff-open311-keys", council)).status_code == 403
    assert client.get(url("staff-open311-key-create", council)).status_code == 403
    assert client.post(url("staff-open311-key-revoke", council, key_client.pk)).status_code == 403
    # Under their own council's address, Borchester's key does not exist.
    assert client.get(url("staff-open311-key-revoke", outside_council, key_client.pk)).status_code == 404
    assert client.post(url("staff-open311-key-revoke", outside_council, key_client.pk)).status_code == 404
    assert client.get(url("staff-open311-key-created", outside_council, key_client.pk)).status_code == 404
    assert "Borchester works" not in client.get(url("staff-open311-keys", outside_council)).content.decode()
    key_client.refresh_from_db()
    assert key_client.is_active


def test_residents_and_visitors_are_kept_out(client, council, resident):
    assert client.get(url("staff-open311-keys", council)).status_code == 302  # to sign in
    client.force_login(resident)
    assert client.get(url("staff-open311-keys", council)).status_code == 403
    assert client.post(url("staff-open311-key-create", council), {"name": "x"}).status_code == 403
    assert not ApiClient.objects.exists()


def test_partnership_keys_are_only_for_partnership_officers(
    client, staff_user, partnership_officer, council, partner_council, partnership
):
    shared, _ = clients.api_client_create(actor=None, name="Shared app", partnership=partnership)
    # Council staff see the partnership's key but may not revoke it, even if they are staff of every member.
    grant(staff_user, Role.STAFF, council=partner_council)
    client.force_login(staff_user)
    page = client.get(url("staff-open311-keys", council)).content.decode()
    assert "Shared app" in page and "Only the partnership's officers can revoke it" in page
    assert client.get(url("staff-open311-key-revoke", council, shared.pk)).status_code == 403
    assert client.post(url("staff-open311-key-revoke", council, shared.pk)).status_code == 403
    form = client.get(url("staff-open311-key-create", council)).context["form"]
    assert [value for value, _ in form.fields["owner"].choices] == ["council"]
    shared.refresh_from_db()
    assert shared.is_active

    # A partnership officer may issue one for every council, and revoke it.
    client.force_login(partnership_officer)
    response = issue(client, council, name="Partnership app", owner="partnership")
    assert response.status_code == 302
    made = ApiClient.objects.get(name="Partnership app")
    assert made.partnership == partnership and made.council is None
    assert client.post(url("staff-open311-key-revoke", partner_council, shared.pk)).status_code == 302
    shared.refresh_from_db()
    assert not shared.is_active


def test_a_new_key_is_shown_only_to_whoever_issued_it(client, staff, council, staff_user):
    issue(staff, council)
    key_client = ApiClient.objects.get()
    colleague = UserFactory(email="colleague@borchester.example.org")
    grant(colleague, Role.STAFF, council=council)
    client.force_login(colleague)  # a new session: the waiting key belongs to the other one
    response = client.get(url("staff-open311-key-created", council, key_client.pk))
    assert response.status_code == 200 and response.context["key"] is None


def test_the_services_check_permission_too(staff_user, council, partnership, outside_council):
    with pytest.raises(clients.PermissionDenied):
        clients.api_client_create(actor=staff_user, name="Shared", partnership=partnership)
    other, _ = clients.api_client_create(actor=None, name="Ambridge works", council=outside_council)
    with pytest.raises(clients.PermissionDenied):
        clients.api_client_revoke(actor=staff_user, client=other)
    with pytest.raises(clients.Http404):
        clients.api_client_for_staff(user=staff_user, council=council, pk=other.pk)


def test_a_key_not_shown_within_ten_minutes_is_never_shown(staff, council, category):
    import datetime

    from django.utils import timezone

    from joinedup.service_requests.open311 import views_staff

    response = issue(staff, council)
    session = staff.session
    waiting = session[views_staff.SESSION_KEY]
    waiting["until"] = (timezone.now() - datetime.timedelta(seconds=1)).timestamp()
    session[views_staff.SESSION_KEY] = waiting
    session.save()
    shown = staff.get(response["Location"])
    assert shown.context["key"] is None and "cannot be shown again" in shown.content.decode()
    assert views_staff.SESSION_KEY not in staff.session
