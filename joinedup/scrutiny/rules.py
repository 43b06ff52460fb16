"""
Who may do what in scrutiny, built on `accounts.permissions`. Services, selectors and views all
ask these, so a page, a command and a task enforce the same rules.

- See a council's scrutiny workspace: its scrutiny members, scrutiny officers and portfolio holders
  (read), and whoever may see its staff pages (its staff, its partnership's officers,
  administrators: read). A joint panel's workspace: the same people at any council of the
  partnership.
- Manage committees (create them, their members, terms of reference), record the executive's
  response and progress updates: the council's scrutiny officers (two-factor sign-in where
  required: the role is back-office). For a joint panel, a scrutiny officer of a partner council.
- Edit one committee's work programme, meetings, evidence, reports and recommendations, sign a
  recommendation off, save a scrutiny report: that committee's current members (holding the
  scrutiny member role at one of its councils) and its scrutiny officer (any of the council's
  scrutiny officers while the committee names none).
- Portfolio holders and staff read only.
"""

from django.db.models import Q
from django.utils import timezone

from joinedup.accounts import permissions
from joinedup.accounts.models import Role, RoleAssignment

READ_ROLES = (Role.SCRUTINY_MEMBER, Role.SCRUTINY_OFFICER, Role.PORTFOLIO_HOLDER)


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def councils_of(owner) -> list:
    """The councils a committee owner (a council or a partnership) stands for."""
    from joinedup.councils.models import Council, Partnership

    if isinstance(owner, Partnership):
        return list(Council.objects.filter(partnership=owner, is_active=True).order_by("name"))
    return [owner]


def _holds(user, roles, councils) -> bool:
    if not _active(user):
        return False
    qs = RoleAssignment.objects.filter(user=user, role__in=roles, council__in=councils)
    if Role.SCRUTINY_OFFICER in roles and not permissions.mfa_satisfied(user):
        qs = qs.exclude(role=Role.SCRUTINY_OFFICER)
    return qs.exists()


def is_officer(user, owner) -> bool:
    """A scrutiny officer of the council (or of a council of the partnership), past two-factor sign-in."""
    return _holds(user, [Role.SCRUTINY_OFFICER], councils_of(owner))


def can_view(user, owner) -> bool:
    councils = councils_of(owner)
    if not councils:
        return False
    if _holds(user, READ_ROLES, councils):
        return True
    return any(permissions.can_view_staff_pages(user, council) for council in councils)


def can_manage(user, owner) -> bool:
    return is_officer(user, owner)


def current_member(user, committee, today=None) -> bool:
    """A current member of the committee who is a scrutiny member of one of its councils."""
    if not _active(user):
        return False
    today = today or timezone.localdate()
    seat = committee.memberships.filter(user=user, start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    return seat.exists() and _holds(user, [Role.SCRUTINY_MEMBER], councils_of(committee.owner))


def is_committee_officer(user, committee) -> bool:
    if not is_officer(user, committee.owner):
        return False
    return committee.scrutiny_officer_id is None or committee.scrutiny_officer_id == user.pk


def can_edit_committee(user, committee) -> bool:
    """Edit the committee's work programme, meetings, evidence, reports and recommendations."""
    return is_committee_officer(user, committee) or current_member(user, committee)


def can_view_evidence(user, committee) -> bool:
    return can_view(user, committee.owner)
