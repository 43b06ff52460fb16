import datetime
from decimal import Decimal

import pytest

from joinedup.software import services
from joinedup.software.selectors import licence_position, partnership_duplication, renewal_calendar
from joinedup.software.tests.factories import make_application, make_contract, make_product, make_usage

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def use(council, product, person, days_ago):
    make_usage(council, product, person, TODAY - datetime.timedelta(days=days_ago), source="m365_active_user")


def test_licence_position_on_known_data(council, partner_council):
    e3 = make_product(council, "Office 365 E3")
    services.entitlement_create(
        actor=None, council=council, product=e3, quantity=8, unit_price=Decimal("20"), billing_period="monthly"
    )
    services.entitlement_create(
        actor=None, council=council, product=e3, quantity=2, unit_price=Decimal("240"), billing_period="yearly"
    )
    # An entitlement that ended does not count.
    services.entitlement_create(
        actor=None,
        council=council,
        product=e3,
        quantity=50,
        unit_price=Decimal("1"),
        end_date=datetime.date(2025, 3, 31),
    )
    for n in range(7):
        services.assignment_add(actor=None, council=council, product=e3, person=f"p{n}@b.gov.uk")
    use(council, e3, "p0@b.gov.uk", 1)
    use(council, e3, "p1@b.gov.uk", 89)
    use(council, e3, "p1@b.gov.uk", 2)
    use(council, e3, "p2@b.gov.uk", 90)  # exactly 90 days ago: outside the threshold
    use(council, e3, "nobody@b.gov.uk", 1)  # active with no assignment on record: still a user
    use(partner_council, e3, "p3@b.gov.uk", 1)  # another council's usage

    [position] = licence_position(council=council, today=TODAY)
    assert (position.owned, position.assigned, position.used, position.used_unassigned) == (10, 7, 3, 1)
    assert (position.unassigned, position.reclaimable, position.over_deployed) == (3, 5, 0)
    assert position.yearly_cost == Decimal("2400.00")
    assert position.surplus == 7
    assert position.yearly_saving == Decimal("1680.00")
    [wider] = licence_position(council=council, today=TODAY, activity_days=91)
    assert wider.used == 4 and wider.reclaimable == 4


def test_over_deployment_is_flagged(council):
    visio = make_product(council, "Visio Plan 2", activity_days=30)
    services.entitlement_create(actor=None, council=council, product=visio, quantity=2, unit_price=Decimal("120"))
    for n in range(5):
        services.assignment_add(actor=None, council=council, product=visio, person=f"p{n}@b.gov.uk")
    use(council, visio, "p0@b.gov.uk", 29)
    use(council, visio, "p1@b.gov.uk", 31)
    [position] = licence_position(council=council, today=TODAY)
    assert (position.owned, position.assigned, position.used, position.activity_days) == (2, 5, 1, 30)
    assert position.over_deployed == 3 and position.unassigned == 0
    assert position.yearly_saving == Decimal("120.00")


def test_assigned_products_with_no_entitlement_are_over_deployed(council):
    product = make_product(council, "Power BI Pro")
    services.assignment_add(actor=None, council=council, product=product, person="a@b.gov.uk")
    [position] = licence_position(council=council, today=TODAY)
    assert position.owned == 0 and position.over_deployed == 1 and position.yearly_saving == 0


def test_site_licences_have_no_reclaim(council):
    product = make_product(council, "Uniform", publisher="Idox")
    services.entitlement_create(
        actor=None, council=council, product=product, quantity=1, metric="site", unit_price=Decimal("30000")
    )
    [position] = licence_position(council=council, today=TODAY)
    assert position.owned == 1 and position.reclaimable == 0 and position.yearly_saving == 0


