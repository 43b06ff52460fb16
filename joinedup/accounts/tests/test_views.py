import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = "/account/sign-in/"


def sign_in(client, email, password=PASSWORD, next_url=""):
    return client.post(SIGN_IN, {"username": email, "password": password, "next": next_url})


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_sign_in_with_an_email_in_any_case(client, resident):
    response = sign_in(client, "RESIDENT@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")


def test_wrong_password_shows_a_clear_error(client, resident):
    response = sign_in(client, resident.email, "not-the-password")
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter a correct email address and password" in response.text


def test_empty_sign_in_form_names_each_missing_field(client):
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    assert 'href="#id_username">Enter your email address</a>' in response.text
    assert 'href="#id_password">Enter your password</a>' in response.text


def test_repeated_failed_sign_ins_are_throttled(client, resident, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, resident.email, "wrong-password-guess")
    response = sign_in(client, resident.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.text
    assert "_auth_user_id" not in client.session


def test_staff_must_set_up_and_use_an_authenticator_app_when_mfa_is_required(client, settings, staff_user, council):
    settings.REQUIRE_STAFF_MFA = True
    staff_page = reverse("councils:staff-home", kwargs={"council_slug": council.slug})
    response = sign_in(client, staff_user.email, next_url=staff_page)
    assert response.status_code == 302

    # Signed in with a password only: every back-office page sends them to two-factor sign-in.
    response = client.get(staff_page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor"))
    setup = client.get(response["Location"])
    assert "Set up two-factor sign-in" in setup.text
    assert "<svg" in setup.text

    device = TOTPDevice.objects.get(user=staff_user, confirmed=False)
    wrong = client.post(reverse("accounts:two-factor"), {"code": "000000", "next": staff_page})
    assert "The code is not right" in wrong.text
    # Each wrong code makes the next attempt wait longer, even a right one.
    throttled = client.post(reverse("accounts:two-factor"), {"code": code_for(device), "next": staff_page})
    assert "Too many wrong codes" in throttled.text
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)  # the wait is over
    response = client.post(reverse("accounts:two-factor"), {"code": code_for(device), "next": staff_page})
    assert response["Location"] == staff_page
    assert client.get(staff_page).status_code == 200
    device.refresh_from_db()
    assert device.confirmed is True


def test_staff_with_an_app_enter_its_code_at_each_sign_in(client, settings, staff_user):
    settings.REQUIRE_STAFF_MFA = True
    device = TOTPDevice.objects.create(user=staff_user, name="Phone", confirmed=True)
    sign_in(client, staff_user.email)
    page = client.get(reverse("accounts:two-factor"))
    assert "Enter your security code" in page.text
    assert "<svg" not in page.text
    response = client.post(reverse("accounts:two-factor"), {"code": code_for(device)})
    assert response["Location"] == reverse("accounts:home")


def test_badly_formed_code_gets_a_specific_error(client, settings, staff_user):
    settings.REQUIRE_STAFF_MFA = True
    TOTPDevice.objects.create(user=staff_user, name="Phone", confirmed=True)
    sign_in(client, staff_user.email)
    response = client.post(reverse("accounts:two-factor"), {"code": "12ab"})
    assert "Enter the code as 6 digits" in response.text


def test_councillors_and_residents_do_not_need_mfa(client, settings, councillor, resident):
    settings.REQUIRE_STAFF_MFA = True
    for user in (councillor, resident):
        client.force_login(user)
        assert client.get(reverse("accounts:home")).status_code == 200


def test_mfa_is_not_asked_for_when_the_setting_is_off(client, settings, staff_user, council):
    settings.REQUIRE_STAFF_MFA = False
    client.force_login(staff_user)
    assert client.get(reverse("councils:staff-home", kwargs={"council_slug": council.slug})).status_code == 200


def test_two_factor_page_never_redirects_off_site(client, settings, staff_user):
    settings.REQUIRE_STAFF_MFA = True
    device = TOTPDevice.objects.create(user=staff_user, name="Phone", confirmed=True)
    sign_in(client, staff_user.email)
    response = client.post(reverse("accounts:two-factor"), {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:home")


def test_password_reset_by_email_over_smtp(client, smtp_server, resident):
    response = client.post(reverse("accounts:password-reset"), {"email": "resident@example.org"})
    assert response["Location"] == reverse("accounts:password-reset-sent")
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message["To"] == "resident@example.org"
    assert message["Subject"] == "Reset your password"
    link = re.search(r"http://testserver(/account/password-reset/\S+/)", message.get_content()).group(1)

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text
    new_password = "a-brand-new-passphrase"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert response["Location"] == reverse("accounts:password-reset-complete")
    resident.refresh_from_db()
    assert resident.check_password(new_password)


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client, smtp_server):
    response = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in response.text
    assert smtp_server == []


def test_sign_out_needs_a_post(client, resident):
    client.force_login(resident)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_account_page_lists_roles_and_staff_councils(client, staff_user, council):
    client.force_login(staff_user)
    page = client.get(reverse("accounts:home")).text
    assert "Council staff (Borchester District Council)" in page
    assert reverse("councils:staff-home", kwargs={"council_slug": council.slug}) in page


def test_password_reset_requests_are_rate_limited_per_email_and_per_address(client, smtp_server, resident):
    url = reverse("accounts:password-reset")
    for _ in range(3):
        assert client.post(url, {"email": resident.email}).status_code == 302
    response = client.post(url, {"email": resident.email})
    assert response.status_code == 429
    assert "Too many requests" in response.text
    assert len(smtp_server) == 3
    for number in range(6):
        client.post(url, {"email": f"someone{number}@example.org"})
    assert client.post(url, {"email": "fresh@example.org"}).status_code == 429


def test_rate_limits_trust_only_the_configured_proxies(rf, settings):
    from joinedup.core.ratelimit import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.7"
