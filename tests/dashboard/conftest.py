"""The real app (Slack's endpoints and the dashboard) with Sign in with Slack configured
against the fake Slack, a second workspace in the fake, and a seeded program."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from fakeslack import FakeSlack
from infra.clock import ManualClock
from infra.deps import Deps
from mentorbot.app import build_app
from mentorbot.web import build_asgi
from tests.dashboard.browser import PUBLIC_URL, dashboard_settings, register_app
from tests.dashboard.world import NOW, World, build_world


@pytest.fixture
async def web(deps: Deps, fake: FakeSlack) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on the real app (behind its ASGI interface), PUBLIC_URL its address."""
    deps.settings = dashboard_settings(deps.settings)
    register_app(fake)
    asgi = build_asgi(deps, build_app(deps))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=asgi), base_url=PUBLIC_URL
    ) as client:
        yield client


@pytest.fixture
async def world(deps: Deps, fake: FakeSlack, clock: ManualClock) -> World:
    clock.set(NOW)
    return await build_world(deps, fake, clock)
