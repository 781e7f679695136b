"""Sign in with Slack (OpenID Connect): the browser's authorize page, and the two Web API
methods an app calls afterwards, ``openid.connect.token`` and ``openid.connect.userInfo``.

A browser has no Slack session in the fake, so the fake keeps one for it: whoever
:meth:`OpenId.sign_in_browser` named (or ``POST /fake/browser`` with ``{"team_id",
"user_id"}`` for a test or demo in another process) is "signed in to Slack in this browser"
and is signed in to the app at once, as on Slack after the first consent. With nobody signed
in, the authorize page sends the browser back with ``error=access_denied``, as a person
pressing Cancel would.

Like Slack: a code is good once and for ten minutes, for the client it was issued to and the
``redirect_uri`` the authorize page was given; the id_token carries the ``nonce`` the app
sent. The id_token is a JWT signed with HS256 under the client secret (Slack signs with RS256
under keys it publishes; an app that takes the token straight from Slack over TLS may read
its claims without checking the signature, and Mentorbot does).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from fakeslack.server.auth import Auth
from fakeslack.server.core import api
from fakeslack.server.model import Call, SlackError

CODE_SECONDS = 600
ISSUER = "https://slack.com"


class OpenId(Auth):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._browser: tuple[str, str] | None = None  # (team id, user id) signed in
        self._oidc_codes: dict[str, dict[str, Any]] = {}  # code -> grant
        self._user_tokens: dict[str, tuple[str, str]] = {}  # xoxp- token -> (team, user)

    def add_app_credentials(
        self, client_id: str, client_secret: str, *, redirect_uris: list[str] | None = None
    ) -> None:
        """The app's client id and secret (Basic Information > App Credentials), and the
        redirect URLs it registered (None: any)."""
        app = self._oauth_apps.setdefault(client_id, {})
        app["secret"] = client_secret
        app["redirect_uris"] = redirect_uris

    def sign_in_browser(self, team_id: str, user_id: str) -> None:
        """From now on the browser is signed in to Slack as ``user_id`` of ``team_id``."""
        self._browser = (team_id, user_id)

    def sign_out_browser(self) -> None:
        self._browser = None

    def _forget(self) -> None:
        super()._forget()
        self._oidc_codes.clear()
        self._user_tokens.clear()

    def _add_routes(self, app: web.Application) -> None:
        super()._add_routes(app)
        app.router.add_get("/openid/connect/authorize", self._handle_authorize)
        app.router.add_post("/fake/browser", self._handle_browser)

    async def _handle_browser(self, request: web.Request) -> web.Response:
        """The control API's way to say who is signed in to Slack in the browser."""
        body = await request.json()
        if body.get("user_id"):
            self.sign_in_browser(str(body["team_id"]), str(body["user_id"]))
        else:
            self.sign_out_browser()
        return web.json_response({"ok": True})

    async def _handle_authorize(self, request: web.Request) -> web.Response:
        query = request.query
        call = Call("openid.authorize", dict(query), None, None, path=request.path)
        self._record(call)
        app = self._oauth_apps.get(query.get("client_id", ""))
        redirect = query.get("redirect_uri", "")
        problem = ""
        if app is None:
            problem = "invalid_client_id"
        elif query.get("response_type") != "code":
            problem = "invalid_response_type"
        elif "openid" not in query.get("scope", "").split():
            problem = "invalid_scope"
        elif not redirect or (
            app.get("redirect_uris") is not None and redirect not in app["redirect_uris"]
        ):
            problem = "bad_redirect_uri"
        if problem:
            # Slack shows its own error page: the app is never called back.
            call.status, call.response = 400, {"ok": False, "error": problem}
            return web.Response(status=400, text=f"Sign in with Slack: {problem}")
        back: dict[str, str] = {"state": query.get("state", "")}
        if self._browser is None:
            back["error"] = "access_denied"
        else:
            code = f"oidc-{secrets.token_hex(12)}"
            team_id, user_id = self._browser
            self._oidc_codes[code] = {
                "client_id": query["client_id"],
                "redirect_uri": redirect,
                "nonce": query.get("nonce"),
                "team_id": team_id,
                "user_id": user_id,
                "expires": self._now() + CODE_SECONDS,
            }
            back["code"] = code
        call.status, call.response = 302, {"ok": "error" not in back, **back}
        separator = "&" if "?" in redirect else "?"
        raise web.HTTPFound(f"{redirect}{separator}{urlencode(back)}")

    @api("openid.connect.token", auth="client")
    async def _openid_token(self, call: Call) -> dict[str, Any]:
        client_id, secret = self._client_credentials(call)
        app = self._oauth_apps.get(client_id)
        if app is None:
            raise SlackError("invalid_client_id")
        if app.get("secret") != secret:
            raise SlackError("bad_client_secret")
        if call.args.get("grant_type", "authorization_code") != "authorization_code":
            raise SlackError("invalid_grant_type")
        code = str(call.args.get("code") or "")
        grant = self._oidc_codes.pop(code, None)  # good once, whatever happens next
        if grant is None or grant["client_id"] != client_id or grant["expires"] < self._now():
            raise SlackError("invalid_code")
        if call.args.get("redirect_uri") != grant["redirect_uri"]:
            raise SlackError("bad_redirect_uri")
        team_id, user_id = grant["team_id"], grant["user_id"]
        call.team_id = team_id
        token = f"xoxp-{team_id}-{secrets.token_hex(8)}"
        self._user_tokens[token] = (team_id, user_id)
        claims = {
            "iss": ISSUER,
            "sub": user_id,
            "aud": client_id,
            "exp": int(self._now()) + 3600,
            "iat": int(self._now()),
            "auth_time": int(self._now()),
            **({"nonce": grant["nonce"]} if grant["nonce"] else {}),
            **self._identity(team_id, user_id),
        }
        return {
            "access_token": token,
            "token_type": "Bearer",
            "id_token": _jwt(claims, secret),
        }

    @api("openid.connect.userInfo", auth="client")
    async def _openid_user_info(self, call: Call) -> dict[str, Any]:
        who = self._user_tokens.get(call.token or "")
        if call.token in self._revoked:
            raise SlackError("token_revoked")
        if who is None:
            raise SlackError("invalid_auth" if call.token else "not_authed")
        call.team_id = who[0]
        return {"sub": who[1], **self._identity(*who)}

    def _client_credentials(self, call: Call) -> tuple[str, str]:
        """The client id and secret, from HTTP Basic auth (slack-sdk) or the form."""
        client_id = str(call.args.get("client_id") or "")
        secret = str(call.args.get("client_secret") or "")
        auth = call.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            decoded = base64.b64decode(auth[len("Basic ") :]).decode()
            client_id, _, secret = decoded.partition(":")
        return client_id, secret

    def _identity(self, team_id: str, user_id: str) -> dict[str, Any]:
        ws = self.workspaces.get(team_id)
        user = ws.users.get(user_id, {}) if ws is not None else {}
        return {
            "https://slack.com/user_id": user_id,
            "https://slack.com/team_id": team_id,
            "https://slack.com/team_name": ws.name if ws is not None else "",
            "https://slack.com/team_domain": ws.domain if ws is not None else "",
            "name": user.get("real_name") or user.get("name") or user_id,
            "locale": "en-US",
        }


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt(claims: dict[str, Any], key: str) -> str:
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = hmac.new(key.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"
