"""Issue 16 (defect 9, in part): a PMO lead saves two selection scenarios and compares them."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.portfolio import scenarios, services
from joinedup.portfolio.models import SelectionScenario
from joinedup.portfolio.tests.factories import make_objectives, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(council, staff_user, partnership_officer):
    (so1,) = make_objectives(council, ("SO1",))
    services.weights_set_direct(actor=partnership_officer, council=council, weights={so1: "1"})
    made = []
    for title, cost, score in (("Big", 100, 5), ("Mid", 60, 3), ("Small", 40, 3)):
        p = make_proposal(council, actor=staff_user, title=title, capital_cost=Decimal(cost), revenue_cost=Decimal(0))
        services.scores_record(actor=staff_user, proposal=p, scores={so1: (score, "x")})
        made.append(p)
    return made


def test_two_scenarios_are_saved_as_worked_out_and_compared(client, council, staff_user, three, scrutiny_member):
    big, mid, small = three
    tight = scenarios.scenario_save(actor=staff_user, council=council, name="Tight", capital_limit=100, revenue_limit=0)
    loose = scenarios.scenario_save(actor=staff_user, council=council, name="Loose", capital_limit=200, revenue_limit=0)
    assert {r["title"] for r in tight.rows if r["chosen"]} == {"Mid", "Small"}
    assert {r["title"] for r in loose.rows if r["chosen"]} == {"Big", "Mid", "Small"}
    rows = {r["title"]: r for r in scenarios.compare(tight, loose)}
    assert rows["Big"]["differs"] and not rows["Mid"]["differs"]
    with pytest.raises(ValidationError, match="already a scenario"):
        scenarios.scenario_save(actor=staff_user, council=council, name="Tight", capital_limit=1, revenue_limit=0)
    with pytest.raises(PermissionDenied):
        scenarios.scenario_save(actor=scrutiny_member, council=council, name="Mine", capital_limit=1, revenue_limit=0)
    client.force_login(staff_user)
    page = client.get(f"/{council.slug}/staff/portfolio/selection/scenarios/?a={tight.pk}&b={loose.pk}")
    body = page.content.decode()
    assert page.status_code == 200 and "Tight and Loose" in body and "Differs" in body


def test_the_selection_page_saves_a_scenario(client, council, staff_user, three):
    client.force_login(staff_user)
    page = client.get(f"/{council.slug}/staff/portfolio/selection/?capital_limit=100&revenue_limit=0")
    assert "Save this scenario" in page.content.decode()
    response = client.post(
        f"/{council.slug}/staff/portfolio/selection/scenarios/save/",
        {"capital_limit": "100", "revenue_limit": "0", "name": "Budget 100"},
        follow=True,
    )
    assert "has been saved" in response.content.decode()
    assert SelectionScenario.objects.get().name == "Budget 100"
    response = client.post(
        f"/{council.slug}/staff/portfolio/selection/scenarios/save/",
        {"capital_limit": "100", "revenue_limit": "0", "name": ""},
        follow=True,
    )
    assert "Give the scenario a name" in response.content.decode()
    assert SelectionScenario.objects.count() == 1
