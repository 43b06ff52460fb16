"""The scrutiny report: built from live data as it stood on a date, saved as a dated version
with a tagged PDF that holds the figures the page shows."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from joinedup.portfolio.models import Proposal, StatusReport
from joinedup.portfolio.tests.factories import make_proposal
from joinedup.scrutiny import report as report_module
from joinedup.scrutiny import services_tracker as tracker
from joinedup.scrutiny.models import DataReport

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def project(council):
    proposal = make_proposal(council, title="Single customer platform", capital_cost=Decimal("2400000"))
    Proposal.objects.filter(pk=proposal.pk).update(stage="delivery")
    common = {
        "proposal": proposal,
        "rag_time": "amber",
        "rag_cost": "green",
        "rag_scope": "green",
        "rag_benefits": "amber",
        "delivery_confidence": "amber",
        "narrative": "East Lindsey's move is late.",
    }
    StatusReport.objects.create(
        period_end=D(2026, 6, 30), rag_overall="green", budget_to_date=1_200_000, actual_to_date=1_150_000, **common
    )
    StatusReport.objects.create(
        period_end=D(2026, 9, 30), rag_overall="amber", budget_to_date=1_900_000, actual_to_date=1_850_000, **common
    )
    return proposal


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    # Table cells and wrapped lines come out on lines of their own: read it as one run of words.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def figures_on(html: str) -> set[str]:
    """Every money amount and percentage the page shows."""
    return set(re.findall(r"-?£[\d,]+(?:\.\d\d)?|\d+(?:\.\d)?%", html))


def test_report_uses_the_status_as_it_stood_on_the_date(committee, project, report, scrutiny_member, officer):
    rec = tracker.recommendation_add(actor=scrutiny_member, report=report, text="Do it.", received_on=D(2026, 9, 30))
    tracker.recommendation_respond(
        actor=officer, recommendation=rec, response="not_accepted", response_text="No.", responded_on=D(2026, 11, 15)
    )
    august = report_module.build(committee, D(2026, 8, 1))
    row = august["roadmap"]["rows"][0]
    assert (row["rag"], row["planned"], row["actual"]) == ("Green", "£1,200,000", "£1,150,000")
    assert august["roadmap"]["capital"] == "£2,400,000"
    assert august["recommendations"]["rows"] == []  # the report was agreed later
    october = report_module.build(committee, D(2026, 10, 15))
    assert october["roadmap"]["rows"][0]["rag"] == "Amber"
    assert october["recommendations"]["rows"][0]["status"] == "Response due by 30 November 2026"
    december = report_module.build(committee, D(2026, 12, 1))
    assert december["recommendations"]["rows"][0]["status"] == "Not accepted"


def test_saved_version_keeps_a_tagged_pdf_with_the_figures_on_the_page(
    client, council, committee, project, report, scrutiny_member
):
    tracker.recommendation_add(actor=scrutiny_member, report=report, text="Tell residents.", received_on=D(2026, 9, 30))
    client.force_login(scrutiny_member)
    url = reverse("scrutiny:data-report", args=[council.slug, committee.pk])
    live = client.get(url, {"as_of": "2026-10-15"}).content.decode()
    response = client.post(url, {"as_of": "2026-10-15"})
    saved = DataReport.objects.get()
    assert response.status_code == 302 and saved.version == 1 and saved.as_of == D(2026, 10, 15)
    page = client.get(reverse("scrutiny:data-report-version", args=[council.slug, committee.pk, saved.pk]))
    html = page.content.decode()
    shown = figures_on(html)
    assert {"£2,400,000", "£1,900,000", "£1,850,000"} <= shown
    assert shown == figures_on(live)  # the saved version shows what the live page showed for that date
    download = client.get(reverse("scrutiny:data-report-pdf", args=[council.slug, committee.pk, saved.pk]))
    data = b"".join(download.streaming_content)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for amount in shown:
        assert amount in text, amount
    for words in ("Single customer platform", "Response due by 30 November 2026", "OSC (26/27) 01.1"):
        assert words in text, words
    catalogue = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert "/StructTreeRoot" in catalogue and catalogue["/MarkInfo"]["/Marked"]
    assert catalogue["/Lang"] == "en-GB"
    # A later version is numbered on; the first is kept as it was.
    client.post(url, {"as_of": "2026-12-01"})
    assert list(DataReport.objects.values_list("version", "as_of")) == [(2, D(2026, 12, 1)), (1, D(2026, 10, 15))]


def test_a_report_for_a_future_date_is_refused(client, council, committee, scrutiny_member):
    client.force_login(scrutiny_member)
    url = reverse("scrutiny:data-report", args=[council.slug, committee.pk])
    response = client.post(url, {"as_of": "2999-01-01"})
    assert response.status_code == 200 and "today or in the past" in response.content.decode()
    assert not DataReport.objects.exists()


def test_people_who_only_read_cannot_save_a_version(client, council, committee, holder):
    client.force_login(holder)
    url = reverse("scrutiny:data-report", args=[council.slug, committee.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"as_of": "2026-10-15"}).status_code == 403
