"""Signing in to the dashboard the way a browser does, against the fake Slack: the helper
every dashboard test (and the browser tests, the demo, the benchmark) uses.

``sign_in(http, fake, team_id, user_id)`` makes the fake's browser signed in to Slack as that
person, follows ``/dashboard/login`` to the fake's authorize page (over real HTTP) and its
redirect back to ``/dashboard/oauth/callback`` on the app; the app's session cookie then sits
in ``http``'s cookie jar. The app's settings need a client id and secret the fake knows:
:func:`dashboard_settings` and :func:`register_app` set both up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from fakeslack import FakeSlack
from infra.config import Settings

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "dashboard-client-secret"
PUBLIC_URL = "http://mentorbot.test"
CALLBACK = f"{PUBLIC_URL}/dashboard/oauth/callback"


def dashboard_settings(settings: Settings, **changes: Any) -> Settings:
    """``settings`` with Sign in with Slack configured for the fake, and PUBLIC_URL set."""
    values: dict[str, Any] = {
        "dashboard_client_id": CLIENT_ID,
        "dashboard_client_secret": CLIENT_SECRET,
        "public_url": PUBLIC_URL,
        **changes,
    }
    return settings.model_copy(update=values)


def register_app(fake: FakeSlack, *, redirect: str = CALLBACK) -> None:
    fake.add_app_credentials(CLIENT_ID, CLIENT_SECRET, redirect_uris=[redirect])


@dataclass
class Started:
    """A sign-in under way: Slack's authorize URL the app sent the browser to."""

    authorize: str

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.authorize).query).items()}


async def start(http: httpx.AsyncClient) -> Started:
    """``/dashboard/login``: the app's redirect to Slack (its cookie lands in ``http``)."""
    login = await http.get("/dashboard/login")
    assert login.status_code == 302, login.text
    return Started(login.headers["location"])


async def authorize(url: str) -> httpx.Response:
    """What Slack's authorize page answers the browser (a redirect back to the app)."""
    async with httpx.AsyncClient() as browser:
        return await browser.get(url)


async def come_back(http: httpx.AsyncClient, answer: httpx.Response) -> httpx.Response:
    """Follow Slack's redirect back to the app's callback."""
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    return await http.get(f"{back.path}?{back.query}")


async def sign_in(http: httpx.AsyncClient, fake: FakeSlack, team_id: str, user_id: str) -> str:
    """Sign ``user_id`` of ``team_id`` in to the dashboard; returns their CSRF token (read
    from the overview page's sign-out form, as a browser has it)."""
    fake.sign_in_browser(team_id, user_id)
    started = await start(http)
    done = await come_back(http, await authorize(started.authorize))
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/dashboard/"
    return await csrf_of(http)


async def csrf_of(http: httpx.AsyncClient) -> str:
    page = await http.get("/dashboard/")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None, page.text
    return found.group(1)
