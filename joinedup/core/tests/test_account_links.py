from django.contrib.auth.models import AnonymousUser

from joinedup.core import account_links
from joinedup.core.account_links import AccountLink


def test_links_are_grouped_by_section_and_only_for_signed_in_people(db, django_user_model):
    user = django_user_model.objects.create_user(email="links@example.org", password="x-long-password-1")
    saved = dict(account_links._providers)
    try:
        account_links._providers.clear()
        account_links.register("a", lambda u: [AccountLink("Scrutiny", "Workspace", "/boston/scrutiny/")])
        account_links.register("b", lambda u: [AccountLink("Scrutiny", "Figures", "/boston/figures/")])
        account_links.register("c", lambda u: [])
        assert account_links.links_for(user) == [
            (
                "Scrutiny",
                [
                    AccountLink("Scrutiny", "Workspace", "/boston/scrutiny/"),
                    AccountLink("Scrutiny", "Figures", "/boston/figures/"),
                ],
            )
        ]
        assert account_links.links_for(AnonymousUser()) == []
    finally:
        account_links._providers.clear()
        account_links._providers.update(saved)
