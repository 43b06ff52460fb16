"""The public figures pages and their downloads: no personal data, small counts hidden, tenancy kept."""

import datetime
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from joinedup.figures.models import ChannelCost
from joinedup.service_requests import services
from joinedup.service_requests.models import Channel, ContactPreference, ServiceRequest, Status
from joinedup.service_requests.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("Zebedee Quattlebaum", "zebedee.quattlebaum@example.org", "07700900123"),
    ("Philippa Okonkwo-Hart", "philippa.hart@example.net", "07700900456"),
    ("Ximena Thistlewood", "ximena@thistlewood.example", "07700900789"),
]


def period_query():
    today = timezone.localdate()
    return {"period": "custom", "from": (today - datetime.timedelta(days=30)).isoformat(), "to": today.isoformat()}


@pytest.fixture
def figures_data(council, partner_council, staff_user):
    """Requests by named residents at two councils; six of one category so it is not suppressed."""
    big = CategoryFactory(council=council, name="Fly-tipping", slug="fly-tipping")
    small = CategoryFactory(council=council, name="Graffiti", slug="graffiti")
    other = CategoryFactory(council=partner_council, name="Potholes at Felpersham", slug="potholes")
    made = []
    for n in range(6):
        name, email, phone = PEOPLE[n % 3]
        made.append(
            services.request_create(
                council=council,
                category=big,
                description=f"Rubbish left by {name}",
                location_text="12 Acacia Avenue",
                reporter_name=name,
                reporter_email=email,
                reporter_phone=phone,
                contact_preference=ContactPreference.BOTH,
                channel=[Channel.WEB, Channel.PHONE][n % 2],
            )
        )
    for n in range(2):
        name, email, phone = PEOPLE[n]
        services.request_create(
            council=council,
            category=small,
            description="Tags",
            location_text="Bridge",
            reporter_name=name,
            reporter_email=email,
            reporter_phone=phone,
        )
    for _ in range(7):
        services.request_create(
            council=partner_council,
            category=other,
            description="Hole",
            location_text="Road",
            reporter_name="Felix Felpersham",
            reporter_email="felix@felpersham.example",
        )
    for request in made[:5]:
        services.request_status_change(
            actor=staff_user, request=request, to_status=Status.FIXED, public_message="Cleared"
        )
        request.refresh_from_db()
        services.feedback_give(request=request, rating=5, comment=f"Thank you, {PEOPLE[0][0]} here")
    call_command("figures_rebuild")
    return {"big": big, "small": small}


def personal_strings():
    values = set()
    for name, email, phone in PEOPLE:
        values |= {name, email, phone, name.split()[1]}
    for r in ServiceRequest.objects.all():
        values |= {v for v in (r.reporter_name, r.reporter_email, r.reporter_phone) if v}
    return values


def test_public_page_needs_no_sign_in_and_shows_the_measures(client, council, figures_data):
    response = client.get(reverse("figures:council", kwargs={"council_slug": council.slug}), period_query())
    assert response.status_code == 200
    text = response.content.decode()
    assert "Digital take-up" in text and "Completion rate" in text and "Cost per transaction" in text
    assert "<svg" in text and "<script" not in text.split("</footer>")[0].split("<main")[1]


def test_public_page_and_every_download_hold_no_personal_data(client, council, partnership, figures_data):
    secrets = personal_strings()
    assert len(secrets) >= 9
    query = period_query()
    base = reverse("figures:council", kwargs={"council_slug": council.slug})
    outputs = [client.get(base, query).content.decode()]
    tables = [
        "summary",
        "channels",
        "completion",
        "satisfaction",
        "closure_messages",
        "time_to_resolve",
        "overdue_trend",
        "member_enquiries",
    ]
    for table in tables:
        for fmt in ("csv", "json"):
            response = client.get(f"{base}{table}.{fmt}", query)
            assert response.status_code == 200, (table, fmt)
            outputs.append(response.content.decode("utf-8-sig"))
        response = client.get(f"{base}{table}.xlsx", query)
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        outputs.append(" ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row))
    partnership_url = reverse("figures_partnership:partnership", kwargs={"partnership_slug": partnership.slug})
    outputs.append(client.get(partnership_url, query).content.decode())
    for fmt in ("csv", "xlsx", "json"):
        response = client.get(f"{partnership_url}comparison.{fmt}", query)
        assert response.status_code == 200
        outputs.append(response.content.decode("utf-8-sig", errors="ignore"))
    for output in outputs:
        for secret in secrets:
            assert secret.lower() not in output.lower(), secret


def test_small_counts_are_suppressed_on_the_page_and_in_downloads(client, council, figures_data):
    base = reverse("figures:council", kwargs={"council_slug": council.slug})
    data = json.loads(client.get(f"{base}time_to_resolve.json", period_query()).content)
    rows = {row["category"]: row for row in data["rows"]}
    # Graffiti: 2 open requests, none resolved: its counts are hidden.
    assert rows["Graffiti"]["open_now"] is None and "open_now" in rows["Graffiti"]["suppressed"]
    # Fly-tipping: 5 resolved is enough to publish; its 1 open request is not.
    assert rows["Fly-tipping"]["resolved"] == 5 and rows["Fly-tipping"]["suppressed"] == ["open_now"]
    assert rows["Fly-tipping"]["overdue_now"] == 0  # nothing to hide in a zero
    csv_text = client.get(f"{base}time_to_resolve.csv", period_query()).content.decode("utf-8-sig")
    assert "[c]" in csv_text
    page = client.get(base, period_query()).content.decode()
    assert "fewer than 5" in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}time_to_resolve.xlsx", period_query()).content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    fly = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "Fly-tipping")
    assert isinstance(fly[header.index("Resolved")], int)  # numbers stay numbers


