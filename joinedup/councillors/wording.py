"""The platform's wording for councillors' messages, added to the notifications app's list when
the app starts (see apps.py), so councils can change it on their messages page like any other."""

from joinedup.notifications.defaults import Wording

WORDING = {
    # To the service area's lead officer.
    "councillor.escalated": Wording(
        email_subject="A councillor has escalated {reference}",
        email_body=(
            "Hello {recipient_name},\n\n"
            "A ward councillor has asked you to look again at request {reference} ({category}).\n\n"
            "Status: {status}\n"
            "Due by: {expected_by}\n\n"
            "Why they escalated it:\n{message}\n\n"
            "Answer the councillor from the request's page:\n{tracking_url}"
        ),
        sms_body="A councillor has escalated {reference} ({category}). Answer them: {tracking_url}",
    ),
    # To the councillor who escalated.
    "councillor.escalation_answered": Wording(
        email_subject="Your escalation of {reference} has been answered",
        email_body=(
            "Hello {recipient_name},\n\n"
            "{council_name} has answered your escalation of {reference} ({category}):\n\n"
            "{message}\n\n"
            "Status: {status}\n\n"
            "See the request:\n{tracking_url}"
        ),
        sms_body="{council_name} has answered your escalation of {reference}. See it: {tracking_url}",
    ),
    # To councillors following or escalating a request who hear about each update.
    "councillor.request_update": Wording(
        email_subject="Update on {reference} in your ward",
        email_body=(
            "Hello {recipient_name},\n\n"
            "Request {reference} ({category}) is now: {status}.\n\n"
            "{message}\n\n"
            "See the request:\n{tracking_url}"
        ),
        sms_body="{council_name}: {reference} is now {status}. {tracking_url}",
    ),
    # To the service area (its mailbox and lead officer). No resident details in the email.
    "councillor.enquiry_raised": Wording(
        email_subject="New member enquiry {reference}",
        email_body=(
            "Hello {recipient_name},\n\n"
            "A councillor has sent {category} a member enquiry, {reference}. "
            "Please answer it by {expected_by}.\n\n"
            "Read and answer it:\n{tracking_url}"
        ),
        sms_body="New member enquiry {reference} for {category}, due by {expected_by}. {tracking_url}",
    ),
    # To the other side of a member enquiry's thread.
    "councillor.enquiry_reply": Wording(
        email_subject="New reply on member enquiry {reference}",
        email_body=(
            "Hello {recipient_name},\n\n"
            "There is a new reply on member enquiry {reference} ({category}).\n\n"
            "Status: {status}\n\n"
            "Read it:\n{tracking_url}"
        ),
        sms_body="New reply on member enquiry {reference}. Read it: {tracking_url}",
    ),
    # Weekly, to councillors who chose the digest.
    "councillor.digest": Wording(
        email_subject="Your weekly ward digest from {council_name}",
        email_body=(
            "Hello {recipient_name},\n\n"
            "What happened in your wards from {expected_by}:\n\n"
            "{overdue_list}\n\n"
            "See your wards:\n{tracking_url}"
        ),
        sms_body="{council_name}: your weekly ward digest. {overdue_list} {tracking_url}",
    ),
}

DESCRIPTIONS = {
    "councillor.escalated": ("Councillor escalated a request", "the service area's lead officer"),
    "councillor.escalation_answered": ("Escalation answered", "the councillor who escalated it"),
    "councillor.request_update": ("Update on a request a councillor follows", "councillors following it"),
    "councillor.enquiry_raised": ("New member enquiry", "the service area's mailbox and lead officer"),
    "councillor.enquiry_reply": ("Reply on a member enquiry", "the councillor, or the service area"),
    "councillor.digest": ("Weekly ward digest", "councillors who chose a weekly digest"),
}


def register() -> None:
    """Add the councillors' events to the notifications app's lists (once)."""
    from joinedup.notifications.defaults import DEFAULTS
    from joinedup.notifications.wording import EVENT_DESCRIPTIONS

    for event, wording in WORDING.items():
        DEFAULTS.setdefault(event, wording)
    for event, description in DESCRIPTIONS.items():
        EVENT_DESCRIPTIONS.setdefault(event, description)
