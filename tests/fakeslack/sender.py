"""A client that sends requests to an app exactly as Slack does: form-encoded slash commands
and interactivity payloads, JSON event callbacks, each signed with
``v0=HMAC-SHA256(signing_secret, "v0:{timestamp}:{body}")``.

``view_submission`` fills a modal the way a person does: from the view the app opened, with
values for some fields (the rest are left empty, as a person would leave them), and refuses
to pick an option the view doesn't offer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import httpx

if TYPE_CHECKING:
    from tests.fakeslack.server import FakeSlack

FORM = "application/x-www-form-urlencoded"

_VALUE_TYPES = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
_SINGLE_OPTION = {"static_select", "external_select", "radio_buttons"}
_MULTI_OPTION = {"multi_static_select", "multi_external_select", "checkboxes"}


class SlackSender:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        signing_secret: str,
        fake: FakeSlack | None = None,
        team_id: str = "T0001",
        api_app_id: str = "A0001",
        path: str = "/slack/events",
        now: Callable[[], float] = time.time,
    ) -> None:
        self.http = http
        self.signing_secret = signing_secret
        self.fake = fake
        self.team_id = team_id
        self.api_app_id = api_app_id
        self.path = path
        self.now = now

    # ------------------------------------------------------------------ signing

    def sign(self, body: bytes, timestamp: int) -> dict[str, str]:
        base = b"v0:" + str(timestamp).encode() + b":" + body
        digest = hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}

    async def post_raw(
        self,
        body: bytes,
        *,
        content_type: str,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        ts = int(self.now()) if timestamp is None else timestamp
        signed = self.sign(body, ts)
        if signature is not None:
            signed["X-Slack-Signature"] = signature
        all_headers = {"Content-Type": content_type, **signed, **(headers or {})}
        return await self.http.post(self.path, content=body, headers=all_headers)

    def trigger_id(self, user_id: str, team_id: str | None = None) -> str:
        team = team_id or self.team_id
        if self.fake is not None:
            return self.fake.issue_trigger(user_id, team)
        return f"{int(self.now() * 1000)}.{random.randint(10**8, 10**9)}.{uuid.uuid4().hex[:24]}"

    def _response_url(self) -> str:
        if self.fake is not None:
            return self.fake.response_url()
        return f"https://hooks.slack.com/actions/{self.team_id}/{uuid.uuid4().hex}"

    def _user(self, user_id: str, team_id: str) -> dict[str, Any]:
        name = user_id.lower()
        if self.fake is not None and team_id in self.fake.workspaces:
            name = self.fake.workspaces[team_id].users.get(user_id, {}).get("name", name)
        return {"id": user_id, "username": name, "name": name, "team_id": team_id}

    async def _interactive(self, payload: dict[str, Any]) -> httpx.Response:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self.post_raw(body, content_type=FORM)

    # ------------------------------------------------------------------ requests

    async def command(
        self,
        user_id: str,
        text: str = "",
        *,
        command: str = "/mentor",
        channel_id: str | None = None,
        team_id: str | None = None,
    ) -> httpx.Response:
        team = team_id or self.team_id
        channel = channel_id or ("D" + user_id.lstrip("UW"))
        form = {
            "token": "legacy-verification-token",
            "team_id": team,
            "team_domain": "acme",
            "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else "general",
            "user_id": user_id,
            "user_name": self._user(user_id, team)["name"],
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": self._response_url(),
            "trigger_id": self.trigger_id(user_id, team),
        }
        return await self.post_raw(urlencode(form).encode(), content_type=FORM)

    async def block_action(
        self,
        user_id: str,
        action_id: str,
        *,
        value: str | None = None,
        block_id: str | None = None,
        action: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
        channel_id: str | None = None,
        team_id: str | None = None,
        values: dict[str, Any] | None = None,
    ) -> httpx.Response:
        team = team_id or self.team_id
        act = action or {"type": "button", "text": {"type": "plain_text", "text": "Button"}}
        act = {
            **act,
            "action_id": action_id,
            "block_id": block_id or act.get("block_id") or uuid.uuid4().hex[:5],
            "action_ts": f"{self.now():.6f}",
        }
        if value is not None:
            act["value"] = value
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id, team),
            "api_app_id": self.api_app_id,
            "token": "legacy-verification-token",
            "team": {"id": team, "domain": "acme"},
            "enterprise": None,
            "is_enterprise_install": False,
            "trigger_id": self.trigger_id(user_id, team),
            "actions": [act],
        }
        if view is not None:
            state_view = {**view, "state": {"values": self.state_values(view, values or {})}}
            payload["container"] = {"type": "view", "view_id": view.get("id")}
            payload["view"] = state_view
        else:
            channel = channel_id or ("D" + user_id.lstrip("UW"))
            msg = message or {
                "type": "message",
                "ts": f"{self.now():.6f}",
                "text": "",
                "blocks": [],
            }
            payload["container"] = {
                "type": "message",
                "message_ts": msg.get("ts"),
                "channel_id": channel,
                "is_ephemeral": False,
            }
            payload["channel"] = {"id": channel, "name": "directmessage"}
            payload["message"] = msg
            payload["response_url"] = self._response_url()
        return await self._interactive(payload)

    async def click(
        self,
        user_id: str,
        action_id: str,
        *,
        blocks: list[dict[str, Any]],
        channel_id: str | None = None,
        message: dict[str, Any] | None = None,
        value: str | None = None,
        team_id: str | None = None,
    ) -> httpx.Response:
        """Press a button that the app rendered in ``blocks`` (found by action id, and by
        value when several share the id), as it appears in a message."""
        for block in blocks:
            elements = list(block.get("elements") or [])
            if block.get("accessory"):
                elements.append(block["accessory"])
            for el in elements:
                if el.get("action_id") == action_id and (value is None or el.get("value") == value):
                    return await self.block_action(
                        user_id,
                        action_id,
                        value=el.get("value"),
                        block_id=block.get("block_id"),
                        action=el,
                        message=message or {"type": "message", "ts": "1.000001", "blocks": blocks},
                        channel_id=channel_id,
                        team_id=team_id,
                    )
        raise ValueError(f"no element with action_id {action_id!r} (value {value!r}) in the blocks")

    async def view_submission(
        self,
        user_id: str,
        view: dict[str, Any],
        values: dict[str, Any],
        *,
        team_id: str | None = None,
    ) -> httpx.Response:
        team = team_id or self.team_id
        payload = {
            "type": "view_submission",
            "team": {"id": team, "domain": "acme"},
            "user": self._user(user_id, team),
            "api_app_id": self.api_app_id,
            "token": "legacy-verification-token",
            "trigger_id": self.trigger_id(user_id, team),
            "view": {**view, "state": {"values": self.state_values(view, values)}},
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        response = await self._interactive(payload)
        if self.fake is not None and response.status_code == 200:
            # Slack closes, updates or keeps the modal according to the answer.
            try:
                answer = response.json() if response.content else None
            except ValueError:
                answer = None
            self.fake.apply_response_action(user_id, answer if isinstance(answer, dict) else None)
        return response

    async def view_closed(self, user_id: str, view: dict[str, Any]) -> httpx.Response:
        payload = {
            "type": "view_closed",
            "team": {"id": self.team_id, "domain": "acme"},
            "user": self._user(user_id, self.team_id),
            "api_app_id": self.api_app_id,
            "view": view,
            "is_cleared": False,
        }
        return await self._interactive(payload)

    async def event(
        self,
        event: dict[str, Any],
        *,
        team_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        event_id: str | None = None,
    ) -> httpx.Response:
        team = team_id or self.team_id
        bot_user = "UBOT0001"
        if self.fake is not None and team in self.fake.workspaces:
            bot_user = self.fake.workspaces[team].bot_user_id
        envelope = {
            "token": "legacy-verification-token",
            "team_id": team,
            "api_app_id": self.api_app_id,
            "event": {"event_ts": f"{self.now():.6f}", **event},
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(self.now()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team,
                    "user_id": bot_user,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return await self.post_raw(
            json.dumps(envelope).encode(), content_type="application/json", headers=headers
        )

    # ------------------------------------------------------------------ modal state

    @staticmethod
    def state_values(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """Slack's ``view.state.values`` for a person who entered ``values`` (by block id)."""
        inputs = {
            b["block_id"]: b["element"]
            for b in view.get("blocks", [])
            if b.get("type") == "input" and b.get("block_id")
        }
        unknown = set(values) - set(inputs)
        if unknown:
            raise ValueError(f"no input blocks {sorted(unknown)} in this view")
        state: dict[str, Any] = {}
        for block_id, element in inputs.items():
            kind = element["type"]
            value = values.get(block_id)
            entry: dict[str, Any] = {"type": kind}
            if kind in _VALUE_TYPES:
                entry["value"] = None if value is None else str(value)
            elif kind in _SINGLE_OPTION:
                entry["selected_option"] = _option(element, value) if value is not None else None
            elif kind in _MULTI_OPTION:
                entry["selected_options"] = [_option(element, v) for v in value or []]
            elif kind == "users_select":
                entry["selected_user"] = value
            elif kind == "multi_users_select":
                entry["selected_users"] = list(value or [])
            elif kind == "conversations_select":
                entry["selected_conversation"] = value
            elif kind == "channels_select":
                entry["selected_channel"] = value
            elif kind == "multi_conversations_select":
                entry["selected_conversations"] = list(value or [])
            elif kind == "datepicker":
                entry["selected_date"] = value
            elif kind == "timepicker":
                entry["selected_time"] = value
            elif kind == "datetimepicker":
                entry["selected_date_time"] = value
            else:
                entry["value"] = value
            state[block_id] = {element.get("action_id", "field"): entry}
        return state

    @staticmethod
    def values_of(view: dict[str, Any]) -> dict[str, Any]:
        """The values a modal opens with (its ``initial_*``), in the form ``values`` takes."""
        out: dict[str, Any] = {}
        for block in view.get("blocks", []):
            if block.get("type") != "input":
                continue
            el, block_id = block["element"], block["block_id"]
            kind = el["type"]
            if kind in _VALUE_TYPES:
                value = el.get("initial_value")
                out[block_id] = None if value is None else str(value)
            elif kind in _SINGLE_OPTION:
                initial = el.get("initial_option")
                out[block_id] = initial["value"] if initial else None
            elif kind in _MULTI_OPTION:
                out[block_id] = [o["value"] for o in el.get("initial_options") or []]
            elif kind == "users_select":
                out[block_id] = el.get("initial_user")
            elif kind == "multi_users_select":
                out[block_id] = list(el.get("initial_users") or [])
            elif kind in ("conversations_select", "channels_select"):
                out[block_id] = el.get("initial_conversation") or el.get("initial_channel")
            elif kind == "datepicker":
                out[block_id] = el.get("initial_date")
            elif kind == "timepicker":
                out[block_id] = el.get("initial_time")
            elif kind == "datetimepicker":
                out[block_id] = el.get("initial_date_time")
        return out


def _option(element: dict[str, Any], value: Any) -> dict[str, Any]:
    options = list(element.get("options") or []) + [
        o for group in element.get("option_groups") or [] for o in group.get("options", [])
    ]
    for option in options:
        if option.get("value") == str(value):
            return dict(option)
    offered = [o.get("value") for o in options]
    raise ValueError(f"option {value!r} is not offered (offered: {offered})")
