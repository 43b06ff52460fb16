"""Text messages through GOV.UK Notify, against a fake Notify API on 127.0.0.1."""

import datetime
import time
import uuid
from unittest import mock

import jwt
import pytest
import requests
from django.utils import timezone

from joinedup.notifications import delivery
from joinedup.notifications.models import Message, MessageStatus, NotifySettings
from joinedup.notifications.tasks import deliver_due_messages, deliver_message, message_status_refresh
from joinedup.notifications.tests.fake_notify import make_api_key

pytestmark = pytest.mark.django_db

MOBILE = "07700 900123"


def make_due(message):
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))


def test_a_text_is_sent_through_notify(fake_notify, notify_settings, queue):
    message = queue(channel="sms", recipient=MOBILE)
    assert deliver_message.call(message.pk) == MessageStatus.SENT

    [sent] = fake_notify.sent
    assert sent["personalisation"] == {"text": message.body}
    assert sent["reference"] == str(message.pk)
    assert sent["phone_number"] == MOBILE
    assert sent["template"]["id"] == notify_settings.sms_template_id
    assert sent["body"].startswith("Borchester District Council: we have your report BDC-2026-000123.")
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.provider_reference == sent["id"]
    assert message.attempts == 1


def test_the_sms_sender_is_passed_when_the_council_has_one(fake_notify, notify_settings, queue):
    notify_settings.sms_sender_id = str(uuid.uuid4())
    notify_settings.save()
    message = queue(channel="sms", recipient=MOBILE)
    deliver_message.call(message.pk)
    [post] = [r for r in fake_notify.requests if r["method"] == "POST"]
    assert post["body"]["sms_sender_id"] == notify_settings.sms_sender_id


def test_a_key_notify_does_not_accept_fails_with_a_clear_error(fake_notify, council, queue):
    wrong_secret = make_api_key(fake_notify.service_id, str(uuid.uuid4()))
    NotifySettings.objects.create(council=council, api_key=wrong_secret, sms_template_id=fake_notify.template_id)
    message = queue(channel="sms", recipient=MOBILE)
    assert deliver_message.call(message.pk) == MessageStatus.FAILED
    message.refresh_from_db()
    assert message.attempts == 1
    assert "GOV.UK Notify refused the council's API key (403)" in message.last_error
    assert "Invalid token" in message.last_error
    assert fake_notify.sent == []


def test_a_council_without_notify_settings_cannot_send_texts(fake_notify, queue):
    message = queue(channel="sms", recipient=MOBILE)
    assert deliver_message.call(message.pk) == MessageStatus.FAILED
    message.refresh_from_db()
    assert "has no GOV.UK Notify settings" in message.last_error
    assert fake_notify.requests == []


def test_a_malformed_api_key_fails_without_calling_notify(fake_notify, council, queue):
    NotifySettings.objects.create(council=council, api_key="not-a-key", sms_template_id=fake_notify.template_id)
    message = queue(channel="sms", recipient=MOBILE)
    assert deliver_message.call(message.pk) == MessageStatus.FAILED
    assert "not in the right form" in Message.objects.get(pk=message.pk).last_error
    assert fake_notify.requests == []


def test_a_number_notify_refuses_fails_at_once(fake_notify, notify_settings, queue):
    message = queue(channel="sms", recipient="01632 960001")
    assert deliver_message.call(message.pk) == MessageStatus.FAILED
    message.refresh_from_db()
    assert message.last_error == (
        "GOV.UK Notify refused the text message (400): ValidationError: phone_number Not a UK mobile number"
    )
    assert fake_notify.sent == []


@pytest.mark.parametrize("status", [500, 429])
def test_notify_errors_are_retried_later(fake_notify, notify_settings, queue, status):
    fake_notify.fail_with = status
    message = queue(channel="sms", recipient=MOBILE)
    assert deliver_message.call(message.pk) == MessageStatus.PENDING
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.next_attempt_at > timezone.now()
    assert f"({status})" in message.last_error

    fake_notify.fail_with = None
    make_due(message)
    deliver_due_messages.call()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 2
    [sent] = fake_notify.sent
    assert message.provider_reference == sent["id"]


