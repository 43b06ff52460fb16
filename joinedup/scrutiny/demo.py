"""
Demo data for scrutiny, called at the end of seed_demo: a scrutiny officer and a portfolio holder
at Boston; Boston's Overview and Scrutiny Committee (the demo scrutiny member sits on it) with a
task group, meetings, evidence, a work programme and a report whose response is overdue; and the
partnership's joint task group with its final report on the draft Digital Strategy and ICT
Roadmap (the four recommendations of the real report in shared/seeds), the executive's
responses, progress, and the recurring topic its first recommendation asked for: the strategy
and roadmap every two years, an assurance item in the annual review in the years between.

Safe to re-run: a committee that already exists (matched by its owner and name) is left alone.
"""

import datetime

from django.db import transaction

from joinedup.accounts import services as account_services
from joinedup.accounts.models import Role, RoleAssignment, User
from joinedup.councils.models import Council, Partnership, ServiceArea
from joinedup.scrutiny import services
from joinedup.scrutiny import services_tracker as tracker
from joinedup.scrutiny.models import Committee, CommitteeKind, TopicSource

SOURCE = "seed_scrutiny"
D = datetime.date

OFFICER = ("scrutiny.officer@example.org", "Rebecca Reviewer")
HOLDER = ("portfolio.holder@example.org", "Cllr Paul Portfolio")

JOINT_RECOMMENDATIONS = [
    (
        "Every 2 years, the Digital Strategy and ICT Roadmap should be a Partnership scrutiny topic. In the interim "
        "year, the Partnership Annual Scrutiny Review, as part of its scope, should seek assurance the Strategy is "
        "making progress.",
        "accepted",
        "Agreed. The strategy and roadmap will come to joint scrutiny every two years, with an assurance item in "
        "the annual review in between.",
        "Add the recurring topic to the joint work programme.",
        "Assistant Director, Corporate",
        D(2023, 6, 30),
        [("green", D(2023, 7, 1), "Added to the joint work programme; first full review due March 2025.")],
        D(2023, 9, 12),
    ),
    (
        "To use 'best practice' from ELDC in upskilling residents in terms of digital skills, with a view to "
        "rolling out a training programme to Boston and South Holland residents. As part of this model, to seek "
        "feedback from participants on digital service access and journeys.",
        "accepted",
        "Agreed. East Lindsey's digital champions model will be offered in Boston and South Holland.",
        "Roll out digital champions sessions in Boston and Spalding libraries.",
        "Group Manager, Insights and Transformation",
        D(2024, 3, 31),
        [
            ("amber", D(2023, 9, 1), "Sessions running in Boston; Spalding venue not yet agreed."),
            ("amber", D(2024, 3, 1), "Spalding sessions started in February; participant feedback form in testing."),
        ],
        None,
    ),
    (
        "There should be a continued focus on cyber security to ensure it is well embedded within the Partnership "
        "and that the importance of cyber security is understood by all.",
        "accepted",
        "Agreed. Cyber security training is mandatory for all staff and members.",
        "Mandatory annual cyber training; multi-factor sign-in for every account.",
        "Head of ICT, PSPS Ltd",
        D(2024, 6, 30),
        [("green", D(2024, 7, 1), "Every account uses two-factor sign-in; 96% of staff completed training.")],
        None,
    ),
    (
        "To add a glossary to the Strategy and Roadmap to explain any terms considered technical.",
        "partly",
        "Partly agreed: a glossary has been added to the strategy; the roadmap will link to it rather than repeat it.",
        "Publish the glossary with the final strategy.",
        "Group Manager, Insights and Transformation",
        D(2023, 4, 30),
        [("green", D(2023, 5, 2), "Glossary published with the final strategy.")],
        D(2023, 9, 12),
    ),
]

WITNESSES = [
    (
        "Jackie Wright",
        "Head of ICT, PSPS Ltd",
        "Described the software asset management programme and how "
        "underused software is identified. Service areas audit their own licence use.",
    ),
    (
        "Cllr Jim Astill",
        "SHDC Portfolio Holder",
        "Said portfolio holders had been closely involved and that the roadmap lets each council move at its own pace.",
    ),
    (
        "Lewis Duckett",
        "Chief Executive, PSPS Ltd",
        "Explained that projects on the roadmap come forward with their "
        "own business cases rather than one upfront investment.",
    ),
]


def _user(email, full_name, password):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = account_services.user_create(
            actor=None, email=email, full_name=full_name, password=password, source=SOURCE
        )
    return user


def _grant(user, role, council, **extras):
    if not RoleAssignment.objects.filter(user=user, role=role, council=council).exists():
        account_services.role_grant(actor=None, user=user, role=role, council=council, source=SOURCE, **extras)


