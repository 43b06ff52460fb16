"""Issue 16, defect 7: members of partner councils see the partner-led proposals they take part
in; a member's question reaches the owner through the outbox; overdue questions are flagged; and
every message on the page is true."""

import datetime

import pytest
from django.utils import timezone

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.notifications.models import Message
from joinedup.portfolio import selectors, services
from joinedup.portfolio.models import Challenge
from joinedup.portfolio.tests.factories import make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_staff(partner_council):
    user = UserFactory(email="officer@felpersham.example.org", full_name="Fay Officer")
    grant(user, Role.STAFF, council=partner_council)
    return user


@pytest.fixture
def partner_led(council, partner_council, partner_staff):
    """A proposal led by the partner council, with `council` taking part."""
    return make_proposal(partner_council, actor=partner_staff, title="Shared digital skills", councils=[council])


def test_a_member_of_a_council_taking_part_reads_the_partner_led_proposal(
    client, council, partner_council, scrutiny_member, councillor, partner_led
):
    url = f"/{partner_council.slug}/staff/portfolio/proposals/{partner_led.pk}/"
    for member in (scrutiny_member, councillor):
        client.force_login(member)
        response = client.get(url)
        assert response.status_code == 200
        assert "Send the question" in response.content.decode()
        # Found from their own council's portfolio.
        home = client.get(f"/{council.slug}/staff/portfolio/").content.decode()
        assert "Shared digital skills" in home
        # Still no more than that proposal: the partner's portfolio and its change pages are closed.
        assert client.get(f"/{partner_council.slug}/staff/portfolio/").status_code == 403
        assert client.get(url + "edit/").status_code == 403


def test_a_member_of_a_council_not_taking_part_cannot_read_it(client, partner_council, partner_staff, scrutiny_member):
    theirs = make_proposal(partner_council, actor=partner_staff, title="Theirs alone")
    client.force_login(scrutiny_member)
    assert client.get(f"/{partner_council.slug}/staff/portfolio/proposals/{theirs.pk}/").status_code == 403


def test_a_question_is_emailed_to_the_owner_and_the_page_says_so(
    client, partner_council, scrutiny_member, partner_led, partner_staff
):
    client.force_login(scrutiny_member)
    url = f"/{partner_council.slug}/staff/portfolio/proposals/{partner_led.pk}/"
    response = client.post(url + "questions/new/", {"question": "Who will run the sessions?"}, follow=True)
    page = response.content.decode()
    assert "has been emailed to Fay Officer" in page
    message = Message.objects.get(event="portfolio.question_asked")
    assert message.recipient == partner_staff.email
    assert "Who will run the sessions?" in message.body and partner_led.reference in message.subject
    challenge = Challenge.objects.get()
    assert f"/questions/{challenge.pk}/answer/" in message.body


def test_with_nobody_to_tell_the_page_does_not_say_sent(client, council, scrutiny_member):
    orphan = services.proposal_create(
        actor=None,
        council=council,
        title="Nobody's idea",
        problem="x",
        beneficiaries=["staff"],
        capital_cost=1,
        revenue_cost=0,
        timescale_months=1,
        expected_benefits="x",
    )
    client.force_login(scrutiny_member)
    url = f"/{council.slug}/staff/portfolio/proposals/{orphan.pk}/questions/new/"
    page = client.post(url, {"question": "Who owns this?"}, follow=True).content.decode()
    assert "has been emailed" not in page and "has been sent" not in page
    assert "waits on the council&#x27;s list of unanswered questions" in page
    assert not Message.objects.filter(event="portfolio.question_asked").exists()


def test_unanswered_questions_are_listed_and_overdue_ones_flagged(client, council, staff_user, scrutiny_member):
    proposal = make_proposal(council, actor=staff_user)
    old = services.challenge_ask(actor=scrutiny_member, proposal=proposal, question="Asked long ago")
    Challenge.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    services.challenge_ask(actor=scrutiny_member, proposal=proposal, question="Asked today")
    answered = services.challenge_ask(actor=scrutiny_member, proposal=proposal, question="Answered already")
    services.challenge_answer(actor=staff_user, challenge=answered, answer="Yes.")
    questions = selectors.unanswered_questions(user=staff_user, council=council)
    assert [(q.question, q.is_overdue) for q in questions] == [("Asked long ago", True), ("Asked today", False)]
    client.force_login(scrutiny_member)
    page = client.get(f"/{council.slug}/staff/portfolio/questions/").content.decode()
    assert "2 questions waiting, 1 overdue" in page and "Answered already" not in page
    detail = client.get(f"/{council.slug}/staff/portfolio/proposals/{proposal.pk}/").content.decode()
    assert "Overdue" in detail


def test_an_answer_always_names_who_gave_it(council, staff_user, scrutiny_member):
    proposal = make_proposal(council, actor=staff_user)
    challenge = services.challenge_ask(actor=scrutiny_member, proposal=proposal, question="Why?")
    with pytest.raises(Exception, match="name of the person"):
        services.challenge_answer(actor=None, challenge=challenge, answer="Because.")
    services.challenge_answer(actor=None, answered_by=staff_user, challenge=challenge, answer="Because.")
    challenge.refresh_from_db()
    assert challenge.answered_by == staff_user
