"""The scrutiny links on "Your account": one per workspace the person may open, and no other."""

from django.urls import reverse

from joinedup.accounts import permissions
from joinedup.accounts.models import Role, RoleAssignment
from joinedup.core.account_links import AccountLink
from joinedup.councils.models import Council, Partnership
from joinedup.scrutiny import rules
from joinedup.scrutiny.models import Committee

SECTION = "Scrutiny"


def account_links(user) -> list[AccountLink]:
    role_councils = set(
        RoleAssignment.objects.filter(user=user, role__in=rules.READ_ROLES, council__isnull=False).values_list(
            "council_id", flat=True
        )
    )
    # Staff, partnership officers and administrators read: only where there is something to read.
    with_committees = set(Committee.objects.filter(council__isnull=False).values_list("council_id", flat=True))
    staff = set(permissions.staff_councils(user).filter(id__in=with_committees).values_list("id", flat=True))
    links = []
    councils = Council.objects.filter(id__in=role_councils | staff, is_active=True).order_by("name")
    for council in councils:
        if rules.can_view(user, council):
            links.append(
                AccountLink(
                    SECTION,
                    f"Scrutiny at {council.name}",
                    reverse("scrutiny:home", args=[council.slug]),
                    "Committees, meetings, the work programme, recommendations and scrutiny reports.",
                )
            )
    holders = RoleAssignment.objects.filter(user=user, role=Role.PORTFOLIO_HOLDER, council__is_active=True)
    for assignment in holders.select_related("council").order_by("council__name"):
        if rules.can_view(user, assignment.council):
            links.append(
                AccountLink(
                    SECTION,
                    f"Your portfolio holder pack at {assignment.council.name}",
                    reverse("scrutiny:holder-pack", args=[assignment.council.slug]),
                    "The figures for your service areas, month by month. It is also emailed to you each month.",
                )
            )
    partnerships = (
        Partnership.objects.filter(councils__in=councils, scrutiny_committees__isnull=False).distinct().order_by("name")
    )
    for partnership in partnerships:
        if rules.can_view(user, partnership):
            links.append(
                AccountLink(
                    SECTION,
                    f"Joint scrutiny for {partnership.name}",
                    reverse("scrutiny_partnership:home", args=[partnership.slug]),
                    "Joint panels of the partner councils.",
                )
            )
    return links
