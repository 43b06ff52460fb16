import datetime

import pytest
from django.core.files.base import ContentFile

from joinedup.core.models import AuditEntry
from joinedup.software import services
from joinedup.software.imports.csvfile import parse_date
from joinedup.software.models import Assignment, ImportBatch, ImportKind, UsageMonthly
from joinedup.software.tests.factories import make_product

pytestmark = pytest.mark.django_db

HEADER = (
    "Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,Has Exchange License,"
    "Has OneDrive License,Has SharePoint License,Has Skype For Business License,Has Yammer License,"
    "Has Teams License,Exchange Last Activity Date,OneDrive Last Activity Date,SharePoint Last Activity Date,"
    "Skype For Business Last Activity Date,Yammer Last Activity Date,Teams Last Activity Date,"
    "Exchange License Assign Date,OneDrive License Assign Date,SharePoint License Assign Date,"
    "Skype For Business License Assign Date,Yammer License Assign Date,Teams License Assign Date,Assigned Products"
)


def m365_row(
    upn, *, exchange="", teams="", onedrive="", products="OFFICE 365 E3", deleted="False", refresh="2026-11-20"
):
    values = [
        refresh,
        upn,
        upn.split("@")[0],
        deleted,
        "",
        "True",
        "True",
        "True",
        "False",
        "True",
        "True",
        exchange,
        onedrive,
        "",
        "",
        "",
        teams,
        "2024-01-01",
        "2024-01-01",
        "2024-01-01",
        "",
        "2024-01-01",
        "2024-01-01",
        products,
    ]
    return ",".join(values)


def m365_file(*rows, header=HEADER, bom=False):
    text = "\r\n".join([header, *rows]) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


@pytest.fixture
def e3(council):
    return make_product(council, "Office 365 E3", aliases=["ENTERPRISEPACK", "MS Office 365 E3"])


def run(council, data, kind=ImportKind.M365_ACTIVE_USER):
    return services.import_file(actor=None, council=council, kind=kind, data=data, filename="report.csv")


def failure(council, data, kind=ImportKind.M365_ACTIVE_USER):
    with pytest.raises(services.ImportFailed) as error:
        run(council, data, kind)
    assert not UsageMonthly.objects.exists() and not Assignment.objects.exists()
    assert not ImportBatch.objects.exists()
    return [str(e) for e in error.value.result.errors]


def test_active_user_detail_stores_the_last_activity_day_per_person_and_product(council, e3):
    data = m365_file(
        m365_row("ann@borchester.gov.uk", exchange="2026-11-18", teams="2026-11-19"),
        m365_row("bob@borchester.gov.uk", onedrive="2026-05-01", products="Office 365 E3"),
        m365_row("cat@borchester.gov.uk"),  # no activity at all
        m365_row("dan@borchester.gov.uk", exchange="2026-11-01", deleted="True"),
    )
    batch, result = run(council, data)
    assert set(UsageMonthly.objects.values_list("person", "last_seen")) == {
        ("ann@borchester.gov.uk", datetime.date(2026, 11, 19)),
        ("bob@borchester.gov.uk", datetime.date(2026, 5, 1)),
    }
    assert result.people == 3 and result.skipped == 1
    assert batch.report_refresh_date == datetime.date(2026, 11, 20)
    assert AuditEntry.objects.filter(action="software.import", council=council).count() == 1


def test_importing_the_same_file_twice_changes_nothing(council, e3):
    data = m365_file(m365_row("ann@borchester.gov.uk", exchange="2026-11-18"))
    run(council, data)
    _, result = run(council, data)
    assert UsageMonthly.objects.count() == 1
    assert any("imported already" in warning for warning in result.warnings)


def test_quirks_bom_trailing_spaces_duplicated_headers_and_renamed_yammer(council, e3):
    header = (
        HEADER.replace("User Principal Name", "User Principal Name ").replace(
            "Yammer Last Activity Date", "Viva Engage Last Activity Date"
        )
        + ",Report Refresh Date"
    )
    row = m365_row("ann@borchester.gov.uk", teams="2026-11-02") + ",1999-01-01"
    run(council, m365_file(row, header=header, bom=True))
    assert UsageMonthly.objects.get().last_seen == datetime.date(2026, 11, 2)


