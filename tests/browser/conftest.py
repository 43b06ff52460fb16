"""
Browser tests: a real Chromium, driven by Playwright's sync API, against pytest-django's live server.

One browser is started for the session, on the first browser test; every test gets a fresh
context (its own cookies and storage), so tests never share a signed-in session. Playwright
never downloads a browser here: it always uses the system Chromium at CHROMIUM_PATH.

While Playwright's sync API is running, an asyncio event loop counts as running in this thread,
so Django refuses ORM calls from the test as "async unsafe" unless DJANGO_ALLOW_ASYNC_UNSAFE is
set. Nothing here is really async, so it is set, but only while the browser runs: set for the
whole process, it leaks into other tests (and the subprocesses they start, where
`manage.py check --deploy` rightly fails on it). The browser is stopped, and the variable put
back, as soon as the last browser test in a row has finished.
"""

import json
import os
from pathlib import Path

import pytest
from helpers import COUNCIL, PASSWORD

REPO_ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_MISSING = "Chromium is not installed: run `apt-get install chromium` (Debian) and try again."
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_PATH = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
# Long enough for a slow CI machine, short enough that a hung page fails the test.
TIMEOUT_MS = 30_000


def _is_browser_test(item) -> bool:
    return item is not None and HERE in Path(item.path).resolve().parents


def pytest_collection_modifyitems(items):
    """Mark every test in this directory as a browser test."""
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)


class Chromium:
    """The session's one headless Chromium, started when a test first needs it."""

    def __init__(self):
        self._playwright = None
        self._browser = None
        self._saved_async_unsafe = None

    def browser(self):
        if self._browser is None:
            if not CHROMIUM_PATH.exists():
                pytest.fail(CHROMIUM_MISSING, pytrace=False)
            from playwright.sync_api import sync_playwright

            self._saved_async_unsafe = os.environ.get(ASYNC_UNSAFE)
            os.environ[ASYNC_UNSAFE] = "true"
            self._playwright = sync_playwright().start()
            try:
                self._browser = self._playwright.chromium.launch(
                    executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS
                )
            except BaseException:
                self.stop()
                raise
        return self._browser

    def stop(self):
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            self._browser = None
            if self._playwright is not None:
                self._playwright.stop()
                self._playwright = None
            if self._saved_async_unsafe is None:
                os.environ.pop(ASYNC_UNSAFE, None)
            else:
                os.environ[ASYNC_UNSAFE] = self._saved_async_unsafe


_chromium = Chromium()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Stop the browser once the next test is not a browser test (after the test's own teardown)."""
    try:
        return (yield)
    finally:
        if _is_browser_test(item) and not _is_browser_test(nextitem):
            _chromium.stop()


@pytest.fixture(scope="session")
def chromium():
    """The session's Chromium: call it for the browser."""
    try:
        yield _chromium.browser
    finally:
        _chromium.stop()


def _new_context(chromium, live_server, **options):
    context = chromium().new_context(base_url=live_server.url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def page(chromium, live_server, transactional_db):
    """A page in a fresh, JavaScript-enabled browser context. Relative URLs go to the live server."""
    context = _new_context(chromium, live_server)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def no_js_page(chromium, live_server, transactional_db):
    """A page in a fresh browser context with JavaScript turned off."""
    context = _new_context(chromium, live_server, java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session", autouse=True)
def _static_files_as_in_production():
    """With production settings, let WhiteNoise in the app serve the static files, as it does live.

    Production names static files by their content (`manage.py collectstatic` writes them to
    STATIC_ROOT with a hash in the name). The live server's own static handler only knows the
    unhashed source files, so it stands aside and the app's WhiteNoise serves STATIC_ROOT.
    """
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    if not settings.PRODUCTION:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(StaticFilesHandler, "_should_handle", lambda self, path: False)
        yield


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    """Files the pages write (photos, uploads waiting for confirmation) go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords quickly: every test creates its users again."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_PATH.exists():
        pytest.fail(f"axe-core is not installed at {AXE_PATH}: run `npm ci` and try again.", pytrace=False)
    return AXE_PATH.read_text(encoding="utf-8")


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append("")
        lines.append(f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): {violation['help']}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation.get("nodes", []):
            lines.append(f"    target: {json.dumps(node.get('target'))}")
            lines.append(f"    html:   {node.get('html', '').strip()}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", "\n            ")
            if summary:
                lines.append(f"    why:    {summary}")
    return "\n".join(lines)


@pytest.fixture
def axe(axe_source):
    """Return a function that runs axe-core on a page and fails the test if it finds any violation."""

    def check(page):
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the browser's debugging protocol, not as a <script> tag: the
            # Content-Security-Policy (rightly) refuses inline scripts without the page's nonce.
            page.evaluate(axe_source + "\n;undefined")
        results = page.evaluate(
            """async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})""",
            AXE_TAGS,
        )
        violations = results["violations"]
        assert not violations, format_violations(page.url, violations)
        return results

    return check


@pytest.fixture
def demo(transactional_db):
    """The demo partnership, councils, wards, service areas and one user per role; returns Boston."""
    from joinedup.core.demo import seed_demo
    from joinedup.councils.models import Council

    seed_demo(password=PASSWORD)
    return Council.objects.get(slug=COUNCIL)
