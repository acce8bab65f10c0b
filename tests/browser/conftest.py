"""Browser tests of the lab: one lab server and one chromium for the whole session, a fresh tab per test.

- `lab_url`: `kaibo lab --no-browser --port <free>` started once as a subprocess (KAIBO_LANG=en, so a page
  without ?lang= is in English), stopped with Ctrl+C (SIGINT) at the end; its stderr goes to
  test-output/browser/server.log.
- `lab`: a `tests.browser.lab.Lab` on a new browser context in which every request to a host other than
  127.0.0.1 is aborted and recorded: the test fails if a page tried to leave the machine.

Chromium is Debian's (/usr/bin/chromium) driven by Playwright from PyPI; `playwright install` is never
needed. Without that browser the tests are skipped with the command that installs it.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Route, sync_playwright

from tests.browser.lab import Lab

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "browser"
LOCAL = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCAL, 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def lab_url() -> Iterator[str]:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "kaibo.cli", "lab", "--no-browser", "--port", str(_free_port())]
    with open(OUTPUT / "server.log", "w", encoding="utf-8") as log:
        server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True,
                                  env={**os.environ, "KAIBO_LANG": "en"})
        try:
            # The command prints its address on a line of its own once the port is bound and the pages are
            # built; from then on connections queue until they are served.
            url = next((line.strip() for line in server.stdout if line.startswith("http://")), None)
            assert url, f"kaibo lab printed no address; see {OUTPUT / 'server.log'}"
            base = url.rstrip("/")
            with urllib.request.urlopen(base + "/", timeout=60) as response:
                assert response.status == 200
            yield base
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                raise


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: make browser-deps (apt-get install chromium fonts-noto-cjk)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def lab(browser: Browser, lab_url: str, request: pytest.FixtureRequest) -> Iterator[Lab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    # One folder per test file and test: two lessons' tests may share a name, never their screenshots.
    folder = OUTPUT / request.node.path.stem / re.sub(r"[^\w.-]+", "_", request.node.name)
    lab = Lab(context.new_page(), lab_url, folder)

    def guard(route: Route) -> None:
        if urlparse(route.request.url).hostname == LOCAL:
            route.continue_()
        else:
            lab.outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    yield lab
    context.close()
    assert not lab.outside, f"the page tried to reach other hosts: {lab.outside}"