def test_json_download_has_the_documented_open_data_shape(client, council, figures_data):
    base = reverse("figures:council", kwargs={"council_slug": council.slug})
    data = json.loads(client.get(f"{base}channels.json", period_query()).content)
    assert data["schema"] == "joinedup-figures/1"
    assert set(data) >= {"schema", "council", "period", "filters", "table", "title", "explanation", "columns", "rows"}
    assert data["council"] == {"name": council.name, "slug": council.slug, "gss_code": council.gss_code}
    assert {"key", "label", "unit"} == set(data["columns"][0])
    web = next(row for row in data["rows"] if row["channel"] == "Online")
    assert web["requests"] == 5 and web["share"] == 62.5
    phone = next(row for row in data["rows"] if row["channel"] == "Phone")
    assert phone["requests"] is None and phone["suppressed"] == ["requests", "share", "cost_per_request"]


def test_tenant_isolation_each_council_counts_only_its_own(
    client, council, partner_council, outside_council, figures_data
):
    base = reverse("figures:council", kwargs={"council_slug": partner_council.slug})
    data = json.loads(client.get(f"{base}summary.json", period_query()).content)
    made = next(row for row in data["rows"] if row["measure"] == "Requests made")
    assert made["value"] == 7
    text = client.get(base, period_query()).content.decode()
    assert "Fly-tipping" not in text and "Graffiti" not in text
    outside = client.get(reverse("figures:council", kwargs={"council_slug": outside_council.slug}), period_query())
    assert "Potholes" not in outside.content.decode()
    # A filter naming another council's category is refused here, and shows nothing of that council.
    response = client.get(base, {**period_query(), "category": "fly-tipping"})
    assert "Choose a category from the list" in response.content.decode()
    assert "Fly-tipping" not in response.content.decode()


def test_partnership_page_compares_the_councils_side_by_side(
    client, council, partner_council, partnership, figures_data
):
    url = reverse("figures_partnership:partnership", kwargs={"partnership_slug": partnership.slug})
    data = json.loads(client.get(f"{url}comparison.json", period_query()).content)
    made = next(row for row in data["rows"] if row["measure"] == "Requests made")
    assert made[council.slug] == 8 and made[partner_council.slug] == 7
    page = client.get(url, period_query()).content.decode()
    assert council.name in page and partner_council.name in page


def test_bad_period_shows_an_error_and_the_default_period(client, council):
    url = reverse("figures:council", kwargs={"council_slug": council.slug})
    response = client.get(url, {"period": "custom", "from": "2026-05-01", "to": "2026-04-01"})
    assert response.status_code == 200
    assert "The end date must be the same as or after the start date" in response.content.decode()
    assert client.get(f"{url}nosuch.csv").status_code == 404
    assert client.get(f"{url}summary.pdf").status_code == 404


def test_feedback_comments_are_for_signed_in_staff_only(client, council, staff_user, scrutiny_member, figures_data):
    url = reverse("figures:feedback", kwargs={"council_slug": council.slug})
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(scrutiny_member)
    assert client.get(url).status_code == 403
    client.force_login(staff_user)
    response = client.get(url)
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    # The public page shows the counts, never the comments.
    client.logout()
    public = client.get(reverse("figures:council", kwargs={"council_slug": council.slug}), period_query())
    assert "Thank you" not in public.content.decode()


def test_channel_costs_are_entered_by_partnership_officers_and_give_cost_per_request(
    client, council, staff_user, partnership_officer, figures_data
):
    url = reverse("figures:costs", kwargs={"council_slug": council.slug})
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
    client.force_login(partnership_officer)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=30)
    response = client.post(url, {"channel": "phone", "period_start": start, "period_end": today, "staff": "-5"})
    assert response.status_code == 200 and ChannelCost.objects.count() == 0
    assert "Enter a cost of £0 or more" in response.content.decode()
    for channel, staff in (("phone", "31.00"), ("web", "6.20")):
        response = client.post(url, {"channel": channel, "period_start": start, "period_end": today, "staff": staff})
        assert response.status_code == 302
    base = reverse("figures:council", kwargs={"council_slug": council.slug})
    data = json.loads(client.get(f"{base}summary.json", period_query()).content)
    by_measure = {row["measure"]: row for row in data["rows"]}
    # £37.20 over the 8 requests made = £4.65
    assert by_measure["Cost per transaction"]["value"] == "4.65"


def test_account_links_reach_the_figures(client, council, staff_user, councillor, scrutiny_member, resident):
    for user in (staff_user, councillor, scrutiny_member):
        client.force_login(user)
        page = client.get(reverse("accounts:home")).content.decode()
        assert reverse("figures:council", kwargs={"council_slug": council.slug}) in page
    client.force_login(resident)
    page = client.get(reverse("accounts:home")).content.decode()
    assert reverse("figures:council", kwargs={"council_slug": council.slug}) not in page


def test_council_home_links_to_the_figures(client, council):
    page = client.get(reverse("councils:home", kwargs={"council_slug": council.slug})).content.decode()
    assert reverse("figures:council", kwargs={"council_slug": council.slug}) in page
