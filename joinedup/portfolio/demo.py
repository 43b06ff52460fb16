"""
Demo data for the portfolio app, called at the end of seed_demo: the partnership's strategic
objectives with AHP weights, and an ICT roadmap of proposals at every stage (ideas, vetting,
business cases with options and gates, approved projects with milestones, status reports,
benefits and member questions). Project names are typical of council ICT roadmaps; every
number is made up.

Safe to re-run: a proposal that already exists (matched by council and title) is left alone.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from joinedup.accounts import services as account_services
from joinedup.accounts.models import Role, RoleAssignment, User
from joinedup.councils.models import Council
from joinedup.portfolio import gates, services, versions
from joinedup.portfolio.appraisal import YearFlow
from joinedup.portfolio.models import Proposal, StrategicObjective, WeightSet

SOURCE = "seed_portfolio"
D = datetime.date

OBJECTIVES = [
    ("SO1", "Residents can do more online, with help for those who need it"),
    ("SO2", "Staff spend less time on repeated and manual work"),
    ("SO3", "Fewer systems doing the same job across the partnership"),
    ("SO4", "Our systems and data are secure and reliable"),
]
# Saaty-scale judgements agreed by the partnership's members (consistency ratio below 0.01).
JUDGEMENTS = {
    ("SO1", "SO2"): "2",
    ("SO1", "SO3"): "3",
    ("SO1", "SO4"): "1",
    ("SO2", "SO3"): "2",
    ("SO2", "SO4"): "1/2",
    ("SO3", "SO4"): "1/3",
}


def flows(capital: dict, revenue: int, benefit: int, years: int, benefit_from: int = 1):
    """Cash flows: capital by year, the same running cost and benefit each year after year 0."""
    return [
        YearFlow(
            t, Decimal(capital.get(t, 0)), Decimal(revenue if t else 0), Decimal(benefit if t >= benefit_from else 0)
        )
        for t in range(years + 1)
    ]


# title, council slug, partner councils, route, stage to reach, details
PROJECTS = [
    {
        "title": "Assisted self-service in customer service centres",
        "council": "boston",
        "partners": ["east-lindsey", "south-holland"],
        "route": "bjc",
        "to": "delivery",
        "problem": "Many residents come to our offices for tasks they could do online, but need someone beside "
        "them. Staff fill in forms for them, which takes twice as long.",
        "beneficiaries": ["residents", "staff"],
        "capital": 180000,
        "revenue": 25000,
        "months": 18,
        "urgency": "high",
        "benefits": "Residents learn to do things online with a helper beside them; fewer staff hours per visit.",
        "objectives": ["SO1", "SO2"],
        "systems": ["Firmstep"],
        "dates": (D(2025, 4, 1), D(2026, 9, 30)),
        "scores": {"SO1": (5, 4), "SO2": (4, 4), "SO3": (1, 2), "SO4": (2, 2)},
        "options": [
            ("Business as usual", "bau", flows({}, 0, 0, 10)),
            ("Do minimum: tablets on the counter", "do_minimum", flows({0: 30000}, 5000, 40000, 10)),
            ("Kiosks with trained digital helpers", "preferred", flows({0: 150000, 1: 30000}, 25000, 140000, 10)),
        ],
        "report": (
            "green",
            "green",
            "amber",
            "green",
            "green",
            "amber_green",
            "Kiosks are live in Boston and Louth. Spalding is waiting for a network upgrade.",
            150000,
            158000,
        ),
    },
    {
        "title": "Single customer platform for the partnership",
        "council": "boston",
        "partners": ["east-lindsey", "south-holland"],
        "route": "three_stage",
        "to": "delivery",
        "problem": "Each council runs a different customer relationship system. Residents repeat themselves, "
        "and we pay three suppliers for the same job.",
        "beneficiaries": ["residents", "staff", "councillors"],
        "capital": 2400000,
        "revenue": 310000,
        "months": 36,
        "urgency": "high",
        "benefits": "One account for residents across the three councils; one contract instead of three.",
        "objectives": ["SO1", "SO2", "SO3"],
        "systems": ["Firmstep"],
        "dates": (D(2024, 4, 1), D(2027, 3, 31)),
        "scores": {"SO1": (5, 5), "SO2": (4, 3), "SO3": (5, 5), "SO4": (3, 3)},
        "options": [
            ("Business as usual: three systems", "bau", flows({}, 0, 0, 10)),
            ("Do minimum: share one portal front end", "do_minimum", flows({0: 400000}, 90000, 250000, 10)),
            (
                "One platform for all three councils",
                "preferred",
                flows({0: 1200000, 1: 900000, 2: 300000}, 310000, 1150000, 10, benefit_from=2),
            ),
        ],
        "report": (
            "amber",
            "amber",
            "green",
            "green",
            "amber",
            "amber",
            "Boston and South Holland have moved. East Lindsey's move is three months late because the "
            "old contract's data export was incomplete.",
            1900000,
            1850000,
        ),
    },
    {
        "title": "Cyber security uplift: multi-factor sign-in and monitoring",
        "council": "east-lindsey",
        "partners": ["boston", "south-holland"],
        "route": "bjc",
        "to": "closed",
        "problem": "Staff sign in with a password alone, and nobody watches the network out of hours.",
        "beneficiaries": ["residents", "staff"],
        "capital": 95000,
        "revenue": 60000,
        "months": 9,
        "urgency": "critical",
        "benefits": "Lower risk of a ransomware attack that would stop services for weeks.",
        "objectives": ["SO4"],
        "systems": [],
        "dates": (D(2023, 9, 1), D(2024, 6, 30)),
        "scores": {"SO1": (1, 1), "SO2": (1, 2), "SO3": (2, 1), "SO4": (5, 5)},
        "options": [
            ("Business as usual", "bau", flows({}, 0, 0, 5)),
            ("Multi-factor sign-in and a monitored security service", "preferred", flows({0: 95000}, 60000, 120000, 5)),
        ],
        "report": (
            "green",
            "green",
            "green",
            "green",
            "green",
            "green",
            "Every account now uses two-factor sign-in. The monitoring service is live.",
            95000,
            91000,
        ),
    },
    {
        "title": "Digital skills for front-line staff",
        "council": "south-holland",
        "partners": ["boston", "east-lindsey"],
        "route": "bjc",
        "to": "approved",
        "problem": "Some front-line staff are not confident with the systems they use, so tasks take longer and "
        "they cannot help residents online.",
        "beneficiaries": ["staff", "residents"],
        "capital": 40000,
        "revenue": 15000,
        "months": 12,
        "urgency": "medium",
        "benefits": "Staff complete tasks faster and can show residents how to use online services.",
        "objectives": ["SO1", "SO2"],
        "systems": [],
        "dates": (D(2026, 4, 1), D(2027, 3, 31)),
        "scores": {"SO1": (4, 3), "SO2": (4, 4), "SO3": (0, 1), "SO4": (2, 3)},
        "options": [
            ("Business as usual", "bau", flows({}, 0, 0, 5)),
            ("Training programme with digital champions", "preferred", flows({0: 40000}, 15000, 45000, 5)),
        ],
    },
    {
        "title": "Align revenues and benefits systems",
        "council": "south-holland",
        "partners": ["boston", "east-lindsey"],
        "route": "three_stage",
        "to": "business_case",
        "problem": "The three councils use two different revenues and benefits systems, with contracts ending "
        "in different years.",
        "beneficiaries": ["staff", "residents"],
        "capital": 850000,
        "revenue": 180000,
        "months": 24,
        "urgency": "medium",
        "benefits": "One system and one team's know-how; a stronger position when buying.",
        "objectives": ["SO2", "SO3"],
        "systems": [],
        "dates": (D(2027, 4, 1), D(2029, 3, 31)),
        "scores": {"SO1": (2, 2), "SO2": (4, 4), "SO3": (5, 4), "SO4": (3, 3)},
        "options": [
            ("Business as usual", "bau", flows({}, 0, 0, 10)),
            (
                "Move everyone to one system when contracts end",
                "preferred",
                flows({0: 300000, 1: 550000}, 180000, 420000, 10, benefit_from=2),
            ),
        ],
    },
    {
        "title": "Online council tax account",
        "council": "boston",
        "partners": [],
        "route": "bjc",
        "to": "vetting",
        "problem": "Residents phone us to check their balance or set up a direct debit.",
        "beneficiaries": ["residents", "staff"],
        "capital": 60000,
        "revenue": 12000,
        "months": 6,
        "urgency": "medium",
        "benefits": "Around 4,000 fewer calls a year.",
        "objectives": ["SO1", "SO2"],
        "systems": [],
        "scores": {"SO1": (4, 4), "SO2": (3, 3), "SO3": (1, 1), "SO4": (2, 2)},
    },
    {
        "title": "Route planning for waste collection crews",
        "council": "east-lindsey",
        "partners": [],
        "route": "bjc",
        "to": "idea",
        "problem": "Crews plan rounds on paper maps, and missed bins are reported by phone.",
        "beneficiaries": ["residents", "staff"],
        "capital": 120000,
        "revenue": 30000,
        "months": 9,
        "urgency": "low",
        "benefits": "Fewer missed bins and shorter rounds.",
        "objectives": ["SO2"],
        "systems": [],
        "scores": {},
    },
]


# The portfolio board member who records gate decisions for the partnership's three councils.
BOARD = ("board@example.org", "Bea Board")
BOARD_COUNCILS = ("boston", "east-lindsey", "south-holland")
# Routes the board chose against the threshold, with its reason.
ROUTE_REASONS = {
    "Align revenues and benefits systems": "Three councils' core systems and contracts: the board wants the "
    "full three stages although the estimate is under the threshold.",
}


def seed_board_member(password) -> User:
    """The demo's portfolio board member (Role.PORTFOLIO_APPROVER at each partnership council)."""
    email, full_name = BOARD
    user = User.objects.filter(email=email).first()
    if user is None:
        user = account_services.user_create(
            actor=None, email=email, full_name=full_name, password=password, source=SOURCE
        )
    for council in Council.objects.filter(slug__in=BOARD_COUNCILS):
        if not RoleAssignment.objects.filter(user=user, role=Role.PORTFOLIO_APPROVER, council=council).exists():
            account_services.role_grant(
                actor=None, user=user, role=Role.PORTFOLIO_APPROVER, council=council, source=SOURCE
            )
    return user


