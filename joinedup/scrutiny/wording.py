"""The platform's wording for scrutiny messages, added to the notifications app's lists when the
app starts (see apps.py), so councils can change it on their messages page like any other."""

from joinedup.notifications.defaults import Wording

WORDING = {
    # To the committee's scrutiny officer, once, the day after the executive's response was due.
    "scrutiny.response_overdue": Wording(
        email_subject="The executive's response to {reference} is overdue",
        email_body=(
            "Hello {recipient_name},\n\n"
            "The executive has not responded to recommendation {reference} of {category}. "
            "Under section 9FE of the Local Government Act 2000 its response was due by {expected_by}.\n\n"
            "The recommendation:\n{message}\n\n"
            "Record the response, or follow it up:\n{tracking_url}"
        ),
        sms_body="The executive's response to {reference} was due by {expected_by}. {tracking_url}",
    ),
    # To the committee's scrutiny officer, 8 weeks before a recurring topic is due.
    "scrutiny.topic_reminder": Wording(
        email_subject="Coming up on {category}'s work programme: {reference}",
        email_body=(
            "Hello {recipient_name},\n\n"
            "{reference} is due on {category}'s work programme by {expected_by}. "
            "It has been added to the work programme.\n\n"
            "{message}\n\n"
            "Plan it into a meeting:\n{tracking_url}"
        ),
        sms_body="{reference} is due on {category}'s work programme by {expected_by}. {tracking_url}",
    ),
    # Monthly, to each portfolio holder: the figures for their service areas.
    "scrutiny.holder_pack": Wording(
        email_subject="Your portfolio holder pack for {expected_by}",
        email_body=(
            "Hello {recipient_name},\n\n"
            "The figures for your service areas at {council_name} for {expected_by}:\n\n"
            "{overdue_list}\n\n"
            "See the pack, with the month before and the same month a year before:\n{tracking_url}"
        ),
        sms_body="{council_name}: your portfolio holder pack for {expected_by} is ready. {tracking_url}",
    ),
}

DESCRIPTIONS = {
    "scrutiny.response_overdue": ("Executive's response to a scrutiny recommendation overdue", "the scrutiny officer"),
    "scrutiny.topic_reminder": ("Recurring scrutiny topic due in 8 weeks", "the scrutiny officer"),
    "scrutiny.holder_pack": ("Monthly portfolio holder pack", "each portfolio holder"),
}


def register() -> None:
    """Add the scrutiny events to the notifications app's lists (once)."""
    from joinedup.notifications.defaults import DEFAULTS
    from joinedup.notifications.wording import EVENT_DESCRIPTIONS

    for event, wording in WORDING.items():
        DEFAULTS.setdefault(event, wording)
    for event, description in DESCRIPTIONS.items():
        EVENT_DESCRIPTIONS.setdefault(event, description)
