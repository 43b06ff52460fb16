"""The platform's wording for portfolio messages, added to the notifications app's lists when the
app starts (see apps.py), so councils can change it on their messages page like any other."""

from joinedup.notifications.defaults import Wording

WORDING = {
    # To the proposal's owner (or, without one, whoever proposed it).
    "portfolio.question_asked": Wording(
        email_subject="A member has asked about {reference}",
        email_body=(
            "Hello {recipient_name},\n\n"
            "A member has asked a question about {reference}, {category}:\n\n"
            "{message}\n\n"
            "Please answer by {expected_by}. Your answer is published with the question.\n\n"
            "Answer it here:\n{tracking_url}\n\n{council_name}"
        ),
        sms_body="{council_name}: a member has asked about {reference}. Answer by {expected_by}: {tracking_url}",
    ),
}

DESCRIPTIONS = {
    "portfolio.question_asked": ("Member's question on a proposal", "the proposal's owner"),
}


def register() -> None:
    """Add the portfolio's events to the notifications app's lists (once)."""
    from joinedup.notifications.defaults import DEFAULTS
    from joinedup.notifications.wording import EVENT_DESCRIPTIONS

    for event, wording in WORDING.items():
        DEFAULTS.setdefault(event, wording)
    for event, description in DESCRIPTIONS.items():
        EVENT_DESCRIPTIONS.setdefault(event, description)