def test_columns_are_matched_by_name_not_position(council, e3):
    data = (
        b"Assigned Products,Teams Last Activity Date,User Principal Name,Report Refresh Date\n"
        b"ENTERPRISEPACK,2026-11-03,Ann@Borchester.gov.uk,2026-11-20\n"
    )
    run(council, data)
    assert UsageMonthly.objects.get().person == "ann@borchester.gov.uk"


def test_concealed_names_are_imported_with_a_warning(council, e3):
    _, result = run(council, m365_file(m365_row("5A7C0D3E1B2F4A6C8D9E0F1A2B3C4D5E", exchange="2026-11-18")))
    assert UsageMonthly.objects.count() == 1
    assert any("concealed" in warning for warning in result.warnings)


def test_windows_1252_text_is_read(council, e3):
    data = m365_file(m365_row("zoë@borchester.gov.uk", exchange="2026-11-18")).decode().encode("cp1252")
    _, result = run(council, data)
    assert UsageMonthly.objects.get().person == "zoë@borchester.gov.uk"


# Bad input: a clear message with the row and column, and nothing imported.


def test_an_empty_file(council, e3):
    assert failure(council, b"") == ["The file is empty."]
    assert failure(council, b"  \r\n") == ["The file is empty."]


def test_a_header_with_no_rows(council, e3):
    assert failure(council, m365_file()) == ["The file has a header row but no data rows."]


def test_a_file_that_is_not_csv(council, e3):
    assert "not a CSV file" in failure(council, b"PK\x03\x04\x14\x00\x06\x00 spreadsheet")[0]
    assert "not a CSV file" in failure(council, b"%PDF-1.7\n\x00\x01")[0]


def test_missing_columns_are_named(council, e3):
    errors = failure(council, b"Report Refresh Date,Display Name\n2026-11-20,Ann\n")
    assert errors[0].startswith("Row 1, column 'User Principal Name': The column 'User Principal Name' is missing")
    assert "'Display Name'" in errors[0]
    assert any("'Assigned Products' is missing" in e for e in errors)


def test_semicolon_separated_files_get_a_hint(council, e3):
    errors = failure(council, b"Report Refresh Date;User Principal Name;Assigned Products\n2026-11-20;a;b\n")
    assert "semicolons" in errors[0]


def test_a_truncated_file(council, e3):
    good = m365_row("ann@borchester.gov.uk", exchange="2026-11-18")
    cut = m365_row("bob@borchester.gov.uk", exchange="2026-11-18")[:60]
    assert failure(council, m365_file(good, cut)) == [
        "Row 3: This row has 9 values but the header has 24 columns: the file may be cut short."
    ]
    errors = failure(council, m365_file(good, cut.replace("bob", '"bob')))
    assert errors[0].startswith("Row 3") and "cut short" in errors[0]


def test_dates_that_cannot_be_read(council, e3):
    errors = failure(
        council,
        m365_file(
            m365_row("ann@borchester.gov.uk", exchange="03/12/2026"),
            m365_row("bob@borchester.gov.uk", teams="2026-02-30"),
            m365_row("cat@borchester.gov.uk", refresh="yesterday"),
        ),
    )
    assert errors[0].startswith("Row 2, column 'Exchange Last Activity Date': '03/12/2026' is not a date")
    assert "day and month could be either way round" in errors[0]
    assert errors[1] == "Row 3, column 'Teams Last Activity Date': '2026-02-30' is not a real date."
    assert errors[2].startswith("Row 4, column 'Report Refresh Date': 'yesterday'")


