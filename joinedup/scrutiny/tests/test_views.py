import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.scrutiny import services
from joinedup.scrutiny import services_tracker as tracker
from joinedup.scrutiny.models import Topic

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(council, committee, report, scrutiny_member, officer):
    """A meeting with evidence and a document, a topic, a recommendation with a response."""
    meeting = services.meeting_create(actor=officer, committee=committee, date=D(2026, 9, 15))
    item = services.agenda_item_add(actor=officer, meeting=meeting, title="Digital services")
    evidence = services.evidence_add(
        actor=officer,
        item=item,
        witness="Head of ICT",
        summary="About licences.",
        documents=[SimpleUploadedFile("licences.csv", b"product,count\nA,1\n", content_type="text/csv")],
    )
    topic = services.topic_suggest(actor=scrutiny_member, committee=committee, title="Missed bins", description="x")
    rec = tracker.recommendation_add(
        actor=scrutiny_member, report=report, text="Tell residents about each change.", received_on=D(2026, 9, 30)
    )
    return {
        "meeting": meeting,
        "item": item,
        "document": evidence.documents.get(),
        "topic": topic,
        "rec": rec,
        "report": report,
        "committee": committee,
    }


def pages(council, w):
    slug, c = council.slug, w["committee"].pk
    name = "scrutiny:"
    return [
        reverse(name + "home", args=[slug]),
        reverse(name + "committee", args=[slug, c]),
        reverse(name + "meeting", args=[slug, c, w["meeting"].pk]),
        reverse(name + "programme", args=[slug, c]),
        reverse(name + "topic", args=[slug, c, w["topic"].pk]),
        reverse(name + "report", args=[slug, w["report"].pk]),
        reverse(name + "tracker", args=[slug]),
        reverse(name + "tracker-csv", args=[slug]),
        reverse(name + "tracker-xlsx", args=[slug]),
        reverse(name + "recommendation", args=[slug, w["rec"].pk]),
        reverse(name + "data-report", args=[slug, c]),
        reverse(name + "document", args=[slug, w["document"].pk]),
    ]


EDIT_PAGES = [
    ("meeting-new", "committee"),
    ("topic-new", "committee"),
    ("report-new", "committee"),
    ("recommendation-new", "report"),
    ("recommendation-edit", "rec"),
]


def test_every_reader_opens_every_page(client, council, world, scrutiny_member, officer, holder, staff_user):
    for user in (scrutiny_member, officer, holder, staff_user):
        client.force_login(user)
        for url in pages(council, world):
            assert client.get(url).status_code == 200, (user.email, url)


def test_no_one_else_opens_them(client, council, world, resident, outside_council):
    outsider = UserFactory(email="member@ambridge.example.org")
    grant(outsider, Role.SCRUTINY_MEMBER, council=outside_council)
    for url in pages(council, world):
        assert client.get(url).status_code == 302, url  # to sign in
    for user in (resident, outsider):
        client.force_login(user)
        for url in pages(council, world):
            assert client.get(url).status_code == 403, (user.email, url)
        # Nor the joint scrutiny of a partnership their council is not in.
        joint = reverse("scrutiny_partnership:home", args=[council.partnership.slug])
        assert client.get(joint).status_code == 403, user.email


def test_another_councils_records_are_not_found_under_its_address(client, council, world, outside_council):
    """Someone who may see both workspaces gets 404 for Borchester's records under Ambridge's address."""
    both = UserFactory(email="both@example.org")
    grant(both, Role.SCRUTINY_MEMBER, council=council)
    grant(both, Role.SCRUTINY_MEMBER, council=outside_council)
    client.force_login(both)
    for url in pages(council, world)[1:]:
        if url.endswith(("recommendations/", ".csv", ".xlsx")):
            continue
        other = url.replace(f"/{council.slug}/", f"/{outside_council.slug}/", 1)
        assert client.get(other).status_code == 404, other
    rows = client.get(reverse("scrutiny:tracker-csv", args=[outside_council.slug])).content.decode("utf-8-sig")
    assert "Tell residents" not in rows


