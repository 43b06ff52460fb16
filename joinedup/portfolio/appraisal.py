"""
The economic case engine: Green Book discounting, present values, NPSV, BCR, value-for-money
band, optimism bias and switching values. Pure functions on plain numbers, no database.

Money is handled as Decimal so the figures match the published tables to the penny. The
discount schedule is passed in (it is versioned configuration, `DiscountSchedule` in models),
so a change to the Green Book rate does not change old appraisals.

Formulas (reference: portfolio-and-scrutiny.md 1.4 to 1.6):

    DF_t  = 1 / (1 + r)^t                      for t in the first band (0 to 30 at 3.5%)
    DF_t  = DF_(s-1) / (1 + r_k)^(t - (s - 1))  in a later band k starting at year s
    PV    = sum of value_t * DF_t
    NPSV  = PV benefits - PV costs;  BCR = PV benefits / PV costs
    OB-adjusted cost_t = cost_t * (1 + OB);  mitigated OB = upper bound * (1 - mitigation)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

# Green Book 2022, table 6.1: (first year of the band, real discount rate).
GREEN_BOOK_2022_BANDS: tuple[tuple[int, Decimal], ...] = (
    (0, Decimal("0.035")),
    (31, Decimal("0.030")),
    (76, Decimal("0.025")),
    (126, Decimal("0.020")),
    (201, Decimal("0.015")),
    (301, Decimal("0.010")),
)
PENNY = Decimal("0.01")


class AppraisalError(ValueError):
    """Cash flows or settings the engine cannot appraise; the message is plain English."""


def validate_bands(bands) -> list[tuple[int, Decimal]]:
    """Check a discount schedule: starts at year 0, years rising, rates between 0 and 1."""
    clean = []
    for start, rate in bands:
        start, rate = int(start), Decimal(str(rate))
        if not Decimal(0) <= rate < Decimal(1):
            raise AppraisalError(f"The discount rate from year {start} must be between 0% and 100%.")
        clean.append((start, rate))
    if not clean or clean[0][0] != 0:
        raise AppraisalError("A discount schedule must start at year 0.")
    for (a, _), (b, _) in zip(clean, clean[1:], strict=False):
        if b <= a:
            raise AppraisalError("The years of a discount schedule must rise from one band to the next.")
    return clean


def discount_factors(years: int, bands=GREEN_BOOK_2022_BANDS) -> list[Decimal]:
    """Return DF_0 .. DF_(years-1) for the schedule, compounding each band on the last."""
    if years < 0:
        raise AppraisalError("The number of years cannot be negative.")
    bands = validate_bands(bands)
    factors: list[Decimal] = []
    with localcontext() as ctx:
        ctx.prec = 40
        band_index = 0
        base_year, base_factor = 0, Decimal(1)
        for t in range(years):
            while band_index + 1 < len(bands) and t >= bands[band_index + 1][0]:
                band_index += 1
                # The new band compounds from the factor of the year before it starts.
                base_year = bands[band_index][0] - 1
                base_factor = factors[base_year]
            rate = bands[band_index][1]
            factors.append(base_factor / (1 + rate) ** (t - base_year))
    return factors


def present_value(values, bands=GREEN_BOOK_2022_BANDS) -> Decimal:
    """The present value of values for years 0, 1, 2, ... (year 0 undiscounted)."""
    values = [Decimal(str(v)) for v in values]
    factors = discount_factors(len(values), bands)
    with localcontext() as ctx:
        ctx.prec = 40
        return sum((v * f for v, f in zip(values, factors, strict=True)), Decimal(0))


def present_values_by_year(values, bands=GREEN_BOOK_2022_BANDS) -> list[Decimal]:
    values = [Decimal(str(v)) for v in values]
    return [v * f for v, f in zip(values, discount_factors(len(values), bands), strict=True)]


def benefit_cost_ratio(pv_benefits: Decimal, pv_costs: Decimal) -> Decimal | None:
    """BCR = PV benefits / PV costs; None when there are no costs (the ratio means nothing)."""
    if pv_costs <= 0:
        return None
    return pv_benefits / pv_costs


# DfT value-for-money categories: (lowest BCR of the band, name). Poor is anything below 1.
VFM_BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal("4"), "Very high"),
    (Decimal("2"), "High"),
    (Decimal("1.5"), "Medium"),
    (Decimal("1"), "Low"),
)


def vfm_band(bcr: Decimal | None) -> str:
    """Poor below 1, Low 1 to 1.5, Medium 1.5 to 2, High 2 to 4, Very high above 4."""
    if bcr is None:
        return "Not known"
    if bcr > VFM_BANDS[0][0]:
        return VFM_BANDS[0][1]
    for lowest, name in VFM_BANDS[1:]:
        if bcr >= lowest:
            return name
    return "Poor"


# Optimism bias, Green Book supplementary guidance (Mott MacDonald 2002): upper and lower bounds.
@dataclass(frozen=True)
class OptimismBiasCategory:
    code: str
    label: str
    duration_upper: Decimal | None
    duration_lower: Decimal | None
    cost_upper: Decimal
    cost_lower: Decimal
    applies_to: str = "capital"  # which costs the uplift applies to: "capital" or "revenue"


OPTIMISM_BIAS = {
    c.code: c
    for c in (
        OptimismBiasCategory(
            "standard_buildings",
            "Standard buildings",
            Decimal("0.04"),
            Decimal("0.01"),
            Decimal("0.24"),
            Decimal("0.02"),
        ),
        OptimismBiasCategory(
            "non_standard_buildings",
            "Non-standard buildings",
            Decimal("0.39"),
            Decimal("0.02"),
            Decimal("0.51"),
            Decimal("0.04"),
        ),
        OptimismBiasCategory(
            "standard_civil",
            "Standard civil engineering",
            Decimal("0.20"),
            Decimal("0.01"),
            Decimal("0.44"),
            Decimal("0.03"),
        ),
        OptimismBiasCategory(
            "non_standard_civil",
            "Non-standard civil engineering",
            Decimal("0.25"),
            Decimal("0.03"),
            Decimal("0.66"),
            Decimal("0.06"),
        ),
        OptimismBiasCategory(
            "equipment_it",
            "Equipment and development (IT)",
            Decimal("0.54"),
            Decimal("0.10"),
            Decimal("2.00"),
            Decimal("0.10"),
        ),
        OptimismBiasCategory(
            "outsourcing", "Outsourcing", None, None, Decimal("0.41"), Decimal("0"), applies_to="revenue"
        ),
    )
}


def _fraction(value, what: str) -> Decimal:
    value = Decimal(str(value))
    if not Decimal(0) <= value <= Decimal(1):
        raise AppraisalError(f"{what} must be between 0% and 100%.")
    return value


def mitigated_optimism_bias(upper: Decimal, mitigation) -> Decimal:
    """Upper bound x (1 - the share of the risk areas mitigated). 51% x (1 - 0.92) = 4.08%."""
    return Decimal(str(upper)) * (1 - _fraction(mitigation, "The share of risks mitigated"))


def combined_optimism_bias(parts) -> Decimal:
    """Weight uplifts by capital cost share: [(0.3, 0.51), (0.7, 0.24)] gives 0.321."""
    parts = [(Decimal(str(share)), Decimal(str(uplift))) for share, uplift in parts]
    if sum(share for share, _ in parts) != 1:
        raise AppraisalError("The capital cost shares must add up to 100%.")
    return sum((share * uplift for share, uplift in parts), Decimal(0))


def optimism_bias_for(category: str, mitigation=0) -> dict:
    """The cost and duration uplifts for a category once `mitigation` of the risk is dealt with."""
    try:
        cat = OPTIMISM_BIAS[category]
    except KeyError:
        raise AppraisalError(f"'{category}' is not an optimism bias category.") from None
    cost = max(mitigated_optimism_bias(cat.cost_upper, mitigation), cat.cost_lower)
    duration = None
    if cat.duration_upper is not None:
        duration = max(mitigated_optimism_bias(cat.duration_upper, mitigation), cat.duration_lower)
    return {"category": cat, "cost": cost, "duration": duration, "applies_to": cat.applies_to}


def end_allowing_for_optimism_bias(start, end, uplift):
    """The end date once the planned duration is stretched by the duration uplift:
    start + (end - start) x (1 + uplift), to the nearest day. 100 days planned at +54% is 154."""
    if start is None or end is None or uplift is None:
        return end
    if end < start:
        raise AppraisalError("A project cannot end before it starts.")
    planned = (end - start).days
    extra = (Decimal(planned) * Decimal(str(uplift))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return end + timedelta(days=int(extra))


@dataclass(frozen=True)
class YearFlow:
    """One year's real cash flows (constant prices), in pounds."""

    year: int
    capital_cost: Decimal = Decimal(0)
    revenue_cost: Decimal = Decimal(0)
    benefit: Decimal = Decimal(0)


