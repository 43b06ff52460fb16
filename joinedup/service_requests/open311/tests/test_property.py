"""
Hypothesis sends many malformed Open311 calls: none may cause a server error, and a refused
call must leave no trace (no request, history entry, follower, photo, message or audit entry).
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from joinedup.core.models import AuditEntry
from joinedup.notifications.models import Message
from joinedup.service_requests.models import Photo, RequestEvent, ServiceRequest, Subscription
from joinedup.service_requests.open311 import clients
from joinedup.service_requests.open311.models import ApiSubmission, ApiUpdate
from joinedup.service_requests.open311.tests.conftest import BASE

pytestmark = pytest.mark.django_db
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TABLES = (ServiceRequest, RequestEvent, Subscription, Photo, Message, AuditEntry, ApiSubmission, ApiUpdate)

text = st.text(max_size=60)
junk = st.one_of(
    text,
    st.sampled_from(["", " ", "\x00", "nan", "inf", "-1e309", "1e999999", "9" * 40, "é☃", "<x>&amp;", "'; drop"]),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


def _maybe(good, strategy=junk):
    return st.one_of(st.just(good), st.none(), strategy)


def _counts():
    return [model.objects.count() for model in TABLES]


@pytest.fixture
def key(council, category):
    return clients.api_client_create(
        actor=None,
        name="Fuzzer",
        council=council,
        scopes=(clients.SCOPE_CREATE, clients.SCOPE_UPDATES),
        rate_limit_per_minute=100_000,
    )[1]


def _body(key, draw_fields):
    return {k: v for k, v in draw_fields.items() if v is not None} | ({"api_key": key} if key else {})


new_request = st.fixed_dictionaries(
    {
        "jurisdiction_id": _maybe("E07000901"),
        "service_code": _maybe("fly-tipping"),
        "lat": _maybe("52.97"),
        "long": _maybe("-0.02"),
        "address_string": _maybe("High Street"),
        "address_id": _maybe(None),
        "description": _maybe("A sofa", st.text(min_size=3990, max_size=4010) | junk),
        "attribute[size]": _maybe("bag", st.sampled_from(["van", "asbestos", "piano"]) | junk),
        "attribute[seen]": _maybe("2026-11-20"),
        "attribute[size][]": _maybe(None, st.lists(junk, max_size=3)),
        "first_name": _maybe("Rosa", st.text(max_size=300)),
        "last_name": _maybe("Resident"),
        "email": _maybe("rosa@example.org"),
        "phone": _maybe("07700900982"),
        "deviceid": _maybe("FixMyStreet", st.text(max_size=300)),
        "account_id": _maybe(None),
        "media_url": _maybe("https://fms.example.org/1.jpeg", st.lists(junk, max_size=3)),
    }
)


@SETTINGS
@given(fields=new_request, fmt=st.sampled_from(["xml", "json"]), with_key=st.booleans())
def test_malformed_post_requests(client, key, fields, fmt, with_key):
    before = _counts()
    response = client.post(f"{BASE}/requests.{fmt}", _body(key if with_key else "", fields))
    assert response.status_code in (200, 400, 403, 404), response.content
    after = _counts()
    if response.status_code == 200:
        assert after[0] == before[0] + 1
    else:
        assert after == before, response.content


update = st.fixed_dictionaries(
    {
        "jurisdiction_id": _maybe("E07000901"),
        "service_request_id": _maybe("BDC-000001"),
        "update_id": _maybe("u1", st.text(max_size=120)),
        "status": _maybe("FIXED", st.sampled_from(["REOPEN", "DUPLICATE", "CLOSED", "OPEN", "open"]) | junk),
        "updated_datetime": _maybe("2026-11-23T10:00:00Z", st.datetimes().map(str) | junk),
        "description": _maybe("Done"),
        "duplicate_of": _maybe(None),
        "referred_to": _maybe(None, st.text(max_size=300)),
        "media_url": _maybe(None, st.lists(junk, max_size=2)),
    }
)


@SETTINGS
@given(fields=update, fmt=st.sampled_from(["xml", "json"]))
def test_malformed_post_updates(client, key, fields, fmt):
    if not ServiceRequest.objects.exists():
        assert client.post(
            f"{BASE}/requests.json",
            {"api_key": key, "jurisdiction_id": "E07000901", "service_code": "fly-tipping", "lat": "52.9",
             "long": "-0.1", "description": "Sofa", "attribute[size]": "bag"},
        ).status_code == 200  # fmt: skip
    before = _counts()
    response = client.post(f"{BASE}/servicerequestupdates.{fmt}", _body(key, fields))
    assert response.status_code in (200, 400, 403, 404), response.content
    if response.status_code != 200:
        assert _counts() == before, response.content


query = st.fixed_dictionaries(
    {
        "jurisdiction_id": _maybe("E07000901"),
        "service_request_id": _maybe(None, st.lists(junk, max_size=3).map(",".join)),
        "service_code": _maybe("fly-tipping"),
        "status": _maybe("open", st.sampled_from(["closed", "open,closed", "OPEN"]) | junk),
        "start_date": _maybe(None, st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()) | junk),
        "end_date": _maybe(None, st.datetimes().map(lambda d: d.isoformat()) | junk),
        "page": _maybe(None),
        "page_size": _maybe(None),
    }
)


@SETTINGS
@given(
    fields=query,
    path=st.sampled_from(["requests", "servicerequestupdates", "services", "requests/BDC-000001", "tokens/x"]),
    fmt=st.sampled_from(["xml", "json"]),
)
def test_malformed_queries(client, category, fields, path, fmt):
    response = client.get(f"{BASE}/{path}.{fmt}", {k: v for k, v in fields.items() if v is not None})
    assert response.status_code in (200, 400, 404), response.content
