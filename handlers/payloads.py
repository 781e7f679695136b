"""Slack payloads parsed once, at the edge, into small typed requests.

Nothing inside them is trusted: ids are re-checked against the acting user by the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.errors import NotFound
from bot.forms import FormState, as_id, private_metadata
from infra.text import from_slack


def _dict(value: Any) -> dict[str, Any]:
    """``value`` if it is an object, else an empty one: a field of the wrong type is treated
    as missing, and the services then refuse what is missing."""
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    """A string field, or "" when it is missing or not a string (never ``str(["x"])``)."""
    return value if isinstance(value, str) else ""


def _team(body: dict[str, Any]) -> str:
    team = body.get("team")
    if isinstance(team, dict) and _str(team.get("id")):
        return _str(team["id"])
    user = _dict(body.get("user"))
    if _str(user.get("team_id")):
        return _str(user["team_id"])
    return _str(body.get("team_id"))


@dataclass(frozen=True)
class CommandRequest:
    team_id: str
    user_id: str
    channel_id: str
    text: str
    trigger_id: str

    @classmethod
    def parse(cls, body: dict[str, Any]) -> CommandRequest:
        return cls(
            team_id=_str(body.get("team_id")),
            user_id=_str(body.get("user_id")),
            channel_id=_str(body.get("channel_id")),
            # Slack sends a command's text with &, < and > encoded: read it once.
            text=" ".join(from_slack(_str(body.get("text"))).split()),
            trigger_id=_str(body.get("trigger_id")),
        )

    def words(self) -> tuple[str, str]:
        """The first word (lower-cased) and the rest."""
        first, _, rest = self.text.partition(" ")
        return first.lower(), rest.strip()


@dataclass(frozen=True)
class ActionRequest:
    team_id: str
    user_id: str
    action_id: str
    value: str
    trigger_id: str
    view: dict[str, Any] | None
    channel_id: str | None
    # Where the button was: its block, and the message's response_url ("" for a button on
    # a surface with none, such as the App Home).
    block_id: str = ""
    response_url: str = ""

    @classmethod
    def parse(cls, body: dict[str, Any]) -> ActionRequest:
        actions = body.get("actions")
        action = _dict(actions[0]) if isinstance(actions, list) and actions else {}
        value = _str(action.get("value")) or _str(_dict(action.get("selected_option")).get("value"))
        view = body.get("view") if isinstance(body.get("view"), dict) else None
        channel = _dict(body.get("channel")) or _dict(body.get("container"))
        return cls(
            team_id=_team(body),
            user_id=_str(_dict(body.get("user")).get("id")),
            action_id=_str(action.get("action_id")),
            value=value,
            trigger_id=_str(body.get("trigger_id")),
            view=view,
            channel_id=_str(channel.get("id")) or _str(channel.get("channel_id")) or None,
            block_id=_str(action.get("block_id")),
            response_url=_str(body.get("response_url")),
        )

    @property
    def on_home(self) -> bool:
        """Pressed on the App Home tab."""
        return _dict(self.view).get("type") == "home"

    def int_value(self) -> int | None:
        """The value as a row id (None when it can't be one)."""
        return as_id(self.value)

    def id_of(self, what: str) -> int:
        """The id the button carries; a friendly "no longer exists" when it carries none."""
        return required(self.int_value(), what)

    @property
    def state(self) -> FormState:
        return FormState(_dict(_dict(self.view).get("state")).get("values"))


@dataclass(frozen=True)
class ViewRequest:
    team_id: str
    user_id: str
    callback_id: str
    view_id: str
    state: FormState
    metadata: dict[str, Any]

    @classmethod
    def parse(cls, body: dict[str, Any]) -> ViewRequest:
        view = _dict(body.get("view"))
        return cls(
            team_id=_team(body),
            user_id=_str(_dict(body.get("user")).get("id")),
            callback_id=_str(view.get("callback_id")),
            view_id=_str(view.get("id")),
            state=FormState(_dict(view.get("state")).get("values")),
            metadata=private_metadata(view),
        )

    def metadata_id(self, key: str) -> int | None:
        """An id the modal was opened with (checked again by the service, like any id)."""
        value = self.metadata.get(key)
        return value if isinstance(value, int) and as_id(value) is not None else None


def required(target: int | None, what: str) -> int:
    """An id that must be there; a friendly "no longer exists" when it isn't."""
    if target is None:
        raise NotFound(f"That {what} no longer exists.")
    return target


def ids_in(value: str, count: int) -> list[int] | None:
    """The first ``count`` ids of a value like ``"12:34:drop"``, or None if any isn't one."""
    parts = value.split(":")
    found = [as_id(p) for p in parts[:count]]
    if len(found) < count or any(i is None for i in found):
        return None
    return [i for i in found if i is not None]
