import hashlib
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from joinedup.core.models import AuditEntry
from joinedup.service_requests.models import ServiceRequest
from joinedup.service_requests.open311 import clients
from joinedup.service_requests.open311.models import ApiClient
from joinedup.service_requests.open311.tests.conftest import BASE, errors_of, report

pytestmark = pytest.mark.django_db


def test_key_is_shown_once_and_stored_hashed(council):
    client, key = clients.api_client_create(actor=None, name="FixMyStreet", council=council)
    assert key.startswith("jo311_") and len(key) > 40
    client.refresh_from_db()
    assert client.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiClient.objects.filter(pk=client.pk).values().get())
    assert AuditEntry.objects.filter(action="service_requests.open311_client.create", object_id=str(client.pk)).exists()


def test_create_checks_its_input(council, partnership):
    with pytest.raises(ValidationError) as caught:
        clients.api_client_create(actor=None, name="", council=council, partnership=partnership, scopes=("fly",))
    assert set(caught.value.message_dict) == {"name", "council", "scopes"}
    assert not ApiClient.objects.exists()


def test_only_the_councils_staff_manage_its_keys(council, outside_council, staff_user):
    client, _ = clients.api_client_create(actor=staff_user, name="App", council=council)
    assert client.created_by == staff_user
    with pytest.raises(PermissionDenied):
        clients.api_client_create(actor=staff_user, name="App", council=outside_council)
    with pytest.raises(PermissionDenied):
        clients.api_clients_for(user=staff_user, council=outside_council)
    assert clients.api_clients_for(user=staff_user, council=council) == [client]


def test_partnership_key_works_for_its_councils_only(partnership, council, partner_council, outside_council):
    _, key = clients.api_client_create(actor=None, name="Shared app", partnership=partnership)
    assert clients.authenticate(key=key, council=council, scope=clients.SCOPE_CREATE).name == "Shared app"
    assert clients.authenticate(key=key, council=partner_council, scope=clients.SCOPE_CREATE)
    with pytest.raises(clients.KeyRefused):
        clients.authenticate(key=key, council=outside_council, scope=clients.SCOPE_CREATE)


def test_scopes_and_revocation(council):
    client, key = clients.api_client_create(actor=None, name="Reader", council=council)
    with pytest.raises(clients.KeyRefused):
        clients.authenticate(key=key, council=council, scope=clients.SCOPE_UPDATES)
    clients.api_client_revoke(actor=None, client=client)
    with pytest.raises(clients.KeyRefused):
        clients.authenticate(key=key, council=council, scope=clients.SCOPE_CREATE)
    for bad in ("", "jo311_wrong", "x" * 500):
        with pytest.raises(clients.KeyRefused):
            clients.authenticate(key=bad, council=council, scope=clients.SCOPE_CREATE)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_without_a_valid_key_is_403_and_creates_nothing(client, category, fmt):
    for key in ("", "jo311_not-a-real-key"):
        response = client.post(f"{BASE}/requests.{fmt}", report(key))
        assert response.status_code == 403
        assert errors_of(response, fmt) == [(403, "Invalid api_key received -- can't proceed with create_request.")]
    assert not ServiceRequest.objects.exists()


def test_per_key_rate_limit(client, council, category):
    _, key = clients.api_client_create(actor=None, name="Busy", council=council, rate_limit_per_minute=2)
    codes = [client.post(f"{BASE}/requests.json", report(key)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert ServiceRequest.objects.count() == 2


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_jurisdiction_by_gss_code_or_host_name(client, category, hostname, fmt, settings):
    settings.ALLOWED_HOSTS = ["testserver", "report.borchester.example.org"]
    for jurisdiction in ("E07000901", "e07000901", "report.borchester.example.org"):
        response = client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": jurisdiction})
        assert response.status_code == 200, jurisdiction
    # On the council's own host name it may be left out.
    assert client.get(f"{BASE}/services.{fmt}", HTTP_HOST="report.borchester.example.org").status_code == 200
    missing = client.get(f"{BASE}/services.{fmt}")
    assert missing.status_code == 400
    assert errors_of(missing, fmt)[0][1].startswith("jurisdiction_id: required")
    unknown = client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "E09999999"})
    assert unknown.status_code == 404
    assert errors_of(unknown, fmt) == [(404, "jurisdiction_id: no council 'E09999999' is served here")]


def test_management_command_issues_lists_and_revokes(council, partnership):
    out = StringIO()
    call_command("open311_clients", "create", "--name", "FixMyStreet", "--council", "borchester",
                 "--scope", "create_requests", "--scope", "post_updates", stdout=out)  # fmt: skip
    key = out.getvalue().strip().splitlines()[-1]
    client = ApiClient.objects.get()
    assert client.can_create_requests and client.can_post_updates and client.council == council
    assert clients.authenticate(key=key, council=council, scope=clients.SCOPE_UPDATES) == client
    call_command("open311_clients", "create", "--name", "Shared", "--partnership", partnership.slug, stdout=StringIO())
    listing = StringIO()
    call_command("open311_clients", "list", stdout=listing)
    assert "FixMyStreet" in listing.getvalue() and "Shared" in listing.getvalue() and key not in listing.getvalue()
    call_command("open311_clients", "revoke", str(client.pk), stdout=StringIO())
    with pytest.raises(clients.KeyRefused):
        clients.authenticate(key=key, council=council, scope=clients.SCOPE_CREATE)
