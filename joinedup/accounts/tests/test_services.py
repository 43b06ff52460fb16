import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from joinedup.accounts import services
from joinedup.accounts.models import Role, RoleAssignment, User
from joinedup.core.models import AuditEntry
from joinedup.councils.tests.factories import ServiceAreaFactory, WardFactory

pytestmark = pytest.mark.django_db


def test_user_create_normalises_email_and_checks_password_strength():
    user = services.user_create(
        actor=None, email="Someone@Example.ORG", full_name="Some One", password="a-long-enough-passphrase"
    )
    assert user.email == "someone@example.org"
    assert user.check_password("a-long-enough-passphrase")
    with pytest.raises(ValidationError, match="too short"):
        services.user_create(actor=None, email="short@example.org", full_name="Short", password="abc123xyz")
    assert not User.objects.filter(email="short@example.org").exists()


def test_user_create_without_password_needs_a_reset_first():
    user = services.user_create(actor=None, email="new@example.org", full_name="New Person")
    assert user.has_usable_password() is False


def test_only_administrators_create_accounts(staff_user, administrator):
    with pytest.raises(PermissionDenied):
        services.user_create(actor=staff_user, email="x@example.org", full_name="X")
    services.user_create(actor=administrator, email="x@example.org", full_name="X")
    entry = AuditEntry.objects.get(action="accounts.user.create", object_repr="X")
    assert entry.actor == administrator


def test_role_grant_is_scoped_and_audited(administrator, council, resident):
    area = ServiceAreaFactory(council=council)
    assignment = services.role_grant(
        actor=administrator, user=resident, role=Role.STAFF, council=council, service_areas=[area]
    )
    assert list(assignment.service_areas.all()) == [area]
    entry = AuditEntry.objects.get(action="accounts.role.grant")
    assert entry.council == council and entry.changes["role"] == "staff"


def test_role_grant_refuses_service_areas_and_wards_of_another_council(
    administrator, council, partner_council, resident
):
    with pytest.raises(ValidationError, match="is not part of"):
        services.role_grant(
            actor=administrator,
            user=resident,
            role=Role.STAFF,
            council=council,
            service_areas=[ServiceAreaFactory(council=partner_council)],
        )
    with pytest.raises(ValidationError, match="is not in"):
        services.role_grant(
            actor=administrator,
            user=resident,
            role=Role.COUNCILLOR,
            council=council,
            wards=[WardFactory(council=partner_council)],
        )
    assert not RoleAssignment.objects.filter(user=resident).exists()


def test_partnership_officer_grants_council_roles_only_in_their_partnership(
    partnership_officer, council, outside_council, resident
):
    services.role_grant(actor=partnership_officer, user=resident, role=Role.COUNCILLOR, council=council)
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=partnership_officer, user=resident, role=Role.STAFF, council=outside_council)
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=partnership_officer, user=resident, role=Role.ADMINISTRATOR)


def test_staff_cannot_grant_roles(staff_user, council, resident):
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=staff_user, user=resident, role=Role.STAFF, council=council)


def test_a_role_must_have_the_scope_it_needs(resident, council):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=resident, role=Role.STAFF)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=resident, role=Role.ADMINISTRATOR, council=council)


def test_role_revoke_removes_access_and_is_audited(administrator, staff_user, council):
    assignment = staff_user.role_assignments.get()
    services.role_revoke(actor=administrator, assignment=assignment)
    assert not staff_user.role_assignments.exists()
    assert AuditEntry.objects.filter(action="accounts.role.revoke", council=council).count() == 1
