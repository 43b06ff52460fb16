import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.software import services
from joinedup.software.models import Application, ImportBatch, UsageMonthly
from joinedup.software.tests.factories import make_application, make_contract, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(council, partner_council):
    uniform = make_product(council, "Uniform", publisher="Idox", functions=[99])
    arcus = make_product(council, "Arcus Planning", publisher="Arcus", functions=[99])
    ours = make_application(council, uniform, version="10.4", business_owner="Pat Planner")
    theirs = make_application(partner_council, arcus, version="2")
    make_contract(council, "BDC-9", end=datetime.date(2030, 3, 31), annual_value="40000", applications=[ours])
    make_contract(partner_council, "FDC-9", end=datetime.date(2030, 9, 30), annual_value="30000", applications=[theirs])
    e3 = make_product(council, "Office 365 E3", aliases=["ENTERPRISEPACK"])
    services.entitlement_create(actor=None, council=council, product=e3, quantity=5, unit_price=Decimal("240"))
    return {"ours": ours, "theirs": theirs, "e3": e3}


@pytest.fixture
def partner_staff(partner_council):
    user = UserFactory(email="officer@felpersham.example.org")
    grant(user, Role.STAFF, council=partner_council)
    return user


PAGES = [
    "staff/software/",
    "staff/software/risks/",
    "staff/software/contracts/",
    "staff/software/licences/",
    "staff/software/renewals/",
    "staff/software/imports/",
    "staff/software/applications/new/",
    "staff/software/register.csv",
    "staff/software/products/",
    "staff/software/products/new/",
    "staff/software/contracts/new/",
    "staff/software/licences/new/",
    "staff/software/licences/recorded/",
]


@pytest.mark.parametrize("page", PAGES)
def test_council_staff_see_their_pages_and_other_councils_staff_get_403(
    client, council, staff_user, partner_staff, estate, page
):
    client.force_login(staff_user)
    assert client.get(f"/{council.slug}/{page}").status_code == 200
    client.force_login(partner_staff)
    assert client.get(f"/{council.slug}/{page}").status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_partnership_officers_see_every_partner_councils_pages(
    client, partner_council, partnership_officer, estate, page
):
    client.force_login(partnership_officer)
    assert client.get(f"/{partner_council.slug}/{page}").status_code == 200


def test_residents_are_sent_to_sign_in(client, council, estate):
    response = client.get(f"/{council.slug}/staff/software/")
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_another_councils_records_are_not_found(client, council, staff_user, estate):
    client.force_login(staff_user)
    theirs = estate["theirs"]
    assert client.get(f"/{council.slug}/staff/software/applications/{theirs.pk}/").status_code == 404
    assert client.get(f"/{council.slug}/staff/software/applications/{theirs.pk}/edit/").status_code == 404
    batch = ImportBatch.objects.create(council=theirs.council, kind="licence_export", filename="x.csv", sha256="0")
    assert client.get(f"/{council.slug}/staff/software/imports/{batch.pk}/").status_code == 404


def test_register_lists_only_the_councils_applications(client, council, staff_user, estate):
    client.force_login(staff_user)
    content = client.get(f"/{council.slug}/staff/software/").content.decode()
    assert "Uniform" in content and "Arcus Planning" not in content


def test_register_csv_export(client, council, staff_user, estate):
    services.application_update(actor=None, application=estate["ours"], notes="=HYPERLINK(1)")
    client.force_login(staff_user)
    response = client.get(f"/{council.slug}/staff/software/register.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Application,Product,Publisher,Version,ESD functions")
    assert lines[1].startswith("Uniform,Uniform,Idox,10.4,Planning and building control,Pat Planner")
    assert lines[1].endswith("BDC-9,'=HYPERLINK(1)")


