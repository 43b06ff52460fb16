import socket
import uuid

import pytest
from django.db import transaction

from joinedup.notifications.models import NotifySettings
from joinedup.notifications.services import message_queue
from joinedup.notifications.tests.fake_notify import FakeNotify

CONTEXT = {
    "reference": "BDC-2026-000123",
    "council_name": "Borchester District Council",
    "category": "Potholes",
    "status": "Investigating",
    "expected_by": "4 December 2026",
    "tracking_url": "https://joinedup.example.org/borchester/requests/BDC-2026-000123/",
}


@pytest.fixture
def fake_notify(settings):
    """A fake GOV.UK Notify API on 127.0.0.1; NOTIFY_BASE_URL points at it."""
    server = FakeNotify().start()
    settings.NOTIFY_BASE_URL = server.base_url
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def notify_settings(council, fake_notify):
    return NotifySettings.objects.create(
        council=council, api_key=fake_notify.api_key, sms_template_id=fake_notify.template_id
    )


@pytest.fixture
def closed_port():
    """A loopback port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def queue(council):
    """Queue a message as a service would: inside a transaction. Fills in what a test leaves out."""

    def queue(**kwargs):
        values = {
            "council": council,
            "event": "request.submitted",
            "channel": "email",
            "recipient": "resident@example.org",
            "context": CONTEXT,
            "dedupe_key": f"test:{uuid.uuid4()}",
        }
        values.update(kwargs)
        with transaction.atomic():
            return message_queue(**values)

    return queue
