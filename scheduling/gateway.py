"""The one client wrapper for scheduled Slack messages.

* slack-sdk's own async retry handlers absorb brief rate limits, and 5xx answers and dropped
  connections only for calls that are safe to send twice (reads, edits, opening a DM:
  ``infra.slack.RESENDABLE_METHODS``); a post or a file share that fails so is retried by the
  sweep, which first looks for it where Slack may already have put it;
* each channel gets about one message per second (a small token bucket per channel, with a
  short burst), as Slack asks;
* failures are classified: transient ones are retried later by the sweep (honouring
  ``Retry-After``), permanent ones fail the work with their reason;
* one slow or failing recipient never holds up the others: a send that would have to wait
  long for its channel is deferred instead of blocking the batch.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from infra.slack import slack_error_code

# Slack errors that will not go away by trying again.
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "user_not_found",
        "user_disabled",
        "users_not_found",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "cannot_dm_bot",
        "invalid_blocks",
        "invalid_arguments",
        "msg_too_long",
        "no_text",
        "restricted_action",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "no_permission",
        "missing_scope",
        "team_access_not_granted",
        "message_not_found",
        "cant_update_message",
    }
)
# Errors that mean the recipient is gone: the work fails, nobody is nudged again.
DEACTIVATED_ERRORS = frozenset({"account_inactive", "user_not_found", "user_disabled"})
# Errors that mean the whole workspace is out of reach (uninstalled, or its bot token
# revoked): nothing more is sent to it, and its other pending work is cancelled.
ALT_TEXT_MAX = 1000  # files.getUploadURLExternal's alt_txt (alt_txt_too_large beyond)
UNREACHABLE_TEAM_ERRORS = frozenset({"team_not_installed", "token_revoked"})
TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
)


class DeliveryError(Exception):
    def __init__(self, code: str, *, retry_after: float | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after


class TransientDelivery(DeliveryError):
    """Try again later (after ``retry_after`` seconds when Slack said so)."""


class PermanentDelivery(DeliveryError):
    """Don't try again; ``code`` says why."""


