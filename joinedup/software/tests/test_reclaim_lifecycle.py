"""Issue 15, reclaim: a reclaimed licence is not counted again at the next import unless it was
reassigned; requests for people no longer assigned close themselves; with no owner recorded, the
page does not claim messages were sent."""

from decimal import Decimal

import pytest

from joinedup.notifications.models import Message
from joinedup.software import services, workflows
from joinedup.software.models import Assignment, ImportKind, ReclaimRequest, ReclaimStatus
from joinedup.software.positions import licence_position
from joinedup.software.tests.factories import make_product

pytestmark = pytest.mark.django_db

PEOPLE = [f"user{n}@borchester.gov.uk" for n in range(6)]


def export(people, sku="ENTERPRISEPACK"):
    lines = ["User principal name,Display name,Licenses"] + [f"{p},{p.split('@')[0]},{sku}" for p in people]
    return ("\r\n".join(lines) + "\r\n").encode()


def run(council, people, name="users.csv"):
    _, result = services.import_file(
        actor=None, council=council, kind=ImportKind.LICENCE_EXPORT, data=export(people), filename=name
    )
    return result


@pytest.fixture
def e3(council):
    product = make_product(council, "Office 365 E3", aliases=["ENTERPRISEPACK"])
    services.entitlement_create(actor=None, council=council, product=product, quantity=10, unit_price=Decimal("240"))
    return product


def assigned(council, product):
    return set(Assignment.objects.filter(council=council, product=product).values_list("person", flat=True))


def test_a_reclaimed_licence_is_not_counted_again_until_it_is_reassigned(council, e3):
    run(council, PEOPLE)
    requests = workflows.reclaim_requests_create(actor=None, council=council, product=e3)
    reclaimed = next(r for r in requests if r.person == PEOPLE[0])
    workflows.reclaim_decide(actor=None, request=reclaimed, decision="reclaimed")
    assert PEOPLE[0] not in assigned(council, e3)

    # The next export was taken before the licence was removed in Microsoft 365: still listed.
    result = services.import_check(council=council, kind=ImportKind.LICENCE_EXPORT, data=export(PEOPLE))
    assert result.assignment_changes["held"] == 1 and result.assignment_changes["added"] == 0
    assert any("Reclaimed licences still assigned in this file: 1" in w for w in result.warnings)
    run(council, PEOPLE)
    assert PEOPLE[0] not in assigned(council, e3)
    [position] = licence_position(council=council)
    assert position.assigned == 5

    # The licence is removed; a later file lists the person again: it was reassigned, and counts.
    run(council, PEOPLE[1:])
    reclaimed.refresh_from_db()
    assert reclaimed.licence_removed_on is not None
    run(council, PEOPLE)
    assert PEOPLE[0] in assigned(council, e3)


def test_requests_for_people_no_longer_assigned_close_themselves(council, e3):
    run(council, PEOPLE)
    workflows.reclaim_requests_create(actor=None, council=council, product=e3)
    assert ReclaimRequest.objects.filter(status=ReclaimStatus.OPEN).count() == 6
    result = services.import_check(council=council, kind=ImportKind.LICENCE_EXPORT, data=export(PEOPLE[2:]))
    assert result.assignment_changes["closing"] == 2
    run(council, PEOPLE[2:], name="December.csv")
    closed = ReclaimRequest.objects.filter(status=ReclaimStatus.CLOSED)
    assert set(closed.values_list("person", flat=True)) == set(PEOPLE[:2])
    assert closed.first().reason == "No longer assigned in the assignment file December.csv."
    assert ReclaimRequest.objects.filter(status=ReclaimStatus.OPEN).count() == 4


def test_with_no_owner_the_page_does_not_say_anything_was_sent(client, council, staff_user, e3):
    run(council, PEOPLE)
    client.force_login(staff_user)
    response = client.post(
        f"/{council.slug}/staff/software/reclaim-and-attest/reclaim/new/", {"product": e3.pk}, follow=True
    )
    page = response.content.decode()
    assert ReclaimRequest.objects.count() == 6 and not Message.objects.exists()
    assert "6 requests about unused Office 365 E3 licences have been made, but no message has been sent" in page
    assert "have been sent to" not in page


def test_the_preview_says_what_happens_to_reclaims(client, council, staff_user, e3):
    run(council, PEOPLE)
    requests = workflows.reclaim_requests_create(actor=None, council=council, product=e3)
    workflows.reclaim_decide(actor=None, request=requests[0], decision="reclaimed")
    client.force_login(staff_user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"/{council.slug}/staff/software/imports/",
        {"kind": "licence_export", "file": SimpleUploadedFile("users.csv", export(PEOPLE[:4]))},
    )
    page = client.get(response["Location"]).content.decode()
    assert "1 licence reclaimed here but still in the file is not assigned again." in page
    assert "2 open reclaim requests for people the file no longer assigns will close." in page


