"""Reading a submitted view's ``state.values``.

Every input block holds exactly one element, so values are looked up by block id alone. The
readers tolerate missing blocks (a field may not be shown for every role) and return ``None``
or empty values; the services decide what is required.
"""

from __future__ import annotations

import json
from datetime import time
from typing import Any

from bot.errors import InvalidInput


class FormState:
    def __init__(self, values: dict[str, Any] | None) -> None:
        self._values = values if isinstance(values, dict) else {}

    def _element(self, block_id: str) -> dict[str, Any]:
        block = self._values.get(block_id)
        if not isinstance(block, dict) or not block:
            return {}
        element = next(iter(block.values()))
        return element if isinstance(element, dict) else {}

    def raw(self, block_id: str) -> dict[str, Any]:
        """The element's state as Slack sent it."""
        return self._element(block_id)

    def text(self, block_id: str) -> str:
        value = self._element(block_id).get("value")
        return value if isinstance(value, str) else ""

    def selected(self, block_id: str) -> str | None:
        chosen = self._element(block_id).get("selected_option")
        if isinstance(chosen, dict) and isinstance(chosen.get("value"), str):
            return str(chosen["value"])
        return None

    def selected_many(self, block_id: str) -> list[str]:
        chosen = self._element(block_id).get("selected_options") or []
        return [str(o["value"]) for o in chosen if isinstance(o, dict) and "value" in o]

    def user(self, block_id: str) -> str | None:
        value = self._element(block_id).get("selected_user")
        return value if isinstance(value, str) else None

    def users(self, block_id: str) -> list[str]:
        value = self._element(block_id).get("selected_users") or []
        return [u for u in value if isinstance(u, str)]

    def conversation(self, block_id: str) -> str | None:
        element = self._element(block_id)
        value = element.get("selected_conversation") or element.get("selected_channel")
        return value if isinstance(value, str) else None

    def time(self, block_id: str) -> time | None:
        value = self._element(block_id).get("selected_time")
        if not isinstance(value, str):
            return None
        try:
            return time.fromisoformat(value)
        except ValueError:
            raise InvalidInput.for_fields({block_id: "Choose a time."}) from None

    def integer(self, block_id: str, *, message: str = "Enter a whole number.") -> int | None:
        raw = self.text(block_id).strip()
        if not raw:
            return None
        try:
            return int(raw)
        except ValueError:
            raise InvalidInput.for_fields({block_id: message}) from None


def private_metadata(view: dict[str, Any]) -> dict[str, Any]:
    """Decode ``private_metadata`` (untrusted: callers re-check what it names)."""
    raw = view.get("private_metadata") or "{}"
    if not isinstance(raw, str):
        return {}
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
