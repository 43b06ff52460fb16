"""Budget selection across the whole partnership."""

from decimal import Decimal

import pytest

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.portfolio import services
from joinedup.portfolio.tests.factories import make_objectives, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_staff(partner_council):
    user = UserFactory(email="officer@felpersham.example.org")
    grant(user, Role.STAFF, council=partner_council)
    return user


@pytest.fixture
def proposals(council, partner_council, partnership_officer, staff_user, partner_staff):
    (so1,) = make_objectives(council, ("SO1",))
    services.weights_set_direct(actor=partnership_officer, council=council, weights={so1: "1"})
    made = {}
    for owner, actor, title, score, capital in (
        (council, staff_user, "Borchester kiosks", 3, 60_000),
        (partner_council, partner_staff, "Felpersham portal", 4, 50_000),
        (partner_council, partner_staff, "Felpersham chatbot", 2, 40_000),
    ):
        proposal = make_proposal(owner, actor=actor, title=title, capital_cost=Decimal(capital))
        services.scores_record(actor=actor, proposal=proposal, scores={so1: (score, "Because")})
        made[title] = proposal
    return made


def test_partnership_selection_chooses_across_councils(client, partnership, partnership_officer, proposals):
    client.force_login(partnership_officer)
    url = f"/partnerships/{partnership.slug}/portfolio/selection/"
    assert "Choose projects within the partnership" in client.get(url).content.decode()
    # £100,000: portal (80) + chatbot (40) = 120 beats kiosks + chatbot (60 + 40 = 100); kiosks + portal
    # costs 110,000 and does not fit.
    response = client.get(url, {"capital_limit": "100000", "revenue_limit": "100000"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 projects, total score 120.0" in body
    assert "Felpersham District Council" in body and "Borchester District Council" in body
    chosen = {row.proposal.title for row, picked in response.context["rows"] if picked}
    assert chosen == {"Felpersham portal", "Felpersham chatbot"}
    # Forcing another council's project in changes the answer.
    kiosks = proposals["Borchester kiosks"]
    response = client.get(url, {"capital_limit": "100000", "revenue_limit": "100000", "forced_in": [str(kiosks.pk)]})
    chosen = {row.proposal.title for row, picked in response.context["rows"] if picked}
    assert chosen == {"Borchester kiosks", "Felpersham chatbot"}


def test_forced_in_over_the_budget_shows_the_error_summary(client, partnership, partnership_officer, proposals):
    client.force_login(partnership_officer)
    url = f"/partnerships/{partnership.slug}/portfolio/selection/"
    ids = [str(p.pk) for p in proposals.values()]
    response = client.get(url, {"capital_limit": "100000", "revenue_limit": "100000", "forced_in": ids})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "always include already cost more than the budget" in body
    assert "The best set" not in body


def test_bad_budget_shows_the_error_summary(client, partnership, partnership_officer, proposals):
    client.force_login(partnership_officer)
    url = f"/partnerships/{partnership.slug}/portfolio/selection/"
    body = client.get(url, {"capital_limit": "-1", "revenue_limit": ""}).content.decode()
    assert "There is a problem" in body and "Enter the revenue budget" in body


def test_council_staff_and_members_cannot_see_the_partnership_selection(
    client, partnership, staff_user, scrutiny_member, proposals
):
    url = f"/partnerships/{partnership.slug}/portfolio/selection/"
    for user in (staff_user, scrutiny_member):
        client.force_login(user)
        assert client.get(url).status_code == 403
