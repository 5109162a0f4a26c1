"""Browser tests: a real server on a fresh SQLite file, driven by Debian's Chromium.

The session starts `manage.py runserver` on a free loopback port against a new database (migrate,
load_reference, seed_demo), waits for /readyz, and stops it at the end. Chromium is
/usr/bin/chromium: Playwright never downloads a browser here. Every page fails its test on a
console error (a CSP violation is one), an uncaught exception or a failed same-origin request.
Screenshots go to artifacts/screenshots/ (ignored by git; CI keeps them).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    expect,
    sync_playwright,
)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "Pilot#Trial-2013demo"  # seed_demo.DEMO_PASSWORD (checked in test_shell)

# The `new_context` fixture: a browser context (keyword arguments of Browser.new_context).
NewContext = Callable[..., BrowserContext]

# Settings the server must not inherit from whoever runs the tests.
_OURS = {
    "DATABASE_URL", "DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "HASH_KEY", "ALLOWED_HOSTS",
    "ATTACHMENT_ROOT",
}  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.browser)


@dataclass
class Server:
    url: str
    env: dict[str, str]
    log: Path

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server did not get ready:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("e2e")
    env = {k: v for k, v in os.environ.items() if k not in _OURS}
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{folder / 'e2e.sqlite3'}", PYTHONUNBUFFERED="1")
    env.update(ATTACHMENT_ROOT=str(folder / "attachments"))
    port = _free_port()
    srv = Server(url=f"http://127.0.0.1:{port}", env=env, log=folder / "server.log")
    srv.manage("migrate", "--noinput", "-v", "0")
    srv.manage("load_reference", "-v", "0")
    srv.manage("seed_demo", "-v", "0")
    # A small synthetic ledger (a dozen files in each pilot community) for the registry pages.
    srv.manage("seed_ledger", "--count", "300", "-v", "0")
    with srv.log.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            _wait_ready(srv.url, process, srv.log)
            yield srv
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Problems:
    """What went wrong in the browser while a test ran; the test fails if any is left."""

    items: list[str] = field(default_factory=list)
    # Documents a test asks for expecting an error status (a 404 out of scope, say).
    expected_errors: set[str] = field(default_factory=set)
    # A navigation answered with an attachment ends as a download and Chromium reports the
    # request as aborted; such aborts count only when no download came of them.
    aborted: list[tuple[str, str]] = field(default_factory=list)
    downloads: set[str] = field(default_factory=set)

    def expect_error_status(self, url: str) -> None:
        self.expected_errors.add(url)

    def watch(self, page: Page, origin: str) -> None:
        page.on("console", lambda msg: self._console(page, msg))
        page.on("pageerror", lambda exc: self.items.append(f"{page.url}: uncaught {exc}"))
        page.on("requestfailed", lambda req: self._failed(page, req, origin))
        page.on("response", lambda resp: self._response(page, resp, origin))
        page.on("download", lambda download: self.downloads.add(download.url))

    def report(self) -> list[str]:
        aborted = [
            f"{page_url}: request aborted: {url}"
            for page_url, url in self.aborted
            if url not in self.downloads
        ]
        return [*self.items, *aborted]

    def _console(self, page: Page, msg: ConsoleMessage) -> None:
        if msg.type != "error":
            return
        source = msg.location.get("url", "")
        # Chromium asks for /favicon.ico on its own; its 404 is not the page's error.
        if source.endswith("/favicon.ico") or source in self.expected_errors:
            return
        self.items.append(f"{page.url}: console error: {msg.text} ({source})")

    def _failed(self, page: Page, request: Request, origin: str) -> None:
        if not request.url.startswith(origin):
            return
        if request.failure == "net::ERR_ABORTED" and request.is_navigation_request():
            self.aborted.append((page.url, request.url))
        elif request.failure == "net::ERR_ABORTED":
            # The browser itself gave up an asset because the page was left (a test that
            # clicks on at once): not the server's fault. A missing asset is still caught, by
            # its status (_response) or by any other failure.
            return
        else:
            self.items.append(f"{page.url}: request failed: {request.url} {request.failure}")

    def _response(self, page: Page, response: Response, origin: str) -> None:
        # Pages are checked by the tests themselves; assets (css, js, fonts, images) must load.
        if response.url.startswith(f"{origin}/static/") and response.status >= 400:
            self.items.append(f"{page.url}: {response.status} for {response.url}")


@pytest.fixture
def problems() -> Iterator[Problems]:
    found = Problems()
    yield found
    report = found.report()
    assert not report, "browser problems:\n" + "\n".join(report)


@pytest.fixture
def new_context(
    browser: Browser, server: Server, problems: Problems
) -> Iterator[Callable[..., BrowserContext]]:
    contexts: list[BrowserContext] = []

    def make(viewport: dict[str, int] = DESKTOP, **kwargs: Any) -> BrowserContext:
        context = browser.new_context(
            viewport=viewport, locale="zh-CN", base_url=server.url, **kwargs
        )
        context.on("page", lambda page: problems.watch(page, server.url))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


# axe-core ships inside axe-playwright-python (axe.min.js): nothing is fetched at run time.
AXE = Axe()
AXE_WIDTHS = (PHONE, DESKTOP)
AXE_FAILING = frozenset({"serious", "critical"})
# Three English words in a row in the Chinese interface: a message nobody translated.
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'’-]+[A-Za-z]{2,}){2,}")


def accessibility_problems(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    results = AXE.run(page)
    return [
        f"{page.url} [{page.viewport_size}]: {v['id']} ({v['impact']}): {v['help']} "
        f"at {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in results.response["violations"]
        if v.get("impact") in AXE_FAILING
    ]


def untranslated(page: Page) -> list[str]:
    """English sentences in a page served in Chinese (codes and identifiers are not words)."""
    if page.evaluate("() => document.documentElement.lang") != "zh-Hans":
        return []
    text = page.locator("main").inner_text()
    return [f"{page.url}: untranslated text {found!r}" for found in ENGLISH_RUN.findall(text)]


def check_page(page: Page) -> None:
    """Every visited page: no serious or critical axe violation at 390 and 1280 px, and no
    English left in the Chinese interface."""
    problems = untranslated(page)
    before = page.viewport_size
    # The pointer off the page: a control left under it from the last click would be read in
    # the middle of its hover transition, a colour it never keeps.
    page.mouse.move(0, 0)
    for width in AXE_WIDTHS:
        page.set_viewport_size(width)
        problems += accessibility_problems(page)
    if before is not None:
        page.set_viewport_size(before)
    assert not problems, "\n".join(problems)


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot named `name`; the page is checked too (check_page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    check_page(page)
    return path


def login(context: BrowserContext, server: Server, username: str, *, two_factor: bool) -> Page:
    """A new page of `context`, logged in as a demo account (the code from `totp_code`)."""
    page = context.new_page()
    page.goto(reverse("login"))
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    if two_factor:
        page.wait_for_url(f"**{reverse('login_two_factor')}")
        code = server.manage("totp_code", username).strip()
        code_form = page.locator("form:has(input[name=code])")
        code_form.locator("input[name=code]").fill(code)
        code_form.locator("button[type=submit]").click()
    page.wait_for_url(f"{server.url}{reverse('home')}")
    return page


def visit(page: Page, path: str, shot: str) -> None:
    """Open `path`: a 200 with a title and a main element, then a screenshot named `shot`."""
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path}: {response.status}"
    expect(page.locator("main")).to_be_visible()
    assert page.title().strip(), f"{path} has no title"
    screenshot(page, shot)


def assert_fits_screen(page: Page) -> None:
    """Nothing on the page is wider than the viewport (no sideways scrolling on a phone)."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} is {overflow}px wider than the screen"
