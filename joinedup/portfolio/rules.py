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
- See a partner-led proposal: scrutiny members and councillors of a council taking part in it
  (read-only), besides everyone who can see the lead council's portfolio.
- Record a gate decision or switch a proposal's business case route: portfolio board members
  (Role.PORTFOLIO_APPROVER) of the lead council, after two-factor sign-in where it is required.
  They can see the lead council's portfolio; they do not edit proposals.
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


def is_portfolio_approver(user, council, *, require_mfa=True) -> bool:
    """A portfolio board member of the council. `require_mfa=False` is for a trusted system
    process naming the member who decided (the demo seeder); the web always requires it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if require_mfa and not permissions.mfa_satisfied(user):
        return False
    return RoleAssignment.objects.filter(user=user, role=Role.PORTFOLIO_APPROVER, council=council).exists()


def can_view_portfolio(user, council) -> bool:
    return (
        permissions.can_view_staff_pages(user, council)
        or _member_of(user, [council])
        or is_portfolio_approver(user, council)
    )


def can_view_proposal(user, proposal) -> bool:
    """The lead council's readers, and members of every council taking part."""
    return can_view_portfolio(user, proposal.council) or _member_of(user, list(proposal.councils.all()))


def can_decide_gate(user, proposal) -> bool:
    return is_portfolio_approver(user, proposal.council)


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
