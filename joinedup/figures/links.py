"""'Your account' links to the figures, for staff, councillors and scrutiny members of a council."""

from django.urls import reverse

from joinedup.accounts import permissions
from joinedup.core.account_links import AccountLink


def _councils(user):
    from joinedup.accounts.models import Role, RoleAssignment
    from joinedup.councils.models import Council

    ids = set(permissions.staff_councils(user).values_list("id", flat=True))
    ids |= set(
        RoleAssignment.objects.filter(
            user=user, role__in=(Role.COUNCILLOR, Role.SCRUTINY_MEMBER, Role.SCRUTINY_OFFICER, Role.PORTFOLIO_HOLDER)
        ).values_list("council_id", flat=True)
    )
    return Council.objects.filter(id__in=ids, is_active=True).select_related("partnership").order_by("name")


def account_links(user):
    links = []
    partnerships = {}
    for council in _councils(user):
        links.append(
            AccountLink(
                section="Performance figures",
                text=f"Figures for {council.name}",
                url=reverse("figures:council", kwargs={"council_slug": council.slug}),
                hint="Requests, time to resolve, satisfaction and the GOV.UK measures, with downloads.",
            )
        )
        if permissions.can_view_staff_pages(user, council):
            links.append(
                AccountLink(
                    section="Performance figures",
                    text=f"Feedback comments for {council.name}",
                    url=reverse("figures:feedback", kwargs={"council_slug": council.slug}),
                )
            )
        if permissions.can_manage_council(user, council):
            links.append(
                AccountLink(
                    section="Performance figures",
                    text=f"Channel costs for {council.name}",
                    url=reverse("figures:costs", kwargs={"council_slug": council.slug}),
                )
            )
        if council.partnership_id:
            partnerships[council.partnership_id] = council.partnership
    for partnership in partnerships.values():
        links.append(
            AccountLink(
                section="Performance figures",
                text=f"{partnership.name}: the councils side by side",
                url=reverse("figures_partnership:partnership", kwargs={"partnership_slug": partnership.slug}),
            )
        )
    return links
