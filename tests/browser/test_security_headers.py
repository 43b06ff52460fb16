"""The Content-Security-Policy in a real browser: GOV.UK Frontend's inline script runs (it has
the page's nonce), nothing on the pages is refused, and an injected inline script is."""

from tests.browser.helpers import COUNCIL, open_page


def test_pages_run_under_the_policy_and_refuse_injected_scripts(page, demo, axe):
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    for path in (f"/{COUNCIL}/", f"/{COUNCIL}/report/", "/account/sign-in/"):
        open_page(page, path)
        # The inline script at the top of <body> ran: GOV.UK Frontend's components are on.
        assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')"), path
        axe(page)
    assert refused == []
    page.evaluate(
        """() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';
                   document.body.appendChild(s); }"""
    )
    assert page.evaluate("typeof window.injected") == "undefined"
    assert any("Content Security Policy" in text for text in refused)