def classify(exc: BaseException) -> DeliveryError:
    """Turn whatever a Web API call raised into a transient or permanent delivery error."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        code = slack_error_code(exc)
        if status == 429:
            header = (exc.response.headers or {}).get("Retry-After") or (
                exc.response.headers or {}
            ).get("retry-after")
            retry_after = float(header) if header and str(header).isdigit() else 1.0
            return TransientDelivery("ratelimited", retry_after=retry_after)
        if status >= 500 or code in TRANSIENT_ERRORS:
            return TransientDelivery(code)
        if code in PERMANENT_ERRORS:
            return PermanentDelivery(code)
        return PermanentDelivery(code)
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | ConnectionError | OSError):
        return TransientDelivery(type(exc).__name__)
    return TransientDelivery(type(exc).__name__)


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass
class ChannelPacer:
    """A token bucket per channel: ``rate`` messages a second, bursts of ``burst``."""

    rate: float = 1.0
    burst: int = 3
    max_wait: float = 3.0
    now: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def reserve(self, channel: str) -> float:
        """Take a token for ``channel``; return how long to wait before sending (0 = now).
        Raises :class:`TransientDelivery` when the wait would exceed ``max_wait``."""
        now = self.now()
        bucket = self._buckets.get(channel)
        if bucket is None:
            bucket = self._buckets[channel] = _Bucket(tokens=float(self.burst), updated=now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        wait = max(0.0, (1.0 - bucket.tokens) / self.rate)
        if wait > self.max_wait:
            raise TransientDelivery("paced", retry_after=wait)
        bucket.tokens -= 1.0
        return wait


ClientFactory = Callable[[str], Awaitable[AsyncWebClient | None]]


@dataclass
class Sent:
    channel: str
    ts: str


class SlackGateway:
    """Sends planned messages for the sweep, per workspace."""

    def __init__(
        self,
        client_for: ClientFactory,
        *,
        pacer: ChannelPacer | None = None,
        on_call: Callable[[str, str], None] | None = None,
    ) -> None:
        self._client_for = client_for
        self.pacer = pacer or ChannelPacer()
        self._on_call = on_call or (lambda method, error: None)
        self._dm_channels: dict[tuple[str, str], str] = {}

    async def client(self, team_id: str) -> AsyncWebClient:
        client = await self._client_for(team_id)
        if client is None:
            raise PermanentDelivery("team_not_installed")
        return client

    async def call(self, team_id: str, method: str, **kwargs: Any) -> dict[str, Any]:
        client = await self.client(team_id)
        try:
            response = await client.api_call(method, json=kwargs)
        except BaseException as exc:
            error = classify(exc)
            self._on_call(method, error.code)
            raise error from exc
        self._on_call(method, "ok")
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def post(
        self,
        team_id: str,
        channel: str,
        *,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        metadata_key: str | None = None,
    ) -> Sent:
        wait = self.pacer.reserve(f"{team_id}/{channel}")
        if wait:
            await asyncio.sleep(wait)
        args: dict[str, Any] = {"channel": channel, "text": text}
        if blocks:
            args["blocks"] = blocks
        if thread_ts:
            args["thread_ts"] = thread_ts
        if metadata_key:
            # Lets a retry after a crash find out whether Slack already took this message.
            args["metadata"] = {
                "event_type": "mentorbot_delivery",
                "event_payload": {"key": metadata_key},
            }
        data = await self.call(team_id, "chat.postMessage", **args)
        return Sent(channel=str(data.get("channel") or channel), ts=str(data.get("ts") or ""))

    async def update(
        self, team_id: str, channel: str, ts: str, *, text: str, blocks: list[dict[str, Any]] | None
    ) -> Sent:
        args: dict[str, Any] = {"channel": channel, "ts": ts, "text": text}
        if blocks is not None:
            args["blocks"] = blocks
        await self.call(team_id, "chat.update", **args)
        return Sent(channel=channel, ts=ts)

    async def reserve_upload(
        self, team_id: str, *, filename: str, content: str | bytes, alt_text: str = ""
    ) -> str:
        """The first two steps of a file upload (files upload v2): get an upload URL and send
        the bytes. Returns the file's id; nobody sees the file until :meth:`share_upload`.
        ``alt_text`` describes an image to screen readers (Slack keeps 1,000 characters)."""
        client = await self.client(team_id)
        data = content if isinstance(content, bytes) else content.encode()
        described = {"alt_txt": alt_text[:ALT_TEXT_MAX]} if alt_text else {}
        try:
            reserved = await client.files_getUploadURLExternal(
                filename=filename, length=len(data), **described
            )
            await _send_bytes(client, str(reserved["upload_url"]), data)
        except BaseException as exc:
            error = classify(exc)
            self._on_call("files.upload", error.code)
            raise error from exc
        return str(reserved["file_id"])

    async def share_upload(
        self,
        team_id: str,
        channel: str,
        file_id: str,
        *,
        title: str,
        comment: str,
        thread_ts: str | None = None,
    ) -> Sent:
        """Share a reserved upload in ``channel`` (in the thread of ``thread_ts`` if given)
        with ``comment`` (the last step). Not idempotent: Slack may have shared it even when
        the answer is lost."""
        client = await self.client(team_id)
        try:
            await client.files_completeUploadExternal(
                files=[{"id": file_id, "title": title}],
                channel_id=channel,
                initial_comment=comment,
                thread_ts=thread_ts,  # None is left out of the request
            )
        except BaseException as exc:
            error = classify(exc)
            self._on_call("files.upload", error.code)
            raise error from exc
        self._on_call("files.upload", "ok")
        return Sent(channel=channel, ts=file_id)

    async def open_conversation(self, team_id: str, users: list[str]) -> str:
        key = (team_id, ",".join(sorted(users)))
        if key not in self._dm_channels:
            data = await self.call(team_id, "conversations.open", users=",".join(sorted(users)))
            self._dm_channels[key] = str((data.get("channel") or {}).get("id") or "")
        return self._dm_channels[key]

    async def already_delivered(
        self, team_id: str, channel: str, metadata_key: str, *, since: float
    ) -> Sent | None:
        """Look in a DM (``channel`` a user id), a group DM or a readable channel for a message
        carrying ``metadata_key``, posted after ``since`` (epoch seconds). Used only when a
        crash, a 5xx or a lost answer may have hidden a delivery."""

        def carries_key(message: dict[str, Any]) -> bool:
            payload = ((message.get("metadata") or {}).get("event_payload")) or {}
            return bool(payload.get("key") == metadata_key)

        return await self._find(team_id, channel, carries_key, since=since)

    async def already_shared(
        self, team_id: str, channel: str, file_id: str, *, since: float
    ) -> Sent | None:
        """Look in a conversation, as :meth:`already_delivered` does, for the message that
        shares the upload ``file_id``."""

        def shares_it(message: dict[str, Any]) -> bool:
            return any(f.get("id") == file_id for f in message.get("files") or [])

        found = await self._find(team_id, channel, shares_it, since=since)
        return None if found is None else Sent(channel=found.channel, ts=file_id)

    async def _find(
        self,
        team_id: str,
        channel: str,
        match: Callable[[dict[str, Any]], bool],
        *,
        since: float,
    ) -> Sent | None:
        if channel.startswith(("U", "W")):
            channel = await self.open_conversation(team_id, [channel])
        data = await self.call(
            team_id,
            "conversations.history",
            channel=channel,
            oldest=f"{since:.6f}",
            include_all_metadata=True,
            limit=50,
        )
        for message in data.get("messages") or []:
            if match(message):
                return Sent(channel=channel, ts=str(message.get("ts")))
        return None


async def _send_bytes(client: AsyncWebClient, url: str, data: bytes) -> None:
    """Send an upload's bytes to the URL Slack gave for it (step two of files upload v2),
    on the client's connection pool if it has one. Sending them again is harmless: the same
    file gets the same content."""
    session = client.session
    if session is not None and not session.closed:
        await _post_bytes(session, url, data)
        return
    timeout = aiohttp.ClientTimeout(total=client.timeout)
    async with aiohttp.ClientSession(timeout=timeout) as own:
        await _post_bytes(own, url, data)


async def _post_bytes(session: aiohttp.ClientSession, url: str, data: bytes) -> None:
    async with session.post(url, data=data) as response:
        if response.status != 200:
            raise TransientDelivery(f"upload_http_{response.status}")
