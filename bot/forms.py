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

# Row ids are PostgreSQL ``integer`` columns: a bigger number can name no row, and sending
# one to the database fails the query instead of finding nothing.
MAX_ID = 2**31 - 1
_MAX_DIGITS = 9  # small whole numbers in forms (minutes, capacity…): at most this many


def as_id(raw: object) -> int | None:
    """A row id from a button value, a select's value or private metadata (all untrusted);
    None when it cannot be one (not ASCII digits, zero, too big, a boolean)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 10:
        raw = int(raw)
    return raw if isinstance(raw, int) and 0 < raw <= MAX_ID else None


def whole(raw: str | None) -> int | None:
    """A small whole number typed or chosen in a form, else None (so "٣", "1e9" or a
    5,000-digit number is "not a number" rather than an error, or an overflow later)."""
    if raw and raw.isascii() and raw.isdigit() and len(raw) <= _MAX_DIGITS:
        return int(raw)
    return None


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
        chosen = self._element(block_id).get("selected_options")
        if not isinstance(chosen, list):
            return []
        return [str(o["value"]) for o in chosen if isinstance(o, dict) and "value" in o]

    def weekdays(self, block_id: str) -> frozenset[int]:
        """Ticked days of the week (0 = Monday), as ``bot.blocks.days_field`` offers them."""
        return frozenset(int(d) for d in self.selected_many(block_id) if d.isdigit() and int(d) < 7)

    def user(self, block_id: str) -> str | None:
        value = self._element(block_id).get("selected_user")
        return value if isinstance(value, str) else None

    def users(self, block_id: str) -> list[str]:
        value = self._element(block_id).get("selected_users")
        if not isinstance(value, list):
            return []
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
        number = whole(raw.lstrip("-"))
        if number is None:
            raise InvalidInput.for_fields({block_id: message})
        return -number if raw.startswith("-") else number


def check_length(field: str, value: str, limit: int, errors: dict[str, str] | None = None) -> None:
    """Refuse text over ``limit`` characters, in the one wording every form uses: noted in
    ``errors`` under ``field`` when the caller collects a form's problems, else raised at
    once as :class:`InvalidInput`."""
    if len(value) <= limit:
        return
    message = f"Keep this to {limit} characters (now {len(value)})."
    if errors is None:
        raise InvalidInput.for_fields({field: message})
    errors[field] = message


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
