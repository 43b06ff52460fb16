"""
The incremental economic case (issue 16, defect 8): each option against the baseline (business
as usual, or the do-minimum where there is no business-as-usual option), and a sensitivity
table. Pure functions on appraisals and cash flows, no database.

Present values are linear, so an option's incremental figures are differences of its figures
and the baseline's, each with its optimism bias applied:

    incremental PV costs    = PV costs(option)    - PV costs(baseline)
    incremental PV benefits = PV benefits(option) - PV benefits(baseline)
    incremental NPSV        = incremental PV benefits - incremental PV costs
    incremental BCR         = incremental PV benefits / incremental PV costs (when the extra cost > 0)

Sensitivity: the option appraised again with every cost (after optimism bias) 20% and 10% lower
and 10% and 20% higher, and with every benefit arriving one year later.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from joinedup.portfolio.appraisal import AppraisalError, YearFlow, appraise, benefit_cost_ratio, vfm_band

COST_CHANGES = (Decimal("-0.2"), Decimal("-0.1"), Decimal("0.1"), Decimal("0.2"))


@dataclass
class Incremental:
    pv_costs: Decimal
    pv_benefits: Decimal
    npsv: Decimal
    bcr: Decimal | None
    vfm_band: str


def incremental(option, baseline) -> Incremental:
    """An option's appraisal against the baseline's (both `appraisal.Appraisal`)."""
    pv_costs = option.pv_costs - baseline.pv_costs
    pv_benefits = option.pv_benefits - baseline.pv_benefits
    bcr = benefit_cost_ratio(pv_benefits, pv_costs)
    return Incremental(
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        npsv=pv_benefits - pv_costs,
        bcr=bcr,
        vfm_band=vfm_band(bcr) if bcr is not None else "Not known (no extra cost)",
    )


@dataclass
class Sensitivity:
    label: str
    npsv: Decimal
    bcr: Decimal | None
    vfm_band: str


def sensitivity(flows, *, bands, optimism_bias, ob_applies_to) -> list[Sensitivity]:
    """The option's NPSV and BCR as planned, with costs 20% and 10% lower and 10% and 20%
    higher, and with benefits a year late."""
    kwargs = {"bands": bands, "optimism_bias": optimism_bias, "ob_applies_to": ob_applies_to}
    base = appraise(flows, **kwargs)
    rows = [Sensitivity("As planned", base.npsv, base.bcr, base.vfm_band)]
    for change in COST_CHANGES:
        pv_costs = base.pv_costs * (1 + change)
        bcr = benefit_cost_ratio(base.pv_benefits, pv_costs)
        sign = "higher" if change > 0 else "lower"
        rows.append(
            Sensitivity(f"Costs {abs(change) * 100:.0f}% {sign}", base.pv_benefits - pv_costs, bcr, vfm_band(bcr))
        )
    late = delay_benefits(flows)
    result = appraise(late, **kwargs)
    rows.append(Sensitivity("Benefits a year late", result.npsv, result.bcr, result.vfm_band))
    return rows


def delay_benefits(flows) -> list[YearFlow]:
    """The same costs, with each year's benefit moved to the year after (one year longer)."""
    flows = list(flows)
    if not flows:
        raise AppraisalError("There are no cash flows to delay.")
    out = []
    for t in range(len(flows) + 1):
        cost = flows[t] if t < len(flows) else YearFlow(t)
        benefit = flows[t - 1].benefit if t >= 1 else Decimal(0)
        out.append(YearFlow(t, cost.capital_cost, cost.revenue_cost, benefit))
    return out
