"""
Staff work with two-factor sign-in required (REQUIRE_STAFF_MFA, on in production).

Two-factor gates the signed-in session only. The people an action is about (the officer a
request is given to, a service area's lead officer) hold their roles whether or not they are
signed in right now, so those checks must not ask whether *they* passed two-factor.
"""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.accounts import permissions
from joinedup.accounts.models import Role, User
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.councils.models import ServiceArea
from joinedup.councils.tests.factories import ServiceAreaFactory
from joinedup.service_requests import services as request_services
from joinedup.service_requests.models import ContactPreference

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.REQUIRE_STAFF_MFA = True


def sign_in_with_two_factor(client, user):
    """Sign the test client in as someone who has completed two-factor sign-in with a real device."""
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def colleague(council):
    user = UserFactory(email="colleague@borchester.example.org", full_name="Colin Colleague")
    grant(user, Role.STAFF, council=council)
    return user


def report(council, category):
    return request_services.request_create(
        council=council,
        category=category,
        description="A sofa on the verge",
        location_text="Verge outside 12 High Street",
        answers={"size": "van"},
        reporter_name="Rosa Resident",
        reporter_email="rosa@example.org",
        contact_preference=ContactPreference.EMAIL,
    )


def test_a_persons_roles_do_not_depend_on_whether_they_are_signed_in(staff_user, colleague, council):
    # Neither has passed two-factor in this "request": they are people, not sessions.
    assert permissions.is_council_officer(colleague, council) is True
    assert list(permissions.councils_served(colleague)) == [council]
    # The session check still applies to anyone acting.
    assert permissions.can_view_staff_pages(colleague, council) is False


def test_a_verified_officer_assigns_a_request_to_a_colleague(client, staff_user, colleague, council, category):
    request = report(council, category)
    sign_in_with_two_factor(client, staff_user)
    response = client.post(
        reverse("service_requests:staff-assign", args=[council.slug, request.reference]),
        {"assign-assigned_to": colleague.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request.refresh_from_db()
    assert request.assigned_to == colleague


def test_assigning_to_someone_who_is_not_an_officer_of_the_council_is_still_refused(
    client, staff_user, council, partner_council, category
):
    from django.core.exceptions import ValidationError

    elsewhere = UserFactory(email="elsewhere@example.org")
    grant(elsewhere, Role.STAFF, council=partner_council)
    request = report(council, category)
    staff_user.is_verified = lambda: True
    with pytest.raises(ValidationError, match="officer of this council"):
        request_services.request_assign(actor=staff_user, request=request, officer=elsewhere)


def test_a_verified_administrator_sets_a_lead_officer(client, administrator, staff_user, council):
    area = ServiceAreaFactory(council=council, name="Highways", slug="highways")
    sign_in_with_two_factor(client, administrator)
    response = client.post(
        reverse("councils:service-area-edit", args=[council.slug, area.pk]),
        {"name": "Highways", "slug": "highways", "description": "", "email": "", "lead_officer": staff_user.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    area.refresh_from_db()
    assert area.lead_officer == staff_user


def test_seed_demo_runs_with_two_factor_required():
    out = io.StringIO()
    call_command("seed_demo", password="correct-horse-battery-staple", stdout=out)
    assert "authenticator app" in out.getvalue()
    waste = ServiceArea.objects.get(council__slug="boston", slug="waste-recycling")
    assert waste.lead_officer == User.objects.get(email="staff@example.org")


def test_an_officer_who_has_not_passed_two_factor_is_still_refused(client, staff_user, colleague, council, category):
    request = report(council, category)
    with pytest.raises(PermissionDenied):
        request_services.request_assign(actor=staff_user, request=request, officer=colleague)

    client.force_login(staff_user)
    response = client.post(
        reverse("service_requests:staff-assign", args=[council.slug, request.reference]),
        {"assign-assigned_to": colleague.pk},
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two-factor"))
    request.refresh_from_db()
    assert request.assigned_to is None
