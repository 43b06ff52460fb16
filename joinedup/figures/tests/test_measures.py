"""Each measure, from hand-made rollups, matches a calculation done by hand."""

import datetime
from decimal import Decimal

import pytest

from joinedup.figures.models import (
    ChannelCost,
    EnquiryDaily,
    JourneyDaily,
    OverdueSnapshot,
    RequestDaily,
    ResolutionDaily,
)
from joinedup.figures.periods import CUSTOM, MONTH, QUARTER, YEAR, Period, period_from_query, period_of
from joinedup.figures.selectors import Filters, council_figures, percentile, satisfaction_scores
from joinedup.service_requests.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 10)
JUNE = period_of(MONTH, DAY)


def values(figures, column="value"):
    return {m["key"]: m[column] for m in figures["measures"]}


@pytest.fixture
def hand_made(council):
    """June 2026: 40 online (10 assisted), 30 by phone, 10 face to face, 20 by email = 100 requests."""
    potholes = CategoryFactory(council=council, slug="potholes")
    bins = CategoryFactory(council=council, slug="bins")
    rows = [
        RequestDaily(
            council=council,
            category=potholes,
            channel="web",
            day=DAY,
            made=40,
            made_assisted=10,
            chasers=12,
            repeat_contacts=8,
            disputes=3,
            reopenings=4,
            loop_requests=50,
            loop_told_all=45,
            closed=30,
            resolved=25,
            resolved_within_target=20,
            closure_asked=20,
            closure_delivered=12,
            closure_sent=3,
            closure_waiting=1,
            closure_failed=2,
            closure_not_told=2,
            sat_1=2,
            sat_2=3,
            sat_3=5,
            sat_4=20,
            sat_5=10,
        ),
        RequestDaily(council=council, category=bins, channel="phone", day=DAY, made=30, chasers=8, repeat_contacts=2),
        RequestDaily(council=council, category=bins, channel="face_to_face", day=DAY, made=10),
        RequestDaily(council=council, category=bins, channel="email", day=DAY + datetime.timedelta(days=5), made=20),
        # May (the period before) and June 2025 (a year before)
        RequestDaily(council=council, category=bins, channel="web", day=datetime.date(2026, 5, 3), made=50),
        RequestDaily(council=council, category=bins, channel="phone", day=datetime.date(2025, 6, 3), made=80),
        RequestDaily(council=council, category=bins, channel="web", day=datetime.date(2025, 6, 3), made=20),
    ]
    RequestDaily.objects.bulk_create(rows)
    # 25 resolved: 5 took 1 day, 10 took 3, 5 took 4, 4 took 8, 1 took 20
    for wd, count in ((1, 5), (3, 10), (4, 5), (8, 4), (20, 1)):
        ResolutionDaily.objects.create(council=council, category=potholes, day=DAY, working_days=wd, count=count)
    for step, count in (("started", 80), ("report-category", 80), ("report-check", 60), ("sent", 50), ("supported", 6)):
        JourneyDaily.objects.create(council=council, day=DAY, step=step, count=count)
    OverdueSnapshot.objects.create(
        council=council, category=potholes, day=datetime.date(2026, 6, 28), open_count=40, overdue_count=9
    )
    OverdueSnapshot.objects.create(
        council=council, category=bins, day=datetime.date(2026, 6, 30), open_count=10, overdue_count=6
    )
    EnquiryDaily.objects.create(
        council=council,
        service_area=bins.service_area,
        day=DAY,
        enquiries=16,
        enquiries_answered=14,
        enquiries_answered_within_target=12,
        escalations=7,
        escalations_answered=5,
    )
    # Costs: phone £930 a month, web £1,240 for June and July (half falls in June), email and face to face £600
    ChannelCost.objects.create(
        council=council,
        channel="phone",
        period_start=datetime.date(2026, 6, 1),
        period_end=datetime.date(2026, 6, 30),
        staff=Decimal("800"),
        accommodation=Decimal("130"),
    )
    ChannelCost.objects.create(
        council=council,
        channel="web",
        period_start=datetime.date(2026, 6, 1),
        period_end=datetime.date(2026, 7, 31),
        equipment=Decimal("1240"),
    )
    ChannelCost.objects.create(
        council=council,
        channel="email",
        period_start=datetime.date(2026, 6, 1),
        period_end=datetime.date(2026, 6, 30),
        staff=Decimal("400"),
    )
    ChannelCost.objects.create(
        council=council,
        channel="face_to_face",
        period_start=datetime.date(2026, 6, 1),
        period_end=datetime.date(2026, 6, 30),
        staff=Decimal("200"),
    )
    return {"potholes": potholes, "bins": bins}


