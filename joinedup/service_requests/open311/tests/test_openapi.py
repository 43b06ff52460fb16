import re

import pytest

from joinedup.service_requests.open311 import urls
from joinedup.service_requests.open311.tests.conftest import BASE, jsonbody, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    return jsonbody(response)


def _refs(value):
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "$ref":
                yield child
            else:
                yield from _refs(child)
    elif isinstance(value, list):
        for child in value:
            yield from _refs(child)


def test_document_is_openapi_3_and_its_references_resolve(document):
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": "http://testserver/open311/v2"}]
    for ref in _refs(document):
        name = ref.removeprefix("#/components/schemas/")
        assert name in document["components"]["schemas"], ref


def test_every_endpoint_is_described(document):
    described = set()
    for path, operations in document["paths"].items():
        for method in operations:
            described.add((method, path))
    routes = {p.name for p in urls.urlpatterns} - {"not-found", "openapi"}
    paths = {re.sub(r"\{(\w+)\}", "x", path) for _, path in described}
    expected = {
        "discovery": "/discovery.x",
        "services": "/services.x",
        "service": "/services/x.x",
        "requests": "/requests.x",
        "request": "/requests/x.x",
        "token": "/tokens/x.x",
        "updates": "/servicerequestupdates.x",
    }
    assert set(expected) == routes
    assert set(expected.values()) == paths
    assert ("post", "/requests.{format}") in described and ("post", "/servicerequestupdates.{format}") in described


def test_every_response_lists_its_errors(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "200" in operation["responses"], (method, path)
            assert "404" in operation["responses"], (method, path)
            if method == "post":
                assert {"400", "403", "429"} <= set(operation["responses"]), path
            for parameter in operation.get("parameters", []):
                assert parameter["description"], (path, parameter["name"])


def test_documented_post_fields_are_the_ones_read(document, client, category, fms):
    """Every field FixMyStreet sends for a new report is documented, and the documented ones work."""
    fields = document["paths"]["/requests.{format}"]["post"]["requestBody"]["content"][
        "application/x-www-form-urlencoded"
    ]["schema"]["properties"]
    for name in report("k"):
        assert re.sub(r"\[\w+\]", "[code]", name) in fields, name
    for name in ("deviceid", "media_url", "photo1", "address_id", "device_id", "account_id", "phone"):
        assert name in fields


def test_response_shapes_match_the_document(document, client, category, fms):
    """The JSON a request comes back as has the documented required fields, and no undocumented ones."""
    client.post(f"{BASE}/requests.json", report(fms[1]))
    item = jsonbody(client.get(f"{BASE}/requests.json", {"jurisdiction_id": "E07000901"}))[0]
    schema = document["components"]["schemas"]["ServiceRequests"]["items"]
    assert set(schema["required"]) <= set(item)
    assert set(item) <= set(schema["properties"])
    services = jsonbody(client.get(f"{BASE}/services.json", {"jurisdiction_id": "E07000901"}))
    assert set(services[0]) <= set(document["components"]["schemas"]["Services"]["items"]["properties"])
