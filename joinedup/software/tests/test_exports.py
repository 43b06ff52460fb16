import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.software import exports, selectors, services, workflows
from joinedup.software.models import CalendarFeedToken
from joinedup.software.tests.factories import make_application, make_contract, make_product, make_usage

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(council, partner_council):
    today = timezone.localdate()
    uniform = make_product(council, "Uniform", publisher="Idox", functions=[99])
    arcus = make_product(council, "Arcus Planning", publisher="Arcus", functions=[99])
    ours = make_application(council, uniform, version="10.4", notes="=HYPERLINK(1)")
    theirs = make_application(partner_council, arcus, version="2")
    contract = make_contract(
        council,
        "BDC-9",
        start=today - datetime.timedelta(days=400),
        end=today + datetime.timedelta(days=200),
        notice_months=3,
        annual_value="40000",
        applications=[ours],
        title="Planning system",
    )
    make_contract(
        partner_council,
        "FDC-9",
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=60),
        annual_value="30000",
        applications=[theirs],
    )
    services.commitment_create(actor=None, contract=contract, description="+1 free training day")
    e3 = make_product(council, "Office 365 E3")
    services.entitlement_create(actor=None, council=council, product=e3, quantity=5, unit_price=Decimal("240"))
    return {"contract": contract, "e3": e3}