def test_the_gds_kpis_match_a_hand_calculation(council, hand_made):
    v = values(council_figures(council=council, period=JUNE, public=False))
    assert v["requests_made"] == 100
    # Digital take-up: (40 online, assisted digital included) / 100
    assert v["digital_take_up"] == 40.0
    # Completion: (50 sent + 6 supported) / 80 started = 70%
    assert v["completion_rate"] == 70.0
    # Satisfaction: 40 answers; top two (20 + 10) / 40 = 75%; mean (2+6+15+80+50)/40 = 3.825 -> (3.825-1)/4 = 70.6
    assert v["satisfaction_top_two"] == 75.0
    assert v["satisfaction_score"] == 70.6
    # Cost: web 1240 * 30/61 = 609.84; total 930 + 609.84 + 400 + 200 = 2139.84 over 100 = 21.40
    assert v["cost_per_request"] == Decimal("21.40")
    # Channel shift: 40 online * (1530 / 60 = 25.50 other cost per request) - 609.84 = 1020 - 609.84 = 410.16
    assert v["channel_shift_saving"] == Decimal("410.16")


def test_closing_the_loop_and_time_to_resolve_match_a_hand_calculation(council, hand_made):
    v = values(council_figures(council=council, period=JUNE, public=False))
    assert v["told_every_change"] == 90.0  # 45 / 50
    assert v["told_of_closure"] == 80.0  # (12 + 3 + 1) / 20
    assert v["chasers_per_100"] == 20.0  # 20 chasers / 100 requests
    assert v["repeat_contacts_per_100"] == 10.0
    assert v["disputes"] == 3 and v["reopenings"] == 4
    assert v["resolved"] == 25
    # Sorted: 5×1, 10×3, 5×4, 4×8, 1×20. 50% of 25 = 12.5 -> the 13th value = 3; 90% = 22.5 -> the 23rd = 8
    assert v["median_days"] == 3 and v["p90_days"] == 8
    assert v["within_target"] == 80.0  # 20 / 25
    # Overdue now: the latest snapshot on or before 30 June (bins' on the 30th only)
    assert v["overdue_now"] == 6
    assert v["enquiries_within_target"] == 75.0  # 12 / 16
    assert v["escalations"] == 7 and v["escalations_answered"] == 5


def test_each_figure_is_shown_against_the_period_before_and_a_year_before(council, hand_made):
    figures = council_figures(council=council, period=JUNE, public=False)
    assert values(figures, "previous")["requests_made"] == 50
    assert values(figures, "year_before")["requests_made"] == 100
    assert values(figures, "year_before")["digital_take_up"] == 20.0
    assert figures["comparisons"]["previous"]["label"] == "May 2026"
    assert figures["comparisons"]["year_before"]["label"] == "June 2025"


def test_filters_narrow_to_a_category_or_service_area(council, hand_made):
    v = values(council_figures(council=council, period=JUNE, filters=Filters(category="bins"), public=False))
    assert v["requests_made"] == 60 and v["digital_take_up"] == 0.0
    assert v["cost_per_request"] is None  # costs are per channel, not per category
    area = hand_made["potholes"].service_area.slug
    assert (
        values(council_figures(council=council, period=JUNE, filters=Filters(service_area=area)))["requests_made"] == 40
    )


def test_public_figures_hide_counts_from_1_to_4_and_rates_from_fewer_than_5(council, hand_made):
    figures = council_figures(council=council, period=JUNE, public=True)
    by_key = {m["key"]: m for m in figures["measures"]}
    assert by_key["disputes"]["value"] is None and "value" in by_key["disputes"]["suppressed"]  # 3
    assert by_key["reopenings"]["value"] is None  # 4
    assert by_key["requests_made"]["value"] == 100 and by_key["requests_made"]["suppressed"] == []
    assert by_key["escalations_answered"]["value"] == 5  # 5 is published
    closure = figures["tables"]["closure_messages"]["rows"]
    failed = next(r for r in closure if r["outcome"] == "Could not be sent")
    assert failed["requests"] is None and failed["share"] == 10.0  # 2 is hidden; its share of 20 is not


def test_percentile_and_satisfaction_helpers():
    assert percentile({}, 0.5) is None
    assert percentile({2: 1}, 0.9) == 2
    assert percentile({1: 1, 2: 1}, 0.5) == 1  # nearest rank: the 1st of 2
    assert satisfaction_scores({1: 1, 5: 1}) == (50.0, 50.0)
    assert satisfaction_scores({5: 3}) == (100.0, 100.0)
    assert satisfaction_scores({}) == (None, None)


def test_periods_month_quarter_financial_year_and_custom():
    assert period_of(YEAR, datetime.date(2027, 2, 1)) == Period(
        YEAR, datetime.date(2026, 4, 1), datetime.date(2027, 3, 31)
    )
    assert period_of(QUARTER, datetime.date(2026, 5, 9)) == Period(
        QUARTER, datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)
    )
    q = period_of(QUARTER, datetime.date(2026, 2, 9))
    assert q.previous() == Period(QUARTER, datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
    assert q.year_before() == Period(QUARTER, datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    custom = period_from_query({"period": "custom", "from": "2026-03-01", "to": "2026-03-10"})
    assert custom.previous() == Period(CUSTOM, datetime.date(2026, 2, 19), datetime.date(2026, 2, 28))
    leap = Period(CUSTOM, datetime.date(2028, 2, 29), datetime.date(2028, 3, 1))
    assert leap.year_before().start == datetime.date(2027, 2, 28)
    assert period_from_query({}, today=datetime.date(2026, 12, 4)).label == "April 2026 to March 2027"
