"""Entra sign-in logs in JSON, as the Entra admin centre's "Download JSON" writes them."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from joinedup.software import services
from joinedup.software.models import ImportKind, UsageMonthly
from joinedup.software.positions import licence_position
from joinedup.software.tests.factories import make_product

pytestmark = pytest.mark.django_db


def sign_in(when, upn, app, code=0, reason="Other."):
    """One sign-in with the keys (and nesting) of Microsoft Graph's signIn, as the portal writes it."""
    return {
        "id": "66ea54eb-6301-4ee5-be62-ff5a759b0100",
        "createdDateTime": when,
        "userDisplayName": upn.split("@")[0].title(),
        "userPrincipalName": upn,
        "userId": "d7cc485d-2c1b-422c-98fd-5ce52859a4a3",
        "appId": "de8bc8b5-d9f9-48b1-a8ad-b748da725064",
        "appDisplayName": app,
        "ipAddress": "131.107.159.37",
        "clientAppUsed": "Browser",
        "correlationId": "65c52b8e-4e3d-4d0e-9b3f-ba6c9b0a1f0e",
        "conditionalAccessStatus": "notApplied",
        "isInteractive": True,
        "riskDetail": "none",
        "resourceDisplayName": app,
        "status": {"errorCode": code, "failureReason": reason, "additionalDetails": None},
        "deviceDetail": {"deviceId": "", "displayName": None, "operatingSystem": "Windows 10", "browser": "Edge 131.0"},
        "location": {
            "city": "Lincoln",
            "state": "Lincolnshire",
            "countryOrRegion": "GB",
            "geoCoordinates": {"altitude": None, "latitude": 53.23, "longitude": -0.54},
        },
        "appliedConditionalAccessPolicies": [],
    }


@pytest.fixture
def salesforce(council):
    return make_product(council, "Salesforce Service Cloud", publisher="Salesforce", aliases=["Salesforce"])


def run(council, data):
    return services.import_file(
        actor=None, council=council, kind=ImportKind.ENTRA_SIGNIN, data=data, filename="InteractiveSignIns.json"
    )


def test_a_portal_json_download_imports_like_the_csv(council, salesforce):
    newest = timezone.localdate() - datetime.timedelta(days=2)
    records = [sign_in(f"{newest}T08:0{n % 10}:00Z", f"user{n}@borchester.gov.uk", "Salesforce") for n in range(30)]
    records.append(sign_in(f"{newest}T09:00:00Z", "eve@borchester.gov.uk", "Salesforce", 50126, "Invalid password"))
    records.append(sign_in(f"{newest}T09:00:00Z", "eve@borchester.gov.uk", "Microsoft Teams Web Client"))
    services.entitlement_create(
        actor=None,
        council=council,
        product=salesforce,
        quantity=40,
        metric="subscription",
        unit_price=Decimal("100"),
        billing_period="monthly",
    )
    batch, result = run(council, ("\ufeff" + json.dumps(records, indent=2)).encode())
    assert (result.rows, result.skipped, result.people) == (32, 2, 30)
    assert batch.report_refresh_date == newest
    assert UsageMonthly.objects.filter(product=salesforce).count() == 30
    [position] = licence_position(council=council)
    assert position.used == 30 and position.yearly_saving == Decimal("12000.00")


def test_a_graph_page_imports_too(council, salesforce):
    page = {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns",
        "value": [sign_in("2026-11-18T08:01:02Z", "ann@borchester.gov.uk", "Salesforce")],
    }
    _, result = run(council, json.dumps(page).encode())
    assert result.ok and UsageMonthly.objects.get().person == "ann@borchester.gov.uk"


def test_bad_json_is_refused_with_its_place_and_nothing_imported(council, salesforce):
    good = sign_in("2026-11-18T08:01:02Z", "ann@borchester.gov.uk", "Salesforce")
    cut = json.dumps([good, good])[:-40].encode()
    with pytest.raises(services.ImportFailed) as failure:
        run(council, cut)
    message = str(failure.value.result.errors[0])
    assert message.startswith("The file cannot be read as an Entra sign-in log in JSON (")
    assert "/tmp" not in message and not UsageMonthly.objects.exists()
    bad_date = json.dumps([sign_in("03/12/2026 08:01", "ann@borchester.gov.uk", "Salesforce")]).encode()
    with pytest.raises(services.ImportFailed) as failure:
        run(council, bad_date)
    assert str(failure.value.result.errors[0]).startswith("Row 1, column 'createdDateTime': '03/12/2026 08:01'")
    with pytest.raises(services.ImportFailed) as failure:
        run(council, b"[]")
    assert str(failure.value.result.errors[0]) == "The file has no sign-ins."
