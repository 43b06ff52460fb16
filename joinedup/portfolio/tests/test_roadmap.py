"""Duration optimism bias applied to the roadmap's dates."""

import datetime
from decimal import Decimal

import pytest

from joinedup.portfolio import gates, selectors, services
from joinedup.portfolio.appraisal import AppraisalError, end_allowing_for_optimism_bias
from joinedup.portfolio.tests.factories import approve, make_proposal


def test_end_date_is_stretched_by_the_uplift():
    start = datetime.date(2026, 1, 1)
    assert end_allowing_for_optimism_bias(start, start + datetime.timedelta(days=100), Decimal("0.54")) == (
        start + datetime.timedelta(days=154)
    )
    # 51% x (1 - 0.5) = 27% of 365 days is 98.55 days, rounded to 99.
    assert end_allowing_for_optimism_bias(start, datetime.date(2027, 1, 1), Decimal("0.27")) == datetime.date(
        2027, 4, 10
    )


def test_no_uplift_or_no_dates_leaves_the_end_as_planned():
    start = datetime.date(2026, 1, 1)
    assert end_allowing_for_optimism_bias(start, datetime.date(2026, 6, 1), None) == datetime.date(2026, 6, 1)
    assert end_allowing_for_optimism_bias(None, datetime.date(2026, 6, 1), Decimal("0.5")) == datetime.date(2026, 6, 1)


def test_end_before_start_is_refused():
    with pytest.raises(AppraisalError):
        end_allowing_for_optimism_bias(datetime.date(2026, 6, 1), datetime.date(2026, 1, 1), Decimal("0.5"))


def approve_change(case):
    """The board member who approved the case approves the change to it."""
    gates.gate_record(
        actor=case.gates.first().decided_by,
        case=case,
        outcome="go",
        decided_on=datetime.date(2026, 2, 1),
        reasons="Risks dealt with",
    )


@pytest.fixture
def scheduled(council, staff_user):
    project = make_proposal(council, actor=staff_user, title="Kiosks", case_route="bjc")
    case = approve(project, actor=staff_user)
    services.proposal_schedule(
        actor=staff_user,
        proposal=project,
        start_date=datetime.date(2026, 4, 1),
        end_date=datetime.date(2027, 3, 31),
        depends_on=[],
    )
    return project, case


@pytest.mark.django_db
def test_roadmap_applies_the_cases_duration_uplift(council, staff_user, scheduled):
    project, case = scheduled
    [row] = selectors.roadmap(user=staff_user, councils=[council])
    # IT, nothing mitigated: +54% of 364 days = 196.56, so 197 days later.
    assert row.ob_duration == Decimal("0.54")
    assert row.end_with_ob == datetime.date(2027, 3, 31) + datetime.timedelta(days=197)
    # A change to the approved case is a draft: the roadmap keeps the approved uplift ...
    services.business_case_update(actor=staff_user, case=case, ob_mitigation=Decimal("0.5"))
    [row] = selectors.roadmap(user=staff_user, councils=[council])
    assert row.ob_duration == Decimal("0.54") and "as approved in version 1" in row.ob_source
    # ... until the board approves the change.
    approve_change(case)
    [row] = selectors.roadmap(user=staff_user, councils=[council])
    assert row.ob_duration == Decimal("0.27")
    assert row.ob_duration_text == "27%"
    # Mitigating everything still leaves the IT lower bound of 10%.
    services.business_case_update(actor=staff_user, case=case, ob_mitigation=Decimal("1"))
    approve_change(case)
    [row] = selectors.roadmap(user=staff_user, councils=[council])
    assert row.ob_duration == Decimal("0.10")
    bar = selectors.timeline_bar(row)
    assert bar["ob_width"] > 0


@pytest.mark.django_db
def test_outsourcing_has_no_duration_uplift(council, staff_user, scheduled):
    project, case = scheduled
    services.business_case_update(actor=staff_user, case=case, ob_category="outsourcing")
    approve_change(case)
    [row] = selectors.roadmap(user=staff_user, councils=[council])
    assert row.ob_duration is None
    assert row.end_with_ob == datetime.date(2027, 3, 31)
    assert selectors.timeline_bar(row)["ob_width"] == 0


@pytest.mark.django_db
def test_roadmap_page_and_download_show_both_end_dates(client, council, staff_user, scheduled):
    client.force_login(staff_user)
    page = client.get(f"/{council.slug}/staff/portfolio/roadmap/").content.decode()
    assert "Could end, allowing for optimism bias" in page
    assert "Oct 2027" in page and "54% longer" in page
    assert "Projects nearly always take longer than first planned" in page
    csv = client.get(f"/{council.slug}/staff/portfolio/roadmap.csv").content.decode()
    assert "End allowing for optimism bias" in csv
    assert "2027-10-14" in csv and ",54.0," in csv
    from joinedup.core.tests.test_exports import read_xlsx

    sheet = read_xlsx(client.get(f"/{council.slug}/staff/portfolio/roadmap.xlsx").content)
    column = [c.value for c in sheet[1]].index("Duration optimism bias (%)") + 1
    assert sheet.cell(row=2, column=column).value == 54.0
