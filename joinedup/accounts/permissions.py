"""
Who may do what. Services and selectors call these checks, so the web pages, commands and
APIs all enforce the same rules; views only use them to decide what to show.

Two kinds of question, kept apart:

- **What roles does this person hold?** Facts, the same whether or not the person is signed in:
  `councils_served(person)`, `is_council_officer(person, council)`. Use these for the people an
  action is *about*: the officer a request is given to, a service area's lead officer.
- **What may this signed-in session do?** Every other check here (`staff_councils`,
  `can_view_staff_pages`, `can_manage_council`, `is_administrator` ...) is asked about the person
  *acting*. A back-office role (staff, partnership officer, administrator ...) counts only once
  that session has completed two-factor sign-in, when REQUIRE_STAFF_MFA is on.

Never ask a session question about someone else: only the acting user's request knows whether
two-factor sign-in was completed, so the answer about anyone else would be "no".
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


# What a person holds (facts about anyone)


def _councils_of(assignments: QuerySet[RoleAssignment]) -> QuerySet:
    from joinedup.councils.models import Council

    if assignments.filter(role=Role.ADMINISTRATOR).exists():
        return Council.objects.all()
    council_ids = assignments.filter(role=Role.STAFF).values("council_id")
    partnership_ids = assignments.filter(role=Role.PARTNERSHIP_OFFICER).values("partnership_id")
    return Council.objects.filter(Q(id__in=council_ids) | Q(partnership_id__in=partnership_ids))


def councils_served(person) -> QuerySet:
    """Return the councils this person works for as an officer, signed in or not.

    Staff work for their own council; a partnership officer for every council of their
    partnership; an administrator for them all. Two-factor sign-in plays no part: this is a
    fact about the person, for checking the people an action is about.
    """
    return _councils_of(_assignments(person).filter(role__in=BACK_OFFICE_ROLES))


def is_council_officer(person, council) -> bool:
    """Say whether the person works for the council (see `councils_served`), signed in or not."""
    return council is not None and councils_served(person).filter(pk=council.pk).exists()


# What the signed-in session may do (asked about the person acting)


def _back_office_assignments(user) -> QuerySet[RoleAssignment]:
    if not mfa_satisfied(user):
        return RoleAssignment.objects.none()
    return _assignments(user).filter(role__in=BACK_OFFICE_ROLES)


def is_administrator(user) -> bool:
    return _back_office_assignments(user).filter(role=Role.ADMINISTRATOR).exists()


def staff_councils(user) -> QuerySet:
    """Return the councils whose back-office pages the signed-in user may see now.

    The councils the user serves (`councils_served`), once this session has completed
    two-factor sign-in where it is required; none before.
    """
    return _councils_of(_back_office_assignments(user))


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
