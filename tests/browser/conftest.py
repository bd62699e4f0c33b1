"""Browser-test fixtures: the real app served by uvicorn on a free loopback port, and Debian's
chromium driven by Playwright (which never downloads a browser here).

``live_server`` runs ``uvicorn web.app:create_app --factory`` in a process of its own, as
``teleroster serve`` does: it serves the test's fresh database (``db_url``; seed it through
``engine``) and runs solve jobs in its local worker process. Its log goes to
test-artifacts/<test>-server.log, next to the screenshots.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright
from sqlalchemy import Engine

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE: ViewportSize = {"width": 390, "height": 844}
START_SECONDS = 120  # importing the app and starting its worker, on a busy 2-core machine
STOP_SECONDS = 45  # a graceful stop waits for the job worker


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _tail(log: Path) -> str:
    return "\n".join(log.read_text().splitlines()[-20:])


@pytest.fixture
def live_server(request: pytest.FixtureRequest, db_url: str, engine: Engine) -> Iterator[str]:
    """The base URL of the real app serving the test's database."""
    del engine  # requested so the database is the configured one in this process too
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"{request.node.name}-server.log"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "web.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port)],
            env={**os.environ, "DATABASE_URL": db_url, "LOCAL_WORKERS": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + START_SECONDS
            while not _answers(f"{url}/health"):
                assert process.poll() is None, f"the server exited: {_tail(log_path)}"
                assert time.monotonic() < deadline, (
                    f"no answer in {START_SECONDS} s: {_tail(log_path)}"
                )
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()  # graceful: the lifespan stops the job worker
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _answers(health_url: str) -> bool:
    try:
        return httpx.get(health_url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A page of a fresh browser context at phone size, on the live server."""
    context = browser.new_context(viewport=PHONE, base_url=live_server)
    try:
        yield context.new_page()
    finally:
        context.close()