def test_notify_unreachable_is_retried_later(fake_notify, notify_settings, queue, settings, closed_port):
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{closed_port}"
    message = queue(channel="sms", recipient=MOBILE)
    assert deliver_message.call(message.pk) == MessageStatus.PENDING
    assert "Could not reach GOV.UK Notify" in Message.objects.get(pk=message.pk).last_error


def test_a_retry_does_not_resend_a_text_notify_already_has(fake_notify, notify_settings, queue):
    """Notify made the text but its answer was lost: the retry finds it by reference instead of resending."""
    fake_notify.fail_after_accepting = True
    message = queue(channel="sms", recipient=MOBILE)
    assert deliver_message.call(message.pk) == MessageStatus.PENDING

    fake_notify.fail_after_accepting = False
    make_due(message)
    assert deliver_message.call(message.pk) == MessageStatus.SENT
    [sent] = fake_notify.sent
    message.refresh_from_db()
    assert message.provider_reference == sent["id"]
    assert [r["query"].get("reference") for r in fake_notify.requests if r["method"] == "GET"] == [[str(message.pk)]]


def test_a_stuck_text_that_notify_has_is_recorded_as_sent(fake_notify, notify_settings, queue):
    message = queue(channel="sms", recipient=MOBILE)
    with (
        mock.patch.object(delivery, "_record_sent", side_effect=SystemExit("worker killed")),
        pytest.raises(SystemExit),
    ):
        deliver_message.call(message.pk)
    Message.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - datetime.timedelta(minutes=11))
    deliver_due_messages.call()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    [sent] = fake_notify.sent
    assert message.provider_reference == sent["id"]


def test_a_stuck_text_notify_does_not_have_is_uncertain(fake_notify, notify_settings, queue):
    message = queue(channel="sms", recipient=MOBILE)
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, attempts=1, claimed_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    deliver_due_messages.call()
    assert Message.objects.get(pk=message.pk).status == MessageStatus.UNCERTAIN
    assert fake_notify.sent == []


def test_status_refresh_marks_a_text_delivered(fake_notify, notify_settings, queue):
    message = queue(channel="sms", recipient=MOBILE)
    deliver_message.call(message.pk)
    message.refresh_from_db()

    assert message_status_refresh.call(message.pk) == MessageStatus.SENT  # Notify: "created"
    fake_notify.set_status(message.provider_reference, "delivered")
    assert message_status_refresh.call(message.pk) == MessageStatus.DELIVERED
    assert Message.objects.get(pk=message.pk).status == MessageStatus.DELIVERED


def test_status_refresh_records_why_a_text_failed(fake_notify, notify_settings, queue):
    message = queue(channel="sms", recipient=MOBILE)
    deliver_message.call(message.pk)
    message.refresh_from_db()
    fake_notify.set_status(message.provider_reference, "permanent-failure")
    assert message_status_refresh.call(message.pk) == MessageStatus.FAILED
    message.refresh_from_db()
    assert "the number may be wrong" in message.last_error
    assert "permanent-failure" in message.last_error


def test_the_sweep_checks_texts_sent_a_while_ago(fake_notify, notify_settings, queue):
    message = queue(channel="sms", recipient=MOBILE)
    deliver_message.call(message.pk)
    message.refresh_from_db()
    fake_notify.set_status(message.provider_reference, "delivered")

    deliver_due_messages.call()  # checked too recently
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT

    Message.objects.filter(pk=message.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=6))
    deliver_due_messages.call()
    assert Message.objects.get(pk=message.pk).status == MessageStatus.DELIVERED


def test_a_sent_text_queues_a_status_check(fake_notify, notify_settings, queue):
    from django_tasks_db.models import DBTaskResult

    message = queue(channel="sms", recipient=MOBILE)
    deliver_message.call(message.pk)
    task = DBTaskResult.objects.get(task_path="joinedup.notifications.tasks.message_status_refresh")
    assert task.args_kwargs["args"] == [message.pk]
    assert task.run_after > Message.objects.get(pk=message.pk).sent_at


# The fake checks tokens as Notify does.


