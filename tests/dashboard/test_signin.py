"""Sign in with Slack against the fake Slack, through the front door: the whole OpenID
Connect flow; a forged or foreign state, a wrong nonce, a reused code and a wrong secret
refused; the session cookie's flags, its server-side expiry and its signature; signing out."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from fakeslack import FakeSlack
from infra.clock import ManualClock
from infra.deps import Deps
from mentorbot.app import build_app
from mentorbot.web import build_asgi
from tests.conftest import TEAM
from tests.dashboard.browser import (
    CALLBACK,
    CLIENT_ID,
    CLIENT_SECRET,
    authorize,
    come_back,
    csrf_of,
    dashboard_settings,
    sign_in,
    start,
)
from tests.dashboard.world import World

SESSION = "mentorbot_dashboard"


def signed_in(page: httpx.Response) -> bool:
    return page.status_code == 200 and "Sign out" in page.text


async def test_the_whole_openid_flow_signs_a_manager_in(
    web: httpx.AsyncClient, fake: FakeSlack, world: World
) -> None:
    assert not signed_in(await web.get("/dashboard/"))
    fake.sign_in_browser(TEAM, world.manager)
    started = await start(web)
    # 1. To Slack's authorize page (the fake's: SLACK_API_URL's origin), as OpenID asks.
    assert started.authorize.startswith(f"{fake.url}/openid/connect/authorize?")
    query = started.query
    assert query["response_type"] == "code" and query["scope"] == "openid profile"
    assert "scope=openid%20profile&" in started.authorize
    assert query["client_id"] == CLIENT_ID and query["redirect_uri"] == CALLBACK
    assert len(query["state"]) >= 20 and len(query["nonce"]) >= 20
    assert query["state"] != query["nonce"]
    # 2. Slack sends the browser back with a code and the same state.
    answer = await authorize(started.authorize)
    back = dict(p.split("=", 1) for p in urlsplit(answer.headers["location"]).query.split("&"))
    assert back["state"] == query["state"] and back["code"]
    assert not fake.calls_to("openid.connect.token")
    # 3. The callback exchanges the code, reads who it is, and starts the session.
    done = await come_back(web, answer)
    assert done.status_code == 303 and done.headers["location"] == "/dashboard/"
    [token] = fake.calls_to("openid.connect.token")
    assert token.ok and token.args["code"] == back["code"]
    assert token.args["redirect_uri"] == CALLBACK
    [info] = fake.calls_to("openid.connect.userInfo")
    assert info.ok and info.token == token.response["access_token"]  # type: ignore[index]
    cookie = next(
        v for k, v in done.headers.multi_items() if k == "set-cookie" and SESSION + "=" in v
    )
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/dashboard"} <= flags
    assert "secure" not in flags  # PUBLIC_URL is http:// here
    assert "max-age=43200" in flags  # 12 hours by default
    page = await web.get("/dashboard/")
    assert signed_in(page) and "Meg Manager" in page.text
    assert f'href="/dashboard/programs/{world.program.id}"' in page.text


async def test_the_cookie_is_secure_when_the_app_is_reached_over_https(
    deps: Deps, fake: FakeSlack, world: World
) -> None:
    deps.settings = dashboard_settings(deps.settings, public_url="https://mentorbot.test")
    fake.add_app_credentials(CLIENT_ID, CLIENT_SECRET)
    transport = httpx.ASGITransport(app=build_asgi(deps, build_app(deps)))
    async with httpx.AsyncClient(transport=transport, base_url="https://mentorbot.test") as web:
        await sign_in(web, fake, TEAM, world.manager)
        [cookie] = [c for c in web.cookies.jar if c.name == SESSION]
        assert cookie.secure
        assert signed_in(await web.get("/dashboard/"))


async def test_a_forged_or_foreign_state_is_refused_before_slack_is_asked(
    web: httpx.AsyncClient, fake: FakeSlack, world: World
) -> None:
    fake.sign_in_browser(TEAM, world.manager)
    started = await start(web)
    answer = await authorize(started.authorize)
    location = urlsplit(answer.headers["location"])
    code = location.query.split("code=")[1].split("&")[0]
    forged = await web.get(f"{location.path}?{urlencode({'code': code, 'state': 'forged'})}")
    assert forged.status_code == 400 and "Sign-in expired" in forged.text
    # The same callback in another browser (no sign-in cookie) is refused too.
    transport = web._transport  # the same app
    async with httpx.AsyncClient(transport=transport, base_url=str(web.base_url)) as other:
        stolen = await other.get(f"{location.path}?{location.query}")
        assert stolen.status_code == 400
        assert not signed_in(await other.get("/dashboard/"))
    assert not fake.calls_to("openid.connect.token")
    assert not signed_in(await web.get("/dashboard/"))


async def test_a_nonce_that_is_not_ours_is_refused(
    web: httpx.AsyncClient, fake: FakeSlack, world: World
) -> None:
    fake.sign_in_browser(TEAM, world.manager)
    started = await start(web)
    tampered = started.authorize.replace(started.query["nonce"], "someone-elses-nonce")
    done = await come_back(web, await authorize(tampered))
    assert done.status_code == 400 and "Sign-in refused" in done.text
    assert [c.ok for c in fake.calls_to("openid.connect.token")] == [True]
    assert not signed_in(await web.get("/dashboard/"))


async def test_slack_refusing_the_code_signs_nobody_in(
    web: httpx.AsyncClient, fake: FakeSlack, world: World
) -> None:
    fake.sign_in_browser(TEAM, world.manager)
    started = await start(web)
    answer = await authorize(started.authorize)
    assert (await come_back(web, answer)).status_code == 303
    await web.post("/dashboard/logout", data={"csrf": await csrf_of(web)})
    # The code again (a replayed callback): Slack answers invalid_code, and so do we.
    await start(web)  # a fresh sign-in cookie, whose state the replay doesn't carry
    replay = await come_back(web, answer)
    assert replay.status_code == 400
    assert not signed_in(await web.get("/dashboard/"))


async def test_the_fake_refuses_what_slack_refuses(fake: FakeSlack, world: World) -> None:
    """Reused and unknown codes, a wrong secret or redirect_uri: Slack's errors."""
    fake.add_app_credentials(CLIENT_ID, CLIENT_SECRET, redirect_uris=[CALLBACK])
    fake.sign_in_browser(TEAM, world.manager)
    slack = AsyncWebClient(base_url=fake.base_url)

    async def code() -> str:
        query = urlencode(
            {
                "response_type": "code",
                "scope": "openid",
                "client_id": CLIENT_ID,
                "state": "s",
                "nonce": "n",
                "redirect_uri": CALLBACK,
            }
        )
        answer = await authorize(f"{fake.url}/openid/connect/authorize?{query}")
        return answer.headers["location"].split("code=")[1].split("&")[0]

    async def refused(error: str, **args: str) -> None:
        values = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uri": CALLBACK,
            **args,
        }
        with pytest.raises(SlackApiError) as caught:
            await slack.openid_connect_token(**values)  # type: ignore[arg-type]
        assert caught.value.response["error"] == error

    good = await code()
    await refused("bad_client_secret", code=good, client_secret="wrong")
    await refused("invalid_client_id", code=good, client_id="9999.9999")
    await refused("invalid_code", code="never-issued")
    await refused("bad_redirect_uri", code=good, redirect_uri="http://evil.test/cb")
    # A code is good once: an exchange that named the wrong redirect spent it.
    await refused("invalid_code", code=good)
    used = await code()
    granted = await slack.openid_connect_token(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=used, redirect_uri=CALLBACK
    )
    assert granted["id_token"].count(".") == 2
    await refused("invalid_code", code=used)
    # An authorize page with a redirect the app never registered sends nobody back.
    query = urlencode(
        {
            "response_type": "code",
            "scope": "openid",
            "client_id": CLIENT_ID,
            "state": "s",
            "redirect_uri": "http://evil.test/cb",
        }
    )
    page = await authorize(f"{fake.url}/openid/connect/authorize?{query}")
    assert page.status_code == 400 and "bad_redirect_uri" in page.text


