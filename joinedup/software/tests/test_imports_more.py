"""The Microsoft 365 Apps user detail import and the generic import with chosen columns."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from joinedup.software import services
from joinedup.software.imports.readers import file_headers, parse_date_as
from joinedup.software.models import ImportBatch, ImportStatus, UsageMonthly
from joinedup.software.tests.factories import make_product

pytestmark = pytest.mark.django_db

APPS_HEADER = (
    "Report Refresh Date,User Principal Name,Last Activation Date,Last Activity Date,Report Period,"
    "Windows,Mac,Mobile,Web,Outlook,Word,Excel,PowerPoint,OneNote,Teams"
)


def apps_row(upn, last="2026-11-18", *, windows="Yes", mac="No", mobile="No", web="Yes", refresh="2026-11-20"):
    return ",".join(
        [refresh, upn, "2024-02-01", last, "30", windows, mac, mobile, web, "Yes", "Yes", "No", "No", "No", "Yes"]
    )


def apps_file(*rows, header=APPS_HEADER, bom=False):
    text = "\r\n".join([header, *rows]) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


@pytest.fixture
def apps(council):
    return make_product(council, "Microsoft 365 Apps for enterprise", aliases=["OFFICESUBSCRIPTION"])


def check_apps(council, data, product):
    return services.import_check(council=council, kind="m365_apps", data=data, options={"product": product.pk})


def test_apps_usage_is_a_day_of_use_on_the_last_activity_date(council, apps):
    data = apps_file(
        apps_row("Ann@B.gov.uk"),
        apps_row("bob@b.gov.uk", windows="No", mac="No", web="Yes"),
        apps_row("cat@b.gov.uk", last=""),
    )
    result = check_apps(council, data, apps)
    assert result.ok and result.people == 3
    assert result.usage == {
        (apps.pk, "ann@b.gov.uk", datetime.date(2026, 11, 18)),
        (apps.pk, "bob@b.gov.uk", datetime.date(2026, 11, 18)),
    }
    assert result.report_refresh_date == datetime.date(2026, 11, 20)
    assert any("1 people used the apps only on the web" in w for w in result.warnings)
    services.import_file(
        actor=None, council=council, kind="m365_apps", data=data, filename="a.csv", options={"product": apps.pk}
    )
    services.import_file(
        actor=None, council=council, kind="m365_apps", data=data, filename="a.csv", options={"product": apps.pk}
    )
    assert UsageMonthly.objects.filter(council=council, source="m365_apps").count() == 2  # idempotent


def test_apps_needs_a_product_chosen(council, apps):
    result = services.import_check(council=council, kind="m365_apps", data=apps_file(apps_row("a@b.gov.uk")))
    assert not result.ok and "Choose which product" in result.errors[0].message


def test_apps_product_from_another_dictionary_is_refused(council, outside_council):
    theirs = make_product(outside_council, "Microsoft 365 Apps")
    result = check_apps(council, apps_file(apps_row("a@b.gov.uk")), theirs)
    assert not result.ok


def test_apps_quirks_bom_trailing_spaces_duplicated_and_doubled_header_names(council, apps):
    header = APPS_HEADER.replace("Last Activity Date", "Last  Activity Date ") + ",Windows"
    result = check_apps(council, apps_file(apps_row("a@b.gov.uk") + ",No", header=header, bom=True), apps)
    assert result.ok, result.errors
    assert result.usage == {(apps.pk, "a@b.gov.uk", datetime.date(2026, 11, 18))}
    # The first 'Windows' column counts (Yes), so no web-only warning.
    assert not any("only on the web" in w for w in result.warnings)


def test_apps_concealed_names_import_with_a_warning(council, apps):
    result = check_apps(council, apps_file(apps_row("4F1D2C3B4A5968778695A4B3C2D1E0F1")), apps)
    assert result.ok and any("concealed" in w for w in result.warnings)


@pytest.mark.parametrize(
    "data,row,column,message",
    [
        (b"", None, "", "empty"),
        (apps_file(), None, "", "no data rows"),
        (b"PK\x03\x04binary", None, "", "not a CSV file"),
        (apps_file(apps_row("a@b.gov.uk", last="03/11/2026")), 2, "Last Activity Date", "either way round"),
        (apps_file(apps_row("a@b.gov.uk", last="2026-13-45")), 2, "Last Activity Date", "not a real date"),
        (
            apps_file(apps_row("a@b.gov.uk"), header="User Principal Name,Last Activity Date"),
            1,
            "Report Refresh Date",
            "missing",
        ),
        (apps_file(apps_row("a@b.gov.uk"), "2026-11-20,b@b.gov.uk,2024"), 3, "", "cut short"),
    ],
)
def test_apps_bad_files_say_where_and_import_nothing(council, apps, data, row, column, message):
    result = check_apps(council, data, apps)
    assert not result.ok
    error = result.errors[0]
    assert (error.row, error.column) == (row, column) and message in error.message
    with pytest.raises(services.ImportFailed):
        services.import_file(
            actor=None, council=council, kind="m365_apps", data=data, filename="a.csv", options={"product": apps.pk}
        )
    assert not UsageMonthly.objects.exists() and not ImportBatch.objects.exists()


# Generic files

GENERIC = (
    b"Email,System,Used on,Logins\r\n"
    b"ann@b.gov.uk,Uniform,03/12/2026,2\r\n"
    b"ann@b.gov.uk,Uniform,03/12/2026,1\r\n"
    b"bob@b.gov.uk,Planning system,04/12/2026,5\r\n"
)


@pytest.fixture
def uniform(council):
    return make_product(council, "Uniform", publisher="Idox", aliases=["Planning system"])


def mapping(**values):
    return {
        "person": "Email",
        "day": "Used on",
        "date_format": "dmy",
        "product_column": "System",
        "product": None,
        "events": "Logins",
        **values,
    }


def test_the_date_order_is_chosen_not_guessed():
    assert parse_date_as("03/12/2026", "dmy") == datetime.date(2026, 12, 3)
    assert parse_date_as("03/12/2026", "mdy") == datetime.date(2026, 3, 12)
    assert parse_date_as("2026-12-03", "iso") == datetime.date(2026, 12, 3)
    with pytest.raises(ValueError):
        parse_date_as("03/12/2026", "iso")
    with pytest.raises(ValueError):
        parse_date_as("13/25/2026", "mdy")


def test_generic_counts_per_person_product_and_day(council, uniform):
    result = services.import_check(council=council, kind="generic", data=GENERIC, options=mapping())
    assert result.ok, result.errors
    assert result.events == {
        (uniform.pk, "ann@b.gov.uk", datetime.date(2026, 12, 3)): 3,
        (uniform.pk, "bob@b.gov.uk", datetime.date(2026, 12, 4)): 5,
    }
    for _ in range(2):
        services.import_file(
            actor=None, council=council, kind="generic", data=GENERIC, filename="g.csv", options=mapping()
        )
    assert sorted(UsageMonthly.objects.filter(source="generic").values_list("events", flat=True)) == [3, 5]


def test_generic_one_product_for_the_file_and_rows_counted_once(council, uniform):
    options = mapping(product_column="", product=uniform.pk, events="", date_format="mdy")
    result = services.import_check(council=council, kind="generic", data=GENERIC, options=options)
    assert result.ok
    assert result.events[(uniform.pk, "ann@b.gov.uk", datetime.date(2026, 3, 12))] == 2


@pytest.mark.parametrize(
    "data,options,row,column,message",
    [
        (GENERIC.replace(b"Uniform,03", b"Unknown thing,03"), {}, 2, "System", "not in the product dictionary"),
        (GENERIC.replace(b"03/12/2026,2", b"31/31/2026,2", 1), {}, 2, "Used on", "not a real date"),
        (GENERIC.replace(b",5\r\n", b",lots\r\n"), {}, 4, "Logins", "not a whole number"),
        (GENERIC, {"person": "E-mail"}, 1, "E-mail", "missing"),
        (GENERIC, {"date_format": "iso"}, 2, "Used on", "either way round"),
    ],
)
def test_generic_bad_rows_and_columns(council, uniform, data, options, row, column, message):
    result = services.import_check(council=council, kind="generic", data=data, options=mapping(**options))
    assert not result.ok
    error = result.errors[0]
    assert (error.row, error.column) == (row, column) and message in error.message


def test_file_headers_lists_each_column_once():
    data = "\ufeffEmail ,System,Email,Used on\r\na,b,c,d\r\n".encode()
    assert file_headers(data) == ["Email", "System", "Used on"]


def test_generic_upload_choose_columns_preview_and_confirm(client, council, staff_user, uniform):
    client.force_login(staff_user)
    base = f"/{council.slug}/staff/software/imports/"
    response = client.post(base, {"kind": "generic", "file": SimpleUploadedFile("g.csv", GENERIC)})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{batch.pk}/columns/")
    # The preview sends you to choose columns first.
    assert client.get(f"{base}{batch.pk}/")["Location"].endswith("/columns/")
    page = client.get(f"{base}{batch.pk}/columns/").content.decode()
    assert '<option value="Used on">Used on</option>' in page
    response = client.post(f"{base}{batch.pk}/columns/", {**mapping(date_format="iso"), "product": ""})
    content = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in content and "either way round" in content
    response = client.post(f"{base}{batch.pk}/columns/", {**mapping(), "product": ""})
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{batch.pk}/")
    assert not UsageMonthly.objects.exists()
    assert "Person-days of use to record" in client.get(f"{base}{batch.pk}/").content.decode()
    assert client.post(f"{base}{batch.pk}/").status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED and UsageMonthly.objects.count() == 2


def test_generic_mapping_form_needs_a_product(client, council, staff_user, uniform):
    client.force_login(staff_user)
    base = f"/{council.slug}/staff/software/imports/"
    client.post(base, {"kind": "generic", "file": SimpleUploadedFile("g.csv", GENERIC)})
    batch = ImportBatch.objects.get()
    response = client.post(f"{base}{batch.pk}/columns/", {**mapping(product_column=""), "product": ""})
    assert "Choose the column that names the product" in response.content.decode()


def test_generic_upload_of_a_non_csv_is_refused(client, council, staff_user):
    client.force_login(staff_user)
    response = client.post(
        f"/{council.slug}/staff/software/imports/",
        {"kind": "generic", "file": SimpleUploadedFile("g.xlsx", b"PK\x03\x04 rest")},
    )
    assert response.status_code == 200 and "not a CSV file" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_apps_upload_page_needs_the_product(client, council, staff_user, apps):
    client.force_login(staff_user)
    url = f"/{council.slug}/staff/software/imports/"
    response = client.post(url, {"kind": "m365_apps", "file": SimpleUploadedFile("a.csv", apps_file(apps_row("a@b")))})
    assert "Choose which product the Microsoft 365 Apps report counts" in response.content.decode()
    response = client.post(
        url,
        {"kind": "m365_apps", "product": apps.pk, "file": SimpleUploadedFile("a.csv", apps_file(apps_row("a@b")))},
    )
    assert response.status_code == 302
    assert ImportBatch.objects.get().mapping == {"product": apps.pk}


def test_command_imports_apps_and_generic(council, apps, uniform, tmp_path, capsys):
    path = tmp_path / "apps.csv"
    path.write_bytes(apps_file(apps_row("a@b.gov.uk")))
    call_command("software_import", str(path), council=council.slug, kind="m365_apps", product="OFFICESUBSCRIPTION")
    generic = tmp_path / "g.csv"
    generic.write_bytes(GENERIC)
    call_command(
        "software_import",
        str(generic),
        council=council.slug,
        kind="generic",
        person_column="Email",
        date_column="Used on",
        date_format="dmy",
        product_column="System",
        events_column="Logins",
    )
    assert UsageMonthly.objects.filter(source="m365_apps").count() == 1
    assert UsageMonthly.objects.filter(source="generic").count() == 2
    with pytest.raises(CommandError):
        call_command("software_import", str(path), council=council.slug, kind="m365_apps", product="Nope")


# The Entra sign-in log, read by DuckDB first


def _entra(*rows, bom=False):
    from joinedup.software.tests.test_imports import ENTRA_HEADER

    text = "\r\n".join([ENTRA_HEADER, *rows]) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode()


def _row(*args, **kwargs):
    from joinedup.software.tests.test_imports import entra_row

    return entra_row(*args, **kwargs)


GOOD_ROWS = [
    _row("2026-11-18T08:01:02Z", "ann@b.gov.uk", "Salesforce"),
    _row("2026-11-18T12:30:00.123+01:00", " Ann@B.gov.uk ", "salesforce "),
    _row("2026-11-19", "ann@b.gov.uk", "Salesforce"),
    _row("2026-11-19T09:00:00Z", "bob@b.gov.uk", "Salesforce", status="Failure", code="50126"),
    _row("2026-11-19T09:00:00Z", "bob@b.gov.uk", "Salesforce", status="Success", code="53003"),
    _row("2026-11-19T09:00:00Z", "bob@b.gov.uk", "Microsoft Teams Web Client"),
    _row("2026-11-20T09:00:00Z", "cat@b.gov.uk", "Uniform"),
]


@pytest.mark.parametrize("bom", [False, True])
def test_duckdb_and_row_by_row_reading_agree(council, uniform, bom):
    from joinedup.software.imports import readers
    from joinedup.software.selectors import product_dictionary

    make_product(council, "Salesforce Service Cloud", publisher="Salesforce", aliases=["Salesforce"])
    data = _entra(*GOOD_ROWS, bom=bom)
    dictionary = product_dictionary(council=council).prefetch_related("aliases")
    assert readers._read_entra_duckdb(data, list(dictionary)) is not None  # the fast path is taken
    fast = readers.read_entra_signins(data, dictionary, fast=True)
    slow = readers.read_entra_signins(data, dictionary, fast=False)
    assert fast.months == slow.months and fast.summary() == slow.summary()
    assert fast.rows == 7 and fast.skipped == 3 and len(fast.months) == 2
    assert fast.summary()["usage_days"] == 3


@pytest.mark.parametrize(
    "bad_row,message",
    [
        (_row("03/11/2026 09:00", "cat@b.gov.uk", "Uniform"), "either way round"),
        (_row("2026-02-30T09:00:00Z", "cat@b.gov.uk", "Uniform"), "not a real date"),
        (_row("", "cat@b.gov.uk", "Uniform"), "The date is empty"),
        (_row("2026-11-20T09:00:00Z", "", "Uniform"), "The user name is empty"),
        ("2026-11-20,only,three", "values but the header has 57 columns"),
    ],
)
def test_a_bad_entra_row_is_reported_by_row_even_when_duckdb_reads_first(council, uniform, bad_row, message):
    data = _entra(*GOOD_ROWS, bad_row)
    result = services.import_check(council=council, kind="entra_signin", data=data)
    assert not result.ok
    assert result.errors[0].row == 9 and message in result.errors[0].message


_PEOPLE = ["ann@b.gov.uk", " Ann@B.gov.uk", "ANN@b.gov.uk ", "bob@b.gov.uk", "cat\u00e9@b.gov.uk", "Dan@B.GOV.UK"]
_APPLICATIONS = ["Salesforce", "salesforce ", "SALESFORCE", "Uniform", " uniform", "Microsoft Teams Web Client", ""]
_OUTCOMES = [("Success", "0"), ("success", ""), ("", "0"), ("", ""), ("Failure", "50126"), ("Success", "53003"),
             (" Interrupted", "50074")]  # fmt: skip


@pytest.fixture
def salesforce(council):
    return make_product(council, "Salesforce Service Cloud", publisher="Salesforce", aliases=["Salesforce"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(
            st.dates(min_value=datetime.date(2026, 7, 1), max_value=datetime.date(2026, 11, 30)),
            st.sampled_from(["T08:01:02Z", "T23:59:59.5+01:00", "", " 10:00"]),
            st.sampled_from(_PEOPLE),
            st.sampled_from(_APPLICATIONS),
            st.sampled_from(_OUTCOMES),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_duckdb_and_row_by_row_reading_agree_on_any_good_log(council, uniform, salesforce, rows):
    """However people, applications and outcomes are written, both readers count the same."""
    from joinedup.software.imports import readers
    from joinedup.software.selectors import product_dictionary

    data = _entra(
        *(
            _row(f"{day.isoformat()}{time}", person, application, status=status, code=code)
            for day, time, person, application, (status, code) in rows
        )
    )
    dictionary = list(product_dictionary(council=council).prefetch_related("aliases"))
    fast = readers._read_entra_duckdb(data, dictionary)
    slow = readers.read_entra_signins(data, dictionary, fast=False)
    assert fast is not None and slow.ok
    assert fast.months == slow.months
    assert fast.summary() == slow.summary()
    assert (fast.rows, fast.skipped, fast.people) == (slow.rows, slow.skipped, slow.people)
