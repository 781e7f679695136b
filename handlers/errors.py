"""The one error handler: domain errors become a friendly private reply, anything else is
logged with the request id and the user gets an apology with that reference. Nobody ever
sees a stack trace or a silent failure."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import InvalidInput, MentorbotError
from bot.notices import FORM_TOO_SLOW, GENERIC_ERROR, error_blocks, error_modal
from handlers.context import DEPS_KEY
from infra.slack import slack_error_code

log = logging.getLogger("mentorbot.errors")


def register(app: AsyncApp) -> None:
    app.error(on_error)


async def on_error(
    error: Exception,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond | None,
    response: BoltResponse | None,
) -> BoltResponse | None:
    ref = str(context.get("request_id") or "-")
    kind = "command" if "command" in body else str(body.get("type") or "unknown")
    if isinstance(error, BoltUnhandledRequestError):
        # A button, form or event no listener knows (an old message, another app's ids):
        # acknowledge it so Slack shows no error, and leave a note for operators.
        log.warning("unhandled request", extra={"kind": kind})
        return BoltResponse(status=200, body="")
    if isinstance(error, MentorbotError):
        message = error.message
        log.info("refused", extra={"kind": kind, "error": type(error).__name__})
    elif _trigger_expired(error):
        message = FORM_TOO_SLOW
        log.warning("form opened too late: its trigger expired", extra={"kind": kind})
    else:
        message = GENERIC_ERROR.format(ref=ref)
        log.error("listener failed", exc_info=error, extra={"kind": kind})
    deps = context.get(DEPS_KEY)
    if deps is not None:
        deps.metrics.errors.labels(type(error).__name__).inc()

    if response is not None:  # not acknowledged yet: answer in the acknowledgement itself
        if kind == "view_submission":
            if isinstance(error, InvalidInput) and error.fields:
                payload: dict[str, Any] = {"response_action": "errors", "errors": error.fields}
            else:
                payload = {"response_action": "update", "view": error_modal(message).to_dict()}
            return _json(payload)
        if kind == "command":
            return _json({"response_type": "ephemeral", "text": f":warning: {message}"})
        if kind in ("block_actions", "event_callback", "view_closed", "block_suggestion"):
            await _tell(body, client, respond, message)
            return BoltResponse(status=200, body="")
        return None
    await _tell(body, client, respond, message)
    return None


async def report_after_ack(
    error: Exception, body: dict[str, Any], context: AsyncBoltContext
) -> None:
    """Tell the user about a failure in work done after the acknowledgement."""
    await on_error(
        error,
        body,
        context,
        context.client,
        context.respond if _has_response_url(body) else None,
        None,
    )


def _trigger_expired(error: Exception) -> bool:
    """Slack refused to open a modal because more than three seconds passed since the
    request: a busy moment, not a bug, so the person is asked to retry (no stack trace)."""
    return (
        isinstance(error, SlackApiError)
        and isinstance(error.response.data, dict)
        and error.response.data.get("error") == "expired_trigger_id"
    )


def _has_response_url(body: dict[str, Any]) -> bool:
    return bool(body.get("response_url") or body.get("command"))


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=200, body=json.dumps(payload), headers={"content-type": "application/json"}
    )


async def _tell(
    body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond | None, message: str
) -> None:
    """Tell the acting user privately, by the best route the request offers."""
    user_id = (
        body.get("user_id")
        or (body.get("user") or {}).get("id")
        or (body.get("event") or {}).get("user")
    )
    view = body.get("view") or {}
    try:
        if view.get("type") == "modal" and view.get("id") and body.get("type") == "block_actions":
            await client.views_update(view_id=view["id"], view=error_modal(message))
        elif respond is not None and (body.get("response_url") or body.get("command")):
            await respond(
                text=f":warning: {message}",
                blocks=[b.to_dict() for b in error_blocks(message)],
                response_type="ephemeral",
                replace_original=False,
            )
        elif user_id:
            await client.chat_postMessage(
                channel=user_id, text=f":warning: {message}", blocks=error_blocks(message)
            )
    except SlackApiError as exc:  # e.g. a user id that names nobody: nothing to tell
        log.warning(
            "could not tell the user about an error", extra={"error": slack_error_code(exc)}
        )
    except Exception:  # the error path must never raise
        log.exception("could not tell the user about an error")