def test_add_and_change_an_application(client, council, staff_user, estate):
    client.force_login(staff_user)
    data = {
        "product": estate["e3"].pk,
        "name": "Microsoft 365",
        "version": "",
        "hosting": "cloud",
        "support_status": "supported",
        "data_sensitivity": "personal",
        "business_value": "7",
    }
    response = client.post(f"/{council.slug}/staff/software/applications/new/", data)
    app = Application.objects.get(council=council, name="Microsoft 365")
    assert response.status_code == 302 and response["Location"].endswith(f"/applications/{app.pk}/")
    response = client.post(
        f"/{council.slug}/staff/software/applications/{app.pk}/edit/",
        {**data, "business_value": "12", "technical_risk": "4"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    client.post(f"/{council.slug}/staff/software/applications/{app.pk}/edit/", {**data, "technical_risk": "4"})
    app.refresh_from_db()
    assert app.technical_risk == 4


def test_the_form_offers_only_the_councils_service_areas_and_dictionary(
    client, council, outside_council, staff_user, estate
):
    make_product(outside_council, "Someone else's product")
    client.force_login(staff_user)
    content = client.get(f"/{council.slug}/staff/software/applications/new/").content.decode()
    assert "Uniform" in content and "Someone else" not in content


def test_import_preview_then_confirm(client, council, staff_user, estate):
    client.force_login(staff_user)
    csv = b"User Principal Name,Licenses\nann@b.gov.uk,ENTERPRISEPACK\n"
    response = client.post(
        f"/{council.slug}/staff/software/imports/",
        {"kind": "licence_export", "file": SimpleUploadedFile("licences.csv", csv)},
    )
    batch = ImportBatch.objects.get()
    assert response["Location"].endswith(f"/imports/{batch.pk}/")
    preview = client.get(response["Location"]).content.decode()
    assert "Office 365 E3: 1" in preview and not estate["e3"].assignments.exists()
    client.post(response["Location"])
    assert estate["e3"].assignments.count() == 1
    licences = client.get(f"/{council.slug}/staff/software/licences/").content.decode()
    # An assignment file says who holds a licence, not who uses it: no saving is claimed without usage.
    assert "Office 365 E3" in licences and "could save £0 a year; the saving on 1 product is not known" in licences
    assert "assignment file licences.csv, imported as at" in licences and "no usage imported" in licences


def test_import_errors_are_shown_by_row_and_column(client, council, staff_user, estate):
    client.force_login(staff_user)
    csv = (
        b"Report Refresh Date,User Principal Name,Exchange Last Activity Date,Assigned Products\n"
        b"2026-11-20,ann@b.gov.uk,12/11/2026,ENTERPRISEPACK\n"
    )
    response = client.post(
        f"/{council.slug}/staff/software/imports/",
        {"kind": "m365_active_user", "file": SimpleUploadedFile("r.csv", csv)},
    )
    content = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in content
    assert "Exchange Last Activity Date" in content and "12/11/2026" in content
    assert not ImportBatch.objects.exists() and not UsageMonthly.objects.exists()


def test_partnership_page_for_officers_only(
    client, partnership, partnership_officer, staff_user, administrator, estate
):
    url = f"/partnerships/{partnership.slug}/software/"
    client.force_login(partnership_officer)
    content = client.get(url).content.decode()
    assert "Planning and building control" in content and "Arcus Planning" in content and "Uniform" in content
    client.force_login(administrator)
    assert client.get(url).status_code == 200
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
    assert client.get("/partnerships/nowhere/software/").status_code == 404


def test_outside_partnership_officers_cannot_see_the_partnership(client, partnership, estate):
    from joinedup.councils.tests.factories import PartnershipFactory

    other = UserFactory(email="other@example.org")
    grant(other, Role.PARTNERSHIP_OFFICER, partnership=PartnershipFactory(name="Other", slug="other"))
    client.force_login(other)
    assert client.get(f"/partnerships/{partnership.slug}/software/").status_code == 403


def test_application_page_shows_its_history(client, council, staff_user, estate):
    services.application_update(actor=staff_user, application=estate["ours"], version="10.6")
    client.force_login(staff_user)
    content = client.get(f"/{council.slug}/staff/software/applications/{estate['ours'].pk}/").content.decode()
    assert "software.application.update" in content and "10.4 to 10.6" in content


def test_partnership_page_groups_by_service_and_suggests_convergence(client, partnership, partnership_officer, estate):
    from joinedup.software.models import LgslService

    planning = LgslService.objects.filter(identifier=487)
    for app in (estate["ours"], estate["theirs"]):
        app.product.services.set(planning)
    client.force_login(partnership_officer)
    content = client.get(f"/partnerships/{partnership.slug}/software/?by=service").content.decode()
    assert "Full planning applications" in content
    assert "could end together on 30 September 2030" in content
    assert "save about £10,000 a year" in content


def test_partnership_page_shows_missing_data_as_unknown(client, partnership, partnership_officer, estate):
    empty = make_application(estate["theirs"].council, estate["ours"].product, "Uniform (old record)")
    client.force_login(partnership_officer)
    content = client.get(f"/partnerships/{partnership.slug}/software/").content.decode()
    assert "Versions differ" not in content
    assert "could end together on 30 September 2030" in content and "1 application here has no contract" in content
    assert "save about £10,000 a year" in content
    assert "Total yearly cost (of the 2 costs known; 1 not known)" in content
    link = f'/felpersham/staff/software/applications/{empty.pk}/">Uniform (old record) at'
    assert link in content and "no version, no contract recorded" in content


def test_add_and_change_a_contract(client, council, staff_user, estate):
    client.force_login(staff_user)
    data = {
        "reference": "BDC-10",
        "title": "Planning support",
        "supplier": "Idox",
        "start_date": "2025-04-01",
        "end_date": "2024-03-31",
        "notice_months": "6",
        "renewal": "automatic",
        "annual_value": "12000",
        "applications": [estate["ours"].pk],
    }
    response = client.post(f"/{council.slug}/staff/software/contracts/new/", data)
    assert (
        response.status_code == 200 and "The end date must be on or after the start date" in response.content.decode()
    )
    response = client.post(f"/{council.slug}/staff/software/contracts/new/", {**data, "end_date": "2028-03-31"})
    assert response.status_code == 302
    contract = council.software_contracts.get(reference="BDC-10")
    assert list(contract.applications.all()) == [estate["ours"]]
    client.post(
        f"/{council.slug}/staff/software/contracts/{contract.pk}/edit/",
        {**data, "end_date": "2029-03-31", "applications": []},
    )
    contract.refresh_from_db()
    assert contract.end_date.year == 2029 and not contract.applications.exists()


def test_another_councils_contract_and_applications_cannot_be_used(
    client, council, partner_council, staff_user, estate
):
    client.force_login(staff_user)
    theirs = partner_council.software_contracts.get()
    assert client.get(f"/{council.slug}/staff/software/contracts/{theirs.pk}/edit/").status_code == 404
    response = client.post(
        f"/{council.slug}/staff/software/contracts/new/",
        {
            "reference": "X",
            "title": "X",
            "supplier": "X",
            "start_date": "2025-04-01",
            "end_date": "2026-03-31",
            "notice_months": "3",
            "renewal": "automatic",
            "annual_value": "1",
            "applications": [estate["theirs"].pk],
        },
    )
    assert response.status_code == 200 and not council.software_contracts.filter(reference="X").exists()


def test_record_licences_owned(client, council, staff_user, estate):
    client.force_login(staff_user)
    response = client.post(
        f"/{council.slug}/staff/software/licences/new/",
        {
            "product": estate["e3"].pk,
            "metric": "subscription",
            "quantity": "20",
            "unit_price": "20.80",
            "billing_period": "monthly",
        },
    )
    assert response.status_code == 302
    assert council.entitlements.filter(product=estate["e3"]).count() == 2


def test_change_licences_already_recorded(client, council, staff_user, estate):
    from joinedup.core.models import AuditEntry

    entitlement = council.entitlements.get(product=estate["e3"])
    client.force_login(staff_user)
    listing = client.get(f"/{council.slug}/staff/software/licences/recorded/").content.decode()
    assert f"/{council.slug}/staff/software/licences/{entitlement.pk}/edit/" in listing
    url = f"/{council.slug}/staff/software/licences/{entitlement.pk}/edit/"
    assert client.get(url).status_code == 200
    data = {
        "product": estate["e3"].pk,
        "metric": "named_user",
        "quantity": "8",
        "unit_price": "250.00",
        "billing_period": "yearly",
        "start_date": "2026-04-01",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    entitlement.refresh_from_db()
    assert (entitlement.quantity, entitlement.unit_price) == (8, Decimal("250.00"))
    assert entitlement.start_date == datetime.date(2026, 4, 1)
    entry = AuditEntry.objects.get(action="software.entitlement.update")
    assert entry.changes["quantity"] == {"from": 5, "to": 8}
    assert entry.actor == staff_user

    # Bad input: the GOV.UK error summary, and nothing changes.
    response = client.post(url, {**data, "quantity": "", "unit_price": "1.00"})
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "Enter how many licences the council owns" in page
    entitlement.refresh_from_db()
    assert (entitlement.quantity, entitlement.unit_price) == (8, Decimal("250.00"))


def test_licences_of_another_council_cannot_be_changed(client, council, partner_council, staff_user, estate):
    theirs = services.entitlement_create(
        actor=None, council=partner_council, product=estate["e3"], quantity=3, unit_price=Decimal("10")
    )
    client.force_login(staff_user)
    assert client.get(f"/{council.slug}/staff/software/licences/{theirs.pk}/edit/").status_code == 404
    assert client.get(f"/{partner_council.slug}/staff/software/licences/{theirs.pk}/edit/").status_code == 403
    listing = client.get(f"/{council.slug}/staff/software/licences/recorded/").content.decode()
    assert f"/licences/{theirs.pk}/edit/" not in listing


def test_licence_change_refuses_another_councils_contract(council, partner_council, staff_user, estate):
    from django.core.exceptions import ValidationError

    entitlement = council.entitlements.get(product=estate["e3"])
    contract = partner_council.software_contracts.get(reference="FDC-9")
    with pytest.raises(ValidationError):
        services.entitlement_update(actor=staff_user, entitlement=entitlement, contract=contract)
    entitlement.refresh_from_db()
    assert entitlement.contract is None


def test_add_a_product_and_another_name(client, council, staff_user, estate):
    from joinedup.software.models import EsdFunction, Product

    client.force_login(staff_user)
    data = {
        "publisher": "Microsoft",
        "name": "Power BI Pro",
        "aliases": "POWER_BI_PRO\n\n Power BI (paid) ",
        "functions": [EsdFunction.objects.get(identifier=42).pk],
        "activity_days": "30",
    }
    assert client.post(f"/{council.slug}/staff/software/products/new/", data).status_code == 302
    product = Product.objects.get(name="Power BI Pro")
    assert sorted(a.name for a in product.aliases.all()) == ["POWER_BI_PRO", "Power BI (paid)"]
    assert product.activity_days == 30
    # A name already taken is refused, and the new publisher is not kept.
    response = client.post(
        f"/{council.slug}/staff/software/products/new/", {**data, "publisher": "Someone New", "name": "power bi pro"}
    )
    assert "in the dictionary already" in response.content.decode()
    assert not product.publisher.__class__.objects.filter(name="Someone New").exists()
    response = client.post(f"/{council.slug}/staff/software/products/{product.pk}/alias/", {"name": "ENTERPRISEPACK"})
    assert "already an alias of Office 365 E3" in response.content.decode()
    client.post(f"/{council.slug}/staff/software/products/{product.pk}/alias/", {"name": "PBI Pro"})
    assert product.aliases.count() == 3


def test_another_dictionarys_product_is_not_found(client, council, outside_council, staff_user, estate):
    theirs = make_product(outside_council, "Their product")
    client.force_login(staff_user)
    assert client.get(f"/{council.slug}/staff/software/products/{theirs.pk}/alias/").status_code == 404
