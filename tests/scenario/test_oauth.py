"""Multi-workspace OAuth mode: install through the fake, then serve that workspace."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import httpx

from bot.app import build_app
from bot.config import Settings
from bot.deps import Deps
from bot.web import build_asgi
from tests.conftest import SIGNING_SECRET
from tests.fakeslack import FakeSlack, SlackSender

CLIENT_ID = "111.222"
CLIENT_SECRET = "oauth-client-secret"


async def test_install_then_serve_the_new_workspace(fake: FakeSlack, deps: Deps) -> None:
    deps.settings = Settings(
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.base_url,
        database_url=deps.settings.database_url,
        _env_file=None,
    )
    asgi = build_asgi(deps, build_app(deps))
    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(transport=transport, base_url="https://mentorbot.test") as http:
        install = await http.get("/slack/install")
        assert install.status_code == 200
        link = re.search(r'href="(https://slack.com/oauth/v2/authorize[^"]+)"', install.text)
        assert link is not None
        query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
        assert query["client_id"] == [CLIENT_ID]
        assert "chat:write" in query["scope"][0]
        state = query["state"][0]

        # A callback with a forged state is refused.
        fake.add_oauth_app(
            CLIENT_ID, CLIENT_SECRET, team_id="T0002", code="good-code", name="Globex"
        )
        forged = await http.get(
            "/slack/oauth_redirect", params={"code": "good-code", "state": "forged"}
        )
        assert forged.status_code == 400
        assert not fake.calls_to("oauth.v2.access")

        done = await http.get(
            "/slack/oauth_redirect",
            params={"code": "good-code", "state": state},
            cookies=install.cookies,
        )
        assert done.status_code == 200, done.text
        [exchange] = fake.calls_to("oauth.v2.access")
        assert exchange.ok

        # Globex's requests are now authorised with Globex's own token.
        fake.add_user("T0002", "UGLOBEX", name="gus", tz="Europe/Paris")
        sender = SlackSender(http, signing_secret=SIGNING_SECRET, fake=fake, team_id="T0002")
        await sender.command("UGLOBEX", "help")
        [reply] = await fake.wait_for("response_url")
        assert "/mentor join" in str(reply.args["blocks"])
        [lookup] = fake.calls_to("users.info")
        assert lookup.team_id == "T0002"

        # A workspace without an installation is told so, and nothing runs for it.
        stranger = SlackSender(http, signing_secret=SIGNING_SECRET, fake=fake, team_id="T9999")
        calls = len(fake.calls)
        refused = await stranger.command("UX", "help")
        assert refused.status_code == 200
        [notice] = [c for c in fake.calls[calls:]]
        assert notice.method == "response_url"
        assert "isn't installed in this workspace" in notice.args["text"]