@transaction.atomic
def seed_scrutiny(password=None) -> None:
    """Add the demo's scrutiny users and data."""
    boston = Council.objects.get(slug="boston")
    partnership = Partnership.objects.get(slug="south-east-lincolnshire")
    officer = _user(*OFFICER, password)
    holder = _user(*HOLDER, password)
    _grant(officer, Role.SCRUTINY_OFFICER, boston)
    areas = list(ServiceArea.objects.filter(council=boston, slug__in=["customer-services", "waste-recycling"]))
    _grant(holder, Role.PORTFOLIO_HOLDER, boston, service_areas=areas)
    member = User.objects.get(email="scrutiny@example.org")
    if not Committee.objects.filter(council=boston, name="Overview and Scrutiny Committee").exists():
        _boston(boston, officer, member)
    if not Committee.objects.filter(partnership=partnership).exists():
        _joint(partnership, boston, officer, member)
    from joinedup.scrutiny.tasks import reminders_schedule

    reminders_schedule()


def _boston(boston, officer, member):
    osc = services.committee_create(
        actor=None,
        owner=boston,
        name="Overview and Scrutiny Committee",
        code="OSC",
        kind=CommitteeKind.COMMITTEE,
        scrutiny_officer=officer,
        takes_public_suggestions=True,
        source=SOURCE,
    )
    services.membership_add(
        actor=None, committee=osc, user=member, role="chair", start_date=D(2024, 5, 15), source=SOURCE
    )
    for name, role, start, end in [
        ("Cllr Anne Dawson", "vice_chair", D(2024, 5, 15), None),
        ("Cllr Tom Ashton", "member", D(2024, 5, 15), None),
        ("Cllr Jo Welbourn", "member", D(2023, 5, 17), D(2024, 5, 14)),
    ]:
        services.membership_add(
            actor=None, committee=osc, name=name, role=role, start_date=start, end_date=end, source=SOURCE
        )
    services.terms_add(
        actor=None,
        committee=osc,
        text="To review and scrutinise the decisions and performance of the executive and the council's services, "
        "and to make reports and recommendations to the executive and the council.",
        endorsed_on=D(2023, 5, 17),
        endorsed_by="Full Council",
        source=SOURCE,
    )
    services.terms_add(
        actor=None,
        committee=osc,
        text="To review and scrutinise the decisions and performance of the executive and the council's services, "
        "including the digital services the council runs with its partners, and to make reports and "
        "recommendations to the executive and the council. To set up task groups for in-depth reviews.",
        endorsed_on=D(2025, 5, 21),
        endorsed_by="Full Council",
        source=SOURCE,
    )
    task_group = services.committee_create(
        actor=None,
        owner=boston,
        name="Closing the Loop Task Group",
        code="CLTG",
        kind=CommitteeKind.TASK_GROUP,
        parent=osc,
        scrutiny_officer=officer,
        source=SOURCE,
    )
    services.membership_add(
        actor=None, committee=task_group, user=member, role="chair", start_date=D(2026, 6, 1), source=SOURCE
    )
    services.terms_add(
        actor=None,
        committee=task_group,
        text="To find out whether residents who report a problem are told what happens to it, and to recommend "
        "how the council can close the loop every time.",
        endorsed_on=D(2026, 6, 9),
        endorsed_by="Overview and Scrutiny Committee",
        source=SOURCE,
    )
    september = services.meeting_create(
        actor=None, committee=osc, date=D(2026, 9, 15), location="Committee Room, Municipal Buildings", source=SOURCE
    )
    services.meeting_create(
        actor=None, committee=osc, date=D(2027, 1, 19), location="Committee Room, Municipal Buildings", source=SOURCE
    )
    item = services.agenda_item_add(
        actor=None,
        meeting=september,
        title="Closing the loop with residents: task group report",
        description="The task group's findings on telling residents what happens to their reports.",
        source=SOURCE,
    )
    services.evidence_add(
        actor=None,
        item=item,
        witness="Head of Customer Services",
        witness_role="Boston Borough Council",
        summary="About one call in five to the contact centre chases a report already made. Automatic updates "
        "would free that time.",
        source=SOURCE,
    )
    for title, description, source, scores in [
        (
            "Missed bin collections",
            "Residents report the same missed collections again and again.",
            TopicSource.MEMBER,
            {"T": 2, "O": 2, "P": 2, "I": 2, "C": 1},
        ),
        (
            "Website accessibility",
            "Whether the council's website meets the accessibility regulations.",
            TopicSource.OFFICER,
            {"T": 1, "O": 1, "P": 1, "I": 1, "C": 1},
        ),
    ]:
        topic = services.topic_suggest(
            actor=None, committee=osc, title=title, description=description, source=source, audit_source=SOURCE
        )
        services.topic_score(actor=None, topic=topic, scores=scores)
    report = tracker.report_create(
        actor=None,
        committee=osc,
        title="Closing the loop with residents",
        summary="Residents who report problems are not always told what happened. The committee recommends "
        "automatic updates at every step.",
        agreed_on=D(2026, 9, 15),
        meeting=september,
        published_on=D(2026, 9, 22),
        source=SOURCE,
    )
    tracker.recommendation_add(
        actor=None,
        report=report,
        text="Tell every resident who reports a problem about each change of status and about its closure, "
        "automatically, by the channel they chose.",
        area="Customer Services",
        received_on=D(2026, 9, 30),
        figures=["Reporters told of each change", "Repeat contacts and chasers"],
        source=SOURCE,
    )
    tracker.recommendation_add(
        actor=None,
        report=report,
        text="Report the share of residents told of the closure of their report to this committee every quarter.",
        area="Customer Services",
        figures=["Reporters told of each change"],
        source=SOURCE,
    )


