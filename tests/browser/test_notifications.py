"""
Messages to check and resending, in a real Chromium: staff find a message that may not have gone,
check it and resend it, with and without JavaScript, and axe-core finds no WCAG 2.2 AA problems.
"""

import re

import pytest
from django.db import transaction
from helpers import COUNCIL, sign_in
from playwright.sync_api import expect

from joinedup.notifications.models import Message, MessageStatus
from joinedup.notifications.services import message_queue

pytestmark = pytest.mark.browser

LIST = f"/{COUNCIL}/staff/messages/"


@pytest.fixture
def uncertain(demo):
    with transaction.atomic():
        message = message_queue(
            council=demo,
            event="request.public_update",
            channel="email",
            recipient="maybe@example.org",
            dedupe_key="browser:resend",
            context={"reference": "BBC-000042", "message": "We have booked the work."},
        )
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.UNCERTAIN,
        attempts=1,
        last_error="The worker stopped while sending this message, so it may or may not have gone.",
    )
    return message


def check_and_resend(page, axe=None):
    sign_in(page, "staff@example.org", LIST, check_url=True)
    expect(page.get_by_role("heading", name="Messages to check")).to_be_visible()
    if axe:
        axe(page)
    page.get_by_role("link", name=re.compile("Check and resend the message to maybe@example.org")).click()
    expect(page.locator("h1")).to_have_text("Check and resend a message")
    if axe:
        axe(page)

    page.get_by_role("button", name="Resend the message").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm you have checked that the message needs sending again"
    )
    if axe:
        axe(page)

    page.get_by_label(re.compile("I have checked that maybe@example.org did not get this message")).check()
    page.get_by_role("button", name="Resend the message").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The message will be sent again")
    expect(page.locator("h1")).to_have_text("A message sent")
    if axe:
        axe(page)


def test_staff_check_and_resend_a_message_accessibly(page, axe, uncertain):
    check_and_resend(page, axe)
    assert Message.objects.filter(resend_of=uncertain, status=MessageStatus.PENDING).count() == 1


def test_resending_works_without_javascript(no_js_page, uncertain):
    check_and_resend(no_js_page)
    assert Message.objects.filter(resend_of=uncertain).count() == 1
