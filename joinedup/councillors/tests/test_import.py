"""The councillors' CSV import: row-by-row errors, all or nothing, roles for those with accounts."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from joinedup.accounts import permissions
from joinedup.accounts.models import Role, RoleAssignment
from joinedup.accounts.tests.factories import UserFactory
from joinedup.core.models import AuditEntry
from joinedup.councillors import services
from joinedup.councillors.models import Councillor

pytestmark = pytest.mark.django_db

HEADER = "name,email,ward_code,party,term_start,term_end\n"


def csv_bytes(*rows) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


def test_import_adds_councillors_with_their_wards_and_gives_accounts_the_role(council, ward_a, ward_b):
    user = UserFactory(email="ann@example.org")
    data = csv_bytes(
        "Ann Abbey,Ann@Example.org,E05000001,Green,2023-05-04,2027-05-06",
        "Ann Abbey,ann@example.org,e05000002,Green,2023-05-04,2027-05-06",
        "Ben Bridge,ben@example.org,E05000002,,04/05/2023,",
    )
    result = services.councillors_import(actor=None, council=council, data=data, source="test")
    assert (result.rows, result.created, result.updated) == (3, 2, 0)
    ann = Councillor.objects.get(email="ann@example.org")
    assert set(ann.wards.all()) == {ward_a, ward_b} and ann.user == user and ann.party == "Green"
    ben = Councillor.objects.get(email="ben@example.org")
    assert ben.user is None and ben.term_end is None and ben.term_start.isoformat() == "2023-05-04"
    assert set(permissions.councillor_wards(user, council)) == {ward_a, ward_b}
    assert AuditEntry.objects.filter(action="councillors.councillor.create").count() == 2
    again = services.councillors_import(actor=None, council=council, data=data, source="test")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_import_updates_a_councillor_already_listed(council, ward_a, ward_b):
    services.councillors_import(
        actor=None, council=council, data=csv_bytes("Ann,ann@example.org,E05000001,,2023-05-04,")
    )
    result = services.councillors_import(
        actor=None, council=council, data=csv_bytes("Ann Abbey,ann@example.org,E05000002,Green,2023-05-04,")
    )
    assert (result.created, result.updated) == (0, 1)
    ann = Councillor.objects.get()
    assert ann.name == "Ann Abbey" and list(ann.wards.all()) == [ward_b]


def test_a_wrong_row_imports_nothing_and_names_each_row_and_column(council, ward_a, outside_council):
    from joinedup.councils.tests.factories import WardFactory

    WardFactory(council=outside_council, gss_code="E05000099")
    data = csv_bytes(
        "Ann Abbey,ann@example.org,E05000001,,2023-05-04,",
        ",not-an-email,E05000099,,yesterday,",
        "Ben,ben@example.org,E05000001,,2023-05-04,2020-01-01",
    )
    with pytest.raises(services.ImportFailed) as failure:
        services.councillors_import(actor=None, council=council, data=data)
    problems = {(p.row, p.column) for p in failure.value.result.errors}
    assert problems == {(3, "name"), (3, "email"), (3, "ward_code"), (3, "term_start"), (4, "term_end")}
    assert not Councillor.objects.exists()  # the good row was not saved either


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"name,email\nAnn,ann@example.org\n", "ward_code, term_start"),
        (HEADER.encode(), "no councillors"),
        ("name,email,ward_code,term_start\nAnn,ann@example.org,E05000001,2023-05-04\n".encode("utf-16"), "UTF-8"),
    ],
)
def test_files_that_are_wrong_as_a_whole_are_refused(council, ward_a, data, message):
    result = services.councillors_check(council=council, data=data)
    assert not result.ok and message in result.errors[0].message


def test_the_same_councillor_with_different_details_is_an_error(council, ward_a, ward_b):
    data = csv_bytes("Ann,ann@example.org,E05000001,Green,2023-05-04,", "Ann,ann@example.org,E05000002,Red,2023-05-04,")
    result = services.councillors_check(council=council, data=data)
    assert [(p.row, p.column) for p in result.errors] == [(3, "email")]


def test_only_administrators_and_partnership_officers_can_import(council, ward_a, staff_user, partnership_officer):
    data = csv_bytes("Ann,ann@example.org,E05000001,,2023-05-04,")
    with pytest.raises(PermissionDenied):
        services.councillors_import(actor=staff_user, council=council, data=data)
    services.councillors_import(actor=partnership_officer, council=council, data=data)
    assert Councillor.objects.count() == 1


def test_the_command_imports_or_reports_problems(council, ward_a, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes("Ann,ann@example.org,E05000001,,2023-05-04,"))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes("Ann,ann@example.org,E05999999,,2023-05-04,"))
    with pytest.raises(CommandError):
        call_command("import_councillors", str(bad), council=council.slug)
    assert "Row 2, column ward_code" in capsys.readouterr().err
    call_command("import_councillors", str(good), council=council.slug, dry_run=True)
    assert not Councillor.objects.exists()
    call_command("import_councillors", str(good), council=council.slug)
    assert Councillor.objects.get().name == "Ann"
    assert AuditEntry.objects.filter(actor_label="system: import_councillors").exists()


def test_the_staff_page_imports_and_shows_row_errors(client, council, ward_a, partnership_officer, staff_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/{council.slug}/staff/councillors/import/"
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
    client.force_login(partnership_officer)
    bad = SimpleUploadedFile("c.csv", csv_bytes("Ann,ann@example.org,E05999999,,2023-05-04,"), "text/csv")
    response = client.post(url, {"file": bad})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode() and "E05999999" in response.content.decode()
    good = SimpleUploadedFile("c.csv", csv_bytes("Ann,ann@example.org,E05000001,,2023-05-04,"), "text/csv")
    response = client.post(url, {"file": good})
    assert response.status_code == 302 and Councillor.objects.count() == 1
    assert "Ann" in client.get(f"/{council.slug}/staff/councillors/").content.decode()


def test_role_assignment_is_created_once(council, ward_a):
    user = UserFactory(email="ann@example.org")
    data = csv_bytes("Ann,ann@example.org,E05000001,,2023-05-04,")
    services.councillors_import(actor=None, council=council, data=data)
    services.councillors_import(actor=None, council=council, data=data)
    assert RoleAssignment.objects.filter(user=user, role=Role.COUNCILLOR).count() == 1
