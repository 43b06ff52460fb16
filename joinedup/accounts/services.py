"""Every write to accounts, roles and two-factor devices."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.accounts import permissions
from joinedup.accounts.models import COUNCIL_ROLES, Role, RoleAssignment, User
from joinedup.core.audit import audit_record


@transaction.atomic
def user_create(*, actor, email: str, full_name: str, password: str | None = None, source: str = "") -> User:
    """Create an account. With no password the person must set one through password reset."""
    if actor is not None:
        permissions.require(permissions.is_administrator(actor), "Only an administrator can create accounts.")
    user = User(email=User.objects.normalize_email(email).lower(), full_name=full_name)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_record(
        actor=actor, action="accounts.user.create", instance=user, source=source, changes={"email": user.email}
    )
    return user


@transaction.atomic
def role_grant(
    *, actor, user: User, role: str, council=None, partnership=None, service_areas=(), wards=(), source: str = ""
) -> RoleAssignment:
    """Give a user a role, scoped to a council (staff, councillor, scrutiny member) or a partnership."""
    if actor is not None:
        allowed = permissions.is_administrator(actor) or (
            council is not None and role in COUNCIL_ROLES and permissions.can_manage_council(actor, council)
        )
        permissions.require(allowed, "You cannot give this role.")
    if role == Role.RESIDENT:
        raise ValidationError("Every account is a resident already.")
    _check_role_scope(role, council, partnership)
    for area in service_areas:
        if area.council_id != getattr(council, "id", None):
            raise ValidationError({"service_areas": f"{area} is not part of {council}."})
    for ward in wards:
        if ward.council_id != getattr(council, "id", None):
            raise ValidationError({"wards": f"{ward} is not in {council}."})
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, council=council, partnership=partnership
    )
    if created:
        assignment.full_clean()
    assignment.service_areas.add(*service_areas)
    assignment.wards.add(*wards)
    audit_record(
        actor=actor,
        action="accounts.role.grant",
        instance=user,
        council=council,
        source=source,
        changes={
            "role": role,
            "council": council,
            "partnership": partnership,
            "service_areas": [a.name for a in service_areas],
            "wards": [w.gss_code for w in wards],
        },
    )
    return assignment


def _check_role_scope(role, council, partnership):
    if role in COUNCIL_ROLES and (council is None or partnership is not None):
        raise ValidationError({"council": f"The {Role(role).label.lower()} role needs a council, and only that."})
    if role == Role.PARTNERSHIP_OFFICER and (partnership is None or council is not None):
        raise ValidationError({"partnership": "The partnership officer role needs a partnership, and only that."})
    if role == Role.ADMINISTRATOR and (council is not None or partnership is not None):
        raise ValidationError("The administrator role covers every council, so it takes no council or partnership.")


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment, source: str = "") -> None:
    if actor is not None:
        allowed = permissions.is_administrator(actor) or (
            assignment.council is not None and permissions.can_manage_council(actor, assignment.council)
        )
        permissions.require(allowed, "You cannot remove this role.")
    audit_record(
        actor=actor,
        action="accounts.role.revoke",
        instance=assignment.user,
        council=assignment.council,
        source=source,
        changes={"role": assignment.role},
    )
    assignment.delete()


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """Return the user's unconfirmed authenticator-app device, making one if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm the device if the code from the app is right. Return whether it was."""
    if device.user_id != user.id or device.confirmed:
        return False
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    audit_record(actor=user, action="accounts.mfa.enrol", instance=user)
    return True
