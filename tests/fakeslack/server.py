"""A real local HTTP server that impersonates the Slack Web API.

It keeps a small world per workspace (users, channels, messages, open modals, home tabs),
records every call, rejects what Slack rejects with Slack's own error shapes (Block Kit over
its limits gets ``invalid_blocks``/``invalid_arguments``, an unknown channel
``channel_not_found``…), and can be told to misbehave: answer 429 with ``Retry-After``, 5xx,
time out, or rate-limit like Slack does per channel and per workspace.

Use it in-process (``await fake.start()``), in a background thread (``fake.start_in_thread()``)
or standalone (``python -m tests.fakeslack``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import random
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from aiohttp import WSMsgType, web

from tests.fakeslack.blockkit import check_message, check_view

JSON_FIELDS = ("blocks", "view", "attachments", "metadata", "user_auth_blocks", "files")
TRIGGER_TTL = 3.0


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    team_id: str | None
    status: int = 200
    response: dict[str, Any] | None = None
    at: float = field(default_factory=time.monotonic)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.status == 200 and self.response and self.response.get("ok"))


@dataclass
class Workspace:
    team_id: str
    name: str
    domain: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    app_id: str
    enterprise_id: str | None = None
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    views: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    homes: dict[str, dict[str, Any]] = field(default_factory=dict)


class SlackError(Exception):
    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@dataclass
class _Fault:
    method: str
    status: int
    error: str | None
    retry_after: int | None
    delay: float | None
    times: int


class _TokenBucket:
    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.updated = burst, time.monotonic()

    def take(self) -> float:
        """0 if a token was taken, else the seconds until one is available."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class FakeSlack:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self._port = host, port
        self.calls: list[Call] = []
        self.workspaces: dict[str, Workspace] = {}
        self._tokens: dict[str, str] = {}  # token -> team id
        self._app_tokens: set[str] = set()
        self._oauth: dict[str, dict[str, Any]] = {}  # code -> {client_id, secret, team}
        self._triggers: dict[str, tuple[str, str, float]] = {}  # id -> (team, user, issued)
        self._used_triggers: set[str] = set()
        self._view_owner: dict[str, tuple[str, str]] = {}  # view id -> (team, user)
        self._faults: list[_Fault] = []
        self._fault_rate = 0.0
        self._fault_kinds: tuple[str, ...] = ()
        self._fault_methods: set[str] | None = None
        self._fault_rng = random.Random(0)
        self._fault_retry_after = 1
        self._timeout_delay = 2.0
        self._channel_rate: float | None = None
        self._channel_burst = 3
        self._workspace_rate: float | None = None
        self._buckets: dict[str, _TokenBucket] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self.stats: dict[str, int] = defaultdict(int)
        self.uploaded_files: list[dict[str, Any]] = []
        self._uploads: dict[str, dict[str, Any]] = {}
        self._sockets: list[web.WebSocketResponse] = []
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self.port = 0

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/api/"

    def _app(self) -> web.Application:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._handle_api)
        app.router.add_get("/api/{method}", self._handle_api)
        app.router.add_post("/response/{key}", self._handle_response_url)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        app.router.add_get("/socket", self._handle_socket)
        return app

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._runner = web.AppRunner(self._app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def start_in_thread(self) -> None:
        started = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self.start())
            started.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        self._thread = threading.Thread(target=run, name="fakeslack", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("fake Slack did not start")

    def stop_thread(self) -> None:
        if self._thread is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = None

    # ------------------------------------------------------------------ world setup

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
    ) -> Workspace:
        ws = Workspace(team_id, name, domain, bot_token, bot_user_id, bot_id, app_id, enterprise_id)
        self.workspaces[team_id] = ws
        self._tokens[bot_token] = team_id
        ws.users[bot_user_id] = self._user_object(
            team_id, bot_user_id, name="mentorbot", real_name="Mentorbot", tz="UTC", is_bot=True
        )
        if app_token:
            self._app_tokens.add(app_token)
        return ws

    def add_app_token(self, token: str) -> None:
        self._app_tokens.add(token)

    def revoke_token(self, token: str) -> None:
        self._tokens.pop(token, None)

    def _user_object(
        self,
        team_id: str,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        tz: str = "Europe/London",
        tz_offset: int | None = None,
        is_admin: bool = False,
        is_owner: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
    ) -> dict[str, Any]:
        if tz_offset is None:
            offset = datetime.now(UTC).astimezone(ZoneInfo(tz)).utcoffset()
            tz_offset = int(offset.total_seconds()) if offset is not None else 0
        real = real_name or name
        return {
            "id": user_id,
            "team_id": team_id,
            "name": name,
            "real_name": real,
            "deleted": deleted,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_bot": is_bot,
            "tz": tz,
            "tz_label": tz,
            "tz_offset": tz_offset,
            "profile": {"real_name": real, "display_name": name, "email": f"{name}@example.com"},
        }

    def add_user(self, team_id: str, user_id: str, *, name: str, **kwargs: Any) -> dict[str, Any]:
        user = self._user_object(team_id, user_id, name=name, **kwargs)
        self.workspaces[team_id].users[user_id] = user
        return user

    def update_user(self, team_id: str, user_id: str, **changes: Any) -> None:
        self.workspaces[team_id].users[user_id].update(changes)

    def add_channel(
        self,
        team_id: str,
        channel_id: str,
        name: str,
        *,
        is_private: bool = False,
        members: Iterable[str] = (),
        is_archived: bool = False,
    ) -> dict[str, Any]:
        channel = {
            "id": channel_id,
            "name": name,
            "is_channel": not is_private,
            "is_group": is_private,
            "is_private": is_private,
            "is_archived": is_archived,
            "is_im": False,
            "is_mpim": False,
            "members": set(members),
        }
        self.workspaces[team_id].channels[channel_id] = channel
        return channel

    def add_oauth_app(
        self, client_id: str, client_secret: str, *, team_id: str, code: str, **workspace: Any
    ) -> None:
        self._oauth[code] = {
            "client_id": client_id,
            "secret": client_secret,
            "team_id": team_id,
            "workspace": workspace,
        }

    def issue_trigger(self, user_id: str, team_id: str) -> str:
        issued = time.time()
        trigger = f"{int(issued * 1000)}.{random.randint(10**8, 10**9)}.{uuid.uuid4().hex[:24]}"
        self._triggers[trigger] = (team_id, user_id, issued)
        return trigger

    def response_url(self, key: str | None = None) -> str:
        return f"{self.url}/response/{key or uuid.uuid4().hex}"

    # ------------------------------------------------------------------ inspection

    def calls_to(self, method: str, **match: Any) -> list[Call]:
        return [
            c
            for c in list(self.calls)
            if c.method == method and all(c.args.get(k) == v for k, v in match.items())
        ]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Call]:
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls_to(method) if predicate is None or predicate(c)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                recent = [f"{c.method} {c.status} {c.response}" for c in self.calls[-8:]]
                raise AssertionError(
                    f"waited {timeout}s for {count} x {method}, saw {len(found)}; recent calls:\n"
                    + "\n".join(recent)
                )
            await asyncio.sleep(0.01)

    def wait_for_sync(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Call]:
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls_to(method) if predicate is None or predicate(c)]
            if len(found) >= count or time.monotonic() > deadline:
                if len(found) < count:
                    raise AssertionError(f"waited {timeout}s for {count} x {method}")
                return found
            time.sleep(0.01)

    def reset_calls(self) -> None:
        self.calls.clear()

    def open_view(self, user_id: str, team_id: str | None = None) -> dict[str, Any] | None:
        for ws in self._teams(team_id):
            stack = ws.views.get(user_id)
            if stack:
                return stack[-1]
        return None

    async def wait_for_view(
        self, user_id: str, *, callback_id: str | None = None, timeout: float = 5.0
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            view = self.open_view(user_id)
            if view is not None and (callback_id is None or view.get("callback_id") == callback_id):
                return view
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no modal {callback_id or ''} open for {user_id} after {timeout}s "
                    f"(open: {view and view.get('callback_id')})"
                )
            await asyncio.sleep(0.01)

    def close_views(self, user_id: str) -> None:
        for ws in self.workspaces.values():
            for view in ws.views.pop(user_id, []):
                self._view_owner.pop(view["id"], None)

    def apply_response_action(self, user_id: str, response: dict[str, Any] | None) -> None:
        """Do to the modal stack what Slack does with a view_submission answer."""
        action = (response or {}).get("response_action")
        if action == "errors":
            return
        for ws in self.workspaces.values():
            stack = ws.views.get(user_id)
            if not stack:
                continue
            if action in (None, "clear"):
                self.close_views(user_id) if action == "clear" else stack.pop()
            elif action == "update" and response is not None:
                stack[-1] = self._materialise(ws, user_id, response["view"], stack[-1]["id"])
            elif action == "push" and response is not None:
                stack.append(self._materialise(ws, user_id, response["view"], None))
            return

    def home_view(self, user_id: str, team_id: str | None = None) -> dict[str, Any] | None:
        for ws in self._teams(team_id):
            if user_id in ws.homes:
                return ws.homes[user_id]
        return None

    def messages(self, channel: str, team_id: str | None = None) -> list[dict[str, Any]]:
        for ws in self._teams(team_id):
            if channel in ws.messages:
                return list(ws.messages[channel])
        return []

    def dm_channel(self, team_id: str, user_id: str) -> str:
        return "D" + user_id.lstrip("UW")

    def _teams(self, team_id: str | None) -> list[Workspace]:
        if team_id is not None:
            return [self.workspaces[team_id]]
        return list(self.workspaces.values())

    # ------------------------------------------------------------------ faults

    def fail(
        self,
        method: str = "*",
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        delay: float | None = None,
    ) -> None:
        if status is None:
            status = 200 if error else 500  # an error code alone is a 200 with ok=false
        if status == 429 and retry_after is None:
            retry_after = 1
        self._faults.append(_Fault(method, status, error, retry_after, delay, times))

    def set_fault_rate(
        self,
        rate: float,
        *,
        kinds: Iterable[str] = ("429", "500", "timeout"),
        retry_after: int = 1,
        timeout_delay: float = 2.0,
        seed: int = 0,
        methods: Iterable[str] | None = None,
    ) -> None:
        self._fault_rate = rate
        self._fault_kinds = tuple(kinds)
        self._fault_retry_after = retry_after
        self._timeout_delay = timeout_delay
        self._fault_rng = random.Random(seed)
        self._fault_methods = set(methods) if methods is not None else None

    def set_rate_limits(
        self,
        *,
        per_channel_per_second: float | None = 1.0,
        channel_burst: int = 3,
        workspace_per_minute: int | None = None,
    ) -> None:
        self._channel_rate = per_channel_per_second
        self._channel_burst = channel_burst
        self._workspace_rate = workspace_per_minute / 60 if workspace_per_minute else None
        self._buckets.clear()

    def _injected(self, method: str) -> _Fault | None:
        for fault in self._faults:
            if fault.method in ("*", method) and fault.times > 0:
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        if self._fault_rate and (self._fault_methods is None or method in self._fault_methods):
            with self._lock:
                roll = self._fault_rng.random()
                kind = self._fault_rng.choice(self._fault_kinds) if self._fault_kinds else "500"
            if roll < self._fault_rate:
                if kind == "429":
                    return _Fault(method, 429, None, self._fault_retry_after, None, 1)
                if kind == "timeout":
                    return _Fault(method, 200, None, None, self._timeout_delay, 1)
                return _Fault(method, int(kind), None, None, None, 1)
        return None

    def _rate_limited(self, team_id: str | None, method: str, args: dict[str, Any]) -> float:
        if method != "chat.postMessage" or team_id is None:
            return 0.0
        waits = []
        if self._channel_rate:
            key = f"{team_id}/{args.get('channel')}"
            bucket = self._buckets.setdefault(
                key, _TokenBucket(self._channel_rate, self._channel_burst)
            )
            waits.append(bucket.take())
        if self._workspace_rate:
            bucket = self._buckets.setdefault(
                team_id, _TokenBucket(self._workspace_rate, max(self._workspace_rate, 1))
            )
            waits.append(bucket.take())
        return max(waits, default=0.0)

    # ------------------------------------------------------------------ HTTP plumbing

    async def _parse(self, request: web.Request) -> tuple[dict[str, Any], str | None]:
        raw = await request.read()
        content_type = request.headers.get("Content-Type", "")
        args: dict[str, Any] = {}
        if raw:
            if "json" in content_type:
                try:
                    loaded = json.loads(raw)
                except ValueError:
                    loaded = {}
                args = loaded if isinstance(loaded, dict) else {}
            else:
                args = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        args.update({k: v for k, v in request.query.items() if k not in args})
        for key in JSON_FIELDS:
            if isinstance(args.get(key), str) and args[key][:1] in ("[", "{"):
                with contextlib.suppress(ValueError):
                    args[key] = json.loads(args[key])
        auth = request.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else None
        if token is None and isinstance(args.get("token"), str):
            token = args.pop("token")
        return args, token

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args, token = await self._parse(request)
        team_id = self._tokens.get(token or "")
        call = Call(method, args, token, team_id, headers=dict(request.headers))
        self.calls.append(call)
        self.stats["calls"] += 1
        self.stats[f"method:{method}"] += 1

        fault = self._injected(method)
        if fault is not None:
            if fault.delay:
                self.stats["fault:timeout"] += 1
                await asyncio.sleep(fault.delay)
            if fault.status == 429:
                self.stats["fault:429"] += 1
                return self._answer(
                    call,
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={
                        "Retry-After": str(1 if fault.retry_after is None else fault.retry_after)
                    },
                )
            if fault.status >= 500:
                self.stats[f"fault:{fault.status}"] += 1
                return self._answer(
                    call, {"ok": False, "error": "internal_error"}, status=fault.status
                )
            if fault.error:
                self.stats["fault:error"] += 1
                return self._answer(call, {"ok": False, "error": fault.error})
            if fault.delay:
                pass  # a slow but successful answer: fall through

        wait = self._rate_limited(team_id, method, args)
        if wait:
            self.stats["rate_limited"] += 1
            return self._answer(
                call,
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(max(1, int(wait + 0.999)))},
            )
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return self._answer(call, {"ok": False, "error": "unknown_method"}, status=404)
        try:
            if method not in ("oauth.v2.access", "apps.connections.open"):
                if token is None:
                    raise SlackError("not_authed")
                if team_id is None:
                    raise SlackError("invalid_auth")
            result = (
                await handler(call, request) if method == "oauth.v2.access" else await handler(call)
            )
        except SlackError as exc:
            return self._answer(call, {"ok": False, "error": exc.error, **exc.extra})
        return self._answer(call, {"ok": True, **result})

    def _answer(
        self,
        call: Call,
        body: dict[str, Any],
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        call.status, call.response = status, body
        return web.json_response(body, status=status, headers=headers)

    def _ws(self, call: Call) -> Workspace:
        assert call.team_id is not None
        return self.workspaces[call.team_id]

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    # ------------------------------------------------------------------ methods: auth/users

    async def _m_auth_test(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        return {
            "url": f"https://{ws.domain}.slack.com/",
            "team": ws.name,
            "user": "mentorbot",
            "team_id": ws.team_id,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "enterprise_id": ws.enterprise_id,
            "is_enterprise_install": False,
        }

    async def _m_users_info(self, call: Call) -> dict[str, Any]:
        user = self._ws(call).users.get(str(call.args.get("user")))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user}

    async def _m_users_list(self, call: Call) -> dict[str, Any]:
        users = list(self._ws(call).users.values())
        limit = int(call.args.get("limit") or 200)
        start = int(call.args.get("cursor") or 0)
        page = users[start : start + limit]
        cursor = str(start + limit) if start + limit < len(users) else ""
        return {"members": page, "response_metadata": {"next_cursor": cursor}}

    # ------------------------------------------------------------------ methods: chat

    def _resolve_channel(self, ws: Workspace, channel: str | None) -> tuple[str, dict[str, Any]]:
        """Map a channel or user id to a conversation, checking what Slack checks."""
        if not channel:
            raise SlackError("channel_not_found")
        if channel.startswith(("U", "W")):
            user = ws.users.get(channel)
            if user is None:
                raise SlackError("channel_not_found")
            if user.get("deleted"):
                raise SlackError("user_disabled")
            if user.get("is_bot"):
                raise SlackError("cannot_dm_bot")
            channel = self.dm_channel(ws.team_id, channel)
        conversation = ws.channels.get(channel)
        if conversation is None and channel.startswith("D"):
            user_id = next((u for u in ws.users if self.dm_channel(ws.team_id, u) == channel), None)
            if user_id is None:
                raise SlackError("channel_not_found")
            conversation = self._open_im(ws, user_id)
        if conversation is None:
            raise SlackError("channel_not_found")
        return channel, conversation

    def _open_im(self, ws: Workspace, user_id: str) -> dict[str, Any]:
        channel_id = self.dm_channel(ws.team_id, user_id)
        if channel_id not in ws.channels:
            ws.channels[channel_id] = {
                "id": channel_id,
                "is_im": True,
                "is_mpim": False,
                "is_private": True,
                "is_archived": False,
                "user": user_id,
                "members": {user_id, ws.bot_user_id},
            }
        return ws.channels[channel_id]

    def _check_blocks(self, call: Call) -> None:
        blocks = call.args.get("blocks")
        text = call.args.get("text")
        if blocks is not None and not isinstance(blocks, list):
            raise SlackError("invalid_blocks_format")
        errors = check_message(blocks, text if isinstance(text, str) else None)
        if errors:
            raise SlackError(
                "invalid_blocks",
                errors=errors,
                response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
            )
        if not text and not blocks and not call.args.get("attachments"):
            raise SlackError("no_text")

    async def _m_chat_postMessage(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel, conversation = self._resolve_channel(ws, call.args.get("channel"))
        if conversation.get("is_archived"):
            raise SlackError("is_archived")
        if not conversation.get("is_im") and ws.bot_user_id not in conversation["members"]:
            raise SlackError("not_in_channel")
        self._check_blocks(call)
        message = {
            "type": "message",
            "ts": self._next_ts(),
            "user": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "text": call.args.get("text") or "",
            "blocks": call.args.get("blocks") or [],
        }
        if call.args.get("thread_ts"):
            message["thread_ts"] = call.args["thread_ts"]
        if isinstance(call.args.get("metadata"), dict):
            message["metadata"] = call.args["metadata"]
        ws.messages[channel].append(message)
        return {"channel": channel, "ts": message["ts"], "message": message}

    async def _m_chat_postEphemeral(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        _, conversation = self._resolve_channel(ws, call.args.get("channel"))
        user = str(call.args.get("user") or "")
        if user not in ws.users:
            raise SlackError("user_not_found")
        members = conversation.get("members") or set()
        if not conversation.get("is_im") and members and user not in members:
            raise SlackError("user_not_in_channel")
        self._check_blocks(call)
        return {"message_ts": self._next_ts()}

    def _find_message(self, ws: Workspace, channel: str, ts: str) -> dict[str, Any]:
        for message in ws.messages.get(channel, []):
            if message["ts"] == ts:
                return message
        raise SlackError("message_not_found")

    async def _m_chat_update(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel, _ = self._resolve_channel(ws, call.args.get("channel"))
        message = self._find_message(ws, channel, str(call.args.get("ts")))
        self._check_blocks(call)
        if "text" in call.args:
            message["text"] = call.args["text"]
        if "blocks" in call.args:
            message["blocks"] = call.args["blocks"] or []
        return {"channel": channel, "ts": message["ts"], "text": message["text"]}

    async def _m_chat_delete(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel, _ = self._resolve_channel(ws, call.args.get("channel"))
        message = self._find_message(ws, channel, str(call.args.get("ts")))
        ws.messages[channel].remove(message)
        return {"channel": channel, "ts": message["ts"]}

    # ------------------------------------------------------------------ methods: conversations

    async def _m_conversations_open(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        if call.args.get("channel"):
            _, conversation = self._resolve_channel(ws, str(call.args["channel"]))
            return {"channel": {"id": conversation["id"]}}
        users = [u for u in str(call.args.get("users") or "").split(",") if u]
        if not users:
            raise SlackError("users_list_not_supplied")
        for user in users:
            if user not in ws.users or ws.users[user].get("deleted"):
                raise SlackError("user_not_found")
        if len(users) == 1:
            conversation = self._open_im(ws, users[0])
            return {"channel": {"id": conversation["id"]}}
        members = sorted(set(users))
        channel_id = "G" + uuid.uuid5(uuid.NAMESPACE_OID, ",".join(members)).hex[:10].upper()
        if channel_id not in ws.channels:
            ws.channels[channel_id] = {
                "id": channel_id,
                "is_im": False,
                "is_mpim": True,
                "is_private": True,
                "is_archived": False,
                "members": {*members, ws.bot_user_id},
            }
        return {"channel": {"id": channel_id}}

    def _public(self, conversation: dict[str, Any], bot: str) -> dict[str, Any]:
        out = {k: v for k, v in conversation.items() if k != "members"}
        out["is_member"] = bot in conversation.get("members", set())
        return out

    async def _m_conversations_join(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        conversation = ws.channels.get(str(call.args.get("channel")))
        if conversation is None:
            raise SlackError("channel_not_found")
        if conversation.get("is_private") or conversation.get("is_im"):
            raise SlackError("method_not_supported_for_channel_type")
        if conversation.get("is_archived"):
            raise SlackError("is_archived")
        result: dict[str, Any] = {}
        if ws.bot_user_id in conversation["members"]:
            result["warning"] = "already_in_channel"
            result["response_metadata"] = {"warnings": ["already_in_channel"]}
        conversation["members"].add(ws.bot_user_id)
        result["channel"] = self._public(conversation, ws.bot_user_id)
        return result

    async def _m_conversations_info(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        conversation = ws.channels.get(str(call.args.get("channel")))
        if conversation is None:
            raise SlackError("channel_not_found")
        if conversation.get("is_private") and ws.bot_user_id not in conversation["members"]:
            raise SlackError("channel_not_found")
        return {"channel": self._public(conversation, ws.bot_user_id)}

    async def _m_conversations_members(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        conversation = ws.channels.get(str(call.args.get("channel")))
        if conversation is None:
            raise SlackError("channel_not_found")
        return {
            "members": sorted(conversation["members"]),
            "response_metadata": {"next_cursor": ""},
        }

    async def _m_conversations_history(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel, _ = self._resolve_channel(ws, call.args.get("channel"))
        oldest = float(call.args.get("oldest") or 0)
        limit = int(call.args.get("limit") or 100)
        found = [m for m in ws.messages.get(channel, []) if float(m["ts"]) > oldest]
        include_metadata = str(call.args.get("include_all_metadata")).lower() in ("1", "true")
        out = []
        for message in reversed(found[-limit:]):
            shown = dict(message)
            if not include_metadata:
                shown.pop("metadata", None)
            out.append(shown)
        return {"messages": out, "has_more": len(found) > limit}

    # ------------------------------------------------------------------ methods: views

    def _view_error(self, errors: list[str]) -> SlackError:
        return SlackError(
            "invalid_arguments", response_metadata={"messages": [f"[ERROR] {e}" for e in errors]}
        )

    def _take_trigger(self, ws: Workspace, trigger_id: Any) -> str:
        if not isinstance(trigger_id, str) or trigger_id not in self._triggers:
            raise SlackError("invalid_trigger_id")
        if trigger_id in self._used_triggers:
            raise SlackError("exchanged_trigger_id")
        team, user, issued = self._triggers[trigger_id]
        if team != ws.team_id:
            raise SlackError("invalid_trigger_id")
        if time.time() - issued > TRIGGER_TTL:
            raise SlackError("expired_trigger_id")
        self._used_triggers.add(trigger_id)
        return user

    def _materialise(
        self, ws: Workspace, user: str, view: dict[str, Any], view_id: str | None
    ) -> dict[str, Any]:
        full = dict(view)
        full.update(
            id=view_id or f"V{next(self._ids):08d}",
            team_id=ws.team_id,
            app_id=ws.app_id,
            bot_id=ws.bot_id,
            hash=f"{int(time.time())}.{uuid.uuid4().hex[:8]}",
            state={"values": {}},
            private_metadata=view.get("private_metadata", ""),
            callback_id=view.get("callback_id", ""),
            external_id=view.get("external_id", ""),
        )
        self._view_owner[full["id"]] = (ws.team_id, user)
        return full

    def _view_arg(self, call: Call) -> dict[str, Any]:
        view = call.args.get("view")
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments")
        errors = check_view(view)
        if errors:
            raise self._view_error(errors)
        return view

    async def _m_views_open(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        view = self._view_arg(call)
        user = self._take_trigger(ws, call.args.get("trigger_id"))
        full = self._materialise(ws, user, view, None)
        ws.views[user] = [full]
        return {"view": full}

    async def _m_views_push(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        view = self._view_arg(call)
        user = self._take_trigger(ws, call.args.get("trigger_id"))
        if len(ws.views[user]) >= 3:
            raise SlackError("push_limit_reached")
        full = self._materialise(ws, user, view, None)
        ws.views[user].append(full)
        return {"view": full}

    async def _m_views_update(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        view = self._view_arg(call)
        view_id = call.args.get("view_id")
        if not view_id and call.args.get("external_id"):
            view_id = next(
                (
                    v["id"]
                    for stack in ws.views.values()
                    for v in stack
                    if v.get("external_id") == call.args["external_id"]
                ),
                None,
            )
        owner = self._view_owner.get(str(view_id))
        if owner is None or owner[0] != ws.team_id:
            raise SlackError("not_found")
        stack = ws.views[owner[1]]
        index = next((i for i, v in enumerate(stack) if v["id"] == view_id), None)
        if index is None:
            raise SlackError("not_found")
        if call.args.get("hash") and call.args["hash"] != stack[index]["hash"]:
            raise SlackError("hash_conflict")
        stack[index] = self._materialise(ws, owner[1], view, str(view_id))
        return {"view": stack[index]}

    async def _m_views_publish(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        user = str(call.args.get("user_id") or "")
        if user not in ws.users:
            raise SlackError("user_not_found")
        view = self._view_arg(call)
        if view.get("type") != "home":
            raise self._view_error(["must be home [json-pointer:/view/type]"])
        current = ws.homes.get(user)
        if call.args.get("hash") and current and call.args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        full = self._materialise(ws, user, view, current["id"] if current else None)
        ws.homes[user] = full
        return {"view": full}

    # ------------------------------------------------------------------ methods: files

    async def _m_files_getUploadURLExternal(self, call: Call) -> dict[str, Any]:
        file_id = f"F{next(self._ids):08d}"
        self._uploads[file_id] = {
            "id": file_id,
            "filename": call.args.get("filename"),
            "length": int(call.args.get("length") or 0),
            "team_id": call.team_id,
        }
        return {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    async def _handle_upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        if file_id not in self._uploads:
            return web.Response(status=404, text="unknown upload")
        raw = await request.read()
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()  # pragma: no cover - slack_sdk sends raw bytes
            part = await reader.next()
            raw = await part.read() if part is not None else b""  # type: ignore[union-attr]
        self._uploads[file_id]["content"] = raw
        return web.Response(text=f"OK - {len(raw)}")

    async def _m_files_completeUploadExternal(self, call: Call) -> dict[str, Any]:
        files = call.args.get("files")
        if not isinstance(files, list) or not files:
            raise SlackError("invalid_arguments")
        ws = self._ws(call)
        channel = call.args.get("channel_id") or call.args.get("channels")
        if channel:
            _, conversation = self._resolve_channel(ws, str(channel).split(",")[0])
            if not conversation.get("is_im") and ws.bot_user_id not in conversation["members"]:
                raise SlackError("not_in_channel")
        done = []
        for f in files:
            upload = self._uploads.pop(str(f.get("id")), None)
            if upload is None or "content" not in upload:
                raise SlackError("file_not_found")
            record = {
                "id": upload["id"],
                "filename": upload["filename"],
                "title": f.get("title") or upload["filename"],
                "channel": channel,
                "initial_comment": call.args.get("initial_comment"),
                "content": upload["content"],
                "team_id": call.team_id,
            }
            self.uploaded_files.append(record)
            done.append({"id": upload["id"], "title": record["title"]})
        return {"files": done}

    # ------------------------------------------------------------------ methods: oauth, socket

    async def _m_oauth_v2_access(self, call: Call, request: web.Request) -> dict[str, Any]:
        client_id = call.args.get("client_id")
        secret = call.args.get("client_secret")
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        grant = self._oauth.get(str(call.args.get("code")))
        if grant is None:
            raise SlackError("invalid_code")
        if grant["client_id"] != client_id:
            raise SlackError("invalid_client_id")
        if grant["secret"] != secret:
            raise SlackError("bad_client_secret")
        team_id = grant["team_id"]
        ws = self.workspaces.get(team_id)
        if ws is None:
            ws = self.add_workspace(team_id, **grant["workspace"])
        self._oauth.pop(str(call.args.get("code")))
        token = f"xoxb-{team_id}-{uuid.uuid4().hex[:12]}"
        self._tokens[token] = team_id
        ws.bot_token = token
        return {
            "app_id": ws.app_id,
            "authed_user": {"id": next(iter(u for u in ws.users if u != ws.bot_user_id), "U0")},
            "scope": "chat:write,commands,users:read",
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": ws.bot_user_id,
            "team": {"id": team_id, "name": ws.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    async def _m_apps_connections_open(self, call: Call) -> dict[str, Any]:
        if call.token not in self._app_tokens:
            raise SlackError("invalid_auth")
        return {"url": f"ws://{self.host}:{self.port}/socket?ticket={uuid.uuid4().hex}"}

    async def _handle_socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self._sockets),
                "debug_info": {"host": "fakeslack"},
                "connection_info": {"app_id": "A0001"},
            }
        )
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                data = json.loads(message.data)
                future = self._acks.pop(str(data.get("envelope_id")), None)
                if future is not None and not future.done():
                    future.set_result(data)
        finally:
            self._sockets.remove(ws)
        return ws

    async def socket_send(
        self, type: str, payload: dict[str, Any], *, timeout: float = 5.0
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while not self._sockets:
            if time.monotonic() > deadline:
                raise AssertionError("no Socket Mode client connected")
            await asyncio.sleep(0.02)
        envelope_id = uuid.uuid4().hex
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = future
        await self._sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": type,
                "payload": payload,
                "accepts_response_payload": type != "events_api",
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        return await asyncio.wait_for(future, timeout)

    # ------------------------------------------------------------------ response_url

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        call = Call("response_url", body, None, None, headers=dict(request.headers))
        call.args["_key"] = request.match_info["key"]
        self.calls.append(call)
        errors = check_message(body.get("blocks"), body.get("text"))
        if errors:
            call.status, call.response = 400, {"ok": False, "error": "invalid_blocks"}
            return web.Response(status=400, text="invalid_blocks: " + "; ".join(errors))
        call.response = {"ok": True}
        return web.Response(text="ok")
