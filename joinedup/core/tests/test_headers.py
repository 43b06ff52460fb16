import re

import pytest

from joinedup.core.headers import FEATURES, permissions_policy

pytestmark = pytest.mark.django_db


def test_every_page_has_a_policy_without_unsafe_inline_scripts_and_a_nonce_on_its_one_inline_script(client, council):
    response = client.get(f"/{council.slug}/")
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    )
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert (
        policy["default-src"] == "'self'" and policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    )
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.text)
    assert inline == [f' nonce="{nonce}"']
    # A fresh nonce for every response.
    assert nonce not in client.get(f"/{council.slug}/")["Content-Security-Policy"]


def test_device_features_are_off_except_location_on_the_location_step(client, council, category):
    from joinedup.service_requests.tests.test_public_views import report_until_check, url

    home = client.get(f"/{council.slug}/")["Permissions-Policy"]
    assert home == permissions_policy()
    assert "geolocation=()" in home and "camera=()" in home and "microphone=()" in home
    report_until_check(client, council, category)
    location = client.get(url(council, "report-location"))
    assert location.status_code == 200
    assert "geolocation=(self)" in location["Permissions-Policy"]
    assert all(f"{feature}=()" in location["Permissions-Policy"] for feature in FEATURES if feature != "geolocation")
