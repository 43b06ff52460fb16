"""Issue 15, wrong number 2: a licence assignment file replaces only the products (and council) it
covers; the preview shows additions, removals and changes; another council's file needs confirming;
"changes nothing" is said only when true."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from joinedup.software import services
from joinedup.software.models import Assignment, ImportBatch, ImportKind
from joinedup.software.tests.factories import make_product

pytestmark = pytest.mark.django_db


def admin_centre_export(rows):
    """The admin centre's Users > Active users > Export users file (the columns that matter, in its order)."""
    header = "Block credential,City,Country/Region,Department,Display name,Licenses,Object Id,User principal name"
    lines = [header] + [
        f"False,Boston,United Kingdom,ICT,{upn.split('@')[0]},{licences},0000,{upn}" for upn, licences in rows
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def run(council, data, **options):
    return services.import_file(
        actor=None, council=council, kind=ImportKind.LICENCE_EXPORT, data=data, filename="users.csv", **options
    )


def check(council, data):
    return services.import_check(council=council, kind=ImportKind.LICENCE_EXPORT, data=data)


@pytest.fixture
def products(council):
    return {
        "e3": make_product(council, "Office 365 E3", aliases=["ENTERPRISEPACK"]),
        "visio": make_product(council, "Visio Plan 2", aliases=["VISIOCLIENT"]),
        "salesforce": make_product(council, "Salesforce", publisher="Salesforce"),
    }


def staff(n):
    return f"user{n:03d}@borchester.gov.uk"


def assigned(product):
    council = product.partnership.councils.get(slug="borchester")
    return set(Assignment.objects.filter(council=council, product=product).values_list("person", flat=True))


def test_a_file_for_one_product_leaves_every_other_product_alone(council, products):
    """A 2-row Salesforce file zeroed Office 365 E3."""
    everyone = admin_centre_export(
        [(staff(n), "Office 365 E3+Visio Plan 2" if n < 10 else "Office 365 E3") for n in range(40)]
    )
    run(council, everyone)
    salesforce = admin_centre_export([(staff(1), "Salesforce"), (staff(2), "Salesforce")])
    result = check(council, salesforce)
    assert result.assignment_changes == {
        "added": 2,
        "removed": 0,
        "changed": 0,
        "held": 0,
        "closing": 0,
        "products": {"Salesforce": {"before": 0, "after": 2, "added": 2, "removed": 0, "changed": 0}},
    }
    run(council, salesforce)
    assert len(assigned(products["e3"])) == 40 and len(assigned(products["visio"])) == 10
    assert assigned(products["salesforce"]) == {staff(1), staff(2)}


def test_the_preview_counts_additions_removals_and_changes(council, products):
    run(council, admin_centre_export([(staff(n), "Office 365 E3") for n in range(30)]))
    services.assignment_add(actor=None, council=council, product=products["e3"], person=staff(50))
    services.assignment_add(actor=None, council=council, product=products["e3"], person=staff(51))
    # Two people left, one joined; staff 50 (entered by hand) is in the file now, 51 is not.
    later = admin_centre_export([(staff(n), "Office 365 E3") for n in [*range(2, 30), 40, 50]])
    result = check(council, later)
    assert result.assignment_changes["products"]["Office 365 E3"] == {
        "before": 32,
        "after": 31,
        "added": 1,
        "removed": 2,
        "changed": 1,
    }
    assert not any("changes nothing" in warning for warning in result.warnings)
    run(council, later)
    people = assigned(products["e3"])
    assert len(people) == 31 and staff(0) not in people and staff(51) in people  # by hand: never removed
    assert Assignment.objects.get(person=staff(50)).source == "licence_export"


def test_changes_nothing_is_said_only_when_true(council, products):
    """Re-importing an earlier file warned 'changes nothing' while restoring 383 rows."""
    first = admin_centre_export([(staff(n), "Office 365 E3") for n in range(20)])
    second = admin_centre_export([(staff(n), "Office 365 E3") for n in range(5, 20)])
    run(council, first)
    again = check(council, first)
    assert "Importing this file changes nothing: every assignment in it is recorded already." in again.warnings
    run(council, second)
    back = check(council, first)
    assert back.assignment_changes["added"] == 5
    assert not any("changes nothing" in warning for warning in back.warnings)
    assert any("assignments have changed since" in warning for warning in back.warnings)


@pytest.fixture
def felpersham_known(partner_council, products):
    """Felpersham has imported its own file, so its domain is known to be Felpersham's."""
    data = admin_centre_export([(f"user{n}@felpersham.gov.uk", "ENTERPRISEPACK") for n in range(12)])
    services.import_file(
        actor=None, council=partner_council, kind=ImportKind.LICENCE_EXPORT, data=data, filename="theirs.csv"
    )


def test_a_file_of_another_councils_users_is_refused_unless_confirmed(council, products, felpersham_known):
    """A 5-row file for the wrong council removed 388 Boston assignments."""
    run(council, admin_centre_export([(staff(n), "Office 365 E3") for n in range(30)]))
    wrong = admin_centre_export([(f"user{n}@felpersham.gov.uk", "Office 365 E3") for n in range(5)])
    with pytest.raises(services.ImportFailed) as failure:
        run(council, wrong)
    message = str(failure.value.result.errors[0])
    assert "another council's domain (felpersham.gov.uk: Felpersham District Council)" in message
    assert len(assigned(products["e3"])) == 30
    result = check(council, wrong)
    assert result.other_councils == {"felpersham.gov.uk": {"council": "Felpersham District Council", "people": 5}}
    run(council, wrong, other_council_confirmed=True)
    assert len(assigned(products["e3"])) == 5


def test_usage_files_at_another_councils_domain_get_a_warning(council, products, felpersham_known):
    from joinedup.software.tests.test_imports import m365_file, m365_row

    data = m365_file(m365_row("user1@felpersham.gov.uk", exchange="2026-11-18"))
    result = services.import_check(council=council, kind=ImportKind.M365_ACTIVE_USER, data=data)
    assert result.ok and any("another council's domain: 1 at felpersham.gov.uk" in w for w in result.warnings)


def test_the_preview_page_shows_the_changes_and_asks_for_confirmation(
    client, council, staff_user, products, felpersham_known
):
    run(council, admin_centre_export([(staff(n), "Office 365 E3") for n in range(30)]))
    client.force_login(staff_user)
    wrong = admin_centre_export([(f"user{n}@felpersham.gov.uk", "Office 365 E3") for n in range(5)])
    response = client.post(
        f"/{council.slug}/staff/software/imports/",
        {"kind": "licence_export", "file": SimpleUploadedFile("wrong.csv", wrong)},
    )
    preview_url = response["Location"]
    page = client.get(preview_url).content.decode()
    assert "5 to add, 30 to remove, 0 entered by hand to mark as from this file" in page
    assert "Is this Borchester District Council's file?" in page
    page = client.post(preview_url).content.decode()
    assert "There is a problem" in page and "Confirm this is Borchester District Council" in page
    assert len(assigned(products["e3"])) == 30
    assert ImportBatch.objects.get(filename="wrong.csv").status == "previewed"
    client.post(preview_url, {"other_council": "yes"})
    assert len(assigned(products["e3"])) == 5


def test_the_import_command_needs_the_flag_for_another_councils_file(council, products, felpersham_known, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "users.csv"
    path.write_bytes(admin_centre_export([("user1@felpersham.gov.uk", "Office 365 E3")]))
    args = [str(path), "--council", council.slug, "--kind", "licence_export"]
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("software_import", *args)
    assert not assigned(products["e3"])
    call_command("software_import", *args, "--other-council-confirmed")
    assert assigned(products["e3"]) == {"user1@felpersham.gov.uk"}