def seed_portfolio(password=None) -> None:
    from django.conf import settings

    partnership_council = Council.objects.filter(slug="boston", partnership__isnull=False).first()
    if partnership_council is None:
        return
    with transaction.atomic():
        board = seed_board_member(password or settings.DEMO_PASSWORD)
        _seed(partnership_council, board)


def _objectives(council):
    existing = {o.code: o for o in StrategicObjective.objects.filter(**services.strategy_owner(council))}
    for code, title in OBJECTIVES:
        if code not in existing:
            existing[code] = services.objective_create(
                actor=None, council=council, code=code, title=title, source=SOURCE
            )
    if not WeightSet.objects.filter(**services.strategy_owner(council)).exists():
        services.weights_set_ahp(
            actor=None,
            council=council,
            source=SOURCE,
            note="Agreed by the joint ICT board, March 2025",
            judgements={(existing[a], existing[b]): v for (a, b), v in JUDGEMENTS.items()},
        )
    return existing


def _seed(boston, board):
    objectives = _objectives(boston)
    officers = {u.email: u for u in User.objects.filter(email__in=["staff@example.org", "partnership@example.org"])}
    raters = [officers.get("staff@example.org"), officers.get("partnership@example.org")]
    scrutiny = User.objects.filter(email="scrutiny@example.org").first()
    made = {}
    for spec in PROJECTS:
        council = Council.objects.get(slug=spec["council"])
        existing = Proposal.objects.filter(council=council, title=spec["title"]).first()
        if existing:
            made[spec["title"]] = existing
            continue
        made[spec["title"]] = _project(spec, council, objectives, raters, scrutiny, board)
    # The platform waits for the cyber work; digital skills waits for the kiosks.
    pairs = [
        ("Single customer platform for the partnership", "Cyber security uplift: multi-factor sign-in and monitoring"),
        ("Digital skills for front-line staff", "Assisted self-service in customer service centres"),
    ]
    for project, dependency in pairs:
        p, d = made[project], made[dependency]
        if p.start_date and not p.depends_on.exists():
            services.proposal_schedule(
                actor=None, proposal=p, start_date=p.start_date, end_date=p.end_date, depends_on=[d], source=SOURCE
            )


