import pytest

from joinedup.service_requests.models import QuestionKind
from joinedup.service_requests.open311.tests.conftest import BASE, errors_of, jsonbody, xml
from joinedup.service_requests.tests.factories import CategoryFactory, QuestionFactory

pytestmark = pytest.mark.django_db
J = {"jurisdiction_id": "E07000901"}


@pytest.fixture
def questions(category):
    """All six kinds of question Open311 can describe (fly-tipping already has a single choice and a date)."""
    QuestionFactory(category=category, code="notes", prompt="Anything else?", kind=QuestionKind.TEXT, order=3)
    QuestionFactory(category=category, code="bags", prompt="How many bags?", kind=QuestionKind.NUMBER, order=4)
    QuestionFactory(
        category=category,
        code="what",
        prompt="What is in it?",
        kind=QuestionKind.MULTIPLE_CHOICE,
        order=5,
        choices=[{"value": "tyres", "label": "Tyres"}, {"value": "rubble", "label": "Rubble"}],
    )
    return category


def test_discovery_xml(client):
    response = client.get(f"{BASE}/discovery.xml")
    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "discovery"
    assert root.findtext("changeset").endswith("+00:00")
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


def test_discovery_json(client):
    body = jsonbody(client.get(f"{BASE}/discovery.json"))
    assert isinstance(body, dict)
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"


def test_services_xml(client, category, council):
    CategoryFactory(council=council, name="Potholes", slug="potholes", group="Roads")
    CategoryFactory(council=council, name="Old", slug="old", is_active=False)
    root = xml(client.get(f"{BASE}/services.xml", J))
    assert root.tag == "services"
    services = {s.findtext("service_code"): s for s in root.findall("service")}
    assert set(services) == {"fly-tipping", "potholes"}
    fly = services["fly-tipping"]
    assert fly.findtext("service_name") == "Fly-tipping"
    assert fly.findtext("metadata") == "true"
    assert fly.findtext("type") == "realtime"
    assert [g.text for g in fly.findall("groups/group")] == ["Rubbish and street cleaning"]
    assert services["potholes"].findtext("metadata") == "false"


def test_services_json_is_an_array_with_string_codes(client, category):
    body = jsonbody(client.get(f"{BASE}/services.json", J))
    assert isinstance(body, list)
    (service,) = body
    assert service["service_code"] == "fly-tipping" and service["metadata"] is True
    assert all(isinstance(service[k], str) for k in ("service_code", "service_name", "type", "keywords", "group"))


def test_services_of_another_council_are_not_listed(client, category, outside_council):
    CategoryFactory(council=outside_council, slug="graffiti")
    body = jsonbody(client.get(f"{BASE}/services.json", {"jurisdiction_id": outside_council.gss_code}))
    assert [s["service_code"] for s in body] == ["graffiti"]


def test_service_definition_xml_has_all_datatypes_in_order(client, questions):
    root = xml(client.get(f"{BASE}/services/fly-tipping.xml", J))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "fly-tipping"
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes] == ["size", "seen", "notes", "bags", "what"]
    assert [a.findtext("datatype") for a in attributes] == [
        "singlevaluelist", "datetime", "string", "number", "multivaluelist"
    ]  # fmt: skip
    assert [a.findtext("order") for a in attributes] == ["1", "2", "3", "4", "5"]
    assert attributes[0].findtext("required") == "true" and attributes[1].findtext("required") == "false"
    assert attributes[0].findtext("variable") == "true"
    assert attributes[0].findtext("description") == "About how much is there?"
    values = [(v.findtext("key"), v.findtext("name")) for v in attributes[0].findall("values/value")]
    assert values == [("bag", "A bag"), ("van", "A van load"), ("asbestos", "Asbestos")]


def test_service_definition_json(client, questions):
    body = jsonbody(client.get(f"{BASE}/services/fly-tipping.json", J))
    assert body["service_code"] == "fly-tipping"
    assert [a["order"] for a in body["attributes"]] == [1, 2, 3, 4, 5]
    assert body["attributes"][4]["values"] == [{"key": "tyres", "name": "Tyres"}, {"key": "rubble", "name": "Rubble"}]
    assert "values" not in body["attributes"][2]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_service_and_endpoint_are_404_in_the_standard_shape(client, category, fmt):
    response = client.get(f"{BASE}/services/potholes.{fmt}", J)
    assert response.status_code == 404
    assert errors_of(response, fmt) == [(404, "Not found")]
    response = client.get(f"{BASE}/nothing-here.{fmt}")
    assert response.status_code == 404
    assert errors_of(response, fmt)[0][0] == 404


def test_wrong_method_is_refused_in_the_standard_shape(client):
    response = client.post(f"{BASE}/discovery.json")
    assert response.status_code == 405
    assert errors_of(response, "json") == [(405, "Method POST is not allowed here")]
