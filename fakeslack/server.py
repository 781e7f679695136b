"""A real local HTTP server that impersonates the Slack Web API.

It keeps a small world per workspace (users, channels and their members, messages, each
person's modal stack and home tab), records every request as a ``Call``, rejects what Slack
rejects with Slack's own error shapes (Block Kit over its limits gets ``invalid_blocks`` or
``invalid_arguments``, an unknown channel ``channel_not_found``…), and can be told to
misbehave: answer 429 with ``Retry-After``, answer 5xx, answer late, do the work and then
answer 5xx or drop the connection (the answer is lost, what was asked is done), or rate-limit
``chat.postMessage`` per channel and per workspace the way Slack does.

Three ways to run it:

* in the test's own event loop: ``await fake.start()`` … ``await fake.stop()``;
* in a daemon thread with its own loop, for sync code and subprocesses:
  ``fake.start_in_thread()`` … ``fake.stop_thread()``;
* standalone: ``python -m fakeslack --port 8999``.

Point slack_sdk at it with ``AsyncWebClient(token=..., base_url=fake.base_url)``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import json
import random
import re
import secrets
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from aiohttp import BodyPartReader, WSMsgType, web

from fakeslack.blockkit import check_message, check_view

TRIGGER_TTL = 3.0  # seconds a trigger_id can be exchanged for a modal, as on Slack
VIEW_STACK_LIMIT = 3  # views.push beyond this many modals -> push_limit_reached
RESPONSE_URL_USES = 5  # Slack accepts five posts to one response_url
_TRIGGER_ID = re.compile(r"(\d{13})\.(\d+)\.([0-9a-f]+)")
_JSON_ARGS = ("blocks", "view", "attachments", "metadata", "files", "user_auth_blocks")


@dataclass
class Call:
    """One request the fake received, whether it succeeded, failed or was refused.

    ``args`` holds form fields or the JSON body (JSON-looking string fields such as
    ``blocks`` and ``view`` decoded); the token is in ``token``, not in ``args``.
    For ``method == "response_url"`` the args are the posted JSON body.
    """

    method: str
    args: dict[str, Any]
    token: str | None
    team_id: str | None
    status: int = 200
    response: dict[str, Any] | None = None
    at: float = field(default_factory=time.monotonic)
    headers: dict[str, str] = field(default_factory=dict)
    path: str = ""

    @property
    def ok(self) -> bool:
        """Whether Slack would have answered ``{"ok": true}``."""
        return bool(self.status == 200 and self.response and self.response.get("ok"))

    def describe(self) -> str:
        outcome = "ok" if self.ok else (self.response or {}).get("error", "?")
        return f"{self.method} -> {self.status} {outcome} {_short(self.args)}"


@dataclass
class Workspace:
    """The fake's state for one Slack workspace. Tests may read it; prefer the helpers."""

    team_id: str
    name: str
    domain: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    app_id: str
    enterprise_id: str | None = None
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> Slack's object
    members: dict[str, set[str]] = field(default_factory=dict)  # channel id -> user ids
    messages: defaultdict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    views: defaultdict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # user id -> modal stack, the open one last
    homes: dict[str, dict[str, Any]] = field(default_factory=dict)  # user id -> home view


class SlackError(Exception):
    """Raised inside a method to answer ``{"ok": false, "error": error, **extra}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def dm_channel_id(user_id: str) -> str:
    """The id of the bot's DM with a person: ``UMIA`` -> ``DMIA``; stable, as on Slack."""
    return "D" + (user_id[1:] if user_id[:1] in ("U", "W") else user_id)


@dataclass
class _Fault:
    method: str
    status: int
    error: str | None
    retry_after: int | None
    delay: float | None
    times: int
    kind: str
    # Slack does the work first, and then the answer is lost: a 5xx instead of it
    # (``status``), or the connection dropped with no answer at all (``disconnect``).
    stored: bool = False
    disconnect: bool = False