def _joint(partnership, boston, officer, member):
    panel = services.committee_create(
        actor=None,
        owner=partnership,
        name="Joint Scrutiny Task Group for the Partnership",
        code="JSTG",
        kind=CommitteeKind.JOINT_PANEL,
        scrutiny_officer=officer,
        source=SOURCE,
    )
    services.membership_add(
        actor=None, committee=panel, user=member, council=boston, start_date=D(2023, 1, 10), source=SOURCE
    )
    councils = {c.short_name: c for c in partnership.councils.all()}
    for name, short in [
        ("Cllr R. Jackson", "ELDC"),
        ("Cllr R. Avison", "ELDC"),
        ("Cllr J. Welbourn", "BBC"),
        ("Cllr T. Ashton", "BBC"),
        ("Cllr P. Redgate", "SHDC"),
        ("Cllr A. Beal", "SHDC"),
        ("Cllr H. Bingham", "SHDC"),
    ]:
        services.membership_add(
            actor=None,
            committee=panel,
            name=name,
            council=councils.get(short),
            start_date=D(2023, 1, 10),
            end_date=D(2023, 3, 31),
            source=SOURCE,
        )
    services.terms_add(
        actor=None,
        committee=panel,
        text="To review the draft Partnership Digital Strategy and ICT Roadmap and recommend how to shape the "
        "final versions: whether the strategy supports the delivery of the partnership business case; whether "
        "the priorities identified in the strategy feel right to members; and its alignment with other emerging "
        "partnership strategies.",
        endorsed_on=D(2023, 1, 10),
        endorsed_by="The partner councils' overview and scrutiny committees",
        source=SOURCE,
    )
    first = services.meeting_create(actor=None, committee=panel, date=D(2023, 1, 24), source=SOURCE)
    second = services.meeting_create(actor=None, committee=panel, date=D(2023, 2, 14), source=SOURCE)
    item = services.agenda_item_add(
        actor=None,
        meeting=first,
        title="Draft Digital Strategy and ICT Roadmap",
        description="Presentation of the draft strategy (2023 to 2029) and roadmap (2023 to 2026), and questions "
        "to witnesses.",
        source=SOURCE,
    )
    for witness, role, summary in WITNESSES:
        services.evidence_add(actor=None, item=item, witness=witness, witness_role=role, summary=summary, source=SOURCE)
    services.agenda_item_add(
        actor=None, meeting=second, title="Agreeing the task group's recommendations", source=SOURCE
    )
    report = tracker.report_create(
        actor=None,
        committee=panel,
        title="Joint Scrutiny of the draft Digital Strategy and ICT Roadmap",
        summary="The task group met twice and heard 7 witnesses. Future monitoring should be through scrutiny "
        "panels and portfolio holder meetings, with regular figures, data and updates, and feedback from "
        "residents that their experience has improved.",
        agreed_on=D(2023, 2, 14),
        meeting=second,
        published_on=D(2023, 2, 20),
        source=SOURCE,
    )
    for text, response, said, action, owner, target, updates, signed_off in JOINT_RECOMMENDATIONS:
        rec = tracker.recommendation_add(actor=None, report=report, text=text, received_on=D(2023, 3, 1), source=SOURCE)
        tracker.recommendation_respond(
            actor=None,
            recommendation=rec,
            response=response,
            response_text=said,
            responded_on=D(2023, 3, 21),
            action=action,
            action_owner=owner,
            target_date=target,
            source=SOURCE,
        )
        for rag, day, progress in updates:
            tracker.update_add(
                actor=None, recommendation=rec, reported_on=day, progress=progress, rag=rag, source=SOURCE
            )
        if signed_off:
            tracker.recommendation_sign_off(actor=None, recommendation=rec, signed_off_on=signed_off, source=SOURCE)
    services.recurring_topic_create(
        actor=None,
        committee=panel,
        title="Digital Strategy and ICT Roadmap: partnership scrutiny topic",
        description="The full review of the Digital Strategy and ICT Roadmap that the joint task group asked for "
        "every two years (its recommendation 1).",
        interim_title="Digital Strategy assurance item in the Partnership Annual Scrutiny Review",
        interim_description="In the years between full reviews, the annual review seeks assurance that the "
        "strategy is making progress.",
        first_due=D(2025, 3, 1),
        cycle_years=2,
        source=SOURCE,
    )
