"""Browser tests: the real app served over HTTP on a free port (uvicorn, in the test's own
event loop), the fake Slack beside it, and Debian's Chromium driven by selenium through
Debian's chromedriver. Nothing is downloaded at run time.

Without a browser the tests are skipped, loudly (a banner at the end of the run), unless
``MENTORBOT_BROWSER_REQUIRED`` is set, as ``.ci/run`` sets it after installing one: then a
missing browser fails the run."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from infra.deps import Deps
from mentorbot.app import build_app
from mentorbot.web import build_asgi

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
DRIVER = "chromedriver"
REQUIRED = "MENTORBOT_BROWSER_REQUIRED"
# `make docs` sets this to docs/screenshots: the tests then save what they see there.
SCREENSHOTS = "MENTORBOT_SCREENSHOTS"

_missing: list[str] = []


def browser_paths() -> tuple[str, str] | None:
    browser = next((found for name in CHROMIUM if (found := shutil.which(name))), None)
    driver = shutil.which(DRIVER)
    return (browser, driver) if browser and driver else None


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _missing:
        line = "!" * 78
        terminalreporter.write_line(line, red=True, bold=True)
        terminalreporter.write_line(
            f"!! {len(_missing)} BROWSER TESTS DID NOT RUN: no Chromium and chromedriver here.",
            red=True,
            bold=True,
        )
        terminalreporter.write_line(
            "!! Install Debian's packages: apt-get install chromium chromium-driver",
            red=True,
            bold=True,
        )
        terminalreporter.write_line(line, red=True, bold=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def browser(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A headless Chromium (selenium's WebDriver), closed after the test."""
    paths = browser_paths()
    if paths is None:
        if os.environ.get(REQUIRED):
            pytest.fail(f"{REQUIRED} is set but Chromium or chromedriver is not installed")
        _missing.append(request.node.nodeid)
        pytest.skip("no Chromium and chromedriver: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = paths[0]
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--lang=en-GB",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=paths[1]), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def screenshots() -> Path | None:
    """Where to save screenshots for the docs (None: not asked to)."""
    folder = os.environ.get(SCREENSHOTS)
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


class LiveServer:
    """The real app on ``url``, served by uvicorn in this test's event loop."""

    def __init__(self, deps: Deps, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(
            build_asgi(deps, build_app(deps)),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
        )
        self.server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LiveServer:
        self._task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.02)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.should_exit = True
        if self._task is not None:
            await self._task


@pytest.fixture
def live_port() -> int:
    return free_port()


@pytest.fixture
async def live(deps: Deps, live_port: int) -> AsyncIterator[LiveServer]:
    async with LiveServer(deps, live_port) as server:
        yield server