def test_the_partnership_workspace_holds_only_joint_panels(client, council, partnership, world, scrutiny_member):
    client.force_login(scrutiny_member)
    url = reverse("scrutiny_partnership:committee", args=[partnership.slug, world["committee"].pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("scrutiny_partnership:home", args=[partnership.slug])).status_code == 200


def test_only_committee_members_and_its_officer_edit_its_work(client, council, world, other_member, holder, officer):
    def url(name, key):
        return reverse(f"scrutiny:{name}", args=[council.slug, world[key].pk])

    for user in (other_member, holder):
        client.force_login(user)
        for name, key in EDIT_PAGES:
            assert client.get(url(name, key)).status_code == 403, (user.email, name)
        response = client.post(
            reverse("scrutiny:topic", args=[council.slug, world["committee"].pk, world["topic"].pk]),
            {"status": "declined"},
        )
        assert response.status_code == 403
    client.force_login(officer)
    for name, key in EDIT_PAGES:
        assert client.get(url(name, key)).status_code == 200, name


def test_member_adds_a_recommendation_and_sees_its_due_date(client, council, world, scrutiny_member):
    client.force_login(scrutiny_member)
    response = client.post(
        reverse("scrutiny:recommendation-new", args=[council.slug, world["report"].pk]),
        {
            "text": "Publish the figures.",
            "area": "Digital",
            "received_on": "2027-01-31",
            "figures": ["Digital take-up"],
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "The executive&#x27;s response is due by 31 March 2027." in response.content.decode()
    assert "31 March 2027" in response.content.decode()


def test_bad_recommendation_shows_errors_and_saves_nothing(client, council, world, scrutiny_member):
    client.force_login(scrutiny_member)
    before = world["report"].recommendations.count()
    response = client.post(
        reverse("scrutiny:recommendation-new", args=[council.slug, world["report"].pk]),
        {"text": "", "received_on": "2027-02-30"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert "Enter recommendation" in body and "as a real date" in body
    assert world["report"].recommendations.count() == before


def test_scoring_and_scheduling_a_topic(client, council, world, scrutiny_member):
    client.force_login(scrutiny_member)
    url = reverse("scrutiny:topic", args=[council.slug, world["committee"].pk, world["topic"].pk])
    response = client.post(url, {"score": "1", **{f"score-score_{c}": "2" for c in "TOPIC"}})
    assert response.status_code == 302
    response = client.post(url, {"status": "scheduled", "meeting": world["meeting"].pk})
    assert response.status_code == 302
    topic = Topic.objects.get(pk=world["topic"].pk)
    assert (topic.score_total, topic.status, topic.meeting) == (10, "scheduled", world["meeting"])


def test_document_download_is_private(client, council, world, scrutiny_member):
    client.force_login(scrutiny_member)
    response = client.get(reverse("scrutiny:document", args=[council.slug, world["document"].pk]))
    assert b"".join(response.streaming_content) == b"product,count\nA,1\n"
    assert response["Cache-Control"] == "private, no-store"
    assert 'attachment; filename="licences.csv"' in response["Content-Disposition"]


def test_tracker_downloads(client, council, world, scrutiny_member):
    from openpyxl import load_workbook

    client.force_login(scrutiny_member)
    body = client.get(reverse("scrutiny:tracker-csv", args=[council.slug])).content.decode("utf-8-sig")
    header, row = body.splitlines()[:2]
    assert header.startswith("Reference,Committee,Report")
    assert "OSC (26/27) 01.1" in row and "2026-11-30" in row
    book = load_workbook(io.BytesIO(client.get(reverse("scrutiny:tracker-xlsx", args=[council.slug])).content))
    sheet = book.active
    assert sheet["H2"].value == datetime.datetime(2026, 11, 30)  # a real date, not text


def test_public_page_shows_only_published_reports_and_no_names(client, council, world, scrutiny_member, officer):
    url = reverse("scrutiny:public", args=[council.slug])
    assert "Tell residents" not in client.get(url).content.decode()
    tracker.report_publish(actor=officer, report=world["report"], published_on=D(2026, 9, 20))
    services.topic_suggest_public(
        council=council, title="Potholes", description="x", name="Ann Person", email="ann@x.org"
    )
    body = client.get(url).content.decode()
    assert "Tell residents about each change." in body and "30 November 2026" in body
    for secret in ("Ann Person", "ann@x.org", scrutiny_member.email, officer.email, officer.full_name):
        assert secret not in body
    csv_body = client.get(reverse("scrutiny:public-csv", args=[council.slug])).content.decode("utf-8-sig")
    assert "Tell residents about each change." in csv_body


def test_public_suggestion_form_and_its_rate_limit(client, council, committee):
    url = reverse("scrutiny:suggest", args=[council.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "", "description": ""})
    assert "govuk-error-summary" in response.content.decode()
    response = client.post(url, {"title": "Potholes", "description": "Everywhere.", "email": "a@example.org"})
    assert response.status_code == 302
    assert Topic.objects.filter(committee=committee, source="public", title="Potholes").exists()
    for _ in range(3):
        client.post(url, {"title": "Again", "description": "x"})
    assert client.post(url, {"title": "Again", "description": "x"}).status_code == 429


def test_only_a_scrutiny_officer_records_the_response(client, council, world, scrutiny_member, officer):
    url = reverse("scrutiny:recommendation-respond", args=[council.slug, world["rec"].pk])
    client.force_login(scrutiny_member)
    assert client.get(url).status_code == 403
    client.force_login(officer)
    response = client.post(
        url,
        {
            "response": "accepted",
            "response_text": "Agreed.",
            "responded_on": "2026-11-01",
            "action": "Automatic updates",
            "action_owner": "Head of Customer Services",
            "target_date": "2027-03-31",
        },
    )
    assert response.status_code == 302
    world["rec"].refresh_from_db()
    assert world["rec"].response == "accepted"


def test_only_scrutiny_officers_set_scoring_schemes(client, council, world, scrutiny_member, officer):
    pages = [
        reverse("scrutiny:scheme-new", args=[council.slug]),
        reverse("scrutiny:committee-scheme", args=[council.slug, world["committee"].pk]),
    ]
    client.force_login(scrutiny_member)
    assert [client.get(url).status_code for url in pages] == [403, 403]
    client.force_login(officer)
    assert [client.get(url).status_code for url in pages] == [200, 200]
    response = client.post(
        pages[0], {"name": "Ours", "criteria_text": "A | Alpha\nB | Beta", "max_score": "3", "threshold": "4"}
    )
    assert response.status_code == 302
    from joinedup.scrutiny.models import ScoringScheme

    scheme = ScoringScheme.objects.get(council=council)
    assert client.post(pages[1], {"scheme": scheme.pk}).status_code == 302
    world["committee"].refresh_from_db()
    assert world["committee"].scoring_scheme == scheme
