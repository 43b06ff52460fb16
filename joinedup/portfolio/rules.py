"""
Who may do what in the portfolio, built on `accounts.permissions`.

- See a council's portfolio: its staff, its partnership's officers, administrators, and its
  scrutiny members and councillors (read-only: they can question, not edit).
- Propose, vet, write cases, score, report: the lead council's staff (and partnership officers,
  administrators). Staff of another council cannot change the proposal.
- Set objectives and weights: partnership officers and administrators (for a council outside any
  partnership, also its own staff).
- Ask a question: scrutiny members and councillors (portfolio holders) of the lead council or of
  a council taking part. Answer it: whoever may edit the proposal.
"""

from joinedup.accounts import permissions
from joinedup.accounts.models import Role, RoleAssignment


def _member_of(user, councils) -> bool:
    """A scrutiny member or a serving councillor (whose term has not ended) of one of the councils."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if RoleAssignment.objects.filter(user=user, role=Role.SCRUTINY_MEMBER, council__in=councils).exists():
        return True
    return any(permissions.councillor_assignments(user, council).exists() for council in councils)


def can_view_portfolio(user, council) -> bool:
    return permissions.can_view_staff_pages(user, council) or _member_of(user, [council])


def can_edit_portfolio(user, council) -> bool:
    return permissions.can_view_staff_pages(user, council)


def can_edit_proposal(user, proposal) -> bool:
    return permissions.can_view_staff_pages(user, proposal.council)


def can_manage_strategy(user, council) -> bool:
    if permissions.can_manage_council(user, council):
        return True
    return council.partnership_id is None and permissions.can_view_staff_pages(user, council)


def can_challenge(user, proposal) -> bool:
    return _member_of(user, [proposal.council, *proposal.councils.all()])
