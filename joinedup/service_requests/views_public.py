"""
The resident's pages: report a problem, track it, add to it, dispute its closure, rate the service.

The report form is a series of GOV.UK question pages. Answers wait in the session (one dict per
council) and photos in a temporary folder, and nothing is saved until the resident sends the
whole report from the check-your-answers page, through `request_create`, as every channel does.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.core import events
from joinedup.core.headers import allow_features
from joinedup.core.ratelimit import limit_posts
from joinedup.core.validation import add_to_form
from joinedup.councils.views import council_from_path
from joinedup.service_requests import photos as photo_store
from joinedup.service_requests import selectors, services
from joinedup.service_requests.forms_public import (
    CategoryForm,
    CheckForm,
    ContactForm,
    DescriptionForm,
    DisputeForm,
    FeedbackForm,
    FindForm,
    LocationForm,
    PhotosForm,
    QuestionForm,
    ResidentUpdateForm,
    SupportForm,
)
from joinedup.service_requests.models import (
    CLOSED_STATUSES,
    ContactPreference,
    EventKind,
    Feedback,
    QuestionKind,
    Status,
)
from joinedup.service_requests.notify import FEEDBACK_SALT, feedback_token
from joinedup.service_requests.photos import MAX_PHOTOS

SUBMIT_LIMIT_PER_HOUR = 10
CHECK_LIMIT_PER_HOUR = 20
# Decoding a photo is the costliest thing an anonymous visitor can ask for: enough for the
# reports an address may send in an hour, with a few photos each.
PHOTO_LIMIT_PER_HOUR = 40
REPORTER_SESSION_KEY = "service_requests:reporter_of"
# What a resident has told us that still holds if they change the kind of problem.
KEPT_ON_NEW_CATEGORY = ("photo_token", "photos", "photos_done", "location", "description", "contact")

STATUS_TAG_COLOURS = {
    Status.SUBMITTED: "govuk-tag--blue",
    Status.ACKNOWLEDGED: "govuk-tag--light-blue",
    Status.INVESTIGATING: "govuk-tag--purple",
    Status.ACTION_SCHEDULED: "govuk-tag--turquoise",
    Status.IN_PROGRESS: "govuk-tag--yellow",
    Status.FIXED: "govuk-tag--green",
    Status.CLOSED: "govuk-tag--grey",
    Status.NOT_OURS: "govuk-tag--orange",
    Status.DUPLICATE: "govuk-tag--grey",
    Status.CANCELLED: "govuk-tag--grey",
}


def status_tag(request_or_status) -> dict:
    status = getattr(request_or_status, "status", request_or_status)
    return {"label": Status(status).label, "colour": STATUS_TAG_COLOURS.get(status, "govuk-tag--grey")}


# The report journey: state kept in the session between steps.


def _key(council) -> str:
    return f"service_requests:report:{council.pk}"


def _state(request, council) -> dict:
    return dict(request.session.get(_key(council)) or {})


def _save(request, council, state: dict) -> None:
    request.session[_key(council)] = state


def _clear(request, council, state: dict) -> None:
    """Forget a report: its answers and its waiting photos."""
    if state.get("photo_token"):
        photo_store.pending_discard(state["photo_token"])
    request.session.pop(_key(council), None)


def _category(council, state: dict):
    slug = state.get("category")
    if not slug:
        return None
    try:
        return selectors.category_by_slug(council=council, slug=slug)
    except Http404:
        return None


def _has_point(state: dict) -> bool:
    location = state.get("location") or {}
    return location.get("latitude") is not None and location.get("longitude") is not None


def _steps(state: dict, category) -> list[tuple[str, dict]]:
    """The pages of this report in order, as (url name, kwargs), up to check your answers."""
    steps = [("report-category", {})]
    if category is not None:
        steps += [("report-question", {"code": q.code}) for q in category.questions.all()]
    steps += [("report-location", {}), ("report-description", {}), ("report-photos", {}), ("report-contact", {})]
    if _has_point(state) and (not state.get("similar_done") or state.get("similar_shown")):
        steps.append(("report-similar", {}))
    steps.append(("report-check", {}))
    return steps


def _step_done(state: dict, category, name: str, kwargs: dict) -> bool:
    if name == "report-category":
        return category is not None
    if name == "report-question":
        return kwargs["code"] in state.get("answered", [])
    if name == "report-location":
        return "location" in state
    if name == "report-description":
        return "description" in state
    if name == "report-photos":
        return bool(state.get("photos_done"))
    if name == "report-contact":
        return "contact" in state
    if name == "report-similar":
        return bool(state.get("similar_done"))
    return False


def _first_incomplete(council, state: dict, category) -> tuple[str, dict]:
    """The first page of the report still to fill in (the stop page if an answer stops the report)."""
    for name, kwargs in _steps(state, category):
        if name == "report-question" and kwargs["code"] in state.get("answered", []):
            question = next(q for q in category.questions.all() if q.code == kwargs["code"])
            if _stops(question, (state.get("answers") or {}).get(question.code)):
                return "report-stop", {}
        if not _step_done(state, category, name, kwargs):
            return name, kwargs
    return "report-check", {}


def _stops(question, value) -> str:
    chosen = value if isinstance(value, list) else [value]
    for choice in question.choices:
        if choice.get("stop_message") and choice["value"] in chosen:
            return choice["stop_message"]
    return ""


def _url(council, name: str, kwargs: dict | None = None) -> str:
    return reverse(f"service_requests:{name}", kwargs={"council_slug": council.slug, **(kwargs or {})})


def _onward(council, state, category):
    name, kwargs = _first_incomplete(council, state, category)
    return redirect(_url(council, name, kwargs))


def _journey_key(council) -> str:
    return f"service_requests:journey:{council.pk}"


def _journey_reached(request, council, step: str) -> None:
    """Count a report journey reaching `step` for the first time, for the completion rate.

    Only counts leave here (through the events hook): no one is identified and no cookie is set
    beyond the session the form already needs. `sent` and `supported` end the journey.
    """
    key = _journey_key(council)
    reached = list(request.session.get(key) or [])
    if step in reached:
        return
    if step in ("sent", "supported"):
        request.session.pop(key, None)
        if not reached:
            return  # not a journey we saw start
    else:
        request.session[key] = [*reached, step]
    events.announce("service_requests.journey_step", council_id=council.pk, step=step, first=not reached)


def _journey(request, council_slug, step: str, step_kwargs: dict | None = None):
    """Return (council, state, category, redirect). `redirect` is set if this step cannot be shown yet."""
    council = council_from_path(request, council_slug)
    state = _state(request, council)
    category = _category(council, state)
    if category is None and state.get("category"):
        state = {}  # the category has gone since: start again
        _save(request, council, state)
    steps = _steps(state, category)
    wanted = (step, step_kwargs or {})
    if step != "report-category":
        first = _first_incomplete(council, state, category)
        if wanted not in steps:
            return council, state, category, redirect(_url(council, *first))
        if first in steps and steps.index(first) < steps.index(wanted):
            return council, state, category, redirect(_url(council, *first))
        if first == ("report-stop", {}) and step not in ("report-question",):
            return council, state, category, redirect(_url(council, "report-stop"))
    _journey_reached(request, council, step)
    return council, state, category, None


def _back(council, state, category, step: str, step_kwargs: dict | None = None) -> str:
    steps = _steps(state, category)
    wanted = (step, step_kwargs or {})
    if wanted in steps and steps.index(wanted) > 0:
        return _url(council, *steps[steps.index(wanted) - 1])
    return _url(council, "report-start")


def _posted(request):
    """The form data and files of a POST (even an empty one), or (None, None) for a GET."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _page(request, template, council, context):
    return render(request, f"service_requests/public/{template}", {"council": council, **context})


