"""Sign in with Slack (OpenID Connect), and signing out.

``/dashboard/login`` sends the browser to Slack's authorize page with a fresh state and
nonce, both kept in a short-lived signed cookie (so the state is bound to this browser).
Slack sends it back to ``/dashboard/oauth/callback`` with a code: the state must match the
cookie's, the code is exchanged with ``openid.connect.token`` (slack-sdk, at SLACK_API_URL),
the id_token's issuer, audience and nonce are checked, ``openid.connect.userInfo`` must
name the same person, and only then is the session cookie set.

The id_token's claims are read without checking its signature: it comes straight from
Slack's token endpoint over TLS in answer to our own authenticated request (OpenID Connect
Core 3.1.3.7), never through the browser.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from typing import Any
from urllib.parse import quote, urlencode

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.audit import service as audit
from handlers.dashboard.render import HEADERS, REFUSED_FORM, Dashboard, Refused, form
from handlers.dashboard.session import csrf_ok

log = logging.getLogger("mentorbot.dashboard")

ISSUER = "https://slack.com"
TEAM_CLAIM = "https://slack.com/team_id"
USER_CLAIM = "https://slack.com/user_id"
CALLBACK = "/oauth/callback"

NOT_CONFIGURED = (
    "Sign in with Slack isn't set up on this server: its operator sets the app's client id "
    "and secret (DASHBOARD_CLIENT_ID and DASHBOARD_CLIENT_SECRET, or SLACK_CLIENT_ID and "
    "SLACK_CLIENT_SECRET in OAuth mode). See docs/operations.md."
)
STALE = "This sign-in was started in another browser, or too long ago. Please sign in again."


class SignInFlow:
    def __init__(self, dashboard: Dashboard) -> None:
        self.dash = dashboard
        self.settings = dashboard.deps.settings

    def _slack(self, token: str | None = None) -> AsyncWebClient:
        return AsyncWebClient(
            token=token,
            base_url=self.settings.slack_api_url,
            timeout=int(self.settings.slack_timeout_seconds),
            session=self.dash.deps.http,
        )

    async def login(self, request: Request) -> Response:
        client = self.settings.dashboard_client
        if client is None:
            return self.dash.refused(Refused(503, "Sign-in unavailable", NOT_CONFIGURED), None)
        response = RedirectResponse("", status_code=302, headers=HEADERS)
        signin = self.dash.cookies.start_signin(response)
        query = urlencode(
            {
                "response_type": "code",
                "scope": "openid profile",
                "client_id": client[0],
                "state": signin.state,
                "nonce": signin.nonce,
                "redirect_uri": self.dash.base(request) + CALLBACK,
            },
            quote_via=quote,
        )
        response.headers["location"] = (
            f"{self.settings.slack_web_url}/openid/connect/authorize?{query}"
        )
        return response

    async def callback(self, request: Request) -> Response:
        try:
            team_id, user_id, name = await self._identify(request)
        except Refused as refusal:
            response = self.dash.refused(refusal, None)
            self.dash.cookies.forget_signin(response)
            return response
        deps = self.dash.deps
        async with deps.db.transaction() as session:
            await audit.dashboard_sign_in(
                session=session, now=deps.clock.now(), team_id=team_id, slack_user_id=user_id
            )
        response = self.dash.redirect("/")
        self.dash.cookies.sign_in(response, team_id=team_id, user_id=user_id, name=name)
        log.info("dashboard sign-in", extra={"team_id": team_id, "user_id": user_id})
        return response

    async def _identify(self, request: Request) -> tuple[str, str, str]:
        """Who Slack says signed in, once every check has passed."""
        client = self.settings.dashboard_client
        if client is None:
            raise Refused(503, "Sign-in unavailable", NOT_CONFIGURED)
        signin = self.dash.cookies.signin(request)
        state = request.query_params.get("state", "")
        if signin is None or not hmac.compare_digest(state.encode(), signin.state.encode()):
            raise Refused(400, "Sign-in expired", STALE)
        if request.query_params.get("error"):
            raise Refused(400, "Not signed in", "Slack didn't sign you in, so nothing changed.")
        code = request.query_params.get("code", "")
        if not code:
            raise Refused(400, "Not signed in", STALE)
        try:
            granted = await self._slack().openid_connect_token(
                client_id=client[0],
                client_secret=client[1],
                code=code,
                redirect_uri=self.dash.base(request) + CALLBACK,
            )
            claims = _claims(str(granted.get("id_token") or ""))
            if (
                claims.get("iss") != ISSUER
                or client[0] not in _audience(claims)
                or not isinstance(claims.get("nonce"), str)
                or not hmac.compare_digest(claims["nonce"].encode(), signin.nonce.encode())
            ):
                raise Refused(400, "Sign-in refused", STALE)
            info = await self._slack(str(granted["access_token"])).openid_connect_userInfo()
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else "unknown"
            log.warning("dashboard sign-in refused by Slack", extra={"error": error})
            raise Refused(
                400, "Sign-in refused", f"Slack refused the sign-in ({error}). Please try again."
            ) from None
        team_id, user_id = claims.get(TEAM_CLAIM), claims.get(USER_CLAIM)
        if (
            not isinstance(team_id, str)
            or not isinstance(user_id, str)
            or info.get(TEAM_CLAIM) != team_id
            or info.get(USER_CLAIM) != user_id
        ):
            raise Refused(400, "Sign-in refused", STALE)
        return team_id, user_id, str(info.get("name") or claims.get("name") or user_id)

    async def logout(self, request: Request) -> Response:
        session = self.dash.cookies.session(request)
        posted = await form(request)
        if session is None or not csrf_ok(
            request, session, posted.get("csrf", ""), origin=self.dash.origin(request)
        ):
            return self.dash.refused(Refused(403, "Refused", REFUSED_FORM), None)
        response = self.dash.redirect("/?signed_out=1")
        self.dash.cookies.sign_out(response)
        return response


def _claims(token: str) -> dict[str, Any]:
    """The claims of a JWT (its middle part), or {} for anything that isn't one."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except (binascii.Error, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def _audience(claims: dict[str, Any]) -> list[str]:
    aud = claims.get("aud")
    if isinstance(aud, str):
        return [aud]
    return [a for a in aud if isinstance(a, str)] if isinstance(aud, list) else []