def test_unknown_products_are_named_once_with_their_first_row(council, e3):
    errors = failure(
        council,
        m365_file(
            m365_row("ann@borchester.gov.uk", exchange="2026-11-18", products="OFFICE 365 E3+POWER BI PRO"),
            m365_row("bob@borchester.gov.uk", exchange="2026-11-18", products="POWER BI PRO"),
        ),
    )
    assert errors == [
        "Row 2, column 'Assigned Products': 'POWER BI PRO' is not in the product dictionary (and 1 more rows). "
        "Add the product, or add this name as an alias of one, then import the file again."
    ]


def test_parse_date_accepts_iso_dates_and_times():
    assert parse_date("2026-11-20") == datetime.date(2026, 11, 20)
    assert parse_date("2026-11-20T07:22:01Z") == datetime.date(2026, 11, 20)
    assert parse_date("2026-11-20 07:22:01.123+00:00") == datetime.date(2026, 11, 20)
    assert parse_date("") is None


# The licence assignment export


def test_licence_export_assigns_products_and_is_a_snapshot(council, e3):
    e5 = make_product(council, "Microsoft 365 E5", aliases=["SPE_E5"])
    first = (
        "\ufeffUser principal name,Display name,Licenses\r\n"
        "ann@borchester.gov.uk,Ann,Office 365 E3+Microsoft Power Automate Free\r\n"
        "bob@borchester.gov.uk,Bob,ENTERPRISEPACK\r\n"
        "cat@borchester.gov.uk,Cat,Unlicensed\r\n"
    )
    # Power Automate Free is not in the dictionary: nothing is imported.
    errors = failure(council, first.encode(), ImportKind.LICENCE_EXPORT)
    assert errors[0].startswith("Row 2, column 'Licenses': 'Microsoft Power Automate Free'")
    make_product(council, "Microsoft Power Automate Free")
    run(council, first.encode(), ImportKind.LICENCE_EXPORT)
    run(council, first.encode(), ImportKind.LICENCE_EXPORT)
    assert Assignment.objects.filter(product=e3).count() == 2
    second = "UserPrincipalName,SkuPartNumber\nann@borchester.gov.uk,SPE_E5\nbob@borchester.gov.uk,ENTERPRISEPACK\n"
    run(council, second.encode(), ImportKind.LICENCE_EXPORT)
    # The second file covers E5 and E3 only: Power Automate Free, which it does not name, is left alone.
    assert set(Assignment.objects.values_list("product__name", "person")) == {
        ("Microsoft 365 E5", "ann@borchester.gov.uk"),
        ("Office 365 E3", "bob@borchester.gov.uk"),
        ("Microsoft Power Automate Free", "ann@borchester.gov.uk"),
    }
    assert e5.assignments.count() == 1


def test_licence_export_keeps_assignments_entered_by_hand(council, e3):
    services.assignment_add(actor=None, council=council, product=e3, person="Kiosk@borchester.gov.uk")
    run(council, b"User Principal Name,Licenses\nann@borchester.gov.uk,ENTERPRISEPACK\n", ImportKind.LICENCE_EXPORT)
    assert Assignment.objects.count() == 2


def test_preview_keeps_the_file_until_it_is_confirmed(council, e3, staff_user):
    data = m365_file(m365_row("ann@borchester.gov.uk", exchange="2026-11-18"))
    batch, result = services.import_upload(
        actor=staff_user, council=council, kind=ImportKind.M365_ACTIVE_USER, upload=ContentFile(data, name="r.csv")
    )
    assert result.ok and not UsageMonthly.objects.exists()
    assert batch.filename == "r.csv" and batch.file.name
    services.import_confirm(actor=staff_user, batch=batch)
    batch.refresh_from_db()
    assert batch.status == "imported" and not batch.file
    assert UsageMonthly.objects.count() == 1


# The Entra sign-in log