def _many(council, product, people):
    from joinedup.software.models import Assignment

    Assignment.objects.bulk_create(
        [Assignment(council=council, product=product, person=f"idle{n:05d}@borchester.gov.uk") for n in range(people)],
        ignore_conflicts=True,
    )


def test_the_candidate_list_comes_before_anything_is_sent_a_page_at_a_time(client, council, staff_user, e3):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _many(council, e3, 120)
    client.force_login(staff_user)
    url = f"/{council.slug}/staff/software/reclaim-and-attest/reclaim/new/"
    page = client.get(url, {"product": e3.pk}).content.decode()
    assert "Office 365 E3: 120 licences not used" in page and "(page 1 of 3)" in page
    assert "idle00000@borchester.gov.uk" in page and "idle00050@borchester.gov.uk" not in page
    assert "No owner is recorded for Office 365 E3" in page and "Make all 120 requests" in page
    assert not ReclaimRequest.objects.exists()  # looking sends nothing
    page3 = client.get(url, {"product": e3.pk, "page": 3}).content.decode()
    assert "idle00119@borchester.gov.uk" in page3 and "idle00000@" not in page3
    found = client.get(url, {"product": e3.pk, "search": "IDLE0011"}).content.decode()
    assert "10 shown of the 120 who would be asked about" in found and "idle00110@" in found
    assert "0 shown of the 120" in client.get(url, {"product": e3.pk, "shown": "before"}).content.decode()
    download = client.get(url, {"product": e3.pk, "format": "csv"})
    lines = download.content.decode("utf-8-sig").splitlines()
    assert download["Content-Type"].startswith("text/csv") and len(lines) == 121
    assert lines[0] == "Person,Last used (empty: never)" and lines[1] == "idle00000@borchester.gov.uk,"
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"product": e3.pk})
    _many(council, e3, 3000)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url, {"product": e3.pk}).content.decode()
    assert "Office 365 E3: 3000 licences not used" in page
    assert len(large) == len(small)
    client.post(url, {"product": e3.pk})
    assert ReclaimRequest.objects.count() == 3000


def test_the_reclaim_page_shows_a_page_of_requests_with_a_fixed_number_of_queries(client, council, staff_user, e3):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _many(council, e3, 60)
    workflows.reclaim_requests_create(actor=None, council=council, product=e3)
    client.force_login(staff_user)
    url = f"/{council.slug}/staff/software/reclaim-and-attest/"
    with CaptureQueriesContext(connection) as small:
        page = client.get(url).content.decode()
    assert "60 waiting for a decision, soonest due first (page 1 of 2)" in page
    assert page.count("(decide)") == 50 and 'aria-label="Pages of licences waiting for a decision"' in page
    _many(council, e3, 5000)
    workflows.reclaim_requests_create(actor=None, council=council, product=e3)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url, {"page": 2}).content.decode()
    assert "5000 waiting" in page and "(page 2 of 100)" in page and page.count("(decide)") == 50
    assert len(large) == len(small)


def test_people_left_out_with_a_reason_are_never_asked_about(client, council, staff_user, e3):
    from joinedup.core.models import AuditEntry
    from joinedup.software.models import ReclaimExclusion

    run(council, PEOPLE)
    client.force_login(staff_user)
    url = f"/{council.slug}/staff/software/reclaim-and-attest/reclaim/new/"
    page = client.post(url, {"product": e3.pk, "action": "exclude", "person": [PEOPLE[0]]}).content.decode()
    assert "There is a problem" in page and "Say why they are left out" in page
    page = client.post(url, {"product": e3.pk, "action": "exclude", "reason": "Shared"}).content.decode()
    assert "Select the people to leave out" in page and not ReclaimExclusion.objects.exists()
    response = client.post(
        url, {"product": e3.pk, "action": "exclude", "person": PEOPLE[:2], "reason": "Shared mailboxes"}
    )
    assert response.status_code == 302 and ReclaimExclusion.objects.count() == 2
    assert AuditEntry.objects.filter(action="software.reclaim.exclude").exists()
    page = client.get(url, {"product": e3.pk}).content.decode()
    assert "Office 365 E3: 4 licences not used" in page and PEOPLE[0] not in page
    client.post(url, {"product": e3.pk})
    assert set(ReclaimRequest.objects.values_list("person", flat=True)) == set(PEOPLE[2:])
