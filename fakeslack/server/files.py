"""File uploads, Slack's upload v2: ``files.getUploadURLExternal``, the upload itself (a
POST to the URL it hands out) and ``files.completeUploadExternal``, which shares the file in
a channel. What was shared is in ``uploaded_files``."""

from __future__ import annotations

import copy
from typing import Any

from aiohttp import BodyPartReader, web

from fakeslack.server.conversations import Conversations
from fakeslack.server.core import api
from fakeslack.server.model import Call, SlackError

ALT_TXT_MAX = 1000  # Slack refuses a longer description of an image


class Files(Conversations):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.uploaded_files: list[dict[str, Any]] = []
        self._uploads: dict[str, dict[str, Any]] = {}  # file id -> upload under way

    def _add_routes(self, app: web.Application) -> None:
        super()._add_routes(app)
        app.router.add_post("/upload/{file_id}", self._handle_upload)

    def _forget(self) -> None:
        super()._forget()
        self.uploaded_files.clear()
        self._uploads.clear()

    @api("files.getUploadURLExternal")
    async def _files_get_upload_url(self, call: Call) -> dict[str, Any]:
        filename, length = call.args.get("filename"), call.args.get("length")
        if not filename or length in (None, ""):
            raise SlackError("invalid_arguments")
        alt_txt = str(call.args.get("alt_txt") or "")
        if len(alt_txt) > ALT_TXT_MAX:
            raise SlackError("alt_txt_too_large")
        file_id = self._next_id("F")
        self._uploads[file_id] = {
            "id": file_id,
            "filename": str(filename),
            "length": int(length),
            "alt_txt": alt_txt,
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

    @api("files.completeUploadExternal")
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
                "alt_txt": upload["alt_txt"],
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
