import datetime
from decimal import Decimal

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.portfolio import gates, services
from joinedup.portfolio.appraisal import YearFlow

FULL_CASE = {
    "strategic_case": "Residents phone us for things they could do online.",
    "economic_case": "Options compared with business as usual at the Green Book rate.",
    "commercial_case": "Bought through a framework.",
    "financial_case": "From the ICT reserve.",
    "management_case": "Run by the ICT team with a named senior responsible owner.",
}
TRIAGE = dict.fromkeys(
    ("customer_journey", "staff_work", "strategy_fit", "duplication", "cyber", "data_protection", "accessibility"),
    ("met", "Evidence on file."),
)


def make_approver(council, email="board@example.org"):
    """A portfolio board member of the council."""
    user = UserFactory(email=email)
    grant(user, Role.PORTFOLIO_APPROVER, council=council)
    return user


def vet(proposal, actor=None):
    services.vetting_record(actor=actor, proposal=proposal, phase="triage", answers=TRIAGE)


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


def good_value_flows():
    """An option with High value for money even after the full IT optimism bias (+200%)."""
    return [YearFlow(0, capital_cost=Decimal(1000))] + [YearFlow(t, benefit=Decimal(900)) for t in range(1, 11)]


def approve(proposal, actor=None, approver=None):
    """Take a BJC proposal, vetted and with a complete case, through its single gate, decided by
    a portfolio board member of its council (made here unless given)."""
    vet(proposal, actor=actor)
    case = services.business_case_create(actor=actor, proposal=proposal, stage="BJC", **FULL_CASE)
    services.option_save(actor=actor, case=case, name="Buy a module", kind="preferred", flows=good_value_flows())
    approver = approver or make_approver(proposal.council, email=f"board.{proposal.pk}@example.org")
    gates.gate_record(
        actor=approver,
        case=case,
        outcome="go",
        decided_on=datetime.date(2026, 1, 10),
        reasons="Good value.",
    )
    return case
