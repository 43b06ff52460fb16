import datetime

from django.urls import reverse

from joinedup.accounts.models import Role, RoleAssignment
from joinedup.core import account_links
from joinedup.core.demo import seed_demo
from joinedup.scrutiny import links as scrutiny_links
from joinedup.scrutiny import rules
from joinedup.scrutiny.models import Committee, Recommendation, RecurringTopic

PASSWORD = "correct-horse-battery-staple"


def test_demo_sets_up_scrutiny_once(db):
    seed_demo(password=PASSWORD)
    seed_demo(password=PASSWORD)  # again: nothing doubles
    assert (
        RoleAssignment.objects.filter(user__email="scrutiny.officer@example.org", role=Role.SCRUTINY_OFFICER).count()
        == 1
    )
    assert (
        RoleAssignment.objects.filter(user__email="portfolio.holder@example.org", role=Role.PORTFOLIO_HOLDER).count()
        == 1
    )
    assert Committee.objects.filter(council__slug="boston").count() == 2
    joint = Committee.objects.get(partnership__slug="south-east-lincolnshire")
    recs = Recommendation.objects.filter(report__committee=joint).order_by("number")
    assert [r.response_due_on for r in recs] == [datetime.date(2023, 5, 1)] * 4
    assert recs[0].text.startswith("Every 2 years, the Digital Strategy and ICT Roadmap")
    recurring = RecurringTopic.objects.get(committee=joint)
    assert recurring.cycle_years == 2
    assert recurring.occurrence(1) == (datetime.date(2026, 3, 1), False)
    assert recurring.occurrence(2) == (datetime.date(2027, 3, 1), True)


def test_every_demo_scrutiny_role_reaches_its_workspace_from_your_account(db, client):
    seed_demo(password=PASSWORD)
    from joinedup.accounts.models import User

    for email in ("scrutiny@example.org", "scrutiny.officer@example.org", "portfolio.holder@example.org"):
        user = User.objects.get(email=email)
        links = scrutiny_links.account_links(user)
        urls = [link.url for link in links]
        assert reverse("scrutiny:home", args=["boston"]) in urls, email
        assert reverse("scrutiny_partnership:home", args=["south-east-lincolnshire"]) in urls, email
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (email, url)
    resident = User.objects.get(email="resident@example.org")
    assert scrutiny_links.account_links(resident) == []
    assert account_links._providers["scrutiny"] is scrutiny_links.account_links
    assert not rules.can_view(resident, Committee.objects.get(code="OSC").council)