class _TokenBucket:
    """``rate`` tokens a second, holding at most ``burst``."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.updated = burst, time.monotonic()

    def wait(self) -> float:
        """Seconds until a token is available (0: now)."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class _Window:
    """At most ``limit`` events in any 60 seconds."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.times: list[float] = []

    def wait(self) -> float:
        now = time.monotonic()
        self.times = [t for t in self.times if now - t < 60]
        return 0.0 if len(self.times) < self.limit else 60 - (now - self.times[0])

    def take(self) -> None:
        self.times.append(time.monotonic())


Auth = Literal["bot", "app", "client"]
_Handler = Callable[["FakeSlack", Call], Awaitable[dict[str, Any]]]
_METHODS: dict[str, tuple[_Handler, Auth]] = {}


def _api(name: str, auth: Auth = "bot") -> Callable[[_Handler], _Handler]:
    """Register a Web API method. ``auth`` is the credential it takes: a bot token, an
    app-level token (Socket Mode), or the OAuth client id and secret."""

    def register(handler: _Handler) -> _Handler:
        _METHODS[name] = (handler, auth)
        return handler

    return register


class FakeSlack:
    """The fake Slack Web API. See the module docstring for how to run it."""

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, now: Callable[[], float] = time.time
    ) -> None:
        """``now`` is the wall clock for timestamps and trigger expiry (rate limiting
        always uses real elapsed time)."""
        self.host, self._port, self._now = host, port, now
        self.port = 0
        self.calls: list[Call] = []
        self.workspaces: dict[str, Workspace] = {}
        self.uploaded_files: list[dict[str, Any]] = []
        # Counters: "calls", "method:<name>", "fault:429", "fault:500" (…502, 503),
        # "fault:stored-500" (…502, 503), "fault:disconnect", "fault:timeout", "fault:error",
        # "rate_limited".
        self.stats: Counter[str] = Counter()
        self._tokens: dict[str, str] = {}  # bot token -> team id
        self._revoked: set[str] = set()
        self._app_tokens: dict[str, str] = {}  # app-level token -> app id
        self._oauth_apps: dict[str, dict[str, Any]] = {}  # client id -> secret, redirect
        self._codes: dict[str, dict[str, Any]] = {}  # OAuth code -> grant
        self._triggers: dict[str, tuple[str, str, float]] = {}  # id -> (team, user, issued)
        self._used_triggers: set[str] = set()
        self._response_urls: Counter[str] = Counter()  # key -> posts so far
        self._last_ts = 0  # microseconds of the last message ts handed out
        self._serial = 0
        self._faults: list[_Fault] = []
        self._holds: dict[str, asyncio.Event] = {}
        self._fault_rate = 0.0
        self._fault_kinds: tuple[str, ...] = ()
        self._fault_methods: set[str] | None = None
        self._fault_rng = random.Random(0)
        self._fault_retry_after = 1
        self._timeout_delay = 2.0
        self._channel_rate: float | None = None
        self._channel_burst = 3
        self._workspace_per_minute: int | None = None
        self._buckets: dict[str, _TokenBucket] = {}
        self._windows: dict[str, _Window] = {}
        self._uploads: dict[str, dict[str, Any]] = {}
        self._tickets: dict[str, str] = {}  # Socket Mode ticket -> app id
        self._sockets: list[web.WebSocketResponse] = []
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The Web API root in slack_sdk's ``base_url`` format (with the trailing slash)."""
        return f"{self.url}/api/"

    async def start(self) -> None:
        """Serve in the running event loop (on a random free port unless one was given)."""
        if self._runner is not None:
            raise RuntimeError("the fake Slack is already running")
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/response/{key}", self._handle_response_url)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        app.router.add_get("/socket", self._handle_socket)
        # A short shutdown_timeout: a request held by an injected delay must not hold up stop().
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        await web.TCPSite(runner, self.host, self._port).start()
        self._runner, self._loop = runner, asyncio.get_running_loop()
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        for future in self._acks.values():
            future.cancel()
        self._acks.clear()
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def start_in_thread(self) -> None:
        """Serve from a daemon thread with its own event loop; returns once listening."""
        if self._thread is not None:
            raise RuntimeError("the fake Slack is already running in a thread")
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failed: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # reported to the starting thread below
                failed.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self.stop())
                loop.close()

        thread = threading.Thread(target=run, name="fakeslack", daemon=True)
        thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake Slack did not start within 10 s")
        if failed:
            raise RuntimeError("the fake Slack could not start") from failed[0]
        self._thread = thread

    def stop_thread(self) -> None:
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
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
        bot_name: str = "mentorbot",
    ) -> Workspace:
        """A workspace with the app installed: its bot token works and its bot user exists.
        ``app_token`` (``xapp-…``) also registers an app-level token for Socket Mode."""
        ws = Workspace(team_id, name, domain, bot_token, bot_user_id, bot_id, app_id, enterprise_id)
        self.workspaces[team_id] = ws
        self._tokens[bot_token] = team_id
        bot = self._user_object(team_id, bot_user_id, name=bot_name, tz="UTC", is_bot=True)
        bot["profile"]["bot_id"] = bot_id
        ws.users[bot_user_id] = bot
        if app_token:
            self.add_app_token(app_token, app_id=app_id)
        return ws

    def add_app_token(self, token: str, *, app_id: str = "A0001") -> None:
        """Register an app-level token (``xapp-…``) that ``apps.connections.open`` accepts."""
        self._app_tokens[token] = app_id

    def revoke_token(self, token: str) -> None:
        """Calls with this token now get ``token_revoked``, as after an uninstall."""
        self._revoked.add(token)

    def add_user(
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
        email: str | None = None,
    ) -> dict[str, Any]:
        """A person, shaped as ``users.info`` returns them. ``tz_offset`` defaults to the
        zone's offset now (so it follows daylight saving, as Slack's does)."""
        user = self._user_object(
            team_id,
            user_id,
            name=name,
            real_name=real_name,
            tz=tz,
            tz_offset=tz_offset,
            is_admin=is_admin,
            is_owner=is_owner,
            is_bot=is_bot,
            deleted=deleted,
            email=email,
        )
        self.workspaces[team_id].users[user_id] = user
        return user

    def update_user(self, team_id: str, user_id: str, **changes: Any) -> None:
        """Change a person: ``add_user``'s keywords rebuild the object (moving ``tz``
        recomputes ``tz_offset`` and ``tz_label``); any other key is set as given."""
        users = self.workspaces[team_id].users
        current = users[user_id]
        known = {
            "name": current["name"],
            "real_name": current["real_name"],
            "tz": current["tz"],
            "tz_offset": None if "tz" in changes else current["tz_offset"],
            "is_admin": current["is_admin"],
            "is_owner": current["is_owner"],
            "is_bot": current["is_bot"],
            "deleted": current["deleted"],
            "email": current["profile"].get("email"),
        }
        rebuilt = {k: changes.pop(k) if k in changes else v for k, v in known.items()}
        user = self._user_object(team_id, user_id, **rebuilt)
        user.update(changes)
        users[user_id] = user

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
        email: str | None = None,
    ) -> dict[str, Any]:
        local = datetime.fromtimestamp(self._now(), UTC).astimezone(ZoneInfo(tz))
        if tz_offset is None:
            offset = local.utcoffset()
            tz_offset = int(offset.total_seconds()) if offset is not None else 0
        real = real_name or name
        profile: dict[str, Any] = {
            "real_name": real,
            "real_name_normalized": real,
            "display_name": name,
            "display_name_normalized": name,
            "first_name": real.split(" ")[0],
            "last_name": " ".join(real.split(" ")[1:]),
            "status_text": "",
            "status_emoji": "",
            "image_72": f"https://avatars.example.com/{user_id}_72.png",
            "team": team_id,
        }
        if not is_bot:
            profile["email"] = email or f"{name}@example.com"
        return {
            "id": user_id,
            "team_id": team_id,
            "name": name,
            "deleted": deleted,
            "color": "9f69e7",
            "real_name": real,
            "tz": tz,
            "tz_label": local.tzname() or tz,
            "tz_offset": tz_offset,
            "profile": profile,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": int(self._now()),
        }

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
        """A channel, shaped as ``conversations.info`` returns it. The bot is a member only
        if listed in ``members`` (or after ``conversations.join``)."""
        ws = self.workspaces[team_id]
        # Private channels made before 2021 have G ids and is_group; newer ones are channels.
        legacy_group = is_private and channel_id.startswith("G")
        channel = {
            "id": channel_id,
            "name": name,
            "name_normalized": name.lower(),
            "is_channel": not legacy_group,
            "is_group": legacy_group,
            "is_im": False,
            "is_mpim": False,
            "is_private": is_private,
            "is_archived": is_archived,
            "is_general": name == "general",
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "context_team_id": team_id,
            "created": int(self._now()),
            "creator": next(iter(members), ""),
            "unlinked": 0,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "previous_names": [],
        }
        ws.channels[channel_id] = channel
        ws.members[channel_id] = set(members)
        return channel

    def add_members(self, team_id: str, channel_id: str, *user_ids: str) -> None:
        """Add people (or the bot, by its user id) to a channel, as an invitation would."""
        self.workspaces[team_id].members[channel_id].update(user_ids)

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

    def issue_trigger(self, user_id: str, team_id: str) -> str:
        """A new trigger id for ``user_id``, as Slack includes in commands and actions:
        ``views.open``/``views.push`` accept it once, within three seconds."""
        issued = self._now()
        trigger = f"{int(issued * 1000)}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
        self._triggers[trigger] = (team_id, user_id, issued)
        return trigger

    def response_url(self, key: str | None = None) -> str:
        """A response_url for a command or action; posts to it are recorded as
        ``Call(method="response_url", args=<the JSON body>)``."""
        return f"{self.url}/response/{key or uuid.uuid4().hex}"

    # ------------------------------------------------------------------ recording

    def calls_to(self, method: str, **match: Any) -> list[Call]:
        """Calls to ``method`` (e.g. ``"chat.postMessage"``) whose args equal ``match``."""
        return [
            c
            for c in list(self.calls)
            if c.method == method and all(c.args.get(k) == v for k, v in match.items())
        ]

    def _found(self, method: str, predicate: Callable[[Call], bool] | None) -> list[Call]:
        return [c for c in self.calls_to(method) if predicate is None or predicate(c)]

    def _timed_out(self, method: str, count: int, found: int, timeout: float) -> AssertionError:
        recent = "\n".join(f"  {c.describe()}" for c in self.calls[-10:]) or "  (none)"
        return AssertionError(
            f"waited {timeout}s for {count} x {method}, saw {found}; recent calls:\n{recent}"
        )

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Call]:
        """Poll until ``count`` calls to ``method`` (matching ``predicate``) were made;
        returns all of them. Raises AssertionError, listing recent calls, on timeout."""
        deadline = time.monotonic() + timeout
        while len(found := self._found(method, predicate)) < count:
            if time.monotonic() > deadline:
                raise self._timed_out(method, count, len(found), timeout)
            await asyncio.sleep(0.01)
        return found

    def wait_for_sync(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Call]:
        """``wait_for`` for sync code (the fake must be running in its thread)."""
        deadline = time.monotonic() + timeout
        while len(found := self._found(method, predicate)) < count:
            if time.monotonic() > deadline:
                raise self._timed_out(method, count, len(found), timeout)
            time.sleep(0.01)
        return found

    def reset_calls(self) -> None:
        self.calls.clear()

    def drain(self) -> list[Call]:
        """Hand over every call recorded so far and forget them, with the messages and files
        they left behind (channels, users and counters stay). A long run (``bench.soak``)
        tallies and drains after each step, so the fake's memory stays flat."""
        calls, self.calls = self.calls, []
        for ws in self.workspaces.values():
            ws.messages.clear()
        self.uploaded_files.clear()
        self._uploads.clear()
        self._response_urls.clear()
        return calls

    # ------------------------------------------------------------------ what people see

    def _teams(self, team_id: str | None) -> list[Workspace]:
        return [self.workspaces[team_id]] if team_id is not None else list(self.workspaces.values())

    def open_view(self, user_id: str, team_id: str | None = None) -> dict[str, Any] | None:
        """A copy of the modal on top of the person's stack, as Slack describes it
        (id, hash, state, root_view_id…), or None when no modal is open."""
        for ws in self._teams(team_id):
            stack = ws.views.get(user_id)
            if stack:
                return copy.deepcopy(stack[-1])
        return None

    def view_stack(self, user_id: str, team_id: str | None = None) -> list[dict[str, Any]]:
        """Copies of every modal open for the person, the first-opened first."""
        for ws in self._teams(team_id):
            if ws.views.get(user_id):
                return copy.deepcopy(ws.views[user_id])
        return []

    async def wait_for_view(
        self, user_id: str, *, callback_id: str | None = None, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Poll until a modal (with ``callback_id``, if given) is on top for the person."""
        deadline = time.monotonic() + timeout
        while True:
            view = self.open_view(user_id)
            if view is not None and (callback_id is None or view.get("callback_id") == callback_id):
                return view
            if time.monotonic() > deadline:
                showing = view.get("callback_id") if view else None
                raise AssertionError(
                    f"no modal {callback_id or ''} open for {user_id} after {timeout}s "
                    f"(showing: {showing})"
                )
            await asyncio.sleep(0.01)

    def close_views(self, user_id: str) -> None:
        """Close every modal the person has open (what ``response_action: clear`` does)."""
        for ws in self.workspaces.values():
            ws.views.pop(user_id, None)

    def apply_response_action(
        self, user_id: str, response: dict[str, Any] | None, team_id: str | None = None
    ) -> None:
        """Do to the person's modal stack what Slack does with the app's answer to a
        view_submission: a plain ack closes the top modal; ``clear`` closes them all;
        ``update`` replaces the top one; ``push`` adds one; ``errors`` keeps it open.
        An invalid view in the answer fails loudly (Slack would show the person an error)."""
        action = (response or {}).get("response_action")
        for ws in self._teams(team_id):
            stack = ws.views.get(user_id)
            if not stack:
                continue
            if action == "errors":
                return
            if action == "clear":
                ws.views.pop(user_id)
            elif action in ("update", "push") and response is not None:
                view = response.get("view")
                errors = check_view(view) if isinstance(view, dict) else ["no view"]
                if errors:
                    raise AssertionError(f"response_action {action} with an invalid view: {errors}")
                assert isinstance(view, dict)
                if action == "update":
                    top = stack[-1]
                    stack[-1] = self._materialise(
                        ws, view, view_id=top["id"], root=top["root_view_id"]
                    )
                    stack[-1]["previous_view_id"] = top["previous_view_id"]
                else:
                    if len(stack) >= VIEW_STACK_LIMIT:
                        raise AssertionError("response_action push beyond three modals")
                    pushed = self._materialise(ws, view, root=stack[0]["id"])
                    pushed["previous_view_id"] = stack[-1]["id"]
                    stack.append(pushed)
            else:
                stack.pop()
            return

    def home_view(self, user_id: str, team_id: str | None = None) -> dict[str, Any] | None:
        """A copy of the person's home tab as last published, or None."""
        for ws in self._teams(team_id):
            if user_id in ws.homes:
                return copy.deepcopy(ws.homes[user_id])
        return None

    def messages(self, channel: str, team_id: str | None = None) -> list[dict[str, Any]]:
        """Copies of the messages now in a channel (after updates and deletes), oldest
        first. A user id means the bot's DM with that person."""
        if channel[:1] in ("U", "W"):
            channel = dm_channel_id(channel)
        for ws in self._teams(team_id):
            if ws.messages.get(channel):
                return copy.deepcopy(ws.messages[channel])
        return []

    def dm_channel(self, team_id: str, user_id: str) -> str:
        """The id ``conversations.open`` returns for a DM with this one person."""
        return dm_channel_id(user_id)

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
        stored: bool = False,
        disconnect: bool = False,
    ) -> None:
        """Make the next ``times`` calls to ``method`` (``"*"``: any) fail.

        ``status=429``: HTTP 429, ``Retry-After: retry_after`` (default 1) and
        ``{"ok": false, "error": "ratelimited"}``. ``status`` 500/502/503: that HTTP status.
        ``error="..."`` alone (or with ``status=200``): HTTP 200 ``{"ok": false, "error"}``.
        ``delay=N`` alone: answer N seconds late (and then normally), which is a timeout
        for a client with a shorter one; with a status, wait and then fail.
        ``stored=True`` with a 5xx ``status``: do what the call asks (post the message,
        share the file…), then answer that status instead of the result, as Slack does when
        it fails after storing a request. ``disconnect=True``: do the work, then drop the
        connection without answering.
        """
        if disconnect:
            self._faults.append(
                _Fault(method, 0, None, None, delay, times, "disconnect", disconnect=True)
            )
            return
        if status is None:
            status = 500 if error is None and delay is None else 200
        if stored and status < 500:
            raise ValueError("stored=True answers a 5xx after doing the work: give its status")
        if status == 429 and retry_after is None:
            retry_after = 1
        kind = "timeout" if delay and status == 200 and not error else str(status)
        if status == 200 and error:
            kind = "error"
        if stored:
            kind = f"stored-{status}"
        self._faults.append(
            _Fault(method, status, error, retry_after, delay, times, kind, stored=stored)
        )

    def hold(self, method: str) -> Callable[[], None]:
        """Leave the next call to ``method`` unanswered until the function returned is called
        (from any thread; the fake must be running): a Slack that is slow for exactly as
        long as a test needs, with no timing involved. The call is recorded when it arrives."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("start the fake Slack before holding calls")
        released = asyncio.Event()
        self._holds[method] = released

        def release() -> None:
            loop.call_soon_threadsafe(released.set)

        return release

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
        """Fail a random share ``rate`` of calls (to ``methods``, or all), each with one of
        ``kinds`` ("429", "500", "502", "503", "timeout", "stored-500" (…502, 503: the work
        is done, then the 5xx), "disconnect" (the work is done, then no answer)). The same
        seed fails the same calls in the same order. ``rate=0`` turns it off."""
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
        """Rate-limit ``chat.postMessage`` as Slack does: a token bucket per channel
        (``per_channel_per_second``, bursts of ``channel_burst``) and at most
        ``workspace_per_minute`` per workspace in any minute. Over either: HTTP 429 with
        ``Retry-After`` (whole seconds, at least 1). Not called: no limiting."""
        self._channel_rate = per_channel_per_second
        self._channel_burst = channel_burst
        self._workspace_per_minute = workspace_per_minute
        self._buckets.clear()
        self._windows.clear()

    def _injected(self, method: str) -> _Fault | None:
        for fault in self._faults:
            if fault.method in ("*", method):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        if not self._fault_rate or (
            self._fault_methods is not None and method not in self._fault_methods
        ):
            return None
        with self._lock:  # one roll per eligible call, in order: deterministic by seed
            roll = self._fault_rng.random()
            kind = self._fault_rng.choice(self._fault_kinds) if self._fault_kinds else "500"
        if roll >= self._fault_rate:
            return None
        if kind == "429":
            return _Fault(method, 429, None, self._fault_retry_after, None, 1, kind)
        if kind == "timeout":
            return _Fault(method, 200, None, None, self._timeout_delay, 1, kind)
        if kind == "disconnect":
            return _Fault(method, 0, None, None, None, 1, kind, disconnect=True)
        if kind.startswith("stored-"):
            status = int(kind.removeprefix("stored-"))
            return _Fault(method, status, None, None, None, 1, kind, stored=True)
        return _Fault(method, int(kind), None, None, None, 1, kind)

    def _rate_limited(self, call: Call) -> float:
        """Seconds to wait if this call is over a limit, else 0 (and the call is counted)."""
        if call.method != "chat.postMessage" or call.team_id is None:
            return 0.0
        ws = self.workspaces[call.team_id]
        channel = str(call.args.get("channel") or "")
        if channel[:1] in ("U", "W"):
            channel = dm_channel_id(channel)
        limits: list[_TokenBucket | _Window] = []
        if self._channel_rate:
            key = f"{ws.team_id}/{channel}"
            if key not in self._buckets:
                self._buckets[key] = _TokenBucket(self._channel_rate, self._channel_burst)
            limits.append(self._buckets[key])
        if self._workspace_per_minute:
            if ws.team_id not in self._windows:
                self._windows[ws.team_id] = _Window(self._workspace_per_minute)
            limits.append(self._windows[ws.team_id])
        wait = max((limit.wait() for limit in limits), default=0.0)
        if wait == 0:
            for limit in limits:
                limit.take()
        return wait

    # ------------------------------------------------------------------ HTTP plumbing

    async def _parse(self, request: web.Request) -> tuple[dict[str, Any], str | None]:
        """Form fields or JSON body (plus query string) as args, and the bearer token."""
        raw = await request.read()
        args: dict[str, Any] = {}
        if raw:
            if "json" in request.content_type:
                with contextlib.suppress(ValueError):
                    loaded = json.loads(raw)
                    args = loaded if isinstance(loaded, dict) else {}
            else:
                args = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        for key, query_value in request.query.items():
            args.setdefault(key, query_value)
        for key in _JSON_ARGS:
            value = args.get(key)
            if isinstance(value, str) and value[:1] in ("[", "{"):
                with contextlib.suppress(ValueError):
                    args[key] = json.loads(value)
        auth = request.headers.get("Authorization", "")
        token: str | None = auth[len("Bearer ") :] if auth.startswith("Bearer ") else None
        form_token = args.pop("token", None)
        if token is None and isinstance(form_token, str) and form_token:
            token = form_token
        return args, token

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args, token = await self._parse(request)
        call = Call(
            method,
            args,
            token,
            self._tokens.get(token or ""),
            headers=dict(request.headers),
            path=request.path,
        )
        self.calls.append(call)
        self.stats["calls"] += 1
        self.stats[f"method:{method}"] += 1
        if method not in _METHODS:
            return self._answer(call, {"ok": False, "error": "unknown_method"}, status=404)
        handler, auth = _METHODS[method]
        held = self._holds.pop(method, None)
        if held is not None:
            await held.wait()

        fault = self._injected(method)
        if fault is not None:
            self.stats[f"fault:{fault.kind}"] += 1
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.stored or fault.disconnect:
                # The work is done; only the answer is lost.
                await self._serve(call, handler, auth)
                if fault.disconnect:
                    return self._hang_up(request, call)
                body = {"ok": False, "error": fault.error or "internal_error"}
                return self._answer(call, body, status=fault.status)
            if fault.status == 429:
                retry_after = str(1 if fault.retry_after is None else fault.retry_after)
                return self._answer(
                    call,
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": retry_after},
                )
            if fault.status != 200:
                body = {"ok": False, "error": fault.error or "internal_error"}
                return self._answer(call, body, status=fault.status)
            if fault.error:
                return self._answer(call, {"ok": False, "error": fault.error})
            # A delay alone: a late but otherwise ordinary answer (the work is still done,
            # as on Slack, even if the client has given up waiting).
        return await self._serve(call, handler, auth)

    async def _serve(self, call: Call, handler: _Handler, auth: Auth) -> web.Response:
        """Do what the call asks and answer as Slack would."""
        try:
            self._authenticate(call, auth)
            wait = self._rate_limited(call)
            if wait:
                self.stats["rate_limited"] += 1
                return self._answer(
                    call,
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(max(1, int(wait + 0.999)))},
                )
            result = await handler(self, call)
        except SlackError as exc:
            return self._answer(call, {"ok": False, "error": exc.error, **exc.extra})
        return self._answer(call, {"ok": True, **result})

    @staticmethod
    def _hang_up(request: web.Request, call: Call) -> web.Response:
        """Close the connection without an answer: the client sees it dropped."""
        call.status, call.response = 0, {"ok": False, "error": "disconnected"}
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=500)

    def _authenticate(self, call: Call, auth: Auth) -> None:
        if auth == "client":
            return  # oauth.v2.access checks the client id and secret itself
        token = call.token
        if not token:
            raise SlackError("not_authed")
        if token in self._revoked:
            raise SlackError("token_revoked")
        if auth == "app":
            if token in self._tokens:
                raise SlackError("not_allowed_token_type")
            if token not in self._app_tokens:
                raise SlackError("invalid_auth")
            return
        if token in self._app_tokens:
            raise SlackError("not_allowed_token_type")
        if call.team_id is None:
            raise SlackError("invalid_auth")

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
        assert call.team_id is not None  # _authenticate saw a bot token
        return self.workspaces[call.team_id]

    def _next_ts(self) -> str:
        """A message ts: the wall clock in microseconds, unique and increasing."""
        micros = max(int(self._now() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        self._serial += 1
        return f"{prefix}{self._serial:08X}"

    # ------------------------------------------------------------------ auth, users

    @_api("auth.test")
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

    @_api("users.info")
    async def _users_info(self, call: Call) -> dict[str, Any]:
        user = self._ws(call).users.get(str(call.args.get("user") or ""))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user}

    @_api("users.list")
    async def _users_list(self, call: Call) -> dict[str, Any]:
        members, cursor = _page(list(self._ws(call).users.values()), call, "user", default=200)
        return {
            "members": members,
            "cache_ts": int(self._now()),
            "response_metadata": {"next_cursor": cursor},
        }

    # ------------------------------------------------------------------ conversations

    def _resolve(self, ws: Workspace, channel: Any) -> tuple[str, dict[str, Any]]:
        """A channel id, or a user id meaning the DM with them, as Slack resolves it."""
        if not isinstance(channel, str) or not channel:
            raise SlackError("channel_not_found")
        if channel[:1] in ("U", "W"):
            user = ws.users.get(channel)
            if user is None:
                raise SlackError("channel_not_found")
            self._check_dm_target(user)
            return self._open_im(ws, channel)
        if channel in ws.channels:
            return channel, ws.channels[channel]
        if channel.startswith("D"):
            for user_id in ws.users:
                if dm_channel_id(user_id) == channel:
                    return self._open_im(ws, user_id)
        raise SlackError("channel_not_found")

    @staticmethod
    def _check_dm_target(user: dict[str, Any]) -> None:
        if user.get("deleted"):
            raise SlackError("user_disabled")
        if user.get("is_bot"):
            raise SlackError("cannot_dm_bot")

    def _open_im(self, ws: Workspace, user_id: str) -> tuple[str, dict[str, Any]]:
        channel_id = dm_channel_id(user_id)
        if channel_id not in ws.channels:
            ws.channels[channel_id] = {
                "id": channel_id,
                "created": int(self._now()),
                "is_channel": False,
                "is_group": False,
                "is_im": True,
                "is_mpim": False,
                "is_private": True,
                "is_archived": False,
                "is_org_shared": False,
                "context_team_id": ws.team_id,
                "user": user_id,
                "is_user_deleted": bool(ws.users[user_id].get("deleted")),
                "priority": 0,
            }
            ws.members[channel_id] = {user_id, ws.bot_user_id}
        return channel_id, ws.channels[channel_id]

    def _is_member(self, ws: Workspace, channel_id: str) -> bool:
        return ws.bot_user_id in ws.members.get(channel_id, set())

    def _shown(self, ws: Workspace, channel: dict[str, Any]) -> dict[str, Any]:
        shown = dict(channel)
        if not channel.get("is_im"):
            shown["is_member"] = self._is_member(ws, channel["id"])
        return shown

    def _visible(self, ws: Workspace, channel: Any) -> tuple[str, dict[str, Any]]:
        """Like ``_resolve``, but a private channel the bot isn't in doesn't exist for it."""
        channel_id, conversation = self._resolve(ws, channel)
        if conversation.get("is_private") and not self._is_member(ws, channel_id):
            raise SlackError("channel_not_found")
        return channel_id, conversation

    @_api("conversations.open")
    async def _conversations_open(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        if call.args.get("channel"):
            channel_id, _ = self._visible(ws, call.args["channel"])
            return {"channel": {"id": channel_id}}
        users = [u.strip() for u in str(call.args.get("users") or "").split(",") if u.strip()]
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 8:
            raise SlackError("too_many_users")
        for user_id in users:
            user = ws.users.get(user_id)
            if user is None:
                raise SlackError("user_not_found")
            self._check_dm_target(user)
        if len(set(users)) == 1:
            existed = dm_channel_id(users[0]) in ws.channels
            channel_id, conversation = self._open_im(ws, users[0])
        else:
            members = sorted(set(users))
            channel_id = "G" + uuid.uuid5(uuid.NAMESPACE_OID, ",".join(members)).hex[:10].upper()
            existed = channel_id in ws.channels
            if not existed:
                names = [ws.users[u]["name"] for u in members]
                ws.channels[channel_id] = {
                    "id": channel_id,
                    "name": "mpdm-" + "--".join(names) + "-1",
                    "created": int(self._now()),
                    "creator": ws.bot_user_id,
                    "is_channel": False,
                    "is_group": True,
                    "is_im": False,
                    "is_mpim": True,
                    "is_private": True,
                    "is_archived": False,
                    "context_team_id": ws.team_id,
                }
                ws.members[channel_id] = {*members, ws.bot_user_id}
            conversation = ws.channels[channel_id]
        flag = str(call.args.get("return_im", "")).lower() in ("1", "true")
        result: dict[str, Any] = {
            "channel": self._shown(ws, conversation) if flag else {"id": channel_id}
        }
        if existed:
            result.update(no_op=True, already_open=True)
        return result

    @_api("conversations.join")
    async def _conversations_join(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel_id = str(call.args.get("channel") or "")
        conversation = ws.channels.get(channel_id)
        if conversation is None:
            raise SlackError("channel_not_found")
        if conversation.get("is_private") or conversation.get("is_im"):
            raise SlackError("method_not_supported_for_channel_type")
        if conversation.get("is_archived"):
            raise SlackError("is_archived")
        result: dict[str, Any] = {}
        if self._is_member(ws, channel_id):
            result["warning"] = "already_in_channel"
            result["response_metadata"] = {"warnings": ["already_in_channel"]}
        ws.members[channel_id].add(ws.bot_user_id)
        result["channel"] = self._shown(ws, conversation)
        return result

    @_api("conversations.info")
    async def _conversations_info(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel_id, conversation = self._visible(ws, call.args.get("channel"))
        shown = self._shown(ws, conversation)
        if str(call.args.get("include_num_members", "")).lower() in ("1", "true"):
            shown["num_members"] = len(ws.members.get(channel_id, ()))
        return {"channel": shown}

    @_api("conversations.members")
    async def _conversations_members(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel_id, _ = self._visible(ws, call.args.get("channel"))
        members, cursor = _page(sorted(ws.members.get(channel_id, ())), call, "member")
        return {"members": members, "response_metadata": {"next_cursor": cursor}}

    @_api("conversations.history")
    async def _conversations_history(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel_id, conversation = self._visible(ws, call.args.get("channel"))
        if not conversation.get("is_im") and not self._is_member(ws, channel_id):
            raise SlackError("not_in_channel")
        oldest = float(call.args.get("oldest") or 0)
        latest = float(call.args.get("latest") or "inf")
        limit = int(call.args.get("limit") or 100)
        found = [m for m in ws.messages.get(channel_id, []) if oldest < float(m["ts"]) <= latest]
        with_metadata = str(call.args.get("include_all_metadata", "")).lower() in ("1", "true")
        newest_first = []
        for message in reversed(found[-limit:]):
            shown = copy.deepcopy(message)
            if not with_metadata:
                shown.pop("metadata", None)
            newest_first.append(shown)
        return {
            "messages": newest_first,
            "has_more": len(found) > limit,
            "pin_count": 0,
            "response_metadata": {"next_cursor": ""},
        }

    # ------------------------------------------------------------------ chat

    def _check_content(self, call: Call, *, require: bool = True) -> None:
        """Block Kit limits first (``invalid_blocks``), then some content (``no_text``)."""
        blocks, text = call.args.get("blocks"), call.args.get("text")
        if blocks is not None and not isinstance(blocks, list):
            raise SlackError("invalid_blocks_format")
        errors = check_message(blocks, text if isinstance(text, str) else None)
        if errors:
            raise SlackError(
                "invalid_blocks",
                errors=errors,
                response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
            )
        if require and not text and not blocks and not call.args.get("attachments"):
            raise SlackError("no_text")

    def _writable(self, ws: Workspace, channel: Any) -> tuple[str, dict[str, Any]]:
        channel_id, conversation = self._resolve(ws, channel)
        if conversation.get("is_archived"):
            raise SlackError("is_archived")
        if not conversation.get("is_im") and not self._is_member(ws, channel_id):
            raise SlackError("not_in_channel")
        return channel_id, conversation

    @_api("chat.postMessage")
    async def _chat_post_message(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel_id, _ = self._writable(ws, call.args.get("channel"))
        self._check_content(call)
        message: dict[str, Any] = {
            "type": "message",
            "user": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "app_id": ws.app_id,
            "team": ws.team_id,
            "text": call.args.get("text") or "",
            "blocks": call.args.get("blocks") or [],
            "ts": self._next_ts(),
        }
        thread_ts = call.args.get("thread_ts")
        if thread_ts:
            message["thread_ts"] = str(thread_ts)
            parent = next((m for m in ws.messages[channel_id] if m["ts"] == thread_ts), None)
            if parent is not None:
                parent["thread_ts"] = parent["ts"]
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["latest_reply"] = message["ts"]
        if isinstance(call.args.get("metadata"), dict):
            message["metadata"] = call.args["metadata"]
        ws.messages[channel_id].append(message)
        return {"channel": channel_id, "ts": message["ts"], "message": copy.deepcopy(message)}

    @_api("chat.postEphemeral")
    async def _chat_post_ephemeral(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel_id, conversation = self._resolve(ws, call.args.get("channel"))
        if conversation.get("is_archived"):
            raise SlackError("is_archived")
        user_id = str(call.args.get("user") or "")
        if user_id not in ws.users:
            raise SlackError("user_not_found")
        members = ws.members.get(channel_id) or set()
        # Channels set up without a member list take anyone, to keep small tests small.
        if not conversation.get("is_im") and members - {ws.bot_user_id} and user_id not in members:
            raise SlackError("user_not_in_channel")
        self._check_content(call)
        return {"message_ts": self._next_ts()}

    def _message(self, ws: Workspace, channel_id: str, ts: Any) -> dict[str, Any]:
        for message in ws.messages.get(channel_id, []):
            if message["ts"] == ts:
                return message
        raise SlackError("message_not_found")

    @_api("chat.update")
    async def _chat_update(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel_id, _ = self._resolve(ws, call.args.get("channel"))
        message = self._message(ws, channel_id, call.args.get("ts"))
        self._check_content(call)
        if "text" in call.args:
            message["text"] = call.args["text"] or ""
        if "blocks" in call.args:
            message["blocks"] = call.args["blocks"] or []
        if isinstance(call.args.get("metadata"), dict):
            message["metadata"] = call.args["metadata"]
        message["edited"] = {"user": ws.bot_user_id, "ts": self._next_ts()}
        return {
            "channel": channel_id,
            "ts": message["ts"],
            "text": message["text"],
            "message": copy.deepcopy(message),
        }

    @_api("chat.delete")
    async def _chat_delete(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel_id, _ = self._resolve(ws, call.args.get("channel"))
        message = self._message(ws, channel_id, call.args.get("ts"))
        ws.messages[channel_id].remove(message)
        return {"channel": channel_id, "ts": message["ts"]}

    # ------------------------------------------------------------------ views

    def _valid_view(self, call: Call, kind: str) -> dict[str, Any]:
        view = call.args.get("view")
        if not isinstance(view, dict):
            raise _invalid_arguments(["must be an object [json-pointer:/view]"])
        errors = check_view(view)
        if not errors and view.get("type") != kind:
            errors = [f"must be {kind} [json-pointer:/view/type]"]
        if errors:
            raise _invalid_arguments(errors)
        return view

    def _exchange_trigger(self, ws: Workspace, trigger_id: Any) -> str:
        """The person a trigger was issued to; each trigger works once, for three seconds."""
        if not isinstance(trigger_id, str) or not _TRIGGER_ID.fullmatch(trigger_id):
            raise SlackError("invalid_trigger_id")
        issued_ms = int(trigger_id.split(".")[0])
        if self._now() - issued_ms / 1000 > TRIGGER_TTL:
            raise SlackError("expired_trigger_id")
        if trigger_id in self._used_triggers:
            raise SlackError("exchanged_trigger_id")
        issued = self._triggers.get(trigger_id)
        # A well-formed id the fake never issued names nobody a modal could open for.
        if issued is None or issued[0] != ws.team_id:
            raise SlackError("invalid_trigger_id")
        self._used_triggers.add(trigger_id)
        return issued[1]

    def _materialise(
        self,
        ws: Workspace,
        view: dict[str, Any],
        *,
        view_id: str | None = None,
        root: str | None = None,
    ) -> dict[str, Any]:
        """The view object as Slack stores and describes it."""
        new_id = view_id or self._next_id("V")
        return {
            "id": new_id,
            "team_id": ws.team_id,
            "type": view["type"],
            "blocks": copy.deepcopy(view.get("blocks") or []),
            "private_metadata": view.get("private_metadata") or "",
            "callback_id": view.get("callback_id") or "",
            "state": {"values": {}},
            "hash": f"{int(self._now())}.{secrets.token_hex(4)}",
            "title": copy.deepcopy(view.get("title")),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "close": copy.deepcopy(view.get("close")),
            "submit": copy.deepcopy(view.get("submit")),
            "previous_view_id": None,
            "root_view_id": root or new_id,
            "app_id": ws.app_id,
            "external_id": view.get("external_id") or "",
            "app_installed_team_id": ws.team_id,
            "bot_id": ws.bot_id,
        }

    @_api("views.open")
    async def _views_open(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        view = self._valid_view(call, "modal")
        user_id = self._exchange_trigger(ws, call.args.get("trigger_id"))
        opened = self._materialise(ws, view)
        ws.views[user_id] = [opened]
        return {"view": copy.deepcopy(opened)}

    @_api("views.push")
    async def _views_push(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        view = self._valid_view(call, "modal")
        user_id = self._exchange_trigger(ws, call.args.get("trigger_id"))
        stack = ws.views[user_id]
        if len(stack) >= VIEW_STACK_LIMIT:
            raise SlackError("push_limit_reached")
        pushed = self._materialise(ws, view, root=stack[0]["id"] if stack else None)
        pushed["previous_view_id"] = stack[-1]["id"] if stack else None
        stack.append(pushed)
        return {"view": copy.deepcopy(pushed)}

    def _find_view(self, ws: Workspace, call: Call) -> tuple[dict[str, Any], str | None]:
        """The view ``views.update`` names, and whose modal stack (None: a home tab)."""
        view_id, external_id = call.args.get("view_id"), call.args.get("external_id")
        if not view_id and not external_id:
            raise _invalid_arguments(["either view_id or external_id is required [json-pointer:/]"])

        def named(view: dict[str, Any]) -> bool:
            return bool(
                view["id"] == view_id or (external_id and view["external_id"] == external_id)
            )

        for user_id, stack in ws.views.items():
            for view in stack:
                if named(view):
                    return view, user_id
        for view in ws.homes.values():
            if named(view):
                return view, None
        raise SlackError("not_found")

    @_api("views.update")
    async def _views_update(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        current, modal_user = self._find_view(ws, call)
        view = self._valid_view(call, current["type"])
        if call.args.get("hash") and call.args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        updated = self._materialise(ws, view, view_id=current["id"], root=current["root_view_id"])
        updated["previous_view_id"] = current["previous_view_id"]
        if modal_user is None:
            owner = next(u for u, home in ws.homes.items() if home is current)
            ws.homes[owner] = updated
        else:
            stack = ws.views[modal_user]
            stack[stack.index(current)] = updated
        return {"view": copy.deepcopy(updated)}

    @_api("views.publish")
    async def _views_publish(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        user_id = str(call.args.get("user_id") or "")
        if user_id not in ws.users:
            raise SlackError("user_not_found")
        view = self._valid_view(call, "home")
        current = ws.homes.get(user_id)
        if call.args.get("hash") and current and call.args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        published = self._materialise(ws, view, view_id=current["id"] if current else None)
        ws.homes[user_id] = published
        return {"view": copy.deepcopy(published)}

    # ------------------------------------------------------------------ files (upload v2)

    @_api("files.getUploadURLExternal")
    async def _files_get_upload_url(self, call: Call) -> dict[str, Any]:
        filename, length = call.args.get("filename"), call.args.get("length")
        if not filename or length in (None, ""):
            raise SlackError("invalid_arguments")
        file_id = self._next_id("F")
        self._uploads[file_id] = {
            "id": file_id,
            "filename": str(filename),
            "length": int(length),
            "team_id": call.team_id,
        }
        return {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    async def _handle_upload(self, request: web.Request) -> web.Response:
        upload = self._uploads.get(request.match_info["file_id"])
        if upload is None:
            return web.Response(status=404, text="unknown upload")
        raw = await request.read()
        if request.content_type.startswith("multipart/"):
            # slack_sdk posts the raw bytes; a browser-style multipart form works too.
            reader = await request.multipart()
            part = await reader.next()
            raw = await part.read() if isinstance(part, BodyPartReader) else b""
        upload["content"] = raw
        return web.Response(text=f"OK - {len(raw)}")

    @_api("files.completeUploadExternal")
    async def _files_complete_upload(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        files = call.args.get("files")
        if not isinstance(files, list) or not files:
            raise SlackError("invalid_arguments")
        channel = call.args.get("channel_id") or call.args.get("channels")
        channel_id = None
        if channel:
            channel_id, _ = self._writable(ws, str(channel).split(",")[0])
        done = []
        for item in files:
            upload = self._uploads.get(str(item.get("id")))
            if upload is None or "content" not in upload:
                raise SlackError("file_not_found")
            del self._uploads[upload["id"]]
            record = {
                "id": upload["id"],
                "filename": upload["filename"],
                "title": item.get("title") or upload["filename"],
                "channel": channel_id,
                "initial_comment": call.args.get("initial_comment"),
                "thread_ts": call.args.get("thread_ts"),
                "content": upload["content"],
                "team_id": ws.team_id,
            }
            self.uploaded_files.append(record)
            done.append(
                {
                    "id": record["id"],
                    "name": record["filename"],
                    "title": record["title"],
                    "size": len(record["content"]),
                    "user": ws.bot_user_id,
                    "created": int(self._now()),
                }
            )
        if channel_id is not None:
            # Sharing posts a message carrying the files, which conversations.history shows.
            message: dict[str, Any] = {
                "type": "message",
                "user": ws.bot_user_id,
                "bot_id": ws.bot_id,
                "team": ws.team_id,
                "text": str(call.args.get("initial_comment") or ""),
                "upload": True,
                "files": copy.deepcopy(done),
                "ts": self._next_ts(),
            }
            if call.args.get("thread_ts"):
                message["thread_ts"] = str(call.args["thread_ts"])
            ws.messages[channel_id].append(message)
        return {"files": done}

    # ------------------------------------------------------------------ OAuth

    @_api("oauth.v2.access", auth="client")
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

    # ------------------------------------------------------------------ Socket Mode

    @_api("apps.connections.open", auth="app")
    async def _apps_connections_open(self, call: Call) -> dict[str, Any]:
        ticket = uuid.uuid4().hex
        self._tickets[ticket] = self._app_tokens[str(call.token)]
        return {"url": f"ws://{self.host}:{self.port}/socket?ticket={ticket}"}

    async def _handle_socket(self, request: web.Request) -> web.StreamResponse:
        app_id = self._tickets.pop(request.query.get("ticket", ""), None)
        if app_id is None:
            return web.Response(status=401, text="invalid ticket")
        socket = web.WebSocketResponse(timeout=2.0)
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": len(self._sockets),
                "debug_info": {
                    "host": "fakeslack",
                    "build_number": 1,
                    "approximate_connection_time": 3600,
                },
                "connection_info": {"app_id": app_id},
            }
        )
        try:
            async for message in socket:
                if message.type != WSMsgType.TEXT:
                    continue
                with contextlib.suppress(ValueError):
                    ack = json.loads(message.data)
                    future = self._acks.pop(str(ack.get("envelope_id")), None)
                    if future is not None and not future.done():
                        future.set_result(ack)
        finally:
            self._sockets.remove(socket)
        return socket

    async def socket_send(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        timeout: float = 5.0,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> dict[str, Any]:
        """Send a Socket Mode envelope (``type``: "slash_commands", "interactive" or
        "events_api") to the most recently connected client and return its ack
        (``{"envelope_id", "payload"?}``). Raises AssertionError if no client connects or
        no ack comes within ``timeout``. Works from any loop, also in threaded mode."""
        coroutine = self._socket_send(
            type, payload, timeout, accepts_response_payload, retry_attempt, retry_reason
        )
        loop = self._loop
        if loop is not None and loop is not asyncio.get_running_loop():
            return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, loop))
        return await coroutine

    async def _socket_send(
        self,
        type: str,
        payload: dict[str, Any],
        timeout: float,
        accepts_response_payload: bool | None,
        retry_attempt: int,
        retry_reason: str,
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while not self._sockets:
            if time.monotonic() > deadline:
                raise AssertionError(f"no Socket Mode client connected within {timeout}s")
            await asyncio.sleep(0.01)
        if accepts_response_payload is None:
            # Slack takes a response payload in the ack of commands, view submissions and
            # options requests, not of events or button clicks.
            accepts_response_payload = type == "slash_commands" or payload.get("type") in (
                "view_submission",
                "block_suggestion",
            )
        envelope_id = str(uuid.uuid4())
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = future
        await self._sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": type,
                "payload": payload,
                "accepts_response_payload": accepts_response_payload,
                "retry_attempt": retry_attempt,
                "retry_reason": retry_reason,
            }
        )
        try:
            return await asyncio.wait_for(future, max(deadline - time.monotonic(), 0.01))
        except TimeoutError:
            raise AssertionError(f"no ack for {type} envelope within {timeout}s") from None
        finally:
            self._acks.pop(envelope_id, None)

    def socket_send_sync(
        self, type: str, payload: dict[str, Any], *, timeout: float = 5.0
    ) -> dict[str, Any]:
        """``socket_send`` for sync code, with the fake running in its thread."""
        if self._loop is None or self._thread is None:
            raise RuntimeError("socket_send_sync needs start_in_thread()")
        coroutine = self._socket_send(type, payload, timeout, None, 0, "")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout + 1)

    # ------------------------------------------------------------------ response_url

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        """Record a post to a response_url and answer as Slack does: ``ok``, or an HTTP
        error whose body names the problem."""
        key = request.match_info["key"]
        raw = await request.read()
        call = Call(
            "response_url", {}, None, None, headers=dict(request.headers), path=request.path
        )
        self.calls.append(call)
        self.stats["calls"] += 1
        self.stats["method:response_url"] += 1
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return self._refuse(call, 400, "invalid_payload")
        call.args = body
        self._response_urls[key] += 1
        if self._response_urls[key] > RESPONSE_URL_USES:
            return self._refuse(call, 404, "used_url")
        blocks, text = body.get("blocks"), body.get("text")
        errors = check_message(
            blocks if isinstance(blocks, list) else None, text if isinstance(text, str) else None
        )
        if blocks is not None and not isinstance(blocks, list):
            errors.append("must be an array [json-pointer:/blocks]")
        if errors:
            return self._refuse(call, 400, "invalid_blocks", errors)
        if not text and not blocks and not body.get("delete_original"):
            return self._refuse(call, 400, "no_text")
        call.response = {"ok": True}
        return web.Response(text="ok")

    @staticmethod
    def _refuse(
        call: Call, status: int, error: str, errors: list[str] | None = None
    ) -> web.Response:
        call.status = status
        call.response = {"ok": False, "error": error, **({"errors": errors} if errors else {})}
        detail = "".join(f"\n[ERROR] {e}" for e in errors or [])
        return web.Response(status=status, text=error + detail)


def _invalid_arguments(errors: list[str]) -> SlackError:
    return SlackError(
        "invalid_arguments", response_metadata={"messages": [f"[ERROR] {e}" for e in errors]}
    )


def _page(items: list[Any], call: Call, kind: str, default: int = 100) -> tuple[list[Any], str]:
    """One page of ``items`` by ``limit`` and an opaque ``cursor``, and the next cursor
    (``""`` on the last page). A cursor the fake didn't hand out gets ``invalid_cursor``."""
    limit = int(call.args.get("limit") or default) or default
    cursor = str(call.args.get("cursor") or "")
    start = 0
    if cursor:
        try:
            prefix, _, offset = base64.b64decode(cursor).decode().partition(":")
            start = int(offset)
        except ValueError:
            raise SlackError("invalid_cursor") from None
        if prefix != kind or not 0 <= start <= len(items):
            raise SlackError("invalid_cursor")
    end = start + limit
    more = base64.b64encode(f"{kind}:{end}".encode()).decode() if end < len(items) else ""
    return items[start:end], more


def _short(args: dict[str, Any], limit: int = 160) -> str:
    text = json.dumps(args, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