ENTRA_HEADER = (
    "Date (UTC),Request ID,User agent,Correlation ID,User ID,User,Username,User type,Cross tenant access type,"
    "Incoming token type,Authentication Protocol,Unique token identifier,Original transfer method,"
    "Client credential type,Token Protection - Sign In Session,Token Protection - Sign In Session StatusCode,"
    "Application,Application ID ,App owner tenant ID,Resource,Resource ID ,Resource tenant ID,"
    "Resource owner tenant ID,Home tenant ID,Home tenant name,IP address,Location,Status,Sign-in error code,"
    "Failure reason,Client app,Device ID,Browser,Operating System,Compliant,Managed,Join Type,"
    "Multifactor authentication result,Multifactor authentication auth method,"
    "Multifactor authentication auth detail,Authentication requirement,Sign-in identifier,Session ID,"
    "IP address (seen by resource),Through Global Secure Access,Global Secure Access IP address,"
    "Autonomous system  number,Flagged for review,Token issuer type,Incoming token type,Token issuer name,Latency,"
    "Conditional Access,Managed Identity type,Associated Resource Id,Federated Token Id,Federated Token Issuer"
)


def entra_row(when, upn, app, status="Success", code="0"):
    values = [""] * 57
    values[0], values[5], values[6], values[16] = when, upn.split("@")[0], upn, app
    values[26], values[27], values[28] = '"Lincoln, Lincolnshire, GB"', status, code
    return ",".join(values)


def test_entra_sign_ins_are_counted_per_person_product_and_month(council):
    salesforce = make_product(council, "Salesforce Service Cloud", publisher="Salesforce", aliases=["Salesforce"])
    data = "\n".join(
        [
            ENTRA_HEADER,
            entra_row("2026-11-18T08:01:02Z", "ann@b.gov.uk", "Salesforce"),
            entra_row("2026-11-18T12:30:00Z", "Ann@b.gov.uk", "Salesforce"),
            entra_row("2026-11-19T09:00:00Z", "ann@b.gov.uk", "Salesforce"),
            entra_row("2026-11-19T09:00:00Z", "bob@b.gov.uk", "Salesforce", status="Failure", code="50126"),
            entra_row("2026-11-19T09:00:00Z", "bob@b.gov.uk", "Microsoft Teams Web Client"),
        ]
    ).encode()
    _, result = run(council, data, ImportKind.ENTRA_SIGNIN)
    usage = UsageMonthly.objects.get(product=salesforce)
    assert (usage.person, usage.month, usage.active_days, usage.last_seen, usage.events) == (
        "ann@b.gov.uk",
        datetime.date(2026, 11, 1),
        2,
        datetime.date(2026, 11, 19),
        3,
    )
    assert usage.used_days() == [datetime.date(2026, 11, 18), datetime.date(2026, 11, 19)]
    assert result.skipped == 2 and result.summary()["usage_days"] == 2
    assert "Microsoft Teams Web Client (1)" in result.warnings[0]
    run(council, data, ImportKind.ENTRA_SIGNIN)
    assert UsageMonthly.objects.count() == 1
    assert UsageMonthly.objects.get().events == 3  # the same file again changes nothing


def test_legacy_entra_exports_with_ambiguous_dates_are_refused(council):
    make_product(council, "Salesforce Service Cloud", publisher="Salesforce", aliases=["Salesforce"])
    data = (
        b"CreatedDateTime,UserPrincipalName,UserDisplayName,AppDisplayName,Status\n"
        b"3/12/2025 7:22:01 AM,ann@b.gov.uk,Ann,Salesforce,Success\n"
    )
    errors = failure(council, data, ImportKind.ENTRA_SIGNIN)
    assert errors[0].startswith("Row 2, column 'Date (UTC)': '3/12/2025 7:22:01 AM' is not a date")


def test_files_checked_but_not_confirmed_are_dropped_after_a_day(council, e3, staff_user):
    from django.utils import timezone

    data = m365_file(m365_row("ann@borchester.gov.uk", exchange="2026-11-18"))
    old, _ = services.import_upload(
        actor=staff_user, council=council, kind=ImportKind.M365_ACTIVE_USER, upload=ContentFile(data, name="old.csv")
    )
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    services.import_upload(
        actor=staff_user, council=council, kind=ImportKind.M365_ACTIVE_USER, upload=ContentFile(data, name="new.csv")
    )
    assert list(ImportBatch.objects.values_list("filename", flat=True)) == ["new.csv"]
