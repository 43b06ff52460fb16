"""
Who may do what. Services and selectors call these checks, so the web pages, commands and
APIs all enforce the same rules; views only use them to decide what to show.

A back-office role (staff, partnership officer, administrator) counts only once the user has
completed two-factor sign-in, when REQUIRE_STAFF_MFA is on.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from joinedup.accounts.models import BACK_OFFICE_ROLES, Role, RoleAssignment


def _assignments(user) -> QuerySet[RoleAssignment]:
    if user is None or not user.is_authenticated or not user.is_active:
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.filter(user=user)


def user_roles(user) -> set[str]:
    """Return the roles a user holds. Every signed-in account is a resident too."""
    if user is None or not user.is_authenticated:
        return set()
    return {Role.RESIDENT.value, *_assignments(user).values_list("role", flat=True)}


def needs_mfa(user) -> bool:
    """Say whether this user must use two-factor sign-in before reaching back-office data."""
    return bool(settings.REQUIRE_STAFF_MFA) and _assignments(user).filter(role__in=BACK_OFFICE_ROLES).exists()


def mfa_satisfied(user) -> bool:
    if not needs_mfa(user):
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def _back_office_assignments(user) -> QuerySet[RoleAssignment]:
    if not mfa_satisfied(user):
        return RoleAssignment.objects.none()
    return _assignments(user).filter(role__in=BACK_OFFICE_ROLES)


def is_administrator(user) -> bool:
    return _back_office_assignments(user).filter(role=Role.ADMINISTRATOR).exists()


def staff_councils(user) -> QuerySet:
    """Return the councils whose back-office pages this user may see.

    Staff see their own council; a partnership officer sees every council of their
    partnership; an administrator sees them all.
    """
    from joinedup.councils.models import Council

    assignments = _back_office_assignments(user)
    if assignments.filter(role=Role.ADMINISTRATOR).exists():
        return Council.objects.all()
    council_ids = assignments.filter(role=Role.STAFF).values("council_id")
    partnership_ids = assignments.filter(role=Role.PARTNERSHIP_OFFICER).values("partnership_id")
    return Council.objects.filter(Q(id__in=council_ids) | Q(partnership_id__in=partnership_ids))


def can_view_staff_pages(user, council) -> bool:
    return council is not None and staff_councils(user).filter(pk=council.pk).exists()


def can_manage_council(user, council) -> bool:
    """Change a council's settings and service areas: administrators and its partnership officers."""
    assignments = _back_office_assignments(user)
    return assignments.filter(
        Q(role=Role.ADMINISTRATOR)
        | Q(role=Role.PARTNERSHIP_OFFICER, partnership_id=council.partnership_id, partnership__isnull=False)
    ).exists()


def councillor_assignments(user, council) -> QuerySet[RoleAssignment]:
    """The user's councillor role for the council, while it counts.

    It stops counting once the council's list of councillors shows the person's term as ended
    (every record of theirs for that council has a term end in the past), so access ends on
    the day the term does, without anyone having to remove the role.
    """
    from joinedup.councillors.models import Councillor

    records = Councillor.objects.filter(user=OuterRef("user"), council=OuterRef("council"))
    serving = records.filter(Q(term_end__isnull=True) | Q(term_end__gte=timezone.localdate()))
    return _assignments(user).filter(role=Role.COUNCILLOR, council=council).filter(Exists(serving) | ~Exists(records))


def councillor_wards(user, council) -> QuerySet:
    """Return the wards this user represents as a councillor of the council."""
    from joinedup.councils.models import Ward

    ward_ids = councillor_assignments(user, council).values("wards")
    return Ward.objects.filter(council=council, id__in=ward_ids)


def can_view_figures(user, council) -> bool:
    """Read-only performance figures: scrutiny members and councillors of the council, and staff."""
    if can_view_staff_pages(user, council):
        return True
    if _assignments(user).filter(role=Role.SCRUTINY_MEMBER, council=council).exists():
        return True
    return councillor_assignments(user, council).exists()


def require(allowed: bool, message: str = "You do not have permission to do that."):
    """Raise PermissionDenied unless `allowed`; services call this before they write."""
    if not allowed:
        raise PermissionDenied(message)