@pytest.mark.parametrize("table", sorted(exports.COUNCIL_TABLES))
def test_every_council_list_downloads_as_csv_and_xlsx(client, council, staff_user, estate, table):
    client.force_login(staff_user)
    title, columns, rows = exports.COUNCIL_TABLES[table](council)
    response = client.get(f"/{council.slug}/staff/software/download/{table}.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f"{council.slug}-{table}-" in response["Content-Disposition"]
    read = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert read[0] == columns and len(read) == len(rows) + 1
    response = client.get(f"/{council.slug}/staff/software/download/{table}.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in next(sheet.iter_rows(max_row=1))] == columns
    assert sheet.max_row == len(rows) + 1


def test_formulas_never_run_and_numbers_stay_numbers(client, council, staff_user, estate):
    client.force_login(staff_user)
    response = client.get(f"/{council.slug}/staff/software/download/applications.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    row = next(sheet.iter_rows(min_row=2, max_row=2))
    notes = row[selectors.REGISTER_COLUMNS.index("Notes")]
    assert notes.value == "=HYPERLINK(1)" and notes.data_type == "s"
    response = client.get(f"/{council.slug}/staff/software/download/contracts.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in list(sheet.iter_rows(min_row=2, max_row=2))[0]]
    assert values[9] == 40000 and isinstance(values[4], datetime.datetime)
    response = client.get(f"/{council.slug}/staff/software/download/commitments.csv")
    assert "'+1 free training day" in response.content.decode("utf-8-sig")


def test_downloads_are_for_the_councils_staff_only(client, council, partner_council, estate):
    other = UserFactory()
    grant(other, Role.STAFF, council=partner_council)
    client.force_login(other)
    assert client.get(f"/{council.slug}/staff/software/download/contracts.csv").status_code == 403
    client.force_login(UserFactory())
    assert client.get(f"/{council.slug}/staff/software/download/contracts.csv").status_code == 403


def test_unknown_download_is_not_found(client, council, staff_user):
    client.force_login(staff_user)
    assert client.get(f"/{council.slug}/staff/software/download/secrets.csv").status_code == 404
    assert client.get(f"/{council.slug}/staff/software/download/contracts.pdf").status_code == 404


def test_partnership_downloads(client, council, partner_council, partnership, partnership_officer, staff_user, estate):
    client.force_login(partnership_officer)
    base = f"/partnerships/{partnership.slug}/software/download/"
    content = client.get(f"{base}duplication.csv").content.decode("utf-8-sig")
    assert "Uniform" in content and "Arcus Planning" in content
    sheet = load_workbook(io.BytesIO(client.get(f"{base}renewals.xlsx").content)).active
    councils = {row[0].value for row in sheet.iter_rows(min_row=2)}
    assert councils == {council.name, partner_council.name}
    client.force_login(staff_user)
    assert client.get(f"{base}renewals.csv").status_code == 403


def _events(body):
    calendar = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_ical_feed_with_session_has_stable_uids(client, council, staff_user, estate):
    client.force_login(staff_user)
    url = f"/{council.slug}/staff/software/renewals.ics"
    response = client.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response.content)
    contract = estate["contract"]
    notice_uid = next(uid for uid in events if uid.startswith(f"software-contract-{contract.pk}-notice@"))
    assert events[notice_uid].decoded("dtstart") == contract.notice_deadline
    assert "BDC-9 Planning system" in str(events[notice_uid]["SUMMARY"])
    assert all("FDC-9" not in str(e["SUMMARY"]) for e in events.values())
    services.contract_update(actor=None, contract=contract, end_date=contract.end_date + datetime.timedelta(days=31))
    again = _events(client.get(url).content)
    assert set(again) == set(events)  # same UIDs: calendars move the events, not add others
    assert again[notice_uid].decoded("dtstart") != events[notice_uid].decoded("dtstart")


def test_ical_feed_with_a_secret_address_that_can_be_revoked(client, council, partner_council, staff_user, estate):
    url = f"/{council.slug}/staff/software/renewals.ics"
    assert client.get(url).status_code == 401
    assert client.get(url, {"token": "guess"}).status_code == 401
    client.force_login(staff_user)
    page = client.post(f"/{council.slug}/staff/software/renewals/calendar/", {"action": "create"})
    token = page.context["token"]
    assert f"renewals.ics?token={token}" in page.content.decode()
    assert CalendarFeedToken.objects.get(user=staff_user).token_hash != token  # only a hash is kept
    client.logout()
    response = client.get(url, {"token": token})
    assert response.status_code == 200 and b"BEGIN:VCALENDAR" in response.content
    # The same secret gives no other council's renewals.
    assert client.get(f"/{partner_council.slug}/staff/software/renewals.ics", {"token": token}).status_code == 403
    client.force_login(staff_user)
    client.post(f"/{council.slug}/staff/software/renewals/calendar/", {"action": "remove"})
    client.logout()
    assert client.get(url, {"token": token}).status_code == 401


def test_partnership_ical_feed(client, partnership, partnership_officer, staff_user, estate):
    url = f"/partnerships/{partnership.slug}/software/renewals.ics"
    token = exports.feed_token_create(user=partnership_officer)
    events = _events(client.get(url, {"token": token}).content)
    summaries = " ".join(str(e["SUMMARY"]) for e in events.values())
    assert "BDC-9" in summaries and "FDC-9" in summaries
    staff_token = exports.feed_token_create(user=staff_user)
    assert client.get(url, {"token": staff_token}).status_code == 403


def test_dashboard_totals(council, partner_council, partnership, estate):
    councils = [council, partner_council]
    dashboard = selectors.partnership_dashboard(partnership=partnership, councils=councils)
    assert dashboard.reclaimable_saving == Decimal("0.00")  # no usage imported: no saving is claimed
    make_usage(council, estate["e3"], "ann@borchester.gov.uk", timezone.localdate())
    dashboard = selectors.partnership_dashboard(partnership=partnership, councils=councils)
    assert dashboard.systems == 2
    assert dashboard.yearly_spend == Decimal("70000.00")
    assert dashboard.reclaimable_saving == Decimal("960.00")  # 5 owned, 1 used, £240 each
    assert dashboard.duplicated_functions == 1
    assert dashboard.contracts_ending == {90: 1, 180: 1, 365: 2}
    spend = {bar.label: (bar.value, bar.percent) for bar in dashboard.spend_by_council}
    assert spend[council.name] == (Decimal("40000"), 100) and spend[partner_council.name][1] == 75


def test_dashboard_page(client, council, partnership, partnership_officer, staff_user, estate):
    make_usage(council, estate["e3"], "ann@borchester.gov.uk", timezone.localdate())
    client.force_login(partnership_officer)
    content = client.get(f"/partnerships/{partnership.slug}/software/dashboard/").content.decode()
    assert "£70,000" in content and "£960" in content and "Yearly spend by council" in content
    assert '<svg class="joinedup-bar-chart__svg"' in content and 'aria-hidden="true"' in content
    client.force_login(staff_user)
    assert client.get(f"/partnerships/{partnership.slug}/software/dashboard/").status_code == 403


def _sheet_rows(response):
    """The XLSX download's data rows as {column: cell}."""
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    columns = [cell.value for cell in rows[0]]
    return [dict(zip(columns, row, strict=True)) for row in rows[1:]]


def test_applications_download_keeps_numbers_and_dates(client, council, staff_user, estate):
    product = make_product(council, "Civica Pay", publisher="Civica")
    make_application(
        council,
        product,
        users_count=1250,
        end_of_support=datetime.date(2027, 3, 31),
        business_value=7,
        technical_risk=3,
    )
    client.force_login(staff_user)
    xlsx = {
        row["Application"].value: row
        for row in _sheet_rows(client.get(f"/{council.slug}/staff/software/download/applications.xlsx"))
    }
    full = xlsx["Civica Pay"]
    for column, value in (("Users", 1250), ("Business value", 7), ("Technical risk", 3)):
        assert full[column].value == value and full[column].data_type == "n", column
    end = full["End of support"]
    assert end.is_date and end.value == datetime.datetime(2027, 3, 31) and end.number_format == "yyyy-mm-dd"
    # Nothing recorded: an empty cell, not empty text.
    empty = xlsx["Uniform"]
    assert [empty[c].value for c in ("Users", "End of support", "Business value", "Technical risk")] == [None] * 4
    assert empty["Version"].value == "10.4" and empty["Version"].data_type == "s"  # a version is text, not a number

    # The CSV reads as before: plain numbers, ISO dates, empty cells for nothing recorded.
    for address in (
        f"/{council.slug}/staff/software/download/applications.csv",
        f"/{council.slug}/staff/software/register.csv",
    ):
        response = client.get(address)
        assert response.status_code == 200, address
        text = response.content.decode("utf-8-sig")
        csv_rows = {row["Application"]: row for row in csv.DictReader(io.StringIO(text))}
        assert [csv_rows["Civica Pay"][c] for c in ("Users", "End of support", "Business value", "Technical risk")] == [
            "1250",
            "2027-03-31",
            "7",
            "3",
        ]
        assert [csv_rows["Uniform"][c] for c in ("Users", "End of support", "Business value", "Technical risk")] == [
            ""
        ] * 4


# Text that a spreadsheet would read as a number or a date: a sign that a list turned a value into text.
_LOOKS_NUMERIC = re.compile(r"^-?\d+(\.\d+)?$|^\d{4}-\d{2}-\d{2}")
_TEXT_COLUMNS = {"Version", "Reference", "Contract"}  # text that may look like a number


@pytest.mark.parametrize("table", sorted(exports.COUNCIL_TABLES))
def test_no_council_download_writes_numbers_or_dates_as_text(client, council, staff_user, estate, table):
    make_application(
        council,
        make_product(council, "Civica Pay", publisher="Civica"),
        users_count=40,
        end_of_support=timezone.localdate() + datetime.timedelta(days=100),
        business_value=2,
        technical_risk=9,
    )
    today = timezone.localdate()
    e3 = estate["e3"]
    services.assignment_add(actor=None, council=council, product=e3, person="stale@b.gov.uk")
    make_usage(council, e3, "stale@b.gov.uk", today - datetime.timedelta(days=200))
    assert workflows.reclaim_requests_create(actor=None, council=council, product=e3, today=today)
    workflows.attestation_campaign_start(
        actor=None, council=council, year=today.year, due_date=today + datetime.timedelta(days=30)
    )
    client.force_login(staff_user)
    rows = _sheet_rows(client.get(f"/{council.slug}/staff/software/download/{table}.xlsx"))
    assert rows
    for row in rows:
        for column, cell in row.items():
            if cell.data_type == "s" and column not in _TEXT_COLUMNS:
                assert not _LOOKS_NUMERIC.match(cell.value), (table, column, cell.value)


@pytest.mark.parametrize("by", ["function", "service"])
def test_partnership_downloads_keep_numbers_and_dates(client, partnership, partnership_officer, estate, by):
    client.force_login(partnership_officer)
    base = f"/partnerships/{partnership.slug}/software/download/"
    title, columns, rows = exports.duplication_table(partnership, list(partnership.councils.all()), by=by)
    assert columns[0] == ("ESD function" if by == "function" else "LGSL service")
    response = client.get(f"{base}duplication.xlsx", {"by": by})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert next(sheet.iter_rows(max_row=1))[0].value == columns[0]
    data = _sheet_rows(response)
    assert len(data) == len(rows)
    for row in data:
        assert row["Yearly cost (£)"].data_type == "n" and row["Contract ends"].is_date
        assert row["Extension to converge (months)"].data_type == "n"
    renewals = _sheet_rows(client.get(f"{base}renewals.xlsx"))
    assert renewals and all(row["Date"].is_date and row["Days away"].data_type == "n" for row in renewals)
