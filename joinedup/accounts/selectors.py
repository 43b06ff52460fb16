from django.db.models import QuerySet

from joinedup.accounts import permissions
from joinedup.accounts.models import Role, RoleAssignment, User
from joinedup.core import account_links


def council_staff_users(*, council) -> QuerySet[User]:
    """Return the people who hold the staff role at the council."""
    return User.objects.filter(
        is_active=True, role_assignments__role=Role.STAFF, role_assignments__council=council
    ).distinct()


def role_assignment_list(*, user) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(user=user)
        .select_related("council", "partnership")
        .prefetch_related("service_areas", "wards")
    )


def account_summary(*, user) -> dict:
    """Return what a person's account page shows: their roles and where they can go."""
    return {
        "roles": role_assignment_list(user=user),
        "staff_councils": permissions.staff_councils(user).order_by("name"),
        "needs_mfa": permissions.needs_mfa(user),
        "mfa_satisfied": permissions.mfa_satisfied(user),
        "workspace_links": account_links.links_for(user),
    }
