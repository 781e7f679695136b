"""The gate in front of Bolt: is this request signed by Slack, and is its body shaped like
something Slack sends?

Bolt parses a body before it checks the signature, and its helpers assume Slack's shapes
(``payload["user"]["id"]``, ``payload["event"].get(...)``). Anything else raised deep inside
Bolt and became a 500 (or, with a timestamp that is not a number, reached our error handler
as if it were a real request). So the HTTP endpoint checks the signature first, on the raw
bytes, and parses nothing it didn't sign (401); then the shape, parsed as Bolt will parse it
(400). Only what passes reaches Bolt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from slack_bolt.request.internals import build_normalized_headers, extract_content_type, parse_body
from slack_sdk.signature import SignatureVerifier

# Fields Bolt (and our payload parsers) read, and the types Slack gives them. ``None`` is
# always allowed (Slack sends ``"enterprise": null``).
_FIELDS: dict[str, tuple[type, ...]] = {
    "type": (str,),
    "user": (str, dict),
    "team": (str, dict),
    "enterprise": (str, dict),
    "channel": (str, dict),
    "event": (dict,),
    "view": (dict,),
    "message": (dict,),
    "previous_message": (dict,),
    "container": (dict,),
    "item": (dict,),
    "assistant_thread": (dict,),
    "function_data": (dict,),
    "authorizations": (list,),
    "actions": (list,),
    "state": (dict,),
}
# Objects nested inside a payload that Bolt reads the same way.
_NESTED = ("event", "message", "previous_message", "item", "assistant_thread")
_MAX_DEPTH = 4
# How deeply a body's objects and arrays may nest. Slack's deepest (rich text in a message
# or a form) nest about a dozen levels; far deeper ones would make Bolt, which parses the
# body again, and anything that walks it run out of Python's recursion limit.
MAX_NESTING = 64
# What every slash command carries, as non-empty strings.
_COMMAND = ("command", "user_id", "team_id", "response_url")


def signed(secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """Whether Slack signed ``body`` with ``secret`` in the last five minutes, by slack-sdk's
    own verifier. What would make it raise (a timestamp that isn't a whole number, a body
    that isn't UTF-8) is simply unsigned, not an error."""
    timestamp = headers.get("x-slack-request-timestamp") or ""
    signature = headers.get("x-slack-signature") or ""
    if not secret or not timestamp.isascii() or not timestamp.isdigit() or not signature:
        return False
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return SignatureVerifier(secret).is_valid(text, timestamp, signature)


def content_type(headers: Iterable[tuple[str, str]]) -> str | None:
    """What Bolt will take the body for, read from the headers with Bolt's own functions (with
    two Content-Type headers, the last one; without its parameters)."""
    return extract_content_type(build_normalized_headers(dict(headers)))


def inspect(body: bytes, content_type: str | None) -> tuple[str, str | None]:
    """From one parse of ``body``, made as Bolt makes it (``content_type`` as
    :func:`content_type` reads it): its kind, a low-cardinality label for metrics
    (``command``, ``block_actions``, ``event:message``…, or ``malformed``), and why it can't
    be a Slack request (``None`` when it can). Never raises."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "malformed", "body is not UTF-8"
    try:
        parsed: Any = parse_body(text, content_type)
    except ValueError:  # json.JSONDecodeError included
        return "malformed", "body is not JSON"
    except RecursionError:  # the JSON decoder's own limit
        return "malformed", "body nests too deeply"
    if not isinstance(parsed, dict):
        return "malformed", "body is not an object"
    if _nests_deeper_than(parsed, MAX_NESTING):
        return "malformed", "body nests too deeply"
    return _kind(parsed), problem(parsed)


def _nests_deeper_than(value: dict[str, Any], limit: int) -> bool:
    """Whether objects and arrays nest in ``value`` more than ``limit`` levels (walked without
    recursion)."""
    stack: list[tuple[dict[str, Any] | list[Any], int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        for child in item.values() if isinstance(item, dict) else item:
            if isinstance(child, dict | list):
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


def _kind(parsed: dict[str, Any]) -> str:
    if "command" in parsed:
        return "command"
    kind = parsed.get("type")
    if kind == "event_callback":
        event = parsed.get("event")
        inner = event.get("type") if isinstance(event, dict) else None
        return f"event:{inner if isinstance(inner, str) else 'unknown'}"
    return kind if isinstance(kind, str) else "unknown"


def problem(parsed: dict[str, Any]) -> str | None:
    """Why a parsed body can't be a Slack request (``None`` when it can)."""
    if "command" in parsed and not all(
        isinstance(parsed.get(k), str) and parsed[k] for k in _COMMAND
    ):
        return "command without its user, team or response URL"
    if parsed.get("type") in ("view_submission", "view_closed"):
        view = parsed.get("view")
        if not (isinstance(view, dict) and isinstance(view.get("type"), str)):
            return "view payload without a view"
    return _shape(parsed, 0)


def _shape(payload: dict[str, Any], depth: int) -> str | None:
    if depth > _MAX_DEPTH:
        return None
    for key, kinds in _FIELDS.items():
        value = payload.get(key)
        if value is not None and not isinstance(value, kinds):
            return f"{key} has the wrong type"
    for key in ("user", "team", "enterprise", "channel"):
        value = payload.get(key)
        if isinstance(value, dict) and not isinstance(value.get("id", ""), str | None):
            return f"{key}.id is not a string"
    for key in ("authorizations", "actions"):
        items = payload.get(key) or []
        if not all(isinstance(item, dict) for item in items):
            return f"{key} holds something other than objects"
        for item in items:
            if found := _shape(item, depth + 1):
                return found
    for key in _NESTED:
        if isinstance(payload.get(key), dict) and (found := _shape(payload[key], depth + 1)):
            return found
    return _view(payload.get("view"))


def _view(view: dict[str, Any] | None) -> str | None:
    if view is None:
        return None
    state = view.get("state")
    if state is not None and not (
        isinstance(state, dict) and isinstance(state.get("values") or {}, dict)
    ):
        return "view.state is not an object"
    values = (state or {}).get("values") or {}
    for block in values.values():
        if not isinstance(block, dict) or not all(isinstance(v, dict) for v in block.values()):
            return "view.state.values is not objects of objects"
    for key in ("callback_id", "id", "private_metadata", "type"):
        if not isinstance(view.get(key, ""), str):
            return f"view.{key} is not a string"
    return None
