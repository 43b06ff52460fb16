"""
Open311 GeoReport v2 endpoints with the mySociety updates extension. Each takes its format from
the extension (.xml or .json), finds the council from jurisdiction_id, and answers errors in the
standard's own shape. Reads are public; POSTs need an API key.
"""

import datetime
import functools

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.http import Http404
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from joinedup.service_requests.open311 import clients, params, selectors
from joinedup.service_requests.open311 import services as api
from joinedup.service_requests.open311.formats import JSON_TYPE, XML_TYPE, Open311Error, bad_request, error_response
from joinedup.service_requests.open311.formats import respond as _respond

REQUESTS_WINDOW = params.MAX_SPAN
UPDATES_WINDOW = datetime.timedelta(hours=24)
PHOTO_FIELDS = ("photo", "media", "file")


def endpoint(methods=("GET",)):
    """Check the method and the arguments, and turn Open311Error and Http404 into error bodies."""

    def decorator(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request, fmt, **kwargs):
            # HEAD is a GET without the body (Django's handlers drop the body): every read answers it.
            allowed = (*methods, "HEAD") if "GET" in methods else methods
            try:
                if request.method not in allowed:
                    raise Open311Error(
                        405,
                        [(405, f"Method {request.method} is not allowed here")],
                        headers={"Allow": ", ".join(allowed)},
                    )
                params.check_values(request.GET)
                if request.method == "POST":
                    params.check_values(request.POST)
                return view(request, fmt, **kwargs)
            except Open311Error as error:
                return error_response(fmt, error)
            except Http404:
                return error_response(fmt, Open311Error(404, [(404, "Not found")]))
            except RequestDataTooBig:
                limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
                message = f"The request's fields are too large: at most {limit:.1f} MB, not counting photos"
                return error_response(fmt, Open311Error(413, [(413, message)]))

        return wrapped

    return decorator


def _query(request):
    return request.POST if request.method == "POST" else request.GET


def _council(request):
    """The council named by jurisdiction_id (its GSS code or host name), or the one whose host name was used."""
    jurisdiction = params.optional(_query(request), "jurisdiction_id") or params.optional(
        request.GET, "jurisdiction_id"
    )
    if not jurisdiction:
        council = getattr(request, "host_council", None)
        if council is None:
            raise bad_request("jurisdiction_id: required; use the council's GSS code (like E07000136) or host name")
        return council
    council = clients.council_for_jurisdiction(jurisdiction)
    if council is None:
        raise Open311Error(404, [(404, f"jurisdiction_id: no council '{jurisdiction}' is served here")])
    host_council = getattr(request, "host_council", None)
    if host_council is not None and host_council.pk != council.pk:
        # On a council's own host name, only that council's pages and data are served.
        raise Open311Error(
            404, [(404, f"jurisdiction_id: this address serves only {host_council.name}, not '{jurisdiction}'")]
        )
    return council


def _client(request, council, scope):
    key = params.optional(request.POST, "api_key")
    try:
        return clients.authenticate(key=key, council=council, scope=scope)
    except clients.KeyRefused:
        action = "create_request" if scope == clients.SCOPE_CREATE else "post_service_request_update"
        raise Open311Error(403, [(403, f"Invalid api_key received -- can't proceed with {action}.")]) from None
    except clients.RateLimited:
        raise Open311Error(
            429, [(429, "Too many requests with this api_key: wait a minute")], headers={"Retry-After": "60"}
        ) from None


@endpoint()
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": "xml"})).rsplit("/", 1)[0]
    return _respond(
        fmt,
        "discovery",
        {
            "changeset": "2026-11-23T00:00:00+00:00",
            "contact": "Your council's customer services team; technical questions to the JoinedUp team.",
            "key_service": "Ask the council's staff for an API key (see docs/open311.md).",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": "2026-11-23T00:00:00+00:00",
                    "type": "production",
                    "formats": [XML_TYPE.split(";")[0], JSON_TYPE.split(";")[0]],
                }
            ],
        },
    )


@endpoint()
def service_list(request, fmt):
    return _respond(fmt, "services", selectors.services_for(council=_council(request)))


@endpoint()
def service_definition(request, fmt, service_code):
    definition = selectors.service_definition(council=_council(request), service_code=service_code)
    return _respond(fmt, "service_definition", definition)


@endpoint(methods=("GET", "POST"))
def requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    query = request.GET
    council = _council(request)
    ids = params.comma_list(query, "service_request_id")
    page, page_size = params.paging(query, maximum=selectors.MAX_RESULTS)
    if ids is not None:
        found = selectors.request_search(
            council=council, service_request_ids=ids, page=page, page_size=page_size, extra=1
        )
        return _paged(request, fmt, "service_requests", selectors.requests_output(found), page, page_size)
    status = params.comma_list(query, "status")
    if status and {s.lower() for s in status} - {"open", "closed"}:
        raise bad_request("status: must be open, closed, or both separated by a comma")
    start, end = params.window(query, default=REQUESTS_WINDOW)
    found = selectors.request_search(
        council=council,
        service_codes=params.comma_list(query, "service_code"),
        status=[s.lower() for s in status] if status else None,
        start=start,
        end=end,
        page=page,
        page_size=page_size,
        extra=1,
    )
    return _paged(request, fmt, "service_requests", selectors.requests_output(found), page, page_size)


