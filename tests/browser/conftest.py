"""Browser tests: every example driven in a real Chromium, against a live server.

One live server and one browser are shared by the whole session (they are slow to
start); each test gets a fresh browser context, so cookies never leak between tests.
The server runs the real application: CSRF checks on, real tokens in real forms.

Chromium is Debian's (``/usr/bin/chromium``): ``playwright install`` is never needed.
Tests are skipped, not failed, when neither Playwright nor a Chromium is there.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from builder.app import create_app
from builder.serving import EXAMPLES, publish_files

CHROMIUM = os.environ.get("TREMPLIN_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TODAY = "2026-11-01"  # the date of the examples' personas
PHONE = {"width": 360, "height": 740}
NARROW = {"width": 320, "height": 640}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The base URL of a real HTTP server on 127.0.0.1 running Tremplin with the examples published."""
    from werkzeug.serving import make_server

    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("TREMPLIN_"):  # the developer's own settings stay out
                patch.delenv(name)
        app = create_app({
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("browser") / "instance"),
            "TODAY": TODAY,
            "SESSION_COOKIE_SECURE": False,  # plain http on 127.0.0.1
            "SUBMIT_RATE_LIMIT": 1000,  # every test sends from the same address
            "GC_FREEZE": False,  # this is the test process, not a server's: nothing to freeze for good
        })
    publish_files(app, sorted(EXAMPLES.glob("*.yaml")))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Console:
    """What the page wrote to its console, and the Content-Security-Policy violations."""

    def __init__(self):
        self.messages: list[str] = []

    def listen(self, page):
        page.on("console", lambda message: self.messages.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))
        return page

    @property
    def csp_violations(self) -> list[str]:
        return [m for m in self.messages if re.search(r"Content.Security.Policy|\bCSP\b|Refused to", m, re.I)]

    @property
    def page_errors(self) -> list[str]:
        """Uncaught script errors and htmx's own error reports."""
        return [m for m in self.messages if m.startswith("pageerror:") or "htmx" in m and m.startswith("error:")]


@pytest.fixture
def console():
    return Console()


@pytest.fixture
def new_page(browser, live_server, console):
    """``new_page(javascript=True, viewport=PHONE)``: a page in a new context (a new device).

    Every context and page made here is closed at the end of the test.
    """
    contexts = []

    def make(javascript: bool = True, viewport: dict | None = None):
        context = browser.new_context(base_url=live_server, viewport=viewport or PHONE,
                                      java_script_enabled=javascript, locale="fr-FR",
                                      service_workers="block")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return console.listen(context.new_page())

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A phone-sized page (360 × 740) with JavaScript on."""
    return new_page()


@pytest.fixture(scope="session")
def screenshots_taken() -> set[str]:
    return set()


@pytest.fixture
def inspect(console, screenshots_taken):
    """``inspect(page, kind)``: what every page must pass, whatever its kind.

    No axe-core violation (all its rules, best practices included), no horizontal
    scroll at 320 px, no Content-Security-Policy violation or script error so far; and
    the first page of each kind is kept as ``test-artifacts/screenshots/<kind>.png``.
    """
    from browsing import axe_violations, horizontal_overflow, screenshot

    def check(page, kind: str) -> None:
        assert axe_violations(page) == [], f"axe on {kind} page {page.url}"
        assert horizontal_overflow(page, NARROW, PHONE) <= 0, f"horizontal scroll at 320 px on {kind} page {page.url}"
        assert console.csp_violations == [], console.csp_violations
        assert console.page_errors == [], console.page_errors
        if kind not in screenshots_taken:
            screenshot(page, SCREENSHOTS, kind)
            screenshots_taken.add(kind)

    return check
