from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "joinedup.portfolio"
    verbose_name = "Project portfolio"

    def ready(self):
        from joinedup.core import account_links
        from joinedup.portfolio import wording

        wording.register()
        account_links.register("portfolio", account_portfolio_links)


def account_portfolio_links(user):
    """Portfolio board members and members (scrutiny, councillors) reach each council's portfolio
    they may read; staff reach it from their council's staff pages."""
    from django.urls import reverse

    from joinedup.accounts.models import Role, RoleAssignment
    from joinedup.core.account_links import AccountLink
    from joinedup.portfolio import rules

    roles = (Role.PORTFOLIO_APPROVER, Role.SCRUTINY_MEMBER, Role.COUNCILLOR)
    councils = {
        a.council
        for a in RoleAssignment.objects.filter(user=user, role__in=roles, council__isnull=False).select_related(
            "council"
        )
    }
    links = []
    for council in sorted(councils, key=lambda c: c.name):
        if rules.can_view_portfolio(user, council):
            links.append(
                AccountLink(
                    "Project portfolio",
                    f"{council.name}: proposals, business cases and gate decisions",
                    reverse("portfolio:home", args=[council.slug]),
                )
            )
            links.append(
                AccountLink(
                    "Project portfolio",
                    f"{council.name}: members' questions waiting for an answer",
                    reverse("portfolio:questions", args=[council.slug]),
                )
            )
    return links
