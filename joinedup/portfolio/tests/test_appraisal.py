"""The appraisal engine against the reference's published figures (portfolio-and-scrutiny.md 1.4 to 1.6)."""

from decimal import Decimal

import pytest

from joinedup.portfolio.appraisal import (
    GREEN_BOOK_2022_BANDS,
    AppraisalError,
    YearFlow,
    appraise,
    benefit_cost_ratio,
    check_flows,
    combined_optimism_bias,
    discount_factors,
    mitigated_optimism_bias,
    optimism_bias_for,
    present_value,
    present_values_by_year,
    validate_bands,
    vfm_band,
)


def test_present_value_of_1000_years_0_to_10_matches_the_green_book_table():
    published = [1000, 966, 934, 902, 871, 842, 814, 786, 759, 734, 709]
    values = present_values_by_year([1000] * 11)
    assert [int(v.quantize(Decimal(1))) for v in values] == published
    # And the total is the exact sum of 1000 / 1.035^t.
    exact = sum(Decimal(1000) / Decimal("1.035") ** t for t in range(11))
    assert abs(present_value([1000] * 11) - exact) < Decimal("1e-20")
    assert present_value([1000] * 11).quantize(Decimal("0.01")) == Decimal("9316.61")


def test_year_zero_is_undiscounted_and_year_one_is_one_over_1_035():
    factors = discount_factors(2)
    assert factors[0] == 1
    assert abs(factors[1] - 1 / Decimal("1.035")) < Decimal("1e-25")


def test_declining_schedule_compounds_on_year_30():
    factors = discount_factors(130)
    df30 = 1 / Decimal("1.035") ** 30
    assert abs(factors[30] - df30) < Decimal("1e-25")
    assert abs(factors[31] - df30 / Decimal("1.03")) < Decimal("1e-25")
    assert abs(factors[75] - df30 / Decimal("1.03") ** 45) < Decimal("1e-25")
    df75 = df30 / Decimal("1.03") ** 45
    assert abs(factors[76] - df75 / Decimal("1.025")) < Decimal("1e-25")
    assert abs(factors[125] - df75 / Decimal("1.025") ** 50) < Decimal("1e-25")
    assert abs(factors[126] - df75 / Decimal("1.025") ** 50 / Decimal("1.02")) < Decimal("1e-25")


def test_a_different_schedule_version_changes_the_factors():
    flat = ((0, Decimal("0.05")),)
    assert discount_factors(3, flat)[2] == pytest.approx(Decimal(1) / Decimal("1.05") ** 2)
    assert discount_factors(3, flat) != discount_factors(3, GREEN_BOOK_2022_BANDS)


@pytest.mark.parametrize(
    "bands,message",
    [
        (((1, "0.035"),), "start at year 0"),
        (((0, "0.035"), (0, "0.03")), "must rise"),
        (((0, "-0.01"),), "between 0% and 100%"),
    ],
)
def test_bad_schedules_are_refused(bands, message):
    with pytest.raises(AppraisalError, match=message):
        validate_bands(bands)


def test_npsv_bcr_and_band_for_a_worked_option():
    # Year 0: £1,000 capital; years 1 to 10: £300 benefit a year.
    flows = [YearFlow(0, capital_cost=Decimal(1000))] + [YearFlow(t, benefit=Decimal(300)) for t in range(1, 11)]
    result = appraise(flows)
    pv_benefits = sum(Decimal(300) / Decimal("1.035") ** t for t in range(1, 11))
    assert abs(result.pv_benefits - pv_benefits) < Decimal("1e-20")
    assert result.pv_costs == 1000
    assert result.rounded()["pv_benefits"] == Decimal("2494.98")
    assert result.rounded()["npsv"] == Decimal("1494.98")
    assert result.rounded()["bcr"] == Decimal("2.49")
    assert result.vfm_band == "High"
    # Costs may rise by NPSV / PV costs, benefits fall by NPSV / PV benefits, before NPSV is zero.
    assert result.cost_switching_value.quantize(Decimal("0.0001")) == Decimal("1.4950")
    assert result.benefit_switching_value.quantize(Decimal("0.0001")) == Decimal("0.5992")
    raised = appraise(
        [YearFlow(0, capital_cost=Decimal(1000) * (1 + result.cost_switching_value))]
        + [YearFlow(t, benefit=Decimal(300)) for t in range(1, 11)]
    )
    assert abs(raised.npsv) < Decimal("1e-20")


def test_optimism_bias_for_it_uses_the_200_percent_upper_bound_on_capital():
    flows = [YearFlow(0, capital_cost=Decimal(1000), revenue_cost=Decimal(100)), YearFlow(1, benefit=Decimal(5000))]
    ob = optimism_bias_for("equipment_it")
    assert ob["cost"] == Decimal("2.00") and ob["duration"] == Decimal("0.54")
    result = appraise(flows, optimism_bias=ob["cost"])
    assert result.pv_costs == Decimal(3100)  # 1000 x 3 + 100; revenue is not uplifted


def test_mitigated_optimism_bias_matches_the_worked_example():
    assert mitigated_optimism_bias(Decimal("0.51"), Decimal("0.92")) == Decimal("0.0408")
    # Mitigation never takes the uplift below the lower bound (IT capex: 10%).
    assert optimism_bias_for("equipment_it", Decimal("0.99"))["cost"] == Decimal("0.10")
    assert optimism_bias_for("equipment_it", Decimal("0.5"))["cost"] == Decimal("1.00")
    assert optimism_bias_for("equipment_it", Decimal("0.5"))["duration"] == Decimal("0.27")


def test_combined_optimism_bias_weights_by_capital_share():
    assert combined_optimism_bias([("0.3", "0.51"), ("0.7", "0.24")]) == Decimal("0.321")
    with pytest.raises(AppraisalError, match="add up to 100%"):
        combined_optimism_bias([("0.3", "0.51"), ("0.6", "0.24")])


def test_outsourcing_uplift_applies_to_revenue():
    ob = optimism_bias_for("outsourcing")
    assert ob["duration"] is None and ob["applies_to"] == "revenue"
    result = appraise(
        [YearFlow(0, capital_cost=Decimal(100), revenue_cost=Decimal(100))],
        optimism_bias=ob["cost"],
        ob_applies_to="revenue",
    )
    assert result.pv_costs == Decimal(241)


@pytest.mark.parametrize(
    "bcr,band",
    [
        ("0.99", "Poor"),
        ("1", "Low"),
        ("1.49", "Low"),
        ("1.5", "Medium"),
        ("2", "High"),
        ("4", "High"),
        ("4.01", "Very high"),
    ],
)
def test_value_for_money_bands(bcr, band):
    assert vfm_band(Decimal(bcr)) == band


def test_bcr_without_costs_is_not_known():
    assert benefit_cost_ratio(Decimal(10), Decimal(0)) is None
    assert vfm_band(None) == "Not known"


def test_missing_years_are_refused():
    with pytest.raises(AppraisalError, match="missing years 1, 2"):
        check_flows([YearFlow(0), YearFlow(3)])


def test_repeated_years_are_refused():
    with pytest.raises(AppraisalError, match="only appear once"):
        check_flows([YearFlow(0), YearFlow(0)])


def test_negative_amounts_are_refused():
    with pytest.raises(AppraisalError, match="benefit in year 1 cannot be negative"):
        check_flows([YearFlow(0), YearFlow(1, benefit=Decimal(-5))])


def test_unknown_optimism_bias_category():
    with pytest.raises(AppraisalError):
        optimism_bias_for("rockets")