def test_duplication_across_the_partnership(council, partner_council, outside_council):
    uniform = make_product(council, "Uniform", publisher="Idox", functions=[99])
    arcus = make_product(council, "Arcus Planning", publisher="Arcus", functions=[99])
    civica = make_product(council, "Civica Open Revenues", publisher="Civica", functions=[1])
    a = make_application(council, uniform, version="10.4")
    b = make_application(partner_council, arcus, version="2")
    make_application(council, civica, version="5")
    c = make_application(partner_council, civica, version="6")
    # Another council's use of the same name is not in the partnership's view.
    make_application(outside_council, make_product(outside_council, "Uniform", publisher="Idox", functions=[99]))
    make_contract(
        council, "BDC-1", end=datetime.date(2027, 3, 31), notice_months=6, annual_value="40000", applications=[a]
    )
    make_contract(
        partner_council,
        "FDC-1",
        end=datetime.date(2028, 9, 30),
        notice_months=12,
        annual_value="30000",
        applications=[b, c],
    )

    groups = {g.category.label: g for g in partnership_duplication(partnership=council.partnership)}
    assert set(groups) == {"Planning and building control", "Advice and benefits"}
    planning = groups["Planning and building control"]
    assert planning.duplicated and [p.name for p in planning.products] == ["Arcus Planning", "Uniform"]
    assert planning.yearly_cost == Decimal("55000.00")
    uses = {use.council.slug: use for use in planning.uses}
    assert uses["borchester"].notice_deadline == datetime.date(2026, 9, 30)
    assert uses["felpersham"].contract_end == datetime.date(2028, 9, 30)
    assert uses["felpersham"].notice_deadline == datetime.date(2027, 9, 30)
    benefits = groups["Advice and benefits"]
    assert not benefits.duplicated
    assert [p.name for p in benefits.version_differences] == ["Civica Open Revenues"]


def test_renewal_calendar_on_known_data(council, partner_council, outside_council):
    make_contract(council, "SOON", end=TODAY + datetime.timedelta(days=60), notice_months=1)
    make_contract(council, "LATER", end=datetime.date(2027, 9, 30), notice_months=6)
    make_contract(council, "PAST", end=TODAY - datetime.timedelta(days=1))
    make_contract(partner_council, "THEIRS", end=datetime.date(2027, 2, 28), notice_months=3)
    make_contract(outside_council, "OUTSIDE", end=TODAY + datetime.timedelta(days=10))
    events = renewal_calendar(councils=council, today=TODAY)
    assert [(e.contract.reference, e.what, e.date, e.window) for e in events] == [
        ("SOON", "notice", datetime.date(2026, 12, 19), 90),
        ("SOON", "end", datetime.date(2027, 1, 19), 90),
        ("LATER", "notice", datetime.date(2027, 3, 30), 180),
        ("LATER", "end", datetime.date(2027, 9, 30), 365),
    ]
    both = renewal_calendar(councils=[council, partner_council], today=TODAY, days=180)
    assert [(e.contract.reference, e.what) for e in both] == [
        ("THEIRS", "notice"),
        ("SOON", "notice"),
        ("SOON", "end"),
        ("THEIRS", "end"),
        ("LATER", "notice"),
    ]


def test_cyber_risk_on_known_data(council, partner_council):
    from joinedup.software.selectors import cyber_risk

    product = make_product(council, "Uniform", publisher="Idox")
    make_application(council, product, "Old", end_of_support=datetime.date(2026, 1, 1), business_owner="A")
    make_application(council, product, "Marked", support_status="unsupported", business_owner="A")
    make_application(council, product, "Soon", end_of_support=datetime.date(2027, 11, 20), business_owner="A")
    make_application(council, product, "Later", end_of_support=datetime.date(2027, 11, 21), business_owner="A")
    make_application(council, product, "Orphan", business_owner=" ")
    make_application(partner_council, product, "Theirs", end_of_support=datetime.date(2026, 1, 1))
    risk = cyber_risk(council=council, today=TODAY)
    assert [a.name for a in risk.out_of_support] == ["Marked", "Old"]
    assert [a.name for a in risk.support_ending] == ["Soon"]
    assert [a.name for a in risk.no_owner] == ["Orphan"]


