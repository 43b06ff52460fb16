"""
Helpers the browser tests share: signing in through the real form and opening a page.

The `demo` fixture that loads the demo data lives in conftest.py, with the same PASSWORD.

With two-factor sign-in required (production settings: `.ci/run` runs every browser test once
more that way), `sign_in` goes through the real two-factor page too, typing the code that the
person's authenticator app would show, worked out from their device's secret.
"""

import re
import time

from playwright.sync_api import expect

# The password seed_demo gives every demo user in the browser tests.
PASSWORD = "correct-horse-battery-staple"
# The demo council the browser tests use.
COUNCIL = "boston"


def sign_in(page, email, next_url="", *, check_url=False, two_factor=True):
    """Sign in through the real sign-in form, then go on to next_url if given.

    If the two-factor page follows, enter the authenticator app's code too (unless two_factor is
    False, for a test of that page). With check_url, fail unless the browser ends up at next_url.
    """
    page.goto(f"/account/sign-in/?next={next_url}" if next_url else "/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    if two_factor:
        complete_two_factor_if_asked(page, email)
    if check_url:
        expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


TWO_FACTOR_PAGE = re.compile(r"/account/two-factor/(\?|$)")


def authenticator_code(email) -> str:
    """The code the person's authenticator app shows now, as a phone would work it out (RFC 6238).

    A code is accepted once, so if this time step's code was used already (the same person signed
    in twice within 30 seconds), it gives the next step's code, which the server also accepts.
    """
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # The confirmed device if there is one; else the one the set-up page has just made.
    device = TOTPDevice.objects.filter(user__email=email).order_by("-confirmed", "-id").first()
    assert device is not None, f"{email} was sent to two-factor sign-in but has no authenticator device"
    while True:
        totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        for ahead in (0, 1):
            totp.time = time.time() + ahead * device.step
            if device.last_t is None or totp.t() > device.last_t:
                return str(totp.token()).zfill(device.digits)
        time.sleep(1)


def complete_two_factor_if_asked(page, email):
    """On the two-factor page (setting up or signing in), enter the authenticator app's code."""
    if not TWO_FACTOR_PAGE.search(page.url):
        return
    page.get_by_label("Code from your authenticator app").fill(authenticator_code(email))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert not TWO_FACTOR_PAGE.search(page.url), f"two-factor sign-in for {email} was refused"


def acting_in_session(user):
    """The user as a test's set-up acts for them through a service: as if signed in, with two-factor.

    Services check the acting person's session; a set-up step has none, so it says what the
    browser would have done. The browser itself always signs in through the real pages.
    """
    user.is_verified = lambda: True
    return user


def open_page(page, path, heading=None, *, status=200):
    """Go to path, fail unless it answers with status and, if given, has heading as its h1."""
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"{path} answered {response and response.status}, not {status}"
    )
    if heading is not None:
        expect(page.locator("h1")).to_have_text(heading)
    return response
