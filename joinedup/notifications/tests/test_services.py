import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from joinedup.core.models import AuditEntry
from joinedup.notifications.models import Message, MessageStatus, MessageTemplate
from joinedup.notifications.services import message_preview, message_queue, message_template_save
from joinedup.notifications.tasks import deliver_message
from joinedup.notifications.tests.conftest import CONTEXT

pytestmark = pytest.mark.django_db


def test_a_queued_email_is_delivered_by_smtp(smtp_server, queue, council):
    message = queue(obj=council)
    assert message.status == MessageStatus.PENDING
    assert (message.object_type, message.object_id) == ("councils.council", str(council.pk))

    assert deliver_message.call(message.pk) == MessageStatus.SENT

    assert len(smtp_server) == 1
    email = smtp_server[0]
    assert email["To"] == "resident@example.org"
    assert email["Subject"] == "We have your report BDC-2026-000123"
    assert email["Auto-Submitted"] == "auto-generated"
    text = email.get_content()
    assert "Thank you for telling Borchester District Council about this problem." in text
    assert "We aim to deal with it by 4 December 2026." in text
    assert CONTEXT["tracking_url"] in text
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.provider_reference == email["Message-ID"]
    assert str(message.pk) in message.provider_reference


def test_delivering_again_sends_nothing(smtp_server, queue):
    message = queue()
    deliver_message.call(message.pk)
    assert deliver_message.call(message.pk) is None
    assert len(smtp_server) == 1


def test_the_councils_own_wording_replaces_the_default(smtp_server, queue, council):
    message_template_save(
        actor=None,
        council=council,
        event="request.submitted",
        channel="email",
        subject="Borchester got your report {reference}",
        body="Thanks. Reference {reference}, category {category}.",
    )
    message = queue()
    deliver_message.call(message.pk)
    assert smtp_server[0]["Subject"] == "Borchester got your report BDC-2026-000123"
    assert smtp_server[0].get_content().strip() == "Thanks. Reference BDC-2026-000123, category Potholes."


def test_a_council_can_keep_the_default_subject(council):
    message_template_save(
        actor=None, council=council, event="request.closed", channel="email", subject="", body="Closed: {reference}"
    )
    subject, body = message_preview(council=council, event="request.closed", channel="email", context=CONTEXT)
    assert subject == "Your report BDC-2026-000123 is closed"
    assert body == "Closed: BDC-2026-000123"


def test_a_missing_placeholder_renders_as_empty_text(smtp_server, queue):
    # request.closed uses {message} and {feedback_url}, which this context does not give.
    message = queue(event="request.closed")
    assert "{" not in message.body and "}" not in message.body
    assert "How did we do? Tell us with one click:" in message.body
    deliver_message.call(message.pk)
    assert "{feedback_url}" not in smtp_server[0].get_content()


def test_rendering_never_raises_on_odd_wording(council):
    MessageTemplate.objects.create(
        council=council, event="request.submitted", channel="email", subject="{", body="{0} {reference.x} {} } {"
    )
    subject, body = message_preview(council=council, event="request.submitted", channel="email", context=CONTEXT)
    assert subject == "{"
    assert body == "} {"


def test_the_same_dedupe_key_queues_once(smtp_server, queue):
    first = queue(dedupe_key="request.submitted:1:created:email:resident@example.org")
    second = queue(dedupe_key="request.submitted:1:created:email:resident@example.org")
    assert first is not None
    assert second is None
    assert Message.objects.count() == 1
    deliver_message.call(first.pk)
    assert len(smtp_server) == 1


def test_a_long_dedupe_key_still_dedupes(queue):
    key = "request.status_changed:1:event-1:email:" + "a" * 300 + "@example.org"
    assert queue(dedupe_key=key) is not None
    assert queue(dedupe_key=key) is None
    assert queue(dedupe_key=key.replace("aaa", "bbb")) is not None
    assert all(len(k) <= 200 for k in Message.objects.values_list("dedupe_key", flat=True))


