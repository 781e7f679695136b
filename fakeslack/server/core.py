"""The fake Slack's core: its HTTP server and how a Web API call is answered.

Every API family (users.py, conversations.py, chat.py, views.py, files.py, auth.py,
socket_mode.py) is a mixin over ``Core`` and registers its methods with ``@api("name")``.
A request to ``/api/<method>`` is recorded (recording.py), held or failed on purpose if a
test asked for it (faults.py), authenticated by the credential the method takes,
rate-limited, and then served by the family's handler, whose ``SlackError`` becomes
Slack's ``{"ok": false, "error": …}``. Families that serve other paths (a response_url, a
file upload, the Socket Mode WebSocket) add them in ``_add_routes``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Literal, Self, TypeVar
from urllib.parse import parse_qsl

from aiohttp import web

from fakeslack.server.faults import Faults
from fakeslack.server.model import Call, SlackError, Workspace
from fakeslack.server.recording import Recording

_JSON_ARGS = ("blocks", "view", "attachments", "metadata", "files", "user_auth_blocks")

Auth = Literal["bot", "app", "client"]
Handler = Callable[[Any, Call], Awaitable[dict[str, Any]]]
_H = TypeVar("_H", bound=Handler)
METHODS: dict[str, tuple[Handler, Auth]] = {}


def api(name: str, auth: Auth = "bot") -> Callable[[_H], _H]:
    """Register a Web API method. ``auth`` is the credential it takes: a bot token, an
    app-level token (Socket Mode), or the OAuth client id and secret."""

    def register(handler: _H) -> _H:
        METHODS[name] = (handler, auth)
        return handler

    return register


class Core(Recording, Faults):
    """The server, the credentials it knows and the workspaces every family works on."""

    def __init__(self, *, host: str, port: int, now: Callable[[], float]) -> None:
        super().__init__()
        self.host, self._port, self._now = host, port, now
        self.port = 0
        self.workspaces: dict[str, Workspace] = {}
        self._tokens: dict[str, str] = {}  # bot token -> team id
        self._revoked: set[str] = set()
        self._app_tokens: dict[str, str] = {}  # app-level token -> app id
        self._last_ts = 0  # microseconds of the last message ts handed out
        self._serial = 0
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

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
        self._add_routes(app)
        # A short shutdown_timeout: a request held by an injected delay must not hold up stop().
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        await web.TCPSite(runner, self.host, self._port).start()
        self._runner, self._loop = runner, asyncio.get_running_loop()
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        await self._closing()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
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

    def _add_routes(self, app: web.Application) -> None:
        """The paths served; a family with a path of its own adds it."""
        app.router.add_route("*", "/api/{method}", self._handle_api)

    async def _closing(self) -> None:
        """Before the server stops; a family with open connections closes them."""

    # ------------------------------------------------------------------ answering a call

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
        self._record(call)
        if method not in METHODS:
            return self._answer(call, {"ok": False, "error": "unknown_method"}, status=404)
        handler, auth = METHODS[method]
        await self._wait_if_held(method)

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

    async def _serve(self, call: Call, handler: Handler, auth: Auth) -> web.Response:
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

    # ------------------------------------------------------------------ shared by families

    def _ws(self, call: Call) -> Workspace:
        assert call.team_id is not None  # _authenticate saw a bot token
        return self.workspaces[call.team_id]

    def _teams(self, team_id: str | None) -> list[Workspace]:
        return [self.workspaces[team_id]] if team_id is not None else list(self.workspaces.values())

    def _next_ts(self) -> str:
        """A message ts: the wall clock in microseconds, unique and increasing."""
        micros = max(int(self._now() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        self._serial += 1
        return f"{prefix}{self._serial:08X}"
