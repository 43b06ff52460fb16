"""
Frozen versions of business cases. At every gate decision the case is copied, as plain JSON,
into a `CaseVersion` that the decision points to: the five cases, the optimism bias, the
discount schedule, every option's cash flows and appraisal (present values, NPSV, BCR, value
for money and switching values), and the vetting answers. A version is never changed; the live
case is the draft of the next version. This module builds snapshots and compares two of them;
`gates.py` saves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from joinedup.portfolio.appraisal import AppraisalError, YearFlow, appraise, optimism_bias_for
from joinedup.portfolio.models import CHECKLIST_CODES, FIVE_CASES, CaseVersion, GateOutcome, OptionKind

# Snapshot keys that describe when it was taken rather than what the case says.
VOLATILE = ("taken_on",)


def _text(value, places: int = 2) -> str | None:
    """A number as exact decimal text with a fixed number of places, so the same figure is always
    written the same way (Decimal(0) and Decimal("0.000") from the database alike)."""
    if value is None:
        return None
    return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-places)))


def _appraisal(result) -> dict:
    return {
        "pv_costs": _text(result.pv_costs.quantize(Decimal("0.01"))),
        "pv_benefits": _text(result.pv_benefits.quantize(Decimal("0.01"))),
        "npsv": _text(result.npsv.quantize(Decimal("0.01"))),
        "bcr": None if result.bcr is None else _text(result.bcr.quantize(Decimal("0.01"))),
        "vfm_band": result.vfm_band,
        "optimism_bias": _text(result.optimism_bias, 4),
        "cost_switching_value": None
        if result.cost_switching_value is None
        else _text(result.cost_switching_value.quantize(Decimal("0.0001"))),
        "benefit_switching_value": None
        if result.benefit_switching_value is None
        else _text(result.benefit_switching_value.quantize(Decimal("0.0001"))),
    }


def case_snapshot(case) -> dict:
    """Everything a gate decided on, as JSON-safe values (money as exact decimal text)."""
    ob = optimism_bias_for(case.ob_category, case.ob_mitigation)
    bands = case.discount_schedule.band_list()
    options = []
    for option in case.options.prefetch_related("cash_flows").order_by("kind", "name", "id"):
        flows = [YearFlow(f.year, f.capital_cost, f.revenue_cost, f.benefit) for f in option.cash_flows.all()]
        entry = {
            "name": option.name,
            "kind": option.kind,
            "kind_label": option.get_kind_display(),
            "description": option.description,
            "flows": [[f.year, _text(f.capital_cost), _text(f.revenue_cost), _text(f.benefit)] for f in flows],
        }
        try:
            entry["appraisal"] = _appraisal(
                appraise(flows, bands=bands, optimism_bias=ob["cost"], ob_applies_to=ob["applies_to"])
            )
        except AppraisalError as error:
            entry["error"] = str(error)
        options.append(entry)
    vetting = [
        {
            "item": a.item,
            "label": CHECKLIST_CODES[a.item][1],
            "phase": a.phase,
            "status": a.status,
            "status_label": a.get_status_display(),
            "evidence": a.evidence,
        }
        for a in case.proposal.vetting_answers.order_by("phase", "item")
    ]
    return {
        "stage": case.stage,
        "stage_label": case.get_stage_display(),
        "sections": {name: getattr(case, name) for name, _, _ in FIVE_CASES},
        "ob_category": case.ob_category,
        "ob_category_label": ob["category"].label,
        "ob_mitigation": _text(case.ob_mitigation, 3),
        "ob_cost": _text(ob["cost"], 4),
        "ob_applies_to": ob["applies_to"],
        "ob_duration": _text(ob["duration"], 4),
        "discount_schedule": {
            "version": case.discount_schedule.version,
            "name": case.discount_schedule.name,
            "bands": case.discount_schedule.bands,
        },
        "options": options,
        "vetting": vetting,
    }


def same(a: dict, b: dict) -> bool:
    """Whether two snapshots say the same thing."""

    def strip(s):
        return {k: v for k, v in s.items() if k not in VOLATILE}

    return strip(a) == strip(b)


def approved_version(case) -> CaseVersion | None:
    """The latest version that a 'go' approved, or None."""
    return (
        CaseVersion.objects.filter(business_case=case, gates__outcome=GateOutcome.GO)
        .order_by("-number")
        .distinct()
        .first()
    )


def latest_version(case) -> CaseVersion | None:
    return case.versions.order_by("-number").first()


def preferred(snapshot: dict) -> dict | None:
    return next((o for o in snapshot["options"] if o["kind"] == OptionKind.PREFERRED), None)


@dataclass
class Change:
    what: str
    before: str
    after: str


FIGURES = (
    ("pv_costs", "present value of costs (£)"),
    ("pv_benefits", "present value of benefits (£)"),
    ("npsv", "net present social value (£)"),
    ("bcr", "benefit-cost ratio"),
    ("vfm_band", "value for money"),
    ("cost_switching_value", "cost switching value"),
    ("benefit_switching_value", "benefit switching value"),
)


def _shown(value) -> str:
    if value is None or value == "":
        return "None"
    return str(value)


def compare(before: dict, after: dict) -> list[Change]:
    """What changed from one snapshot to another, in plain words, figure by figure."""
    changes = []
    labels = {name: label for name, label, _ in FIVE_CASES}
    for name, label in labels.items():
        old, new = before["sections"].get(name, ""), after["sections"].get(name, "")
        if old != new:
            changes.append(Change(label, old or "Not written", new or "Not written"))
    for key, label in (
        ("ob_category_label", "Optimism bias category"),
        ("ob_mitigation", "Share of optimism bias risks mitigated"),
        ("ob_cost", "Optimism bias uplift on costs"),
    ):
        if before.get(key) != after.get(key):
            changes.append(Change(label, _shown(before.get(key)), _shown(after.get(key))))
    if before["discount_schedule"] != after["discount_schedule"]:
        changes.append(
            Change("Discount schedule", before["discount_schedule"]["name"], after["discount_schedule"]["name"])
        )
    old_options = {o["name"]: o for o in before["options"]}
    new_options = {o["name"]: o for o in after["options"]}
    for name in sorted(old_options.keys() | new_options.keys()):
        old, new = old_options.get(name), new_options.get(name)
        if old is None:
            changes.append(Change(f"Option “{name}”", "Not in this version", "Added"))
            continue
        if new is None:
            changes.append(Change(f"Option “{name}”", "In this version", "Removed"))
            continue
        if old["kind"] != new["kind"]:
            changes.append(Change(f"{name}: kind", old["kind_label"], new["kind_label"]))
        old_flows = {row[0]: row[1:] for row in old["flows"]}
        new_flows = {row[0]: row[1:] for row in new["flows"]}
        for year in sorted(old_flows.keys() | new_flows.keys()):
            a, b = old_flows.get(year), new_flows.get(year)
            if a != b:
                changes.append(
                    Change(
                        f"{name}: year {year} (capital, running cost, benefit)",
                        ", ".join(a) if a else "No year",
                        ", ".join(b) if b else "No year",
                    )
                )
        old_a, new_a = old.get("appraisal") or {}, new.get("appraisal") or {}
        for key, label in FIGURES:
            if old_a.get(key) != new_a.get(key):
                changes.append(Change(f"{name}: {label}", _shown(old_a.get(key)), _shown(new_a.get(key))))
    old_vetting = {(v["phase"], v["item"]): v for v in before["vetting"]}
    new_vetting = {(v["phase"], v["item"]): v for v in after["vetting"]}
    for key in sorted(old_vetting.keys() | new_vetting.keys()):
        a, b = old_vetting.get(key), new_vetting.get(key)
        if (a and (a["status"], a["evidence"])) != (b and (b["status"], b["evidence"])):
            label = (a or b)["label"]
            changes.append(
                Change(
                    f"Vetting ({key[0]}): {label}",
                    f"{a['status_label']}: {a['evidence']}" if a else "Not answered",
                    f"{b['status_label']}: {b['evidence']}" if b else "Not answered",
                )
            )
    return changes


def figures_of(snapshot: dict) -> dict:
    """Each option's headline figures, for an audit entry: {option: {npsv, bcr, vfm_band}}."""
    return {
        o["name"]: {
            k: (o.get("appraisal") or {}).get(k) for k in ("pv_costs", "pv_benefits", "npsv", "bcr", "vfm_band")
        }
        for o in snapshot["options"]
    }