def test_the_message_is_rolled_back_with_the_callers_change(council, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        message_queue(
            council=council,
            event="request.submitted",
            channel="email",
            recipient="resident@example.org",
            context=CONTEXT,
            dedupe_key="rolled-back",
        )
        raise RuntimeError("the change failed")
    assert not Message.objects.exists()
    assert callbacks == []


def test_delivery_is_queued_when_the_transaction_commits(queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
        second = queue(recipient="neighbour@example.org")
        assert not DBTaskResult.objects.exists()
    # One task for everything the transaction queued.
    task = DBTaskResult.objects.get()
    assert task.task_path == "joinedup.notifications.tasks.deliver_messages"
    assert task.args_kwargs["args"] == [[first.pk, second.pk]]


@pytest.mark.django_db(transaction=True)
def test_queuing_outside_a_transaction_is_refused(council):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        message_queue(
            council=council,
            event="request.submitted",
            channel="email",
            recipient="resident@example.org",
            context=CONTEXT,
            dedupe_key="outside",
        )
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"event": "request.unknown"}, "no message for the event"),
        ({"channel": "fax"}, "no channel"),
        ({"recipient": "  "}, "someone to send it to"),
        ({"dedupe_key": ""}, "dedupe_key"),
    ],
)
def test_queuing_a_bad_message_is_a_programming_error(queue, changes, error):
    with pytest.raises(ValueError, match=error):
        queue(**changes)


def test_a_text_message_is_shortened_to_fit_three_parts(queue):
    long_update = "We have looked at the road. " * 40
    message = queue(
        event="request.public_update",
        channel="sms",
        recipient="07700900123",
        context={**CONTEXT, "message": long_update},
    )
    assert message.subject == ""
    assert len(message.body) <= 3 * 153
    assert message.body.endswith(CONTEXT["tracking_url"])
    assert "..." in message.body


# Councils' own wording


def test_a_partnership_officer_can_change_the_wording_and_it_is_audited(partnership_officer, council):
    template = message_template_save(
        actor=partnership_officer,
        council=council,
        event="request.closed",
        channel="sms",
        subject="ignored for texts",
        body="{council_name}: {reference} is closed. Tell us how we did: {feedback_url}",
    )
    assert template.subject == ""
    entry = AuditEntry.objects.get(action="notifications.message_template.create")
    assert entry.actor == partnership_officer
    assert entry.council == council

    message_template_save(
        actor=partnership_officer,
        council=council,
        event="request.closed",
        channel="sms",
        subject="",
        body="{reference} is closed. {feedback_url}",
    )
    template.refresh_from_db()
    assert template.body == "{reference} is closed. {feedback_url}"
    update = AuditEntry.objects.get(action="notifications.message_template.update")
    assert update.changes["body"]["to"] == "{reference} is closed. {feedback_url}"
    assert MessageTemplate.objects.count() == 1


def test_council_staff_cannot_change_the_wording(staff_user, council):
    with pytest.raises(PermissionDenied):
        message_template_save(
            actor=staff_user, council=council, event="request.closed", channel="email", subject="", body="Closed"
        )
    assert not MessageTemplate.objects.exists()


def test_unknown_placeholders_are_named(council):
    with pytest.raises(ValidationError) as caught:
        message_template_save(
            actor=None,
            council=council,
            event="request.closed",
            channel="email",
            subject="Closed {refrence}",
            body="Hello {name}, {reference} is closed. {feedback_link}",
        )
    errors = caught.value.message_dict
    assert "{refrence}" in errors["subject"][0]
    assert "{feedback_link}, {name}" in errors["body"][0]
    assert "{reference}" not in errors["body"][0].split(":")[0]
    assert not MessageTemplate.objects.exists()


def test_wording_must_be_for_a_known_event_and_not_empty(council):
    with pytest.raises(ValidationError) as caught:
        message_template_save(actor=None, council=council, event="request.nope", channel="email", subject="", body="")
    assert set(caught.value.message_dict) == {"event", "body"}


def test_a_text_message_wording_that_is_too_long_is_refused(council):
    with pytest.raises(ValidationError, match="too long"):
        message_template_save(
            actor=None, council=council, event="request.closed", channel="sms", subject="", body="Closed. " * 80
        )