def check_flows(flows) -> list[YearFlow]:
    """Years must run 0, 1, 2 ... with none missing or repeated, and no negative amounts."""
    flows = sorted(flows, key=lambda f: f.year)
    if not flows:
        raise AppraisalError("Enter the cash flows for at least year 0.")
    years = [f.year for f in flows]
    if len(set(years)) != len(years):
        raise AppraisalError("Each year can only appear once in the cash flows.")
    missing = sorted(set(range(max(years) + 1)) - set(years))
    if years[0] < 0:
        raise AppraisalError("Years are counted from 0 (this year); a year cannot be negative.")
    if missing:
        raise AppraisalError(
            "The cash flows are missing year"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(map(str, missing))
            + ". Enter 0 for a year with nothing in it."
        )
    for f in flows:
        for name in ("capital_cost", "revenue_cost", "benefit"):
            if Decimal(str(getattr(f, name))) < 0:
                label = name.replace("_", " ")
                raise AppraisalError(f"The {label} in year {f.year} cannot be negative.")
    return flows


@dataclass
class Appraisal:
    pv_costs: Decimal
    pv_benefits: Decimal
    npsv: Decimal
    bcr: Decimal | None
    vfm_band: str
    optimism_bias: Decimal
    cost_switching_value: Decimal | None  # the rise in costs (share) that would make NPSV zero
    benefit_switching_value: Decimal | None  # the fall in benefits (share) that would make NPSV zero
    years: list[dict] = field(default_factory=list)

    def rounded(self) -> dict:
        def r(value):
            return None if value is None else value.quantize(PENNY, rounding=ROUND_HALF_UP)

        return {
            "pv_costs": r(self.pv_costs),
            "pv_benefits": r(self.pv_benefits),
            "npsv": r(self.npsv),
            "bcr": None if self.bcr is None else self.bcr.quantize(PENNY, rounding=ROUND_HALF_UP),
            "vfm_band": self.vfm_band,
        }


