"""
Helpers the browser tests share: signing in through the real form and opening a page.

The `demo` fixture that loads the demo data lives in conftest.py, with the same PASSWORD.
"""

import re

from playwright.sync_api import expect

# The password seed_demo gives every demo user in the browser tests.
PASSWORD = "correct-horse-battery-staple"
# The demo council the browser tests use.
COUNCIL = "boston"


def sign_in(page, email, next_url="", *, check_url=False):
    """Sign in through the real sign-in form, then go on to next_url if given.

    With check_url, fail unless the browser ends up at next_url.
    """
    page.goto(f"/account/sign-in/?next={next_url}" if next_url else "/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    if check_url:
        expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def open_page(page, path, heading=None, *, status=200):
    """Go to path, fail unless it answers with status and, if given, has heading as its h1."""
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"{path} answered {response and response.status}, not {status}"
    )
    if heading is not None:
        expect(page.locator("h1")).to_have_text(heading)
    return response
