import io
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from joinedup.councils.models import CouncilHostname
from joinedup.service_requests.open311 import clients

BASE = "/open311/v2"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def hostname(council):
    return CouncilHostname.objects.create(council=council, hostname="report.borchester.example.org")


@pytest.fixture
def fms(council):
    """FixMyStreet's client at Borchester: creates requests and posts updates. Returns (client, key)."""
    return clients.api_client_create(
        actor=None, name="FixMyStreet", council=council, scopes=(clients.SCOPE_CREATE, clients.SCOPE_UPDATES)
    )


@pytest.fixture
def back_office(council):
    """A works-management system that only posts updates."""
    return clients.api_client_create(actor=None, name="Works system", council=council, scopes=(clients.SCOPE_UPDATES,))


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8", response["Content-Type"]
    text = response.content.decode()
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def jsonbody(response):
    assert response["Content-Type"] == "application/json; charset=utf-8", response["Content-Type"]
    return response.json()


def errors_of(response, fmt):
    """The (code, description) pairs of an Open311 error body, in either format."""
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "errors"
        return [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]
    return [(item["code"], item["description"]) for item in jsonbody(response)]


def photo_upload(name="photo1", size=(40, 30), fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 80, 40)).save(buffer, format=fmt)
    return SimpleUploadedFile(f"{name}.jpg", buffer.getvalue(), content_type="image/jpeg")


def report(key, **overrides):
    """A good POST requests body for the fly-tipping category."""
    data = {
        "api_key": key,
        "jurisdiction_id": "E07000901",
        "service_code": "fly-tipping",
        "lat": "52.9789",
        "long": "-0.0266",
        "description": "A sofa dumped on the verge",
        "attribute[size]": "bag",
        "first_name": "Rosa",
        "last_name": "Resident",
        "email": "rosa@example.org",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