async def test_nobody_signed_in_to_slack_comes_back_refused(
    web: httpx.AsyncClient, fake: FakeSlack, world: World
) -> None:
    fake.sign_out_browser()
    started = await start(web)
    done = await come_back(web, await authorize(started.authorize))
    assert done.status_code == 400 and "Not signed in" in done.text
    assert not fake.calls_to("openid.connect.token")


async def test_an_expired_session_is_refused_whatever_the_browser_kept(
    web: httpx.AsyncClient, fake: FakeSlack, world: World, clock: ManualClock
) -> None:
    await sign_in(web, fake, TEAM, world.manager)
    program = f"/dashboard/programs/{world.program.id}"
    clock.advance(timedelta(hours=11, minutes=59))
    assert (await web.get(program)).status_code == 200
    clock.advance(timedelta(minutes=2))  # the cookie is still in the jar: its time is not
    assert (await web.get(program)).status_code == 303
    assert not signed_in(await web.get("/dashboard/"))


async def test_a_tampered_cookie_is_refused(
    web: httpx.AsyncClient, fake: FakeSlack, world: World
) -> None:
    await sign_in(web, fake, TEAM, world.manager)
    [cookie] = [c for c in web.cookies.jar if c.name == SESSION]
    value = str(cookie.value)
    for forged in (value[:-2] + ("AA" if not value.endswith("AA") else "BB"), "x" + value, ""):
        web.cookies.clear()
        web.cookies.set(SESSION, forged, domain=cookie.domain, path="/dashboard")
        assert not signed_in(await web.get("/dashboard/"))
        assert (await web.get(f"/dashboard/programs/{world.program.id}")).status_code == 303


