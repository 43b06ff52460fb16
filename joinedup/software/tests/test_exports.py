import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.software import exports, selectors, services
from joinedup.software.models import CalendarFeedToken
from joinedup.software.tests.factories import make_application, make_contract, make_product

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
    return {"contract": contract}


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
    assert dashboard.systems == 2
    assert dashboard.yearly_spend == Decimal("70000.00")
    assert dashboard.reclaimable_saving == Decimal("1200.00")  # 5 owned, none used, £240 each
    assert dashboard.duplicated_functions == 1
    assert dashboard.contracts_ending == {90: 1, 180: 1, 365: 2}
    spend = {bar.label: (bar.value, bar.percent) for bar in dashboard.spend_by_council}
    assert spend[council.name] == (Decimal("40000"), 100) and spend[partner_council.name][1] == 75


def test_dashboard_page(client, partnership, partnership_officer, staff_user, estate):
    client.force_login(partnership_officer)
    content = client.get(f"/partnerships/{partnership.slug}/software/dashboard/").content.decode()
    assert "£70,000" in content and "£1,200" in content and "Yearly spend by council" in content
    assert '<svg class="joinedup-bar-chart__svg"' in content and 'aria-hidden="true"' in content
    client.force_login(staff_user)
    assert client.get(f"/partnerships/{partnership.slug}/software/dashboard/").status_code == 403