@require_GET
def report_start(request, council_slug):
    council = council_from_path(request, council_slug)
    state = _state(request, council)
    return _page(request, "start.html", council, {"in_progress": bool(state.get("category"))})


@never_cache
@require_http_methods(["GET", "POST"])
def report_category(request, council_slug):
    council, state, current, _ = _journey(request, council_slug, "report-category")
    categories = list(selectors.category_list(council=council).order_by("group", "name"))
    form = CategoryForm(
        _posted(request)[0], categories=categories, initial={"category": current.slug if current else None}
    )
    if request.method == "POST" and form.is_valid():
        slug = form.cleaned_data["category"]
        if slug != state.get("category"):
            state = {key: value for key, value in state.items() if key in KEPT_ON_NEW_CATEGORY}
            state["category"] = slug
            state.update(answers={}, answered=[])
            category = selectors.category_by_slug(council=council, slug=slug)
            if "contact" in state and state["contact"].get("anonymous") and not category.allow_anonymous:
                del state["contact"]  # they must give their details for this one
            _save(request, council, state)
        else:
            category = current
        return _onward(council, state, category)
    groups = []
    selected = form["category"].value()
    for index, category in enumerate(categories):
        if not groups or groups[-1]["name"] != category.group:
            groups.append({"name": category.group, "options": []})
        groups[-1]["options"].append(
            {"id": f"id_category_{index}", "category": category, "checked": selected == category.slug}
        )
    return _page(
        request,
        "category.html",
        council,
        {
            "form": form,
            "groups": groups,
            "back_url": _url(council, "report-start"),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def report_question(request, council_slug, code):
    council, state, category, blocked = _journey(request, council_slug, "report-question", {"code": code})
    if blocked:
        return blocked
    questions = list(category.questions.all())
    question = next((q for q in questions if q.code == code), None)
    if question is None:
        raise Http404
    answers = dict(state.get("answers") or {})
    form = QuestionForm(
        _posted(request)[0], question=question, initial=QuestionForm.initial_for(question, answers.get(code))
    )
    if request.method == "POST" and form.is_valid():
        value = form.cleaned_data.get("value")
        if value is None:
            answers.pop(code, None)
        else:
            answers[code] = value
        state["answers"] = answers
        state["answered"] = sorted(set(state.get("answered", [])) | {code})
        _save(request, council, state)
        if _stops(question, value):
            return redirect(_url(council, "report-stop"))
        return _onward(council, state, category)
    return _page(
        request,
        "question.html",
        council,
        {
            "form": form,
            "question": question,
            "category": category,
            "show_notice": bool(category.notice) and question == questions[0],
            "number": questions.index(question) + 1,
            "count": len(questions),
            "error_field": form.error_field,
            "back_url": _back(council, state, category, "report-question", {"code": code}),
            "is_date": question.kind == QuestionKind.DATE,
            "is_choice": question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE),
            "is_number": question.kind == QuestionKind.NUMBER,
        },
    )


@require_GET
def report_stop(request, council_slug):
    council = council_from_path(request, council_slug)
    state = _state(request, council)
    category = _category(council, state)
    if category is None:
        return redirect(_url(council, "report-category"))
    for question in category.questions.all():
        message = _stops(question, (state.get("answers") or {}).get(question.code))
        if message:
            return _page(
                request,
                "stop.html",
                council,
                {
                    "message": message,
                    "question": question,
                    "category": category,
                    "back_url": _url(council, "report-question", {"code": question.code}),
                },
            )
    return _onward(council, state, category)


@never_cache
@require_http_methods(["GET", "POST"])
@allow_features("geolocation")  # the "use my location" button
def report_location(request, council_slug):
    council, state, category, blocked = _journey(request, council_slug, "report-location")
    if blocked:
        return blocked
    form = LocationForm(_posted(request)[0], initial=state.get("location") or {})
    if request.method == "POST" and form.is_valid():
        location = {name: form.cleaned_data[name] for name in ("location_text", "postcode", "latitude", "longitude")}
        if location != state.get("location"):
            state.pop("similar_done", None)
            state.pop("similar_shown", None)
        state["location"] = location
        _save(request, council, state)
        return _onward(council, state, category)
    location = state.get("location") or {}
    return _page(
        request,
        "location.html",
        council,
        {
            "form": form,
            "category": category,
            "show_notice": bool(category.notice) and not category.questions.exists(),
            "has_point": location.get("latitude") is not None,
            "back_url": _back(council, state, category, "report-location"),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def report_description(request, council_slug):
    council, state, category, blocked = _journey(request, council_slug, "report-description")
    if blocked:
        return blocked
    form = DescriptionForm(_posted(request)[0], initial={"description": state.get("description", "")})
    if request.method == "POST" and form.is_valid():
        state["description"] = form.cleaned_data["description"]
        _save(request, council, state)
        return _onward(council, state, category)
    return _page(
        request,
        "description.html",
        council,
        {
            "form": form,
            "category": category,
            "limit": services.WEB_DESCRIPTION_LIMIT,
            "back_url": _back(council, state, category, "report-description"),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("service_requests.report_photos", per_ip=PHOTO_LIMIT_PER_HOUR)
def report_photos(request, council_slug):
    council, state, category, blocked = _journey(request, council_slug, "report-photos")
    if blocked:
        return blocked
    stored = list(state.get("photos") or [])
    form = PhotosForm(*_posted(request))
    if request.method == "POST":
        remove = request.POST.get("remove")
        if remove:
            stored = [p for p in stored if p["name"] != remove]
            if state.get("photo_token"):
                photo_store.pending_remove(token=state["photo_token"], name=remove)
            state["photos"] = stored
            state.pop("photos_done", None)
            _save(request, council, state)
            return redirect(_url(council, "report-photos"))
        if form.is_valid():
            uploads = form.cleaned_data["photos"]
            if not uploads and request.POST.get("action") == "upload":
                form.add_error("photos", "Select a photo to upload")
            elif len(stored) + len(uploads) > MAX_PHOTOS:
                form.add_error("photos", f"You can add up to {MAX_PHOTOS} photos. Remove one to add another")
            else:
                photo_store.pending_prune()
                token = state.get("photo_token") or photo_store.pending_token()
                for upload in uploads:
                    try:
                        name = photo_store.pending_save(token=token, upload=upload)
                    except ValidationError as error:
                        prefix = f"{upload.name}: " if len(uploads) > 1 else ""
                        for message in error.messages:
                            form.add_error("photos", prefix + message)
                        continue
                    stored.append({"name": name, "label": (upload.name or "Photo")[-100:]})
                if stored:
                    state["photo_token"] = token
                state["photos"] = stored
                if form.errors:
                    state.pop("photos_done", None)
                    _save(request, council, state)
                elif request.POST.get("action") == "upload" and len(stored) < MAX_PHOTOS:
                    state.pop("photos_done", None)
                    _save(request, council, state)
                    return redirect(_url(council, "report-photos"))
                else:
                    state["photos_done"] = True
                    _save(request, council, state)
                    return _onward(council, state, category)
    return _page(
        request,
        "photos.html",
        council,
        {
            "form": form,
            "category": category,
            "photos": stored,
            "max_photos": MAX_PHOTOS,
            "can_add": len(stored) < MAX_PHOTOS,
            "back_url": _back(council, state, category, "report-photos"),
        },
    )


@require_GET
def report_photo_preview(request, council_slug, name):
    council = council_from_path(request, council_slug)
    state = _state(request, council)
    if not any(p["name"] == name for p in state.get("photos") or []):
        raise Http404
    path = photo_store.pending_path(token=state.get("photo_token", ""), name=name)
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def report_contact(request, council_slug):
    council, state, category, blocked = _journey(request, council_slug, "report-contact")
    if blocked:
        return blocked
    initial = dict(state.get("contact") or {})
    if not initial and request.user.is_authenticated:
        initial = {"reporter_name": request.user.full_name, "reporter_email": request.user.email}
    form = ContactForm(_posted(request)[0], category=category, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        state["contact"] = {
            "anonymous": bool(data.get("anonymous")),
            "reporter_name": data["reporter_name"],
            "reporter_email": data["reporter_email"],
            "reporter_phone": data["reporter_phone"],
            "contact_preference": data["contact_preference"],
            "involve_councillor": data["involve_councillor"],
        }
        _save(request, council, state)
        return _onward(council, state, category)
    return _page(
        request,
        "contact.html",
        council,
        {
            "form": form,
            "category": category,
            "back_url": _back(council, state, category, "report-contact"),
        },
    )


def _photo_of(service_request):
    return service_request.photos.filter(is_public=True).first()


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("service_requests.report_support", per_ip=CHECK_LIMIT_PER_HOUR)
def report_similar(request, council_slug):
    council, state, category, blocked = _journey(request, council_slug, "report-similar")
    if blocked:
        return blocked
    location = state["location"]
    nearby = selectors.requests_nearby(
        council=council, category=category, latitude=location["latitude"], longitude=location["longitude"]
    )
    if not nearby:
        state["similar_done"] = True
        state.pop("similar_shown", None)
        _save(request, council, state)
        return _onward(council, state, category)
    contact = state["contact"]
    errors = []
    if request.method == "POST":
        if "different" in request.POST:
            state["similar_done"] = True
            state["similar_shown"] = True
            _save(request, council, state)
            return _onward(council, state, category)
        reference = request.POST.get("support", "")
        chosen = next((r for r, _ in nearby if r.reference == reference), None)
        if chosen is None:
            errors.append("Select a report to add your support to, or choose 'No, mine is different'")
        elif contact.get("anonymous") or not (contact.get("reporter_email") or contact.get("reporter_phone")):
            errors.append("To add your support, give an email address or mobile number in your contact details")
        else:
            try:
                services.request_support(
                    request=chosen,
                    user=request.user if request.user.is_authenticated else None,
                    email=contact["reporter_email"],
                    phone=contact["reporter_phone"],
                    contact_preference=contact["contact_preference"],
                )
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                _clear(request, council, state)
                _journey_reached(request, council, "supported")
                request.session[f"service_requests:supported:{council.pk}"] = chosen.reference
                return redirect(_url(council, "report-supported"))
    state["similar_shown"] = True
    _save(request, council, state)
    rows = [
        {
            "request": r,
            "distance": round(d / 10) * 10 if d >= 10 else 10,
            "tag": status_tag(r),
            "photo": _photo_of(r),
            "overdue": selectors.is_overdue(r),
        }
        for r, d in nearby
    ]
    return _page(
        request,
        "similar.html",
        council,
        {
            "rows": rows,
            "category": category,
            "errors": errors,
            "can_support": not contact.get("anonymous")
            and bool(contact.get("reporter_email") or contact.get("reporter_phone")),
            "back_url": _back(council, state, category, "report-similar"),
        },
    )


def _answer_rows(category, answers: dict) -> list[dict]:
    rows = []
    for question in category.questions.all():
        value = answers.get(question.code)
        labels = {c["value"]: c["label"] for c in question.choices}
        if value is None or value == []:
            shown = "Not answered"
        elif question.kind == QuestionKind.MULTIPLE_CHOICE:
            shown = ", ".join(labels.get(v, v) for v in value)
        elif question.kind == QuestionKind.SINGLE_CHOICE:
            shown = labels.get(value, value)
        elif question.kind == QuestionKind.DATE:
            shown = f"{datetime.date.fromisoformat(value):%-d %B %Y}"
        else:
            shown = str(value)
        rows.append({"question": question, "value": shown})
    return rows


def _attach_photos(service_request, state, user):
    token = state.get("photo_token")
    if not token:
        return
    event = service_request.events.filter(kind=EventKind.CREATED).first()
    for photo in state.get("photos") or []:
        path = photo_store.pending_path(token=token, name=photo["name"])
        if path is None:
            continue
        with path.open("rb") as upload:
            photo_store.photo_add(request=service_request, upload=upload, event=event, actor=user)


def _remember_reporter(request, service_request, *, email="", phone=""):
    """Let this browser add updates to the request (it proved it is the reporter's)."""
    known = dict(request.session.get(REPORTER_SESSION_KEY) or {})
    known[str(service_request.pk)] = {"email": email, "phone": phone}
    request.session[REPORTER_SESSION_KEY] = known


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("service_requests.report_submit", per_ip=SUBMIT_LIMIT_PER_HOUR)
def report_check(request, council_slug):
    council, state, category, blocked = _journey(request, council_slug, "report-check")
    if blocked:
        return blocked
    form = CheckForm(_posted(request)[0])
    contact, location = state["contact"], state["location"]
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST" and form.is_valid():
        sent_key = f"service_requests:sent:{council.pk}"
        if form.cleaned_data["website"]:
            # Only a robot fills in the hidden field: look as if it worked, and keep nothing.
            _clear(request, council, state)
            request.session.pop(_journey_key(council), None)
            request.session[sent_key] = {"honeypot": True}
            return redirect(_url(council, "report-sent"))
        try:
            with photo_store.photo_files_removed_on_error(), transaction.atomic():
                service_request = services.request_create(
                    council=council,
                    category=category,
                    description=state["description"],
                    location_text=location["location_text"],
                    postcode=location["postcode"],
                    latitude=location["latitude"],
                    longitude=location["longitude"],
                    answers=state.get("answers") or {},
                    reporter=user if not contact["anonymous"] else None,
                    reporter_name=contact["reporter_name"],
                    reporter_email=contact["reporter_email"],
                    reporter_phone=contact["reporter_phone"],
                    contact_preference=contact["contact_preference"],
                    anonymous=contact["anonymous"],
                    involve_councillor=contact["involve_councillor"],
                )
                _attach_photos(service_request, state, user)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            token = state.get("photo_token")
            if token:
                transaction.on_commit(lambda: photo_store.pending_discard(token))
            request.session.pop(_key(council), None)
            _journey_reached(request, council, "sent")
            if not contact["anonymous"]:
                _remember_reporter(
                    request, service_request, email=contact["reporter_email"], phone=contact["reporter_phone"]
                )
            request.session[sent_key] = {
                "reference": service_request.reference,
                "expected_by": service_request.expected_by.isoformat(),
                "contact_preference": service_request.contact_preference,
                "category": category.name,
            }
            return redirect(_url(council, "report-sent"))
    return _page(
        request,
        "check.html",
        council,
        {
            "form": form,
            "category": category,
            "answers": _answer_rows(category, state.get("answers") or {}),
            "location": location,
            "description": state["description"],
            "photos": state.get("photos") or [],
            "contact": contact,
            "preference_label": ContactPreference(contact["contact_preference"]).label,
            "back_url": _back(council, state, category, "report-check"),
        },
    )


@require_GET
def report_sent(request, council_slug):
    council = council_from_path(request, council_slug)
    sent = request.session.get(f"service_requests:sent:{council.pk}")
    if not sent:
        return redirect(_url(council, "report-start"))
    expected_by = datetime.date.fromisoformat(sent["expected_by"]) if sent.get("expected_by") else None
    return _page(request, "sent.html", council, {"sent": sent, "expected_by": expected_by})


@require_GET
def report_supported(request, council_slug):
    council = council_from_path(request, council_slug)
    reference = request.session.get(f"service_requests:supported:{council.pk}")
    if not reference:
        return redirect(_url(council, "report-start"))
    service_request = selectors.request_public(council=council, reference=reference)
    return _page(request, "supported.html", council, {"service_request": service_request})


# Tracking a request


def _reporter_identity(request, service_request) -> dict | None:
    """How this visitor is known to be the reporter (signed in as them, or checked details), or None."""
    user = request.user if request.user.is_authenticated else None
    if user is not None and service_request.reporter_id == user.pk:
        return {"user": user, "email": "", "phone": ""}
    known = (request.session.get(REPORTER_SESSION_KEY) or {}).get(str(service_request.pk))
    if known:
        return {"user": user, "email": known.get("email", ""), "phone": known.get("phone", "")}
    return None


def _timeline(service_request) -> list[dict]:
    entries = []
    for event in selectors.public_timeline(request=service_request):
        entry = {"when": event.created_at, "message": event.public_message, "kind": event.kind}
        if event.kind == EventKind.CREATED:
            entry["title"] = "Reported"
        elif event.kind in (EventKind.STATUS, EventKind.DISPUTED) and event.to_status:
            entry["title"] = "Closure disputed" if event.kind == EventKind.DISPUTED else Status(event.to_status).label
            entry["tag"] = status_tag(event.to_status)
        elif event.kind == EventKind.RESIDENT_UPDATE:
            entry["title"] = "More information from the person who reported it"
            entry["message"] = "The person who reported this added more information."
        elif event.kind == EventKind.SUPPORTED:
            entry["title"] = "Someone else reported this too"
        else:
            entry["title"] = EventKind(event.kind).label
        entries.append(entry)
    return entries


def _can_dispute(service_request) -> bool:
    deadline = services.dispute_deadline(service_request)
    return deadline is not None and timezone.now() <= deadline


@require_GET
def track(request, council_slug, reference):
    council = council_from_path(request, council_slug)
    service_request = selectors.request_public(council=council, reference=reference)
    if service_request.reference != reference:
        return redirect(_url(council, "track", {"reference": service_request.reference}))
    identity = _reporter_identity(request, service_request)
    deadline = services.dispute_deadline(service_request)
    feedback_url = None
    if (
        identity
        and service_request.status in CLOSED_STATUSES
        and not Feedback.objects.filter(request=service_request).exists()
    ):
        feedback_url = _url(
            council, "feedback", {"reference": service_request.reference, "token": feedback_token(service_request)}
        )
    return _page(
        request,
        "track.html",
        council,
        {
            "service_request": service_request,
            "tag": status_tag(service_request),
            "overdue": selectors.is_overdue(service_request),
            "timeline": _timeline(service_request),
            "photos": service_request.photos.filter(is_public=True),
            "is_reporter": identity is not None,
            "can_dispute": _can_dispute(service_request),
            "dispute_deadline": deadline,
            "feedback_url": feedback_url,
        },
    )


def _stream_photo(request, council_slug, reference, pk, field):
    council = council_from_path(request, council_slug)
    service_request = selectors.request_public(council=council, reference=reference)
    photo = service_request.photos.filter(pk=pk, is_public=True).first()
    if photo is None:
        raise Http404
    try:
        handle = getattr(photo, field).open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def photo(request, council_slug, reference, pk):
    return _stream_photo(request, council_slug, reference, pk, "image")


@require_GET
def photo_thumbnail(request, council_slug, reference, pk):
    return _stream_photo(request, council_slug, reference, pk, "thumbnail")


@require_http_methods(["GET", "POST"])
@limit_posts("service_requests.find", per_ip=CHECK_LIMIT_PER_HOUR)
def find(request, council_slug):
    council = council_from_path(request, council_slug)
    form = FindForm(_posted(request)[0])
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["contact"]
        service_request = selectors.request_for_reporter(
            council=council, reference=form.cleaned_data["reference"], email=contact["email"], phone=contact["phone"]
        )
        if service_request is None:
            form.add_error(
                "reference",
                "We could not find a report with that reference number and email address "
                "or mobile number. Check them and try again",
            )
        else:
            _remember_reporter(request, service_request, **contact)
            return redirect(_url(council, "track", {"reference": service_request.reference}))
    return _page(request, "find.html", council, {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("service_requests.support", per_ip=CHECK_LIMIT_PER_HOUR)
def support(request, council_slug, reference):
    council = council_from_path(request, council_slug)
    service_request = selectors.request_public(council=council, reference=reference)
    track_url = _url(council, "track", {"reference": service_request.reference})
    if not service_request.is_open:
        return redirect(track_url)
    user = request.user if request.user.is_authenticated else None
    form = SupportForm(_posted(request)[0], initial={"email": user.email if user else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.request_support(
                request=service_request,
                user=user,
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                contact_preference=form.preference(),
            )
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, "Thank you for adding your support. We will tell you what happens.")
            return redirect(track_url)
    return _page(
        request,
        "support.html",
        council,
        {
            "form": form,
            "service_request": service_request,
            "back_url": track_url,
        },
    )


NOT_THE_REPORTER = (
    "We could not match that email address or mobile number to this report. Enter the one you gave when you reported it"
)


def _as_reporter(request, form, service_request, identity):
    """Return (user, email, phone) to pass to a reporter-only service."""
    if identity is not None:
        return identity["user"], identity["email"], identity["phone"]
    contact = form.cleaned_data["contact"]
    return (request.user if request.user.is_authenticated else None), contact["email"], contact["phone"]


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("service_requests.reporter", per_ip=CHECK_LIMIT_PER_HOUR)
def resident_update(request, council_slug, reference):
    council = council_from_path(request, council_slug)
    service_request = selectors.request_public(council=council, reference=reference)
    track_url = _url(council, "track", {"reference": service_request.reference})
    if not service_request.is_open:
        return redirect(track_url)
    identity = _reporter_identity(request, service_request)
    form = ResidentUpdateForm(*_posted(request), needs_contact=identity is None)
    if request.method == "POST" and form.is_valid():
        user, email, phone = _as_reporter(request, form, service_request, identity)
        try:
            with photo_store.photo_files_removed_on_error(), transaction.atomic():
                event = services.request_resident_update(
                    request=service_request, text=form.cleaned_data["text"], user=user, email=email, phone=phone
                )
                for upload in form.cleaned_data["photos"]:
                    photo_store.photo_add(request=service_request, upload=upload, event=event, actor=user)
        except PermissionDenied:
            form.add_error("contact" if "contact" in form.fields else None, NOT_THE_REPORTER)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_to_form(form, error)
            else:
                is_photo = error.code in ("too_big", "not_a_photo", "damaged", "empty", "too_many_pixels")
                for message in error.messages:
                    form.add_error("photos" if is_photo else None, message)
        else:
            if identity is None:
                _remember_reporter(request, service_request, email=email, phone=phone)
            messages.success(request, "Your update has been added. The team dealing with it can see it.")
            return redirect(track_url)
    return _page(
        request,
        "update.html",
        council,
        {
            "form": form,
            "service_request": service_request,
            "back_url": track_url,
            "limit": services.WEB_DESCRIPTION_LIMIT,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("service_requests.reporter", per_ip=CHECK_LIMIT_PER_HOUR)
def dispute(request, council_slug, reference):
    council = council_from_path(request, council_slug)
    service_request = selectors.request_public(council=council, reference=reference)
    track_url = _url(council, "track", {"reference": service_request.reference})
    if not _can_dispute(service_request):
        return redirect(track_url)
    identity = _reporter_identity(request, service_request)
    form = DisputeForm(_posted(request)[0], needs_contact=identity is None)
    if request.method == "POST" and form.is_valid():
        user, email, phone = _as_reporter(request, form, service_request, identity)
        try:
            services.request_dispute(
                request=service_request, reason=form.cleaned_data["reason"], user=user, email=email, phone=phone
            )
        except PermissionDenied:
            form.add_error("contact" if "contact" in form.fields else None, NOT_THE_REPORTER)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            if identity is None:
                _remember_reporter(request, service_request, email=email, phone=phone)
            messages.success(request, "We have reopened your report and will look at it again.")
            return redirect(track_url)
    return _page(
        request,
        "dispute.html",
        council,
        {
            "form": form,
            "service_request": service_request,
            "back_url": track_url,
            "deadline": services.dispute_deadline(service_request),
            "limit": services.WEB_DESCRIPTION_LIMIT,
        },
    )


def _token_matches(token: str, service_request) -> bool:
    try:
        data = signing.loads(token, salt=FEEDBACK_SALT)
    except signing.BadSignature:
        return False
    return isinstance(data, dict) and data.get("request") == service_request.pk


@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request, council_slug, reference, token):
    council = council_from_path(request, council_slug)
    service_request = selectors.request_public(council=council, reference=reference)
    context = {"service_request": service_request}
    if not _token_matches(token, service_request):
        return render(
            request,
            "service_requests/public/feedback_message.html",
            {
                "council": council,
                **context,
                "heading": "This link does not work",
                "text": "The link to give feedback is not right, or it is not for this request. Use the link in the "
                "message we sent you, or copy the whole link into your browser.",
            },
            status=404,
        )
    if Feedback.objects.filter(request=service_request).exists():
        return _page(
            request,
            "feedback_message.html",
            council,
            {
                **context,
                "heading": "Thank you for your feedback",
                "thanks": True,
                "text": "We use what residents tell us to improve our services.",
            },
        )
    if service_request.status not in CLOSED_STATUSES:
        return _page(
            request,
            "feedback_message.html",
            council,
            {
                **context,
                "heading": "You can give feedback once this request is closed",
                "text": "We will send you a link when we have finished dealing with it.",
            },
        )
    form = FeedbackForm(_posted(request)[0])
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_give(
                request=service_request, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            add_to_form(form, error)
        else:
            return redirect(request.path)
    return _page(request, "feedback.html", council, {**context, "form": form, "limit": 1200})


@login_required
@require_GET
def my_requests(request):
    rows = [
        {"request": r, "tag": status_tag(r), "overdue": selectors.is_overdue(r)}
        for r in selectors.requests_of_resident(user=request.user)[:200]
    ]
    return render(request, "service_requests/public/my_requests.html", {"rows": rows})