def _paged(request, fmt, root, items, page, page_size):
    """Answer one page. When there is another, say so in a `Link: <...>; rel="next"` header (RFC 8288),
    so the body keeps the standard's shape; clients that ignore it get the first page as before."""
    more = len(items) > page_size
    response = _respond(fmt, root, items[:page_size])
    if more:
        query = request.GET.copy()
        query["page"] = str(page + 1)
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="next"'
    return response


def _uploads(request) -> list:
    return [
        upload
        for name in sorted(request.FILES)
        if name.startswith(PHOTO_FIELDS)
        for upload in request.FILES.getlist(name)
    ]


def _create(request, fmt):
    query = request.POST
    council = _council(request)
    client = _client(request, council, clients.SCOPE_CREATE)
    errors = []
    service_code = params.optional(query, "service_code")
    if not service_code:
        errors.append("service_code: required")
    latitude, longitude = params.coordinate(query, "lat", errors), params.coordinate(query, "long", errors)
    if (params.optional(query, "lat") == "") != (params.optional(query, "long") == ""):
        errors.append("lat: send lat and long together")
    address_string, address_id = params.optional(query, "address_string"), params.optional(query, "address_id")
    has_point = latitude is not None and longitude is not None
    if not (has_point or address_string or address_id) and not any(e.startswith(("lat", "long")) for e in errors):
        errors.append("lat: a location is required: lat and long, address_string or address_id")
    media_urls = params.media_urls(query, errors)
    if errors:
        raise bad_request(*errors)
    submission = api.api_request_create(
        client=client,
        council=council,
        service_code=service_code,
        description=query.get("description", ""),
        latitude=latitude if has_point else None,
        longitude=longitude if has_point else None,
        address_string=address_string,
        address_id=address_id,
        attributes=params.attributes(query),
        first_name=params.optional(query, "first_name"),
        last_name=params.optional(query, "last_name"),
        email=params.optional(query, "email"),
        phone=params.optional(query, "phone"),
        device_id=params.optional(query, "device_id") or params.optional(query, "deviceid"),
        account_id=params.optional(query, "account_id"),
        media_urls=media_urls,
        uploads=_uploads(request),
    )
    item = {"service_request_id": submission.request.reference, "token": str(submission.token)}
    if submission.request.category.notice:
        item["service_notice"] = submission.request.category.notice
    if submission.account_id:
        item["account_id"] = submission.account_id
    return _respond(fmt, "service_requests", [item])


@endpoint()
def token(request, fmt, token):
    submission = selectors.submission_by_token(council=_council(request), token=token)
    item = {"service_request_id": submission.request.reference, "token": str(submission.token)}
    return _respond(fmt, "service_requests", [item])


@endpoint()
def request_detail(request, fmt, service_request_id):
    found = selectors.request_by_id(council=_council(request), service_request_id=service_request_id)
    return _respond(fmt, "service_requests", selectors.requests_output([found]))


@endpoint(methods=("GET", "POST"))
def updates(request, fmt):
    council = _council(request)
    if request.method == "POST":
        return _post_update(request, fmt, council)
    # api_key is optional here, and FixMyStreet always sends one, often empty: it is not checked.
    start, end = params.window(request.GET, default=UPDATES_WINDOW)
    page, page_size = params.paging(request.GET, maximum=selectors.MAX_RESULTS)
    found = selectors.updates_between(council=council, start=start, end=end, page=page, page_size=page_size, extra=1)
    return _paged(request, fmt, "service_request_updates", found, page, page_size)


def _post_update(request, fmt, council):
    query = request.POST
    client = _client(request, council, clients.SCOPE_UPDATES)
    errors = []
    required = {}
    for name in ("service_request_id", "update_id", "status", "updated_datetime"):
        required[name] = params.optional(query, name)
        if not required[name]:
            errors.append(f"{name}: required")
    if len(required["update_id"]) > 100:
        errors.append("update_id: must be 100 characters or fewer")
    sent_at = (
        params.when(required["updated_datetime"], "updated_datetime", errors) if required["updated_datetime"] else None
    )
    media_urls = params.media_urls(query, errors)
    if errors:
        raise bad_request(*errors)
    arguments = {
        "client": client,
        "council": council,
        "service_request_id": required["service_request_id"],
        "update_id": required["update_id"],
        "status": required["status"],
        "sent_at": sent_at,
        "description": query.get("description", ""),
        "referred_to": params.optional(query, "referred_to")[:200],
        "duplicate_of": params.optional(query, "duplicate_of"),
        "media_urls": media_urls,
        "uploads": _uploads(request),
    }
    try:
        update, _ = api.api_update_post(**arguments)
    except IntegrityError:  # the same update_id arrived twice at once: the other one won
        update, _ = api.api_update_post(**arguments)
    return _respond(fmt, "service_request_updates", [{"update_id": str(update.event_id)}])


@endpoint()
def openapi(request, fmt):
    from joinedup.service_requests.open311.openapi import document

    return _respond("json", "openapi", document(request))


@csrf_exempt
def not_found(request, path=""):
    fmt = "json" if path.endswith(".json") else "xml"
    return error_response(fmt, Open311Error(404, [(404, f"There is no Open311 endpoint '{path}'")]))