def _post(fake, token):
    return requests.post(
        f"{fake.base_url}/v2/notifications/sms",
        json={"phone_number": MOBILE, "template_id": fake.template_id, "personalisation": {"text": "Hi"}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )


def test_the_fake_accepts_a_fresh_token_signed_with_the_secret(fake_notify):
    token = jwt.encode({"iss": fake_notify.service_id, "iat": int(time.time())}, fake_notify.secret, "HS256")
    response = _post(fake_notify, token)
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"id", "reference", "content", "uri", "template"}
    assert body["content"] == {"body": "Hi", "from_number": "GOVUK"}
    assert set(body["template"]) == {"id", "version", "uri"}


@pytest.mark.parametrize(
    "claims, secret, message",
    [
        ({"iat": 0}, None, "Invalid token: iss field not provided"),
        ({"iss": "another-service", "iat": 0}, None, "Invalid token: service not found"),
        ({"iss": None}, None, "Invalid token: iat field not provided"),
        ({"iss": None, "iat": -60}, None, "within 30 seconds"),
        ({"iss": None, "iat": +60}, None, "within 30 seconds"),
        # A fixed wrong secret: a random one would give the test a different id on each xdist worker.
        ({"iss": None, "iat": 0}, "00000000-0000-4000-8000-000000000000", "Invalid token: signature"),
    ],
)
def test_the_fake_refuses_tokens_notify_would_refuse(fake_notify, claims, secret, message):
    claims = dict(claims)
    if "iss" in claims and claims["iss"] is None:
        claims["iss"] = fake_notify.service_id
    if "iat" in claims:
        claims["iat"] += int(time.time())
    token = jwt.encode(claims, secret or fake_notify.secret, "HS256")
    response = _post(fake_notify, token)
    assert response.status_code == 403
    assert response.json()["status_code"] == 403
    assert message in response.json()["errors"][0]["message"]


def test_the_fake_validates_the_request_body(fake_notify):
    token = jwt.encode({"iss": fake_notify.service_id, "iat": int(time.time())}, fake_notify.secret, "HS256")
    response = requests.post(
        f"{fake_notify.base_url}/v2/notifications/sms",
        json={"template_id": "not-a-uuid", "personalisation": "text"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert response.status_code == 400
    messages = [e["message"] for e in response.json()["errors"]]
    assert "phone_number is a required property" in messages
    assert "template_id is not a valid UUID" in messages
    assert any(m.startswith("personalisation") for m in messages)
    assert all(e["error"] == "ValidationError" for e in response.json()["errors"])


# Setting a council's Notify account


def test_notify_settings_are_saved_and_audited_without_the_secret(council, partnership_officer):
    from joinedup.core.models import AuditEntry
    from joinedup.notifications.services import notify_settings_save

    service_id, secret = str(uuid.uuid4()), str(uuid.uuid4())
    template_id = str(uuid.uuid4())
    notify = notify_settings_save(
        actor=partnership_officer,
        council=council,
        api_key=f" live-{service_id}-{secret}\n",
        sms_template_id=template_id.upper(),
    )
    assert notify.api_key == f"live-{service_id}-{secret}"
    assert notify.sms_template_id == template_id
    entry = AuditEntry.objects.get(action="notifications.notify_settings.create")
    assert secret not in str(entry.changes)
    assert service_id in str(entry.changes)


def test_notify_settings_are_checked(council, staff_user):
    from django.core.exceptions import PermissionDenied, ValidationError

    from joinedup.notifications.services import notify_settings_save

    with pytest.raises(ValidationError) as caught:
        notify_settings_save(actor=None, council=council, api_key="abc", sms_template_id="x", sms_sender_id="y")
    assert set(caught.value.message_dict) == {"api_key", "sms_template_id", "sms_sender_id"}
    with pytest.raises(PermissionDenied):
        notify_settings_save(
            actor=staff_user,
            council=council,
            api_key=make_api_key(str(uuid.uuid4()), str(uuid.uuid4())),
            sms_template_id=str(uuid.uuid4()),
        )
    assert not NotifySettings.objects.exists()


def test_the_command_sets_notify_settings_from_standard_input(council, fake_notify, monkeypatch, queue):
    import io

    from django.core.management import call_command

    monkeypatch.setattr("sys.stdin", io.StringIO(fake_notify.api_key + "\n"))
    call_command("set_notify_settings", council.slug, "--template-id", fake_notify.template_id)
    message = queue(channel="sms", recipient=MOBILE)
    assert deliver_message.call(message.pk) == MessageStatus.SENT
