"""Socket Mode: ``apps.connections.open`` (with an app-level token) hands out a WebSocket
URL; the fake sends envelopes down the socket (``socket_send``) and returns the client's
ack, as Slack does with commands, interactions and events in Socket Mode."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from typing import Any

from aiohttp import WSMsgType, web

from fakeslack.server.core import Core, api
from fakeslack.server.model import Call


class SocketMode(Core):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._tickets: dict[str, str] = {}  # Socket Mode ticket -> app id
        self._sockets: list[web.WebSocketResponse] = []
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}

    def _add_routes(self, app: web.Application) -> None:
        super()._add_routes(app)
        app.router.add_get("/socket", self._handle_socket)

    async def _closing(self) -> None:
        for future in self._acks.values():
            future.cancel()
        self._acks.clear()
        for socket in list(self._sockets):
            await socket.close()
        await super()._closing()

    @api("apps.connections.open", auth="app")
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
