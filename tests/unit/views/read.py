"""Reading a builder's output the way a person (or Slack) would: its text, its buttons, the
times in it, and the form state it submits untouched or with some fields changed."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.views import View

from bot.forms import FormState
from fakeslack import SlackSender

DATE = re.compile(r"<!date\^(\d+)\^([^|]+)\|[^>]+>")


def dicts(output: Any) -> list[dict[str, Any]]:
    """The blocks of a message (a list of blocks or dicts) or of a view."""
    if isinstance(output, View):
        return [b.to_dict() for b in output.blocks or []]
    return [b if isinstance(b, dict) else b.to_dict() for b in output]


def texts(output: Any) -> list[str]:
    """Every text object's text, in reading order (a section's text before its fields and
    its accessory)."""
    found: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                found.append(node["text"])
                return
            first = [k for k in ("text", "fields", "elements") if k in node]
            for key in first + sorted(k for k in node if k not in first):
                visit(node[key])

    visit(dicts(output))
    return found


def text(output: Any) -> str:
    """All the text, one text object a line (for "does it say…")."""
    return "\n".join(texts(output))


def buttons(output: Any) -> list[tuple[str, str, str | None]]:
    """(label, action id, value) of every button, in order (accessories included)."""
    found: list[tuple[str, str, str | None]] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "button":
                found.append((node["text"]["text"], node.get("action_id", ""), node.get("value")))
                return
            for key in ("accessory", "elements"):
                if key in node:
                    visit(node[key])
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(dicts(output))
    return found


def actions(output: Any) -> list[str]:
    return [action_id for _, action_id, _ in buttons(output)]


def times(output: Any) -> list[tuple[datetime, str]]:
    """Every ``<!date^…>`` token: the instant and its format."""
    return [
        (datetime.fromtimestamp(int(ts), tz=UTC), style) for ts, style in DATE.findall(text(output))
    ]


def inputs(view: View) -> dict[str, dict[str, Any]]:
    """A form's input elements by block id."""
    return {b["block_id"]: b["element"] for b in dicts(view) if b["type"] == "input"}


def submitted(view: View, **changes: Any) -> FormState:
    """The state Slack sends when the form is submitted as it opened, but for ``changes``
    (by block id, as :meth:`fakeslack.SlackSender.state_values` takes them)."""
    payload = view.to_dict()
    values = SlackSender.values_of(payload) | changes
    return FormState(SlackSender.state_values(payload, values))
