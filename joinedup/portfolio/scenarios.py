"""Saved budget selection scenarios (issue 16, defect 9, in part): a PMO lead runs the selection,
saves it under a name, and compares two scenarios side by side."""

from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.accounts import permissions
from joinedup.portfolio import rules, selectors
from joinedup.portfolio.models import SelectionScenario, Stage
from joinedup.portfolio.prioritisation import PrioritisationError
from joinedup.portfolio.services import _audit


def candidates(*, user, council):
    """The proposals the council's selection chooses among (projects in delivery are committed)."""
    rows, weight_set = selectors.ranking(user=user, council=council)
    return [r for r in rows if r.proposal.stage != Stage.DELIVERY], weight_set


@transaction.atomic
def scenario_save(*, actor, council, name, capital_limit, revenue_limit, forced_in=(), forced_out=(), source=""):
    """Work the selection out now and keep it, with every candidate's score and costs as they are."""
    permissions.require(rules.can_edit_portfolio(actor, council), "Only this council's staff can save scenarios.")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the scenario a name."})
    if SelectionScenario.objects.filter(council=council, name=name).exists():
        raise ValidationError({"name": f"There is already a scenario called “{name}”."})
    ranked, weight_set = candidates(user=actor, council=council)
    forced_in, forced_out = {int(k) for k in forced_in}, {int(k) for k in forced_out}
    try:
        result = selectors.budget_selection(
            ranked=ranked,
            capital_limit=capital_limit,
            revenue_limit=revenue_limit,
            forced_in=forced_in,
            forced_out=forced_out,
        )
    except PrioritisationError as error:
        raise ValidationError(str(error)) from None
    chosen = set(result.chosen)
    scenario = SelectionScenario.objects.create(
        council=council,
        name=name[:100],
        capital_limit=capital_limit,
        revenue_limit=revenue_limit,
        forced_in=sorted(forced_in),
        forced_out=sorted(forced_out),
        rows=[
            {
                "pk": r.proposal.pk,
                "reference": r.proposal.reference,
                "title": r.proposal.title,
                "score": r.score,
                "capital": str(r.proposal.capital_cost),
                "revenue": str(r.proposal.revenue_cost),
                "chosen": r.proposal.pk in chosen,
            }
            for r in ranked
        ],
        value=result.value,
        capital=result.capital,
        revenue=result.revenue,
        weights_version=weight_set.version if weight_set else None,
        created_by=actor,
    )
    _audit(
        actor,
        "scenario.save",
        scenario,
        council,
        {"name": scenario.name, "capital_limit": str(capital_limit), "revenue_limit": str(revenue_limit)},
        source,
    )
    return scenario


def compare(a: SelectionScenario, b: SelectionScenario) -> list[dict]:
    """Every proposal in either scenario: whether each chose it, and its score in each."""
    left = {row["pk"]: row for row in a.rows}
    right = {row["pk"]: row for row in b.rows}
    out = []
    for pk in list(left) + [pk for pk in right if pk not in left]:
        row = left.get(pk) or right[pk]
        out.append(
            {
                "reference": row["reference"],
                "title": row["title"],
                "a": left.get(pk),
                "b": right.get(pk),
                "differs": bool(left.get(pk, {}).get("chosen")) != bool(right.get(pk, {}).get("chosen")),
            }
        )
    return out
