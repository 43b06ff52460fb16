"""Issue 15, wrong number 5: NUL characters, huge single-line files, UTF-16, warnings on future
dates, odd user names, and unambiguous US dates."""

import datetime
import tracemalloc

import pytest
from django.utils import timezone

from joinedup.software import services
from joinedup.software.imports.csvfile import MAX_ROW_CHARACTERS
from joinedup.software.models import Assignment, ImportBatch, ImportKind, UsageMonthly
from joinedup.software.tests.factories import make_product
from joinedup.software.tests.test_imports import ENTRA_HEADER, HEADER, entra_row, m365_file, m365_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def e3(council):
    return make_product(council, "Office 365 E3", aliases=["ENTERPRISEPACK"])


@pytest.fixture
def salesforce(council):
    return make_product(council, "Salesforce Service Cloud", publisher="Salesforce", aliases=["Salesforce"])


def run(council, data, kind=ImportKind.M365_ACTIVE_USER):
    return services.import_file(actor=None, council=council, kind=kind, data=data, filename="file.csv")


def errors_of(council, data, kind=ImportKind.M365_ACTIVE_USER):
    with pytest.raises(services.ImportFailed) as failure:
        run(council, data, kind)
    assert not UsageMonthly.objects.exists() and not Assignment.objects.exists() and not ImportBatch.objects.exists()
    return [str(error) for error in failure.value.result.errors]


def people(n):
    return [m365_row(f"user{i:03d}@borchester.gov.uk", exchange="2026-11-18") for i in range(n)]


def test_a_nul_in_a_user_name_is_a_row_and_column_error_not_a_crash(council, e3):
    """It crashed the write on PostgreSQL with an error page."""
    late = m365_file(*people(60), m365_row("ann\x00@borchester.gov.uk", exchange="2026-11-18"))
    assert late.index(b"\x00") > 4096
    assert errors_of(council, late) == [
        "Row 62, column 'User Principal Name': This value contains a NUL character (a zero byte), which cannot be "
        "stored: the file may be damaged, or saved in an encoding other than UTF-8 or UTF-16."
    ]
    early = m365_file(m365_row("bob\x00@borchester.gov.uk", exchange="2026-11-18"), *people(3))
    assert errors_of(council, early)[0].startswith("Row 2, column 'User Principal Name': This value contains a NUL")


def test_a_nul_in_an_entra_user_name_is_reported_by_row_though_duckdb_reads_first(council, salesforce):
    rows = [entra_row(f"2026-11-{10 + n}T08:00:00Z", f"u{n}@borchester.gov.uk", "Salesforce") for n in range(5)]
    rows.append(entra_row("2026-11-18T08:00:00Z", "eve\x00@borchester.gov.uk", "Salesforce"))
    data = ("\n".join([ENTRA_HEADER, *rows]) + "\n").encode()
    [error] = errors_of(council, data, ImportKind.ENTRA_SIGNIN)
    assert error.startswith("Row 7, column 'Username': This value contains a NUL character")


def test_a_nul_in_an_assignment_file(council, e3):
    data = b"User Principal Name,Licenses\r\nann@b.gov.uk,ENTERPRISEPACK\r\nbob\x00@b.gov.uk,ENTERPRISEPACK\r\n"
    [error] = errors_of(council, data, ImportKind.LICENCE_EXPORT)
    assert error.startswith("Row 3, column 'User Principal Name': This value contains a NUL")