def _project(spec, council, objectives, raters, scrutiny, board):
    from joinedup.software.models import Application

    partners = list(Council.objects.filter(slug__in=spec["partners"]))
    systems = [
        a
        for name in spec["systems"]
        for a in Application.objects.filter(council=council, product__name__icontains=name)
    ]
    proposal = services.proposal_create(
        actor=None,
        council=council,
        source=SOURCE,
        councils=partners,
        objectives=[objectives[c] for c in spec["objectives"]],
        related_applications=systems,
        owner=raters[0] if council.slug == "boston" else None,
        title=spec["title"],
        problem=spec["problem"],
        beneficiaries=spec["beneficiaries"],
        capital_cost=Decimal(spec["capital"]),
        revenue_cost=Decimal(spec["revenue"]),
        timescale_months=spec["months"],
        expected_benefits=spec["benefits"],
        urgency=spec["urgency"],
    )
    if spec["title"] in ROUTE_REASONS:
        gates.proposal_route_switch(
            actor=None,
            proposal=proposal,
            route=spec["route"],
            reason=ROUTE_REASONS[spec["title"]],
            decided_by=board,
            source=SOURCE,
        )
    for index, rater in enumerate(raters):
        if rater is None or not spec["scores"]:
            continue
        services.scores_record(
            actor=None,
            proposal=proposal,
            rater=rater,
            source=SOURCE,
            scores={
                objectives[code]: (pair[index], "Judged against the objective at the ICT board's scoring session.")
                for code, pair in spec["scores"].items()
            },
        )
    if spec["to"] == "idea":
        return proposal
    services.vetting_record(
        actor=None,
        proposal=proposal,
        phase="triage",
        source=SOURCE,
        answers={
            "customer_journey": ("met", "Customer journey map from the contact centre, with call and visit counts."),
            "staff_work": ("met", "Time-and-motion study of the current process."),
            "strategy_fit": ("met", "Supports the objectives named on the proposal."),
            "duplication": ("met", "Software register checked across the partnership."),
            "cyber": ("partly", "Supplier's security questionnaire received; penetration test to follow."),
            "data_protection": ("met", "DPIA screening done; a full DPIA is under way."),
            "accessibility": ("partly", "Supplier's accessibility statement lists known WCAG 2.2 AA issues."),
        },
    )
    if spec["to"] == "vetting":
        return proposal
    stages = ["BJC"] if spec["route"] == "bjc" else ["SOC", "OBC", "FBC"]
    if spec["to"] == "business_case":
        stages = stages[:2]
    decided = spec.get("dates", (D(2026, 1, 1), None))[0] - datetime.timedelta(days=60)
    for position, stage in enumerate(stages):
        case = services.business_case_create(
            actor=None,
            proposal=proposal,
            stage=stage,
            source=SOURCE,
            strategic_case=spec["problem"] + " " + spec["benefits"],
            economic_case="Options compared against business as usual at the Green Book discount rate.",
            commercial_case="Bought through a Crown Commercial Service framework.",
            financial_case=f"£{spec['capital']:,} capital from the ICT reserve; £{spec['revenue']:,} a year from "
            "service budgets, shared by the councils taking part.",
            management_case="Senior responsible owner: the Assistant Director for ICT. Benefits tracked quarterly.",
            ob_mitigation=Decimal("0.5") if stage in ("FBC", "BJC") else Decimal("0.2"),
        )
        for name, kind, option_flows in spec["options"]:
            services.option_save(actor=None, case=case, name=name, kind=kind, flows=option_flows, source=SOURCE)
        last = position == len(stages) - 1
        if spec["to"] == "business_case" and last:
            break
        band = ((versions.preferred(versions.case_snapshot(case)) or {}).get("appraisal") or {}).get("vfm_band")
        gates.gate_record(
            actor=None,
            case=case,
            outcome="go",
            decided_by=board,
            source=SOURCE,
            decided_on=min(decided - datetime.timedelta(days=120 * (len(stages) - 1 - position)), timezone.localdate()),
            reasons="Fits the strategy and the risks are understood.",
            vfm_justification="A legal duty and a system going out of support: the board accepts the value for money."
            if band in gates.POOR_VALUE_BANDS
            else "",
        )
    if spec["to"] == "business_case":
        return proposal
    start, end = spec["dates"]
    services.proposal_schedule(actor=None, proposal=proposal, start_date=start, end_date=end, source=SOURCE)
    services.milestone_add(actor=None, proposal=proposal, title="Supplier appointed", due_on=start, source=SOURCE)
    services.milestone_add(
        actor=None,
        proposal=proposal,
        title="Live in every council",
        due_on=end - datetime.timedelta(days=30),
        source=SOURCE,
    )
    services.benefit_add(
        actor=None,
        proposal=proposal,
        source=SOURCE,
        number="B1",
        category="direct_public",
        benefit_class="cash_releasing",
        description=spec["benefits"],
        service_feature=spec["title"],
        responsible_officer="Head of Customer Services",
        performance_measure="Staff hours a month on the task",
        baseline_value=Decimal(1200),
        target_improvement="25% fewer hours",
        full_year_value=Decimal(spec["options"][-1][2][-1].benefit),
        timescale_years=5,
    )
    if spec["to"] == "approved":
        return proposal
    overall, time, cost, scope, benefits, confidence, narrative, planned, actual = spec["report"]
    services.status_report_add(
        actor=None,
        proposal=proposal,
        source=SOURCE,
        period_end=D(2026, 9, 30),
        rag_overall=overall,
        rag_time=time,
        rag_cost=cost,
        rag_scope=scope,
        rag_benefits=benefits,
        delivery_confidence=confidence,
        narrative=narrative,
        budget_to_date=Decimal(planned),
        actual_to_date=Decimal(actual),
    )
    benefit = proposal.benefits.get(number="B1")
    services.benefit_measure(
        actor=None,
        benefit=benefit,
        measured_on=D(2026, 9, 30),
        value=Decimal(1010),
        realised_saving=Decimal(benefit.full_year_value * Decimal("0.4")).quantize(Decimal(1)),
        note="First quarter after go-live.",
        source=SOURCE,
    )
    if scrutiny is not None and council.slug == "boston":
        challenge = services.challenge_ask(
            actor=scrutiny,
            proposal=proposal,
            source=SOURCE,
            question="How will residents who cannot use a screen be helped, and how will we know it works for them?",
        )
        services.challenge_answer(
            actor=None,
            answered_by=proposal.owner,
            challenge=challenge,
            source=SOURCE,
            answer="Every site keeps a staffed counter. We measure satisfaction for assisted visits separately "
            "and report it each quarter.",
        )
    if spec["to"] == "closed":
        services.proposal_set_stage(actor=None, proposal=proposal, stage="closed", source=SOURCE)
    return proposal
