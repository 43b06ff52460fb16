"""
Writes through Open311. New requests go through `request_create`, and status updates through
`request_status_change` / `request_public_update`: the same services as the web form and the
staff back office, so validation, duplicates, notifications and the audit trail are the same.
The API acts as a trusted system (actor None), named by its client in the audit trail.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.service_requests import photos as photo_store
from joinedup.service_requests import services
from joinedup.service_requests.models import (
    CLOSED_STATUSES,
    Category,
    Channel,
    ContactPreference,
    QuestionKind,
    ServiceRequest,
    Status,
)
from joinedup.service_requests.open311 import statuses
from joinedup.service_requests.open311.formats import Open311Error, bad_request
from joinedup.service_requests.open311.models import ApiClient, ApiSubmission, ApiUpdate
from joinedup.service_requests.selectors import number_from_reference
from joinedup.service_requests.validation import normalise_postcode

# The request_create error keys, as the Open311 argument a client should fix.
FIELD_ARGUMENTS = {
    "description": "description",
    "reporter_email": "email",
    "reporter_phone": "phone",
    "reporter_name": "first_name",
    "anonymous": "email",
    "contact_preference": "email",
    "location_text": "address_string",
    "postcode": "address_string",
    "location": "lat",
    "category": "service_code",
    "answers": "attribute",
    "public_message": "description",
    "status": "status",
    "referred_to": "referred_to",
    "duplicate_of": "duplicate_of",
    "__all__": "service_request_id",
}
DEFAULT_REFERRED_TO = "another organisation"


def _errors_from(error: ValidationError, questions=()) -> Open311Error:
    codes = set(questions)
    messages = []
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            argument = f"attribute[{field}]" if field in codes else FIELD_ARGUMENTS.get(field, field)
            messages += [f"{argument}: {message}" for message in field_messages]
    else:
        messages = list(error.messages)
    return bad_request(*messages)


def _answers_for(category: Category, attributes: dict, errors: list[str]) -> dict:
    """Shape attribute values for the category's questions; other attributes (like FixMyStreet's own) are ignored."""
    answers = {}
    for question in category.questions.all():
        value = attributes.get(question.code)
        if value is None:
            continue
        if question.kind == QuestionKind.DATE and isinstance(value, str) and "T" in value:
            value = value.split("T", 1)[0]  # Open311's datetime: the question wants the date
        if question.kind == QuestionKind.NUMBER and isinstance(value, str) and len(value) > 30:
            errors.append(f"attribute[{question.code}]: '{question.prompt}' must be a number, like 3")
            continue
        if question.kind != QuestionKind.MULTIPLE_CHOICE and isinstance(value, list):
            value = value if len(value) > 1 else value[0]
        answers[question.code] = value
    return answers


@transaction.atomic
def api_request_create(
    *,
    client: ApiClient,
    council,
    service_code: str,
    description: str,
    latitude: float | None,
    longitude: float | None,
    address_string: str,
    address_id: str,
    attributes: dict,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    device_id: str = "",
    account_id: str = "",
    media_urls: list[str] | None = None,
    uploads: list = (),
) -> ApiSubmission:
    """Create a request sent by an API client. Raises Open311Error (400) and saves nothing on any problem."""
    errors = []
    category = (
        Category.objects.filter(council=council, slug=service_code, is_active=True)
        .prefetch_related("questions")
        .first()
        if service_code
        else None
    )
    if category is None:
        raise bad_request(f"service_code: there is no service '{service_code}' here; see services.xml")
    answers = _answers_for(category, attributes, errors)
    name = " ".join(part for part in (first_name.strip(), last_name.strip()) if part)
    if len(name) > 200:
        errors.append("first_name: the name must be 200 characters or fewer")
    for argument, value, limit in (("device_id", device_id, 200), ("account_id", account_id, 200)):
        if len(value) > limit:
            errors.append(f"{argument}: must be {limit} characters or fewer")
    if len(email) > 254:
        errors.append("email: must be 254 characters or fewer")
    location_text, postcode = address_string, ""
    try:
        postcode = normalise_postcode(address_string) if 5 <= len(address_string) <= 8 else ""
    except ValidationError:
        postcode = ""
    if not location_text and address_id and latitude is None:
        location_text = f"Address ID {address_id}"
    if uploads and len(uploads) > photo_store.MAX_PHOTOS:
        errors.append(f"photo: send {photo_store.MAX_PHOTOS} photos or fewer")
    for upload in uploads:
        try:
            photo_store.photo_check(upload)
        except ValidationError as error:
            errors.append(f"{getattr(upload, 'field_name', 'photo')}: {error.messages[0]}")
    if errors:
        raise bad_request(*errors)
    preference = ContactPreference.EMAIL if email else ContactPreference.SMS if phone else ContactPreference.NONE
    try:
        request = services.request_create(
            council=council,
            category=category,
            description=description,
            location_text=location_text,
            postcode=postcode,
            latitude=latitude,
            longitude=longitude,
            answers=answers,
            reporter_name=name,
            reporter_email=email,
            reporter_phone=phone,
            contact_preference=preference,
            anonymous=not (name or email or phone),
            channel=Channel.API,
            source_client=client.name,
            description_limit=services.API_DESCRIPTION_LIMIT,
        )
    except ValidationError as error:
        raise _errors_from(error, [q.code for q in category.questions.all()]) from None
    submission = ApiSubmission.objects.create(
        client=client, request=request, media_urls=media_urls or [], device_id=device_id, account_id=account_id
    )
    created = request.events.order_by("id").first()
    # If a later photo fails, the files of the ones before it go too (their rows roll back).
    with photo_store.photo_files_removed_on_error():
        for upload in uploads:
            photo_store.photo_add(request=request, upload=upload, event=created, actor=None)
    return submission


def _stale_update(*, request: ServiceRequest, client: ApiClient, status: str, sent_at, message: str):
    """Record an update older than the request's latest status change, without changing the status.

    Its message (if any) is published like any update; an internal note tells staff what status
    was sent and why it was not applied. Returns the event the update is known by.
    """
    source = f"open311: {client.name}"
    stamp = "%d %B %Y %H:%M:%S"
    note = (
        f"{client.name} sent the status {status.strip().upper()} dated {timezone.localtime(sent_at):{stamp}}, "
        f"before the status last changed ({timezone.localtime(request.status_changed_at):{stamp}}), "
        "so the status was not changed."
    )
    published = None
    if message.strip():
        published = services.request_public_update(actor=None, request=request, message=message, source=source)
    noted = services.request_internal_note(actor=None, request=request, note=note)
    return published or noted


def _request_for_update(council, service_request_id: str) -> ServiceRequest:
    number = number_from_reference(council, service_request_id)
    request = ServiceRequest.objects.filter(council=council, number=number).first() if number else None
    if request is None:
        raise bad_request(f"service_request_id: there is no request '{service_request_id}' here")
    return request


def _update_arguments_check(*, council, request, action, status, description, duplicate_of) -> ServiceRequest | None:
    """Refuse an update whose arguments do not fit its status. Return the request it duplicates, if any."""
    if action == statuses.UNCHANGED:
        return None
    name = status.strip().upper()
    if action == Status.DUPLICATE:
        if not duplicate_of:
            raise bad_request(f"duplicate_of: required when the status is {name}")
        duplicate = ServiceRequest.objects.filter(
            council=council, number=number_from_reference(council, duplicate_of) or 0
        ).first()
        if duplicate is None:
            raise bad_request(f"duplicate_of: there is no request '{duplicate_of}' here")
        if duplicate.pk == request.pk:
            raise bad_request("duplicate_of: must be another request")
        return duplicate
    if action in (Status.CLOSED, Status.CANCELLED) and not description.strip():
        raise bad_request(f"description: required when the status is {name}: say why, for the resident")
    return None


@transaction.atomic
def api_update_post(
    *,
    client: ApiClient,
    council,
    service_request_id: str,
    update_id: str,
    status: str,
    sent_at: datetime.datetime,
    description: str = "",
    referred_to: str = "",
    duplicate_of: str = "",
    media_urls: list[str] | None = None,
    uploads: list = (),
) -> tuple[ApiUpdate, bool]:
    """Apply a back office's update (mySociety POST servicerequestupdates). Return (update, created).

    A repeated `update_id` from the same client changes nothing and returns the first update.
    """
    previous = ApiUpdate.objects.filter(client=client, external_id=update_id).select_related("request").first()
    if previous is not None:
        # A retry may spell the request's id differently (bbc-000019, BBC-19): compare the numbers.
        same = previous.request.council_id == council.pk and previous.request.number == number_from_reference(
            council, service_request_id
        )
        if not same:
            raise bad_request(f"update_id: '{update_id}' was already used for another request")
        return previous, False
    request = _request_for_update(council, service_request_id)
    action = statuses.incoming(status)
    if action is None:
        raise bad_request(f"status: '{status}' is not a status we know; see the documentation for the list")
    if action == statuses.REOPEN:
        action = Status.INVESTIGATING if request.status in CLOSED_STATUSES else statuses.UNCHANGED
    elif action == request.status or (action == Status.ACKNOWLEDGED and request.status != Status.SUBMITTED):
        action = statuses.UNCHANGED
    # The arguments are checked first, whether or not the update turns out to be stale below.
    duplicate = _update_arguments_check(
        council=council,
        request=request,
        action=action,
        status=status,
        description=description,
        duplicate_of=duplicate_of,
    )
    if uploads and len(uploads) > photo_store.MAX_PHOTOS:
        raise bad_request(f"photo: send {photo_store.MAX_PHOTOS} photos or fewer")
    # FixMyStreet's rule: an update written before the request's latest status change (one that
    # arrives late, or out of order) is kept, but its status does not override the newer one.
    # Clients send whole seconds, so the change is compared to the second it happened in.
    stale = action != statuses.UNCHANGED and sent_at < request.status_changed_at.replace(microsecond=0)
    if stale:
        action = statuses.UNCHANGED
    source = f"open311: {client.name}"
    try:
        if stale:
            event = _stale_update(request=request, client=client, status=status, sent_at=sent_at, message=description)
        elif action == statuses.UNCHANGED:
            event = services.request_public_update(actor=None, request=request, message=description, source=source)
        else:
            event = services.request_status_change(
                actor=None,
                request=request,
                to_status=action,
                public_message=description,
                referred_to=referred_to or (DEFAULT_REFERRED_TO if action == Status.NOT_OURS else ""),
                duplicate_of=duplicate,
                source=source,
            )
        # If a later photo fails, the files of the ones before it go too (their rows roll back).
        with photo_store.photo_files_removed_on_error():
            for upload in uploads:
                photo_store.photo_add(request=request, upload=upload, event=event, actor=None)
    except ValidationError as error:
        raise _errors_from(error) from None
    update = ApiUpdate.objects.create(
        client=client,
        external_id=update_id,
        request=request,
        event=event,
        status=status.strip().upper(),
        sent_at=sent_at,
        media_urls=media_urls or [],
    )
    return update, True
