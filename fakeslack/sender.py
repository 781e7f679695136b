"""A client that sends requests to an app exactly as Slack does: form-encoded slash commands
and interactivity payloads, JSON event callbacks, each signed with
``X-Slack-Signature: v0=HMAC-SHA256(signing_secret, "v0:{timestamp}:{body}")``.

Text a person types reaches the app as Slack sends it: ``message`` (a message event) and
``command`` (a slash command) encode ``&``, ``<`` and ``>`` as ``&amp;``, ``&lt;`` and
``&gt;``; in a message, what the composer turns into a mention or a link becomes Slack's
control sequence (see :func:`slack_markup`). Modal inputs carry what was typed, unencoded.

``view_submission`` fills a modal the way a person does: starting from the view the app
opened (as ``FakeSlack.open_view`` returns it), with values for some fields; the rest are sent
empty, as a person who skipped them would send them. It refuses to pick an option the view
doesn't offer. With a ``FakeSlack`` at hand, the sender also gets its trigger ids and
response URLs from the fake, and applies the app's answer to a submission to the person's
modal stack there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import httpx

from fakeslack.server import dm_channel_id

if TYPE_CHECKING:
    from fakeslack.server import FakeSlack

FORM = "application/x-www-form-urlencoded"
LEGACY_TOKEN = "legacy-verification-token"  # Slack still sends it; Bolt ignores it

# How each input element reports its value in view.state.values: the key, and the empty value.
_TEXT = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
_ONE_OPTION = {"static_select", "external_select", "radio_buttons"}
_MANY_OPTIONS = {"multi_static_select", "multi_external_select", "checkboxes"}
_PICKED: dict[str, tuple[str, Any]] = {
    "users_select": ("selected_user", None),
    "multi_users_select": ("selected_users", []),
    "conversations_select": ("selected_conversation", None),
    "multi_conversations_select": ("selected_conversations", []),
    "channels_select": ("selected_channel", None),
    "multi_channels_select": ("selected_channels", []),
    "datepicker": ("selected_date", None),
    "timepicker": ("selected_time", None),
    "datetimepicker": ("selected_date_time", None),
}
# The element's initial_* field for each of those, read back by values_of.
_INITIAL = {
    "users_select": "initial_user",
    "multi_users_select": "initial_users",
    "conversations_select": "initial_conversation",
    "multi_conversations_select": "initial_conversations",
    "channels_select": "initial_channel",
    "multi_channels_select": "initial_channels",
    "datepicker": "initial_date",
    "timepicker": "initial_time",
    "datetimepicker": "initial_date_time",
}
# What a date or time picker can produce; anything else is a test mistake.
_FORMATS = {
    "datepicker": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "timepicker": re.compile(r"\d{2}:\d{2}"),
}


# What the composer and Slack's server make of typed text: a link made with the formatting
# bar ("[label](url)" here), a bare URL, an "@name" or "#name" picked from autocomplete.
_TYPED = re.compile(
    r"\[(?P<label>[^\]\n]+)\]\((?P<target>[a-z][a-z0-9+.-]*:[^\s()<>|]+)\)"
    r"|(?P<url>https?://[^\s<>]+?)(?=[.,;:!?)\]]*(?:\s|$))"
    r"|(?<!\w)@(?P<at>\w(?:[\w.-]*\w)?)"
    r"|(?<!\w)#(?P<channel>\w(?:[\w-]*\w)?)",
    re.IGNORECASE,
)
_BROADCASTS = ("channel", "here", "everyone")


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_markup(
    typed: str,
    *,
    users: dict[str, str] | None = None,
    channels: dict[str, str] | None = None,
    groups: dict[str, str] | None = None,
) -> str:
    """A message's ``text`` as Slack delivers it when a person types ``typed``: ``&``, ``<``
    and ``>`` become ``&amp;``, ``&lt;`` and ``&gt;``; "@channel", "@here" and "@everyone"
    become ``<!channel>``…; "@name" of a person in ``users`` (name -> user id) becomes
    ``<@U…>``, of a user group in ``groups`` (handle -> id) ``<!subteam^S…>``; "#name" of
    a channel in ``channels`` (name -> id) becomes ``<#C…|name>``; a bare URL becomes
    ``<url>`` and a link made with the formatting bar, written ``[label](url)``,
    ``<url|label>``. Anything else "@…" or "#…" stays the text it was."""
    people, rooms, teams = users or {}, channels or {}, groups or {}
    out: list[str] = []
    pos = 0
    for m in _TYPED.finditer(typed):
        if m.group("label"):
            token = f"<{_entities(m.group('target'))}|{_entities(m.group('label'))}>"
        elif m.group("url"):
            token = f"<{_entities(m.group('url'))}>"
        elif m.group("at"):
            word = m.group("at")
            if word.lower() in _BROADCASTS:
                token = f"<!{word.lower()}>"
            elif word in people:
                token = f"<@{people[word]}>"
            elif word in teams:
                token = f"<!subteam^{teams[word]}>"
            else:
                continue
        elif m.group("channel") in rooms:
            token = f"<#{rooms[m.group('channel')]}|{m.group('channel')}>"
        else:
            continue
        out.append(_entities(typed[pos : m.start()]))
        out.append(token)
        pos = m.end()
    out.append(_entities(typed[pos:]))
    return "".join(out)


class SlackSender:
    """Sends signed Slack requests to an app through ``http`` (at ``path``)."""

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
        """The two headers Slack signs a request with."""
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
        """Post ``body`` signed for ``timestamp`` (default: now). ``signature`` replaces the
        real one, for forged requests; a stale ``timestamp`` makes a replayed one."""
        ts = int(self.now()) if timestamp is None else timestamp
        signed = self.sign(body, ts)
        if signature is not None:
            signed["X-Slack-Signature"] = signature
        all_headers = {"Content-Type": content_type, **signed, **(headers or {})}
        return await self.http.post(self.path, content=body, headers=all_headers)

    # ------------------------------------------------------------------ what Slack hands out

    def trigger_id(self, user_id: str, team_id: str | None = None) -> str:
        """A trigger id for the person: issued by the fake when there is one (so
        ``views.open`` accepts it), else one of the same form that no fake knows."""
        team = team_id or self.team_id
        if self.fake is not None:
            return self.fake.issue_trigger(user_id, team)
        return f"{int(self.now() * 1000)}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"

    def _response_url(self) -> str:
        if self.fake is not None:
            return self.fake.response_url()
        return f"https://hooks.slack.com/actions/{self.team_id}/{uuid.uuid4().hex}"

    def _domain(self, team_id: str) -> str:
        if self.fake is not None and team_id in self.fake.workspaces:
            return self.fake.workspaces[team_id].domain
        return "acme"

    def _user(self, user_id: str, team_id: str) -> dict[str, Any]:
        name = user_id.lower()
        if self.fake is not None and team_id in self.fake.workspaces:
            name = self.fake.workspaces[team_id].users.get(user_id, {}).get("name", name)
        return {"id": user_id, "username": name, "name": name, "team_id": team_id}

    def _common(self, user_id: str, team_id: str) -> dict[str, Any]:
        """Fields every interactivity payload carries."""
        return {
            "user": self._user(user_id, team_id),
            "api_app_id": self.api_app_id,
            "token": LEGACY_TOKEN,
            "team": {"id": team_id, "domain": self._domain(team_id)},
            "enterprise": None,
            "is_enterprise_install": False,
        }

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
        """A slash command typed by ``user_id`` (in their DM with the app by default), with
        ``text`` as Slack sends it: ``&``, ``<`` and ``>`` encoded, and (as the manifest
        doesn't ask Slack to escape them) mentions and channels left as typed."""
        team = team_id or self.team_id
        channel = channel_id or dm_channel_id(user_id)
        form = {
            "token": LEGACY_TOKEN,
            "team_id": team,
            "team_domain": self._domain(team),
            "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else channel.lower(),
            "user_id": user_id,
            "user_name": self._user(user_id, team)["name"],
            "command": command,
            "text": _entities(text),
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
        """A ``block_actions`` payload: a button press by default; ``action`` gives the whole
        action (e.g. ``{"type": "static_select", "selected_option": {...}}``). With ``view``
        the element sits in that modal, whose inputs hold ``values`` (as for
        ``view_submission``); otherwise it sits in ``message`` in ``channel_id``."""
        team = team_id or self.team_id
        act = dict(action or {"type": "button", "text": {"type": "plain_text", "text": "Button"}})
        act.update(
            action_id=action_id,
            block_id=block_id or act.get("block_id") or uuid.uuid4().hex[:5],
            action_ts=f"{self.now():.6f}",
        )
        if value is not None:
            act["value"] = value
        payload: dict[str, Any] = {
            "type": "block_actions",
            **self._common(user_id, team),
            "trigger_id": self.trigger_id(user_id, team),
            "actions": [act],
        }
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id")}
            payload["view"] = {**view, "state": {"values": self.state_values(view, values or {})}}
        else:
            channel = channel_id or dm_channel_id(user_id)
            msg = message or {"type": "message", "ts": f"{self.now():.6f}", "blocks": []}
            payload["container"] = {
                "type": "message",
                "message_ts": msg.get("ts"),
                "channel_id": channel,
                "is_ephemeral": False,
            }
            payload["channel"] = {
                "id": channel,
                "name": "directmessage" if channel.startswith("D") else channel.lower(),
            }
            payload["message"] = msg
            payload["state"] = {"values": {}}
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
        """Press a button the app rendered in ``blocks`` (found by action id, and by value
        when several share the id), as it appears in a message."""
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
        """Submit ``view`` with ``values`` (by block id, plain python values; see
        ``state_values``). With a fake, the app's answer is applied to the modal stack."""
        team = team_id or self.team_id
        payload = {
            "type": "view_submission",
            **self._common(user_id, team),
            "trigger_id": self.trigger_id(user_id, team),
            "view": {**view, "state": {"values": self.state_values(view, values)}},
            "response_urls": [],
        }
        response = await self._interactive(payload)
        if self.fake is not None and response.status_code == 200:
            try:
                answer = response.json() if response.content else None
            except ValueError:
                answer = None
            self.fake.apply_response_action(user_id, answer if isinstance(answer, dict) else None)
        return response

    async def view_closed(
        self,
        user_id: str,
        view: dict[str, Any],
        *,
        is_cleared: bool = False,
        team_id: str | None = None,
    ) -> httpx.Response:
        """The person closed the modal (Slack sends this only for ``notify_on_close``
        views). With a fake, the modal closes there too (all of them if ``is_cleared``)."""
        team = team_id or self.team_id
        payload = {
            "type": "view_closed",
            **self._common(user_id, team),
            "view": view,
            "is_cleared": is_cleared,
        }
        if self.fake is not None:
            self.fake.apply_response_action(
                user_id, {"response_action": "clear"} if is_cleared else None
            )
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
        """An Events API ``event_callback`` carrying ``event``. ``retry_num`` sends it as
        Slack's retry of an event the app was slow to acknowledge."""
        team = team_id or self.team_id
        bot_user = "UBOT0001"
        if self.fake is not None and team in self.fake.workspaces:
            bot_user = self.fake.workspaces[team].bot_user_id
        envelope = {
            "token": LEGACY_TOKEN,
            "team_id": team,
            "context_team_id": team,
            "context_enterprise_id": None,
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

    def markup(self, typed: str, *, team_id: str | None = None, **groups: str) -> str:
        """``typed`` as Slack would deliver it in a message in this workspace (see
        :func:`slack_markup`): the fake's people by name and channels by name;
        ``groups`` maps user-group handles to their ids."""
        team = team_id or self.team_id
        users: dict[str, str] = {}
        channels: dict[str, str] = {}
        if self.fake is not None and team in self.fake.workspaces:
            ws = self.fake.workspaces[team]
            users = {str(u["name"]): uid for uid, u in ws.users.items()}
            channels = {str(c["name"]): cid for cid, c in ws.channels.items() if c.get("name")}
        return slack_markup(typed, users=users, channels=channels, groups=groups)

    async def message(
        self,
        user_id: str,
        typed: str,
        *,
        channel_id: str | None = None,
        thread_ts: str | None = None,
        ts: str | None = None,
        team_id: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
        groups: dict[str, str] | None = None,
    ) -> httpx.Response:
        """A ``message`` event: ``user_id`` typed ``typed`` in ``channel_id`` (their DM with
        the app by default), in the thread of ``thread_ts`` if given. The event's text is
        what Slack makes of the typing (see :meth:`markup`)."""
        team = team_id or self.team_id
        channel = channel_id or dm_channel_id(user_id)
        event: dict[str, Any] = {
            "type": "message",
            "channel": channel,
            "channel_type": "im" if channel.startswith("D") else "channel",
            "user": user_id,
            "team": team,
            "text": self.markup(typed, team_id=team, **(groups or {})),
            "ts": ts or f"{self.now():.6f}",
            "client_msg_id": str(uuid.uuid4()),
        }
        if thread_ts is not None:
            event["thread_ts"] = thread_ts
        return await self.event(event, team_id=team, event_id=event_id, retry_num=retry_num)

    # ------------------------------------------------------------------ modal state

    @staticmethod
    def state_values(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """Slack's ``view.state.values`` for a person who entered ``values`` (keyed by the
        input's block id, as plain python values) and left every other input empty.

        Text inputs take a string (a number is turned into one); option inputs take the
        option's value (a list of them for multi-selects and checkboxes), and an external
        select takes an option dict or a value to show as its own label; pickers take an
        id or ids, ``"YYYY-MM-DD"``, ``"HH:MM"`` or a unix time. Raises ValueError for an
        unknown block id, an option the view doesn't offer, or a malformed date or time.
        """
        inputs = {
            b["block_id"]: b["element"]
            for b in view.get("blocks") or []
            if b.get("type") == "input" and b.get("block_id") and isinstance(b.get("element"), dict)
        }
        unknown = set(values) - set(inputs)
        if unknown:
            raise ValueError(f"no input blocks {sorted(unknown)} in this view")
        return {
            block_id: {element.get("action_id", "field"): _state(element, values.get(block_id))}
            for block_id, element in inputs.items()
        }

    @staticmethod
    def values_of(view: dict[str, Any]) -> dict[str, Any]:
        """What each input of a modal starts with (its ``initial_*``), in the form
        ``state_values`` takes, so a test can change one field of a pre-filled modal."""
        out: dict[str, Any] = {}
        for block in view.get("blocks") or []:
            element = block.get("element")
            if block.get("type") != "input" or not isinstance(element, dict):
                continue
            kind = element.get("type")
            if kind in _TEXT:
                initial = element.get("initial_value")
                value: Any = None if initial is None else str(initial)
            elif kind in _ONE_OPTION:
                option = element.get("initial_option")
                value = option["value"] if option else None
            elif kind in _MANY_OPTIONS:
                value = [o["value"] for o in element.get("initial_options") or []]
            elif kind in _INITIAL:
                value = element.get(_INITIAL[kind])
                if isinstance(value, list):
                    value = list(value)
                elif value is None and isinstance(_PICKED[kind][1], list):
                    value = []
            else:
                value = None
            out[block["block_id"]] = value
        return out


def _state(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """One input's entry in ``view.state.values``."""
    kind = str(element.get("type"))
    entry: dict[str, Any] = {"type": kind}
    if kind in _TEXT:
        entry["value"] = None if value is None else str(value)
    elif kind in _ONE_OPTION:
        entry["selected_option"] = None if value is None else _option(element, value)
    elif kind in _MANY_OPTIONS:
        entry["selected_options"] = [_option(element, v) for v in value or []]
    elif kind in _PICKED:
        key, empty = _PICKED[kind]
        if value is None:
            value = list(empty) if isinstance(empty, list) else empty
        elif isinstance(empty, list):
            value = list(value)
        pattern = _FORMATS.get(kind)
        if pattern is not None and value is not None and not pattern.fullmatch(str(value)):
            raise ValueError(f"{kind} can't produce {value!r}")
        entry[key] = value
    elif kind == "rich_text_input":
        entry["rich_text_value"] = None if value is None else _rich_text(str(value))
    else:
        entry["value"] = value
    return entry


def _option(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """The option a person picks by its value: only one the element offers, except for
    external selects, whose options come from the app at typing time."""
    if element.get("type") in ("external_select", "multi_external_select"):
        if isinstance(value, dict):
            return dict(value)
        return {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}
    options = list(element.get("options") or []) + [
        o for group in element.get("option_groups") or [] for o in group.get("options", [])
    ]
    wanted = value.get("value") if isinstance(value, dict) else str(value)
    for option in options:
        if option.get("value") == wanted:
            return dict(option)
    offered = [o.get("value") for o in options]
    raise ValueError(f"option {wanted!r} is not offered (offered: {offered})")


def _rich_text(text: str) -> dict[str, Any]:
    return {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
    }
