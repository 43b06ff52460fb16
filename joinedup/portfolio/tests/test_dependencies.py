"""Issue 16, defect 6: dependencies are checked. Date conflicts are warned about, the chain is
shown, and the budget selection honours "needs" and "excludes"."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from joinedup.portfolio import selectors, services
from joinedup.portfolio.tests.factories import approve, make_objectives, make_proposal

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_project_starting_before_what_it_waits_for_ends_is_warned_about(client, council, staff_user):
    cyber = make_proposal(council, actor=staff_user, title="Cyber uplift")
    approve(cyber, actor=staff_user)
    services.proposal_schedule(actor=staff_user, proposal=cyber, start_date=D(2026, 1, 1), end_date=D(2026, 9, 30))
    platform = make_proposal(council, actor=staff_user, title="Platform")
    approve(platform, actor=staff_user)
    services.proposal_schedule(
        actor=staff_user, proposal=platform, start_date=D(2026, 4, 1), end_date=D(2027, 3, 31), depends_on=[cyber]
    )
    [warning] = selectors.dependency_warnings(platform)
    assert "starts on 1 April 2026, before" in warning and "ends on 30 September 2026" in warning
    client.force_login(staff_user)
    roadmap = client.get(f"/{council.slug}/staff/portfolio/roadmap/").content.decode()
    assert "Date conflict" in roadmap
    page = client.get(f"/{council.slug}/staff/portfolio/proposals/{platform.pk}/").content.decode()
    assert "before" in page and "Cyber uplift" in page
    services.proposal_schedule(
        actor=staff_user, proposal=platform, start_date=D(2026, 10, 1), end_date=D(2027, 3, 31), depends_on=[cyber]
    )
    assert selectors.dependency_warnings(platform) == []


def test_the_whole_chain_is_shown(council, staff_user):
    a, b, c = (make_proposal(council, actor=staff_user, title=t) for t in ("A", "B", "C"))
    services.proposal_schedule(actor=staff_user, proposal=b, start_date=None, end_date=None, depends_on=[c])
    services.proposal_schedule(actor=staff_user, proposal=a, start_date=None, end_date=None, depends_on=[b])
    assert selectors.dependency_chains(a) == [[b, c]]


def test_the_selection_honours_needs_and_excludes(council, staff_user, partnership_officer):
    (so1,) = make_objectives(council, ("SO1",))
    services.weights_set_direct(actor=partnership_officer, council=council, weights={so1: "1"})
    money = {"revenue_cost": Decimal(0)}
    top = make_proposal(council, actor=staff_user, title="Top", capital_cost=Decimal(60), **money)
    base = make_proposal(council, actor=staff_user, title="Base", capital_cost=Decimal(50), **money)
    rival = make_proposal(council, actor=staff_user, title="Rival", capital_cost=Decimal(40), **money)
    for proposal, score in ((top, 5), (base, 1), (rival, 4)):
        services.scores_record(actor=staff_user, proposal=proposal, scores={so1: (score, "x")})
    rows, _ = selectors.ranking(user=staff_user, council=council)
    # Without links the best within 100 is Top and Rival.
    assert set(selectors.budget_selection(ranked=rows, capital_limit=100, revenue_limit=0).chosen) == {
        top.pk,
        rival.pk,
    }
    # Top needs Base, and cannot go ahead with Rival.
    services.proposal_schedule(
        actor=staff_user, proposal=top, start_date=None, end_date=None, depends_on=[base], excludes=[rival]
    )
    rows, _ = selectors.ranking(user=staff_user, council=council)
    chosen = set(selectors.budget_selection(ranked=rows, capital_limit=100, revenue_limit=0).chosen)
    assert chosen == {rival.pk, base.pk}  # Top plus Base (110) does not fit
    chosen = set(selectors.budget_selection(ranked=rows, capital_limit=110, revenue_limit=0).chosen)
    assert chosen == {top.pk, base.pk}
    assert rival in top.excludes.all() and top in rival.excludes.all()


def test_a_project_cannot_both_need_and_exclude_another(council, staff_user):
    a, b = make_proposal(council, actor=staff_user, title="A"), make_proposal(council, actor=staff_user, title="B")
    with pytest.raises(ValidationError, match="cannot both need and exclude"):
        services.proposal_schedule(
            actor=staff_user, proposal=a, start_date=None, end_date=None, depends_on=[b], excludes=[b]
        )
