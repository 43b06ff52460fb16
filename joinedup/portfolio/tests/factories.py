import datetime
from decimal import Decimal

from joinedup.portfolio import services
from joinedup.portfolio.appraisal import YearFlow


def make_objectives(council, codes=("SO1", "SO2")):
    return [
        services.objective_create(actor=None, council=council, code=code, title=f"Objective {code}") for code in codes
    ]


def make_proposal(council, actor=None, **values):
    defaults = {
        "title": "Online council tax account",
        "problem": "Residents phone us to check their council tax balance.",
        "beneficiaries": ["residents", "staff"],
        "capital_cost": Decimal("50000"),
        "revenue_cost": Decimal("10000"),
        "timescale_months": 9,
        "expected_benefits": "Fewer calls; residents can check at any time.",
        "urgency": "medium",
    }
    defaults.update(values)
    return services.proposal_create(actor=actor, council=council, **defaults)


def preferred_flows():
    return [YearFlow(0, capital_cost=Decimal(1000))] + [YearFlow(t, benefit=Decimal(300)) for t in range(1, 11)]


def approve(proposal, actor=None):
    """Take a BJC proposal through its single gate."""
    case = services.business_case_create(actor=actor, proposal=proposal, stage="BJC")
    services.option_save(actor=actor, case=case, name="Buy a module", kind="preferred", flows=preferred_flows())
    services.gate_record(
        actor=actor,
        case=case,
        outcome="go",
        decided_by="ICT board",
        decided_on=datetime.date(2026, 1, 10),
        reasons="Good value.",
    )
    return case
