"""Issue 16, defect 8: the economic case is incremental. Each option is compared with business
as usual, the flows are shown year by year, and the preferred option has a sensitivity table."""

from decimal import Decimal

import pytest

from joinedup.portfolio import economic, selectors, services
from joinedup.portfolio.appraisal import YearFlow, appraise
from joinedup.portfolio.tests.factories import make_proposal

FLOWS = [YearFlow(0, capital_cost=Decimal(1000))] + [YearFlow(t, benefit=Decimal(400)) for t in range(1, 6)]
BAU = [YearFlow(0)] + [YearFlow(t, revenue_cost=Decimal(100)) for t in range(1, 6)]


def test_incremental_figures_are_the_differences_from_business_as_usual():
    option, bau = appraise(FLOWS), appraise(BAU)
    inc = economic.incremental(option, bau)
    assert inc.pv_costs == option.pv_costs - bau.pv_costs
    assert inc.npsv == option.npsv - bau.npsv
    assert inc.bcr == (option.pv_benefits - bau.pv_benefits) / (option.pv_costs - bau.pv_costs)


def test_sensitivity_moves_costs_and_delays_benefits():
    base = appraise(FLOWS)
    rows = {
        r.label: r
        for r in economic.sensitivity(FLOWS, bands=[(0, Decimal("0.035"))], optimism_bias=0, ob_applies_to="capital")
    }
    assert list(rows) == [
        "As planned",
        "Costs 20% lower",
        "Costs 10% lower",
        "Costs 10% higher",
        "Costs 20% higher",
        "Benefits a year late",
    ]
    assert rows["Costs 10% higher"].npsv == base.pv_benefits - base.pv_costs * Decimal("1.1")
    assert rows["Costs 20% lower"].npsv == base.pv_benefits - base.pv_costs * Decimal("0.8")
    # At a flat 3.5%, a year's delay divides the benefits' present value by 1.035.
    late = rows["Benefits a year late"]
    assert late.npsv + base.pv_costs == pytest.approx(base.pv_benefits / Decimal("1.035"), abs=Decimal("1e-20"))


@pytest.mark.django_db
def test_the_case_page_shows_the_incremental_case_the_years_and_the_sensitivity(client, council, staff_user):
    proposal = make_proposal(council, actor=staff_user)
    case = services.business_case_create(actor=staff_user, proposal=proposal, stage="BJC")
    services.option_save(actor=staff_user, case=case, name="Carry on", kind="bau", flows=BAU)
    services.option_save(actor=staff_user, case=case, name="New system", kind="preferred", flows=FLOWS)
    economics = selectors.case_economics(case=case)
    assert economics["baseline"].option.name == "Carry on"
    [(row, inc)] = economics["rows"]
    assert row.option.name == "New system"
    assert abs(inc.npsv - (row.result.npsv - economics["baseline"].result.npsv)) < Decimal("1e-15")
    client.force_login(staff_user)
    page = client.get(f"/{council.slug}/staff/portfolio/proposals/{proposal.pk}/cases/{case.pk}/").content.decode()
    assert "Incremental appraisal against Carry on" in page
    assert "Sensitivity of the preferred option, New system" in page and "Benefits a year late" in page
    assert "Year by year: New system" in page and "Discount factor" in page