def test_convergence_window_and_single_product_saving(council, partner_council, partnership):
    from joinedup.councils.tests.factories import CouncilFactory

    third = CouncilFactory(gss_code="E07000904", name="Third", slug="third", short_name="TDC", partnership=partnership)
    uniform = make_product(council, "Uniform", publisher="Idox", functions=[99])
    arcus = make_product(council, "Arcus Planning", publisher="Arcus", functions=[99])
    a = make_application(council, uniform)
    b = make_application(partner_council, arcus)
    c = make_application(third, uniform)
    make_contract(council, "A", end=datetime.date(2027, 3, 31), notice_months=6, annual_value="40000", applications=[a])
    make_contract(
        partner_council, "B", end=datetime.date(2028, 9, 30), notice_months=12, annual_value="30000", applications=[b]
    )
    make_contract(third, "C", end=datetime.date(2027, 12, 15), notice_months=3, annual_value="50000", applications=[c])
    [group] = partnership_duplication(partnership=partnership)
    assert group.convergence_date == datetime.date(2028, 9, 30)
    months = {use.council.slug: group.bridging_months(use) for use in group.uses}
    assert months == {"borchester": 18, "felpersham": 0, "third": 10}
    # Uniform averages £45,000 a council, Arcus £30,000: all on Arcus would cost £90,000, not £120,000.
    assert group.single_product_saving == Decimal("30000.00")
    # An application with no contract does not hold the convergence date back: its end is not known.
    make_application(third, make_product(council, "Acolaid", publisher="Idox", functions=[99]))
    [group] = partnership_duplication(partnership=partnership)
    assert group.convergence_date == datetime.date(2028, 9, 30) and group.contracts_unknown == 1
    assert group.single_product_saving == Decimal("30000.00")


def test_empty_records_are_unknown_not_differences_or_zero(council, partner_council, partnership):
    """Issue 15, wrong number 4: an extra application with no version, no contract and no cost made
    false 'versions differ' flags, blocked the convergence date and dragged the average saving down."""
    uniform = make_product(council, "Uniform", publisher="Idox", functions=[99])
    arcus = make_product(council, "Arcus Planning", publisher="Arcus", functions=[99])
    a = make_application(council, uniform, version="10.4")
    b = make_application(partner_council, arcus, version="2")
    c = make_application(partner_council, uniform, version="10.4")
    make_contract(council, "A", end=datetime.date(2027, 3, 31), annual_value="40000", applications=[a])
    make_contract(partner_council, "B", end=datetime.date(2028, 9, 30), annual_value="30000", applications=[b])
    make_contract(partner_council, "C", end=datetime.date(2027, 12, 31), annual_value="50000", applications=[c])
    [before] = partnership_duplication(partnership=partnership)
    figures = (before.version_differences, before.convergence_date, before.single_product_saving, before.yearly_cost)
    assert figures == ([], datetime.date(2028, 9, 30), Decimal("30000.00"), Decimal("120000.00"))

    # The empty records: one with nothing at all, one with a contract worth £0 recorded.
    empty = make_application(council, uniform, "Uniform (second record)")
    zero = make_application(partner_council, arcus, "Arcus (spare)")
    make_contract(partner_council, "Z", end=datetime.date(2030, 3, 31), annual_value="0", applications=[zero])
    [after] = partnership_duplication(partnership=partnership)
    assert after.version_differences == []
    assert after.single_product_saving == Decimal("30000.00")  # not dragged down by £0 "costs"
    assert after.yearly_cost == Decimal("120000.00") and after.costs_unknown == 2
    # The £0 contract's end date is known, so it counts; the record with no contract does not block it.
    assert after.convergence_date == datetime.date(2030, 3, 31) and after.contracts_unknown == 1
    uses = {use.application.name: use for use in after.uses}
    assert uses["Uniform (second record)"].missing == ["version", "contract"]
    assert uses["Uniform (second record)"].bridging_months is None
    assert uses["Arcus (spare)"].missing == ["version", "contract's yearly value"]
    assert [use.application for use in after.incomplete] == [zero, empty]


def test_duplication_by_lgsl_service(council, partner_council):
    from joinedup.software.models import LgslService

    uniform = make_product(council, "Uniform", publisher="Idox", functions=[99, 82])
    arcus = make_product(council, "Arcus Planning", publisher="Arcus", functions=[99])
    uniform.services.set(LgslService.objects.filter(identifier=487))
    arcus.services.set(LgslService.objects.filter(identifier=487))
    make_application(council, uniform)
    make_application(partner_council, arcus)
    [group] = partnership_duplication(partnership=council.partnership, by="service")
    assert group.category.identifier == 487 and group.duplicated
    by_function = partnership_duplication(partnership=council.partnership)
    assert [g.category.identifier for g in by_function] == [82, 99]
