"""Messages: ``chat.postMessage``, ``.postEphemeral``, ``.update``, ``.delete``, what a
channel now holds (``messages``), and the other way an app answers a person: posting to the
``response_url`` of their command or click."""

from __future__ import annotations

import copy
import json
import uuid
from collections import Counter
from typing import Any

from aiohttp import web

from fakeslack.blockkit import check_message
from fakeslack.server.conversations import Conversations
from fakeslack.server.core import api
from fakeslack.server.model import Call, SlackError, Workspace, dm_channel_id, is_user_id

RESPONSE_URL_USES = 5  # Slack accepts five posts to one response_url


class Chat(Conversations):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._response_urls: Counter[str] = Counter()  # key -> posts so far

    def _add_routes(self, app: web.Application) -> None:
        super()._add_routes(app)
        app.router.add_post("/response/{key}", self._handle_response_url)

    def _forget(self) -> None:
        super()._forget()
        for ws in self.workspaces.values():
            ws.messages.clear()
        self._response_urls.clear()

    def messages(self, channel: str, team_id: str | None = None) -> list[dict[str, Any]]:
        """Copies of the messages now in a channel (after updates and deletes), oldest
        first. A user id means the bot's DM with that person."""
        if is_user_id(channel):
            channel = dm_channel_id(channel)
        for ws in self._teams(team_id):
            if ws.messages.get(channel):
                return copy.deepcopy(ws.messages[channel])
        return []

    # ------------------------------------------------------------------ chat.*

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

    @api("chat.postMessage")
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

    @api("chat.postEphemeral")
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

    @api("chat.update")
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

    @api("chat.delete")
    async def _chat_delete(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel_id, _ = self._resolve(ws, call.args.get("channel"))
        message = self._message(ws, channel_id, call.args.get("ts"))
        ws.messages[channel_id].remove(message)
        return {"channel": channel_id, "ts": message["ts"]}

    # ------------------------------------------------------------------ response_url

    def response_url(self, key: str | None = None) -> str:
        """A response_url for a command or action; posts to it are recorded as
        ``Call(method="response_url", args=<the JSON body>)``."""
        return f"{self.url}/response/{key or uuid.uuid4().hex}"

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        """Record a post to a response_url and answer as Slack does: ``ok``, or an HTTP
        error whose body names the problem."""
        key = request.match_info["key"]
        raw = await request.read()
        call = Call(
            "response_url", {}, None, None, headers=dict(request.headers), path=request.path
        )
        self._record(call)
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
