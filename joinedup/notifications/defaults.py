"""
The platform's own wording for every message, used unless a council has saved its own
(`MessageTemplate`). Plain English, short sentences. Placeholders are `{name}`: see
`rendering.PLACEHOLDERS`. One that is not given becomes empty text.

Texts are kept short: with a council name and a link they must fit in 3 text message parts.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
    email_subject: str
    email_body: str
    sms_body: str


DEFAULTS: dict[str, Wording] = {
    # To the person who reported it.
    "request.submitted": Wording(
        email_subject="We have your report {reference}",
        email_body=(
            "Thank you for telling {council_name} about this problem.\n\n"
            "Your reference is {reference}.\n"
            "Category: {category}\n\n"
            "We aim to deal with it by {expected_by}.\n\n"
            "Track your report:\n{tracking_url}\n\n"
            "We will tell you when anything changes.\n\n"
            "{council_name}"
        ),
        sms_body=(
            "{council_name}: we have your report {reference}. "
            "We aim to deal with it by {expected_by}. Track it: {tracking_url}"
        ),
    ),
    # To the reporter and followers.
    "request.status_changed": Wording(
        email_subject="Update on your report {reference}",
        email_body=(
            "Your report {reference} is now: {status}.\n\n"
            "{message}\n\n"
            "Track your report:\n{tracking_url}\n\n"
            "{council_name}"
        ),
        sms_body="{council_name}: your report {reference} is now {status}. {message} Track it: {tracking_url}",
    ),
    # Staff posted a public update on the request.
    "request.public_update": Wording(
        email_subject="News about your report {reference}",
        email_body=(
            "{council_name} has added an update to your report {reference}:\n\n"
            "{message}\n\n"
            "Track your report:\n{tracking_url}\n\n"
            "{council_name}"
        ),
        sms_body="{council_name} update on report {reference}: {message} Track it: {tracking_url}",
    ),
    "request.closed": Wording(
        email_subject="Your report {reference} is closed",
        email_body=(
            "We have closed your report {reference}.\n\n"
            "Outcome: {status}\n\n"
            "{message}\n\n"
            "How did we do? Tell us with one click:\n{feedback_url}\n\n"
            "If the problem is not sorted, tell us on your report's page:\n{tracking_url}\n\n"
            "{council_name}"
        ),
        sms_body=(
            "{council_name}: we have closed your report {reference} ({status}). {message} How did we do? {feedback_url}"
        ),
    ),
    "request.merged": Wording(
        email_subject="Your report {reference} has been joined with {duplicate_reference}",
        email_body=(
            "Your report {reference} is about the same problem as report {duplicate_reference}. "
            "We have joined them together.\n\n"
            "{message}\n\n"
            "We will send you updates about {duplicate_reference} from now on.\n\n"
            "{council_name}"
        ),
        sms_body=(
            "{council_name}: your report {reference} is the same problem as {duplicate_reference}. "
            "We will update you on {duplicate_reference}."
        ),
    ),
    "request.referred": Wording(
        email_subject="We have passed your report {reference} to {referred_to}",
        email_body=(
            "{council_name} does not look after this problem. "
            "We have passed your report {reference} to {referred_to}.\n\n"
            "{message}\n\n"
            "If you need to follow it up, contact {referred_to}.\n\n"
            "See your report:\n{tracking_url}\n\n"
            "{council_name}"
        ),
        sms_body=(
            "{council_name}: we have passed your report {reference} to {referred_to}. {message} See it: {tracking_url}"
        ),
    ),
    # To someone who said "me too" on an existing report.
    "request.supported": Wording(
        email_subject="You are now following report {reference}",
        email_body=(
            "Thank you. Someone had already reported this problem, so we have added you to "
            "report {reference}.\n\n"
            "Category: {category}\n"
            "Status: {status}\n\n"
            "We will tell you when anything changes.\n\n"
            "Follow the report:\n{tracking_url}\n\n"
            "{council_name}"
        ),
        sms_body=(
            "{council_name}: thank you. You are now following report {reference}. "
            "We will tell you when it changes. {tracking_url}"
        ),
    ),
    # To staff.
    "request.assigned": Wording(
        email_subject="{reference} has been given to you",
        email_body=(
            "Hello {recipient_name},\n\n"
            "Request {reference} ({category}) has been given to you.\n\n"
            "Status: {status}\n"
            "Due by: {expected_by}\n\n"
            "Open the request:\n{tracking_url}"
        ),
        sms_body="Request {reference} ({category}) has been given to you. Due by {expected_by}. {tracking_url}",
    ),
    "request.overdue": Wording(
        email_subject="{reference} is overdue",
        email_body=(
            "Hello {recipient_name},\n\n"
            "Request {reference} ({category}) was due by {expected_by}. It is still open.\n\n"
            "Status: {status}\n\n"
            "Open the request:\n{tracking_url}"
        ),
        sms_body="Request {reference} ({category}) was due by {expected_by} and is still open. {tracking_url}",
    ),
    # Daily, to a service area's lead officer.
    "request.overdue_digest": Wording(
        email_subject="Overdue requests at {council_name}",
        email_body=(
            "Hello {recipient_name},\n\n"
            "These requests in your service area are past their due date:\n\n"
            "{overdue_list}\n\n"
            "{tracking_url}"
        ),
        sms_body="{council_name}: requests in your service area are overdue. {overdue_list} {tracking_url}",
    ),
    # The reporter says a closed request is not sorted: to its officer or the service area's lead.
    "request.disputed": Wording(
        email_subject="The resident says {reference} is not sorted",
        email_body=(
            "Hello {recipient_name},\n\n"
            "The person who reported {reference} ({category}) says the problem is not sorted. "
            "The request is open again.\n\n"
            "What they said:\n{message}\n\n"
            "Open the request:\n{tracking_url}"
        ),
        sms_body="The resident says {reference} is not sorted. It is open again. {tracking_url}",
    ),
    # The reporter added information to an open request: to its officer.
    "request.resident_update": Wording(
        email_subject="New information on {reference}",
        email_body=(
            "Hello {recipient_name},\n\n"
            "The person who reported {reference} ({category}) has added more information:\n\n"
            "{message}\n\n"
            "Open the request:\n{tracking_url}"
        ),
        sms_body="The resident added information to {reference}: {message} {tracking_url}",
    ),
    # Software estate (joinedup.software.workflows): to a service area's lead officer.
    "software.reclaim_requested": Wording(
        email_subject="Licences nobody is using: keep or reclaim by {expected_by}",
        email_body=(
            "Hello {recipient_name},\n\n"
            "These licences in {category} have not been used recently:\n\n{overdue_list}\n\n"
            "Please decide for each one whether to keep it (and say why) or reclaim it, by {expected_by}:\n"
            "{tracking_url}\n\n{council_name}"
        ),
        sms_body="{council_name}: licences nobody is using need your decision by {expected_by}. {tracking_url}",
    ),
    "software.attestation_requested": Wording(
        email_subject="Please confirm your systems by {expected_by}",
        email_body=(
            "Hello {recipient_name},\n\n"
            "Once a year we ask each owner to confirm that their systems are still needed, and that "
            "their owner and users are recorded correctly. Yours are:\n\n{overdue_list}\n\n"
            "Please answer by {expected_by}:\n{tracking_url}\n\n{council_name}"
        ),
        sms_body="{council_name}: please confirm your systems by {expected_by}. {tracking_url}",
    ),
    "software.overdue_reminder": Wording(
        email_subject="Reminder: software decisions overdue",
        email_body=(
            "Hello {recipient_name},\n\n"
            "These software decisions are past their date:\n\n{overdue_list}\n\n"
            "Please answer here:\n{tracking_url}\n\n{council_name}"
        ),
        sms_body="{council_name}: software decisions are overdue. {tracking_url}",
    ),
}

EVENTS = tuple(DEFAULTS)


def default_wording(event: str, channel: str) -> tuple[str, str]:
    """Return the platform's (subject, body) for an event and channel; texts have no subject."""
    try:
        wording = DEFAULTS[event]
    except KeyError:
        raise ValueError(f"There is no message for the event {event!r}.") from None
    if channel == "email":
        return wording.email_subject, wording.email_body
    if channel == "sms":
        return "", wording.sms_body
    raise ValueError(f"There is no channel {channel!r}: use 'email' or 'sms'.")