async def test_signing_out_needs_the_form_and_ends_the_session(
    web: httpx.AsyncClient, fake: FakeSlack, world: World
) -> None:
    csrf = await sign_in(web, fake, TEAM, world.manager)
    refused = await web.post("/dashboard/logout", data={"csrf": "not-it"})
    assert refused.status_code == 403 and signed_in(await web.get("/dashboard/"))
    out = await web.post("/dashboard/logout", data={"csrf": csrf})
    assert out.status_code == 303
    after = await web.get(out.headers["location"])
    assert not signed_in(after) and "You are signed out" in after.text
    assert not [c for c in web.cookies.jar if c.name == SESSION]
    assert (await web.get(f"/dashboard/programs/{world.program.id}")).status_code == 303


async def test_the_dashboards_address_and_its_stylesheet(web: httpx.AsyncClient) -> None:
    bare = await web.get("/dashboard")
    assert bare.status_code in (307, 308) and bare.headers["location"].endswith("/dashboard/")
    landing = await web.get("/dashboard/")
    assert landing.status_code == 200 and "Sign in with Slack" in landing.text
    assert landing.headers["cache-control"] == "no-store"
    css = await web.get("/dashboard/static/dashboard.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "@media" in css.text  # readable on a phone


async def test_without_client_credentials_sign_in_says_it_is_not_set_up(
    deps: Deps, fake: FakeSlack
) -> None:
    deps.settings = dashboard_settings(
        deps.settings, dashboard_client_id=None, dashboard_client_secret=None
    )
    transport = httpx.ASGITransport(app=build_asgi(deps, build_app(deps)))
    async with httpx.AsyncClient(transport=transport, base_url="http://mentorbot.test") as web:
        landing = await web.get("/dashboard/")
        assert "Sign in with Slack isn't set up on this server yet" in landing.text
        login = await web.get("/dashboard/login")
        assert login.status_code == 503 and "DASHBOARD_CLIENT_ID" in login.text


async def test_the_fakes_control_api_says_who_the_browser_is_signed_in_as(
    web: httpx.AsyncClient, fake: FakeSlack, world: World
) -> None:
    """For a browser test or the demo running the fake in another process."""
    async with httpx.AsyncClient() as control:
        said = await control.post(
            f"{fake.url}/fake/browser", json={"team_id": TEAM, "user_id": world.manager}
        )
        assert said.json() == {"ok": True}
    done = await come_back(web, await authorize((await start(web)).authorize))
    assert done.status_code == 303 and signed_in(await web.get("/dashboard/"))
    async with httpx.AsyncClient() as control:
        await control.post(f"{fake.url}/fake/browser", json={})
    answer = await authorize((await start(web)).authorize)
    assert "error=access_denied" in answer.headers["location"]
