"""Installations and credentials: ``add_workspace`` (the app installed, its bot token),
app-level tokens, revoking a token, and the OAuth install flow (``add_oauth_app``,
``oauth.v2.access``); ``auth.test`` says who a bot token belongs to. Which credential each
method takes is checked in core.py."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from fakeslack.server.core import api
from fakeslack.server.model import Call, SlackError, Workspace
from fakeslack.server.users import Users


class Auth(Users):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._oauth_apps: dict[str, dict[str, Any]] = {}  # client id -> secret, redirect
        self._codes: dict[str, dict[str, Any]] = {}  # OAuth code -> grant

    def add_workspace(
        self,
        team_id: str = "T0001",
        *,
        name: str = "Acme",
        domain: str = "acme",
        bot_token: str = "xoxb-T0001-fake",
        bot_user_id: str = "UBOT0001",
        bot_id: str = "B0001",
        app_id: str = "A0001",
        enterprise_id: str | None = None,
        app_token: str | None = None,
        bot_name: str = "mentorbot",
    ) -> Workspace:
        """A workspace with the app installed: its bot token works and its bot user exists.
        ``app_token`` (``xapp-…``) also registers an app-level token for Socket Mode."""
        ws = Workspace(team_id, name, domain, bot_token, bot_user_id, bot_id, app_id, enterprise_id)
        self.workspaces[team_id] = ws
        self._tokens[bot_token] = team_id
        bot = self.add_user(team_id, bot_user_id, name=bot_name, tz="UTC", is_bot=True)
        bot["profile"]["bot_id"] = bot_id
        if app_token:
            self.add_app_token(app_token, app_id=app_id)
        return ws

    def add_app_token(self, token: str, *, app_id: str = "A0001") -> None:
        """Register an app-level token (``xapp-…``) that ``apps.connections.open`` accepts."""
        self._app_tokens[token] = app_id

    def revoke_token(self, token: str) -> None:
        """Calls with this token now get ``token_revoked``, as after an uninstall."""
        self._revoked.add(token)

    def add_oauth_app(
        self,
        client_id: str,
        client_secret: str,
        *,
        team_id: str,
        code: str,
        installer: str | None = None,
        scope: str = "chat:write,commands,users:read,im:write",
        redirect_uri: str | None = None,
        **workspace: Any,
    ) -> None:
        """Let ``oauth.v2.access`` exchange ``code`` for a new bot token for ``team_id``.
        A workspace that doesn't exist yet is created with ``**workspace``
        (``add_workspace``'s keywords) when the code is exchanged. ``redirect_uri``, if
        given, must match the one the exchange sends."""
        self._oauth_apps[client_id] = {"secret": client_secret}
        self._codes[code] = {
            "client_id": client_id,
            "team_id": team_id,
            "installer": installer,
            "scope": scope,
            "redirect_uri": redirect_uri,
            "workspace": workspace,
        }

    @api("auth.test")
    async def _auth_test(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        return {
            "url": f"https://{ws.domain}.slack.com/",
            "team": ws.name,
            "user": ws.users[ws.bot_user_id]["name"],
            "team_id": ws.team_id,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "enterprise_id": ws.enterprise_id,
            "is_enterprise_install": False,
        }

    @api("oauth.v2.access", auth="client")
    async def _oauth_v2_access(self, call: Call) -> dict[str, Any]:
        client_id, secret = call.args.get("client_id"), call.args.get("client_secret")
        auth = call.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            decoded = base64.b64decode(auth[len("Basic ") :]).decode()
            client_id, _, secret = decoded.partition(":")
        app = self._oauth_apps.get(str(client_id or ""))
        if app is None:
            raise SlackError("invalid_client_id")
        if app["secret"] != secret:
            raise SlackError("bad_client_secret")
        code = str(call.args.get("code") or "")
        grant = self._codes.get(code)
        if grant is None or grant["client_id"] != client_id:
            raise SlackError("invalid_code")
        if grant["redirect_uri"] and call.args.get("redirect_uri") != grant["redirect_uri"]:
            raise SlackError("bad_redirect_uri")
        del self._codes[code]  # a code is exchanged once
        team_id = grant["team_id"]
        ws = self.workspaces.get(team_id) or self.add_workspace(team_id, **grant["workspace"])
        token = f"xoxb-{team_id}-{secrets.token_hex(6)}"
        self._tokens[token] = team_id
        ws.bot_token = token
        call.team_id = team_id
        installer = grant["installer"] or next(
            (u for u, user in ws.users.items() if not user["is_bot"]), "U0INSTALLER"
        )
        return {
            "app_id": ws.app_id,
            "authed_user": {"id": installer},
            "scope": grant["scope"],
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": ws.bot_user_id,
            "team": {"id": team_id, "name": ws.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }
