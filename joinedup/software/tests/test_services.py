import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.core.models import AuditEntry
from joinedup.councils.tests.factories import ServiceAreaFactory
from joinedup.software import services
from joinedup.software.models import Contract, EsdFunction, LgslService, add_months, normalise_name
from joinedup.software.selectors import product_dictionary
from joinedup.software.tests.factories import make_application, make_contract, make_product

pytestmark = pytest.mark.django_db


def test_the_esd_functions_and_demo_services_are_seeded():
    assert EsdFunction.objects.filter(parent__isnull=True).count() == 13
    assert EsdFunction.objects.get(identifier=99).label == "Planning and building control"
    assert LgslService.objects.get(identifier=487).function.identifier == 99


def test_names_normalise_case_spaces_and_nbsp():
    assert normalise_name("  MS\u00a0Office  365 E3 ") == "ms office 365 e3"


def test_add_months_keeps_to_month_ends():
    assert add_months(datetime.date(2027, 3, 31), -1) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2027, 3, 31), -3) == datetime.date(2026, 12, 31)
    assert add_months(datetime.date(2027, 1, 15), -13) == datetime.date(2025, 12, 15)


def test_aliases_make_one_product_shared_by_the_partnership(council, partner_council):
    product = make_product(council, "Office 365 E3", aliases=["MS Office 365 E3", "ENTERPRISEPACK"])
    assert list(product_dictionary(council=partner_council)) == [product]
    with pytest.raises(ValidationError, match="in the dictionary already"):
        make_product(partner_council, "office 365  e3")
    other = make_product(council, "Microsoft 365 E5")
    with pytest.raises(ValidationError, match="already an alias of Office 365 E3"):
        services.product_alias_add(actor=None, council=council, product=other, name="enterprisepack")


def test_a_council_outside_a_partnership_keeps_its_own_dictionary(council, outside_council):
    make_product(council, "Office 365 E3")
    assert not product_dictionary(council=outside_council).exists()
    own = make_product(outside_council, "Office 365 E3")
    assert list(product_dictionary(council=outside_council)) == [own]


def test_staff_add_and_change_their_own_councils_applications(council, staff_user):
    product = make_product(council, "Uniform", publisher="Idox", functions=[99])
    area = ServiceAreaFactory(council=council, name="Planning")
    app = services.application_create(
        actor=staff_user,
        council=council,
        product=product,
        name="Uniform planning",
        version="10.4",
        service_area=area,
        business_value=8,
        technical_risk=3,
        disposition="invest",
    )
    services.application_update(actor=staff_user, application=app, version="10.5")
    app.refresh_from_db()
    assert app.version == "10.5"
    actions = list(AuditEntry.objects.filter(council=council).values_list("action", flat=True))
    assert "software.application.create" in actions and "software.application.update" in actions


def test_staff_cannot_write_another_councils_register(council, partner_council, staff_user, partnership_officer):
    product = make_product(council, "Uniform", publisher="Idox")
    with pytest.raises(PermissionDenied):
        services.application_create(actor=staff_user, council=partner_council, product=product)
    # A partnership officer may, for every council of the partnership.
    app = services.application_create(actor=partnership_officer, council=partner_council, product=product)
    assert app.council == partner_council


def test_applications_check_scores_and_tenancy(council, partner_council, outside_council):
    product = make_product(council, "Uniform", publisher="Idox")
    with pytest.raises(ValidationError) as error:
        make_application(council, product, business_value=11)
    assert "business_value" in error.value.message_dict
    with pytest.raises(ValidationError, match="service areas"):
        make_application(council, product, service_area=ServiceAreaFactory(council=partner_council))
    with pytest.raises(ValidationError, match="dictionary"):
        make_application(outside_council, product)
    make_application(council, product)
    with pytest.raises(ValidationError, match="already has an application"):
        make_application(council, product)


def test_a_contract_knows_its_notice_deadline(council):
    product = make_product(council, "Uniform", publisher="Idox")
    app = make_application(council, product)
    contract = make_contract(
        council, "C-1", end=datetime.date(2027, 3, 31), notice_months=6, applications=[app], annual_value="42000"
    )
    assert contract.notice_deadline == datetime.date(2026, 9, 30)
    assert list(app.contracts.all()) == [contract]
    commitment = services.commitment_create(
        actor=None, contract=contract, description="Two free training days", due_date=datetime.date(2026, 6, 1)
    )
    services.commitment_update_status(actor=None, commitment=commitment, status="delivered")
    assert contract.commitments.get().status == "delivered"


def test_contracts_refuse_bad_dates_and_other_councils_applications(council, partner_council):
    product = make_product(council, "Uniform", publisher="Idox")
    theirs = make_application(partner_council, product)
    with pytest.raises(ValidationError, match="end date"):
        make_contract(council, "C-1", start=datetime.date(2027, 1, 1), end=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="this council's applications"):
        make_contract(council, "C-2", end=datetime.date(2027, 1, 1), applications=[theirs])
    assert not Contract.objects.exists()


def test_entitlements_price_per_year(council):
    product = make_product(council, "Office 365 E3")
    monthly = services.entitlement_create(
        actor=None, council=council, product=product, quantity=10, unit_price=Decimal("20.80"), billing_period="monthly"
    )
    assert monthly.yearly_unit_price == Decimal("249.60")


def test_bulk_loads_check_every_row_and_save_nothing_on_error(council):
    from joinedup.software.models import Application

    functions = list(EsdFunction.objects.filter(identifier=99))
    added = services.dictionary_bulk_load(
        actor=None, council=council, catalogue=[("Idox", "Uniform", functions, ["Idox Uniform"])]
    )
    assert added == 1
    assert services.dictionary_bulk_load(actor=None, council=council, catalogue=[("Idox", "Uniform", [], [])]) == 0
    uniform = product_dictionary(council=council).get()
    assert [f.identifier for f in uniform.functions.all()] == [99]
    good = Application(product=uniform, name="Planning", business_value=5)
    bad = Application(product=uniform, name="Licensing", business_value=12)
    contract = Contract(
        reference="C-1",
        title="Uniform",
        supplier="Idox",
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2028, 3, 31),
        annual_value=Decimal("1000"),
    )
    with pytest.raises(ValidationError) as error:
        services.register_bulk_load(
            actor=None, council=council, applications=[good, bad], contracts=[(contract, ["Planning"])]
        )
    assert "Application 2 (Licensing)" in error.value.messages[0]
    assert not Application.objects.exists() and not Contract.objects.exists()
    good = Application(product=uniform, name="Planning", business_value=5)
    contract.pk = None
    services.register_bulk_load(actor=None, council=council, applications=[good], contracts=[(contract, ["Planning"])])
    assert Contract.objects.get().applications.get().name == "Planning"
    assert AuditEntry.objects.filter(action="software.register.load", council=council).exists()
