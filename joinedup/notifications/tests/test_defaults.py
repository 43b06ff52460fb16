import pytest

from joinedup.notifications import rendering
from joinedup.notifications.defaults import DEFAULTS, default_wording

# The kinds of values real messages carry, at their longest likely length.
LONG_CONTEXT = {
    "reference": "BDC-2026-123456",
    "council_name": "Borchester and Felpersham District Council",
    "category": "Abandoned vehicles and untaxed cars",
    "status": "Action scheduled",
    "expected_by": "30 September 2026",
    "message": "",
    "tracking_url": "https://report.borchester.gov.uk/borchester/requests/BDC-2026-123456/",
    "feedback_url": (
        "https://report.borchester.gov.uk/borchester/requests/BDC-2026-123456/feedback/"
        "eyJyZXF1ZXN0IjoxMjM0NTZ9:1vJ0aB:abcdefghijklmnopqrstuvwxyz0123456789ABCD/"
    ),
    "recipient_name": "Olive",
    "overdue_list": "",
    "referred_to": "National Highways",
    "duplicate_reference": "BDC-2026-123400",
}

EVENTS = [
    "request.submitted",
    "request.status_changed",
    "request.public_update",
    "request.closed",
    "request.merged",
    "request.referred",
    "request.supported",
    "request.assigned",
    "request.overdue",
    "request.overdue_digest",
    "request.disputed",
]


def test_every_event_has_wording_for_email_and_text():
    assert set(EVENTS) <= set(DEFAULTS)
    for event in DEFAULTS:
        subject, body = default_wording(event, "email")
        assert subject and body
        assert default_wording(event, "sms")[0] == ""
        assert default_wording(event, "sms")[1]


@pytest.mark.parametrize("event", list(DEFAULTS))
def test_default_wording_uses_only_known_placeholders(event):
    wording = DEFAULTS[event]
    for text in (wording.email_subject, wording.email_body, wording.sms_body):
        assert rendering.unknown_placeholders(text) == []


@pytest.mark.parametrize("event", list(DEFAULTS))
def test_default_texts_fit_in_three_parts(event):
    body = rendering.render_sms(DEFAULTS[event].sms_body, {**LONG_CONTEXT, "message": "Fixed. " * 100})
    assert rendering.sms_fragments(body) <= 3


def test_the_closed_message_has_the_feedback_link():
    assert "{feedback_url}" in DEFAULTS["request.closed"].email_body
    assert "{feedback_url}" in DEFAULTS["request.closed"].sms_body
    assert "{overdue_list}" in DEFAULTS["request.overdue_digest"].email_body


def test_unknown_events_and_channels_are_refused():
    with pytest.raises(ValueError, match="event"):
        default_wording("request.nope", "email")
    with pytest.raises(ValueError, match="channel"):
        default_wording("request.closed", "letter")


def test_missing_and_unknown_placeholders_render_as_nothing():
    assert rendering.render("A{reference}B{nope}C", {}) == "ABC"
    assert rendering.render("{reference}", {"reference": None}) == ""
    assert rendering.render("{ reference }", {"reference": 7}) == "7"


def test_empty_placeholders_leave_no_gaps():
    body = rendering.tidy_body(rendering.render("Hello\n\n{message}\n\nBye  ", {}))
    assert body == "Hello\n\nBye"
    assert rendering.tidy_subject("Line one\nline two") == "Line one line two"


def test_text_message_parts_are_counted_as_the_network_counts_them():
    assert rendering.sms_fragments("a" * 160) == 1
    assert rendering.sms_fragments("a" * 161) == 2
    assert rendering.sms_fragments("a" * 459) == 3
    assert rendering.sms_fragments("€" * 80) == 1  # two characters each, still GSM
    assert rendering.sms_fragments("€" * 81) == 2
    assert rendering.sms_fragments("ŵ" * 70) == 1  # Welsh circumflex: Unicode
    assert rendering.sms_fragments("ŵ" * 71) == 2


def test_a_long_update_in_a_text_is_shortened_and_the_link_kept():
    body = rendering.render_sms("Update: {message} {tracking_url}", {**LONG_CONTEXT, "message": "word " * 200})
    assert rendering.sms_fragments(body) == 3
    assert body.endswith(LONG_CONTEXT["tracking_url"])
    assert "word..." in body


def test_a_unicode_update_is_shortened_to_the_unicode_limit():
    body = rendering.render_sms("Update: {message} {tracking_url}", {**LONG_CONTEXT, "message": "Diolch ŵ " * 60})
    assert rendering.sms_fragments(body) <= 3
    assert body.endswith(LONG_CONTEXT["tracking_url"])