def switching_values(pv_benefits: Decimal, pv_costs: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """How far costs may rise, or benefits fall, as a share, before NPSV reaches zero."""
    npsv = pv_benefits - pv_costs
    cost = npsv / pv_costs if pv_costs > 0 else None
    benefit = npsv / pv_benefits if pv_benefits > 0 else None
    return cost, benefit


def appraise(flows, *, bands=GREEN_BOOK_2022_BANDS, optimism_bias=Decimal(0), ob_applies_to="capital") -> Appraisal:
    """Appraise one option's yearly real cash flows, with an optimism bias uplift on its costs."""
    flows = check_flows(flows)
    ob = Decimal(str(optimism_bias))
    if ob < 0:
        raise AppraisalError("Optimism bias cannot be negative.")
    factors = discount_factors(len(flows), bands)
    pv_costs = pv_benefits = Decimal(0)
    rows = []
    with localcontext() as ctx:
        ctx.prec = 40
        for f, df in zip(flows, factors, strict=True):
            capital, revenue = Decimal(str(f.capital_cost)), Decimal(str(f.revenue_cost))
            if ob_applies_to == "capital":
                capital = capital * (1 + ob)
            else:
                revenue = revenue * (1 + ob)
            cost = capital + revenue
            benefit = Decimal(str(f.benefit))
            pv_costs += cost * df
            pv_benefits += benefit * df
            rows.append(
                {
                    "year": f.year,
                    "factor": df,
                    "cost": cost,
                    "benefit": benefit,
                    "pv_cost": cost * df,
                    "pv_benefit": benefit * df,
                }
            )
        bcr = benefit_cost_ratio(pv_benefits, pv_costs)
        cost_sv, benefit_sv = switching_values(pv_benefits, pv_costs)
    return Appraisal(
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        npsv=pv_benefits - pv_costs,
        bcr=bcr,
        vfm_band=vfm_band(bcr),
        optimism_bias=ob,
        cost_switching_value=cost_sv,
        benefit_switching_value=benefit_sv,
        years=rows,
    )