def test_a_huge_single_line_file_is_streamed_and_the_error_names_the_limit(council, e3, tmp_path):
    """200 MB on one line was held whole in memory and said 'field larger than field limit'."""
    path = tmp_path / "one-line.csv"
    with open(path, "wb") as file:
        file.write(HEADER.encode() + b"\r\n")
        for _ in range(24):
            file.write(b"x" * 1_000_000)  # 24 MB, no line break
    tracemalloc.start()
    try:
        result = services.import_check(council=council, kind=ImportKind.M365_ACTIVE_USER, data=str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 12_000_000  # read a row at a time, never the whole line
    [error] = [str(error) for error in result.errors]
    assert error == (
        f"Row 2: This row is longer than {MAX_ROW_CHARACTERS:,} characters, the most one row may hold, so the file "
        "was not read further: it may not be a CSV file, or its rows may not be separated by line breaks."
    )
    no_header_break = b"x" * 3_000_000
    [error] = errors_of(council, no_header_break, ImportKind.LICENCE_EXPORT)
    assert error.startswith("Row 1: This row is longer than 1,000,000 characters")


def test_a_value_longer_than_the_csv_limit_is_named(council, e3):
    data = b"User Principal Name,Licenses\r\nann@b.gov.uk,ENTERPRISEPACK\r\n" + b'"' + b"y" * 200_000 + b'",x\r\n'
    [error] = errors_of(council, data, ImportKind.LICENCE_EXPORT)
    assert "a value is longer than 131,072 characters, the most one value may hold" in error


def test_utf16_files_are_read(council, e3):
    """UTF-16 was called 'a spreadsheet, PDF or binary file'."""
    text = m365_file(*people(3)).decode("utf-8")
    run(council, text.encode("utf-16"))  # with a BOM, as Windows writes it
    assert UsageMonthly.objects.count() == 3
    # Excel's "Unicode text": UTF-16 with a BOM and tabs between values.
    unicode_text = "User Principal Name\tDisplay name\tLicenses\r\nann@b.gov.uk\tAnn\tENTERPRISEPACK\r\n"
    run(council, unicode_text.encode("utf-16-le").join([b"\xff\xfe", b""]), ImportKind.LICENCE_EXPORT)
    assert Assignment.objects.get().person == "ann@b.gov.uk"
    big_endian = "User Principal Name,Licenses\r\nbob@b.gov.uk,ENTERPRISEPACK\r\n"
    _, result = run(council, b"\xfe\xff" + big_endian.encode("utf-16-be"), ImportKind.LICENCE_EXPORT)
    assert result.ok and Assignment.objects.filter(person="bob@b.gov.uk").exists()


def test_utf16_that_does_not_decode_names_the_encoding(council, e3):
    [error] = errors_of(council, b"\xff\xfe" + "User Principal Name,Licenses\r\n".encode("utf-16-le") + b"\x00\xd8")
    assert "looks like UTF-16 text, but part of it cannot be read as UTF-16" in error


def test_future_dates_and_odd_user_names_are_warned_about(council, e3):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = m365_file(
        m365_row("ann@borchester.gov.uk", exchange="2026-11-18"),
        m365_row("bob@borchester.gov.uk", teams=tomorrow.isoformat()),
        m365_row("BORCHESTER\\cat", exchange="2026-11-18"),
        m365_row("5A7C0D3E1B2F4A6C8D9E0F1A2B3C4D5E", exchange="2026-11-18"),  # concealed: its own warning
    )
    _, result = run(council, data)
    future = f"1 date is after today, for example row 3, column 'Teams Last Activity Date': '{tomorrow.isoformat()}'."
    assert any(warning.startswith(future) for warning in result.warnings)
    assert any(
        "1 user name is not an email address (for example 'borchester\\cat')" in warning for warning in result.warnings
    )


def test_unambiguous_us_dates_are_read_and_ambiguous_ones_refused(council, salesforce):
    """The legacy Entra export writes 11/30/2026 7:22:01 AM: it was refused."""
    header = b"CreatedDateTime,UserPrincipalName,UserDisplayName,AppDisplayName,Status\r\n"
    us = header + b"11/30/2025 7:22:01 AM,ann@b.gov.uk,Ann,Salesforce,Success\r\n"
    run(council, us, ImportKind.ENTRA_SIGNIN)
    assert UsageMonthly.objects.get().last_seen == datetime.date(2025, 11, 30)
    UsageMonthly.objects.all().delete()
    ImportBatch.objects.all().delete()
    [error] = errors_of(
        council, header + b"3/12/2025 7:22:01 AM,ann@b.gov.uk,Ann,Salesforce,Success\r\n", "entra_signin"
    )
    assert "the day and month could be either way round" in error
    mixed = us + b"30/11/2025 9:00:00 AM,bob@b.gov.uk,Bob,Salesforce,Success\r\n"
    [error] = errors_of(council, mixed, ImportKind.ENTRA_SIGNIN)
    assert error.startswith("Row 3, column 'Date (UTC)': '30/11/2025 9:00:00 AM' is written day first")
    assert "earlier dates in the file are written month first" in error
