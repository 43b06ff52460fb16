"""Issue 15, wrong numbers 1 to 3: the licence position from the files a council really has
(Entra sign-in logs, Microsoft 365 active-user reports and licence assignment files, in the
shapes Microsoft writes them), with the evidence and the date each figure rests on."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from joinedup.software import services, workflows
from joinedup.software.models import Assignment, ImportKind, UsageEvidence
from joinedup.software.positions import licence_position
from joinedup.software.tests.factories import make_product, make_usage
from joinedup.software.tests.test_imports import ENTRA_HEADER, entra_row, m365_file, m365_row

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def run(council, data, kind, name="file.csv", **options):
    return services.import_file(actor=None, council=council, kind=kind, data=data, filename=name, **options)


def licences(council, product, quantity, monthly):
    services.entitlement_create(
        actor=None,
        council=council,
        product=product,
        quantity=quantity,
        metric="subscription",
        unit_price=Decimal(monthly),
        billing_period="monthly",
    )


def entra_log(rows):
    return ("\r\n".join([ENTRA_HEADER, *rows]) + "\r\n").encode("utf-8")


def at(day, hour=9):
    return f"{day.isoformat()}T{hour:02d}:12:45Z"


@pytest.fixture
def salesforce(council):
    return make_product(council, "Salesforce Service Cloud", publisher="Salesforce", aliases=["Salesforce"])


def test_entra_only_products_count_everyone_who_signed_in(council, salesforce):
    """194 people signed in to Salesforce; 250 licences at £100 a month; no assignment file. The
    position said used 0 and £300,000 a year to save."""
    newest = today() - datetime.timedelta(days=3)
    rows = []
    for n in range(194):
        day = newest - datetime.timedelta(days=n % 60)
        rows.append(entra_row(at(day), f"user{n:03d}@borchester.gov.uk", "Salesforce"))
        rows.append(entra_row(at(day, 14), f"user{n:03d}@borchester.gov.uk", "Salesforce"))
    # Failed sign-ins and other applications are not use of Salesforce.
    rows.append(entra_row(at(newest), "user999@borchester.gov.uk", "Salesforce", status="Failure", code="50126"))
    rows.append(entra_row(at(newest), "user998@borchester.gov.uk", "Microsoft Teams Web Client"))
    licences(council, salesforce, 250, "100")
    batch, result = run(council, entra_log(rows), ImportKind.ENTRA_SIGNIN, name="InteractiveSignIns_2026.csv")
    assert batch.report_refresh_date == newest  # the newest successful sign-in

    [position] = licence_position(council=council)
    assert (position.owned, position.used, position.assigned) == (250, 194, None)
    assert position.reclaimable is None and position.unassigned is None  # no assignment file: not known
    assert position.surplus == 56 and position.yearly_saving == Decimal("67200.00")
    assert [(e.name, e.as_at, e.filename) for e in position.used_evidence] == [
        ("sign-in log (Entra)", newest, "InteractiveSignIns_2026.csv")
    ]
    assert position.assigned_evidence == []


def test_no_usage_evidence_claims_no_saving(council, salesforce):
    licences(council, salesforce, 250, "100")
    [position] = licence_position(council=council)
    assert position.used is None and not position.saving_known and position.yearly_saving == 0


def test_the_window_counts_back_from_the_reports_refresh_date(council):
    """A report 14 days old: used was 46 instead of 57, and reclaim 148 instead of 137."""
    e3 = make_product(council, "Office 365 E3", aliases=["ENTERPRISEPACK"])
    licences(council, e3, 200, "20")
    refresh = today() - datetime.timedelta(days=14)
    people = [f"p{n:03d}@borchester.gov.uk" for n in range(194)]
    rows = []
    for n, person in enumerate(people):
        if n < 46:
            last = refresh - datetime.timedelta(days=10)  # inside 90 days either way
        elif n < 57:
            last = refresh - datetime.timedelta(days=85)  # inside 90 days of the report, not of today
        elif n < 100:
            last = refresh - datetime.timedelta(days=120)
        else:
            last = None
        rows.append(m365_row(person, exchange=last.isoformat() if last else "", refresh=refresh.isoformat()))
    run(council, m365_file(*rows), ImportKind.M365_ACTIVE_USER, name="ActiveUsers.csv")
    assignments = "User Principal Name,Licenses\r\n" + "".join(f"{p},ENTERPRISEPACK\r\n" for p in people)
    run(council, assignments.encode(), ImportKind.LICENCE_EXPORT, name="licences.csv")

    [position] = licence_position(council=council)
    assert (position.assigned, position.used, position.reclaimable) == (194, 57, 137)
    assert [(e.name, e.as_at) for e in position.used_evidence] == [
        ("usage report (Microsoft 365 active users)", refresh)
    ]
    [assigned] = position.assigned_evidence
    assert (assigned.name, assigned.as_at, assigned.filename) == ("assignment file", today(), "licences.csv")
    assert position.owned_as_at == today()
    # The reclaim candidates use the same window.
    candidates = workflows.reclaim_candidates(council=council, product=e3)
    assert len(candidates) == 137
    assert dict(candidates)[people[60]] == refresh - datetime.timedelta(days=120)
    assert dict(candidates)[people[150]] is None


def test_an_older_report_imported_later_does_not_move_the_date_back(council):
    e3 = make_product(council, "Office 365 E3", aliases=["ENTERPRISEPACK"])
    new, old = today() - datetime.timedelta(days=2), today() - datetime.timedelta(days=40)
    run(council, m365_file(m365_row("a@borchester.gov.uk", exchange=str(new), refresh=str(new))), "m365_active_user")
    run(council, m365_file(m365_row("b@borchester.gov.uk", exchange=str(old), refresh=str(old))), "m365_active_user")
    assert UsageEvidence.objects.get(product=e3).as_at == new


def test_each_source_has_its_own_window(council, salesforce):
    """The same product in a usage file and a sign-in log: each counts back from its own date."""
    licences(council, salesforce, 10, "100")
    log_date = today() - datetime.timedelta(days=30)
    log = entra_log([entra_row(at(log_date - datetime.timedelta(days=80)), "ann@borchester.gov.uk", "Salesforce")])
    log_latest = entra_log([entra_row(at(log_date), "bob@borchester.gov.uk", "Salesforce")])
    run(council, log, ImportKind.ENTRA_SIGNIN)
    run(council, log_latest, ImportKind.ENTRA_SIGNIN, name="later.csv")
    # Ann's sign-in was 110 days ago, but 80 days before the log's newest sign-in: she counts.
    [position] = licence_position(council=council)
    assert position.used == 2
    make_usage(council, salesforce, "cat@borchester.gov.uk", today() - datetime.timedelta(days=100), source="manual")
    [position] = licence_position(council=council)
    assert position.used == 2  # usage entered by hand counts back from today


def test_the_licence_position_reads_a_fixed_number_of_queries(council, salesforce):
    """Benchmarked for a 10,000-user council: the queries must not grow with people or products."""
    products = [salesforce] + [make_product(council, f"Product {n}") for n in range(5)]

    def grow(people):
        for product in products:
            licences(council, product, people, "10")
            Assignment.objects.bulk_create(
                [Assignment(council=council, product=product, person=f"p{n}@borchester.gov.uk") for n in range(people)],
                ignore_conflicts=True,
            )
            for n in range(0, people, 3):
                make_usage(council, product, f"p{n}@borchester.gov.uk", today(), source="entra_signin")
        UsageEvidence.objects.get_or_create(
            council=council,
            product=products[0],
            source="entra_signin",
            defaults={"as_at": today(), "imported_on": today()},
        )

    grow(5)
    with CaptureQueriesContext(connection) as small:
        licence_position(council=council)
    grow(60)
    with CaptureQueriesContext(connection) as large:
        positions = licence_position(council=council)
    assert len(large) == len(small) <= 6
    assert {p.used for p in positions} == {20}


def test_the_licence_position_page_shows_evidence_and_dates(client, council, staff_user, salesforce):
    newest = today() - datetime.timedelta(days=3)
    licences(council, salesforce, 250, "100")
    rows = [entra_row(at(newest), f"user{n}@borchester.gov.uk", "Salesforce") for n in range(194)]
    run(council, entra_log(rows), ImportKind.ENTRA_SIGNIN, name="signins.csv")
    client.force_login(staff_user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/{council.slug}/staff/software/licences/").content.decode()
    assert "could save £67,200 a year" in page
    assert f"sign-in log (Entra) (signins.csv) as at {newest:%-d %b %Y}" in page
    assert "no assignment file" in page and f"in force on {today():%-d %b %Y}" in page
    first = len(queries)
    make_usage(council, make_product(council, "Another"), "x@borchester.gov.uk", today())
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/{council.slug}/staff/software/licences/")
    assert len(queries) == first


def test_the_licence_download_names_the_evidence_and_dates(client, council, staff_user, salesforce):
    import csv
    import io

    newest = today() - datetime.timedelta(days=3)
    licences(council, salesforce, 250, "100")
    rows = [entra_row(at(newest), f"user{n}@borchester.gov.uk", "Salesforce") for n in range(194)]
    run(council, entra_log(rows), ImportKind.ENTRA_SIGNIN, name="signins.csv")
    client.force_login(staff_user)
    body = client.get(f"/{council.slug}/staff/software/download/licences.csv").content.decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(body)))
    assert (row["Owned"], row["Assigned"], row["Used"], row["Yearly saving (£)"]) == ("250", "", "194", "67200.00")
    assert row["Assigned rests on"] == "no assignment file"
    assert row["Used rests on"] == f"sign-in log (Entra) as at {newest:%-d %B %Y} (signins.csv)"
    assert row["Owned as at"] == today().isoformat()


def test_imports_made_before_evidence_was_kept_get_their_dates(council):
    """The data migration: an earlier import's products as at its Report Refresh Date."""
    import importlib

    from django.apps import apps

    from joinedup.software.models import ImportBatch

    backfill = importlib.import_module("joinedup.software.migrations.0011_usage_evidence_from_earlier_imports").backfill
    e3 = make_product(council, "Office 365 E3", aliases=["ENTERPRISEPACK"])
    refresh = today() - datetime.timedelta(days=14)
    rows = m365_file(m365_row("a@borchester.gov.uk", exchange=str(refresh), refresh=str(refresh)))
    run(council, rows, ImportKind.M365_ACTIVE_USER, name="old.csv")
    run(council, b"User Principal Name,Licenses\r\na@borchester.gov.uk,ENTERPRISEPACK\r\n", ImportKind.LICENCE_EXPORT)
    UsageEvidence.objects.all().delete()
    ImportBatch.objects.create(council=council, kind="m365_active_user", filename="x.csv", status="previewed")
    backfill(apps, None)
    found = {(e.source, e.as_at, e.filename) for e in UsageEvidence.objects.filter(product=e3)}
    assert found == {("m365_active_user", refresh, "old.csv"), ("licence_export", today(), "file.csv")}
