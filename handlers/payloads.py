"""Slack payloads parsed once, at the edge, into small typed requests.

Nothing inside them is trusted: ids are re-checked against the acting user by the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.errors import NotFound
from bot.views.state import FormState, private_metadata


def _team(body: dict[str, Any]) -> str:
    team = body.get("team")
    if isinstance(team, dict) and team.get("id"):
        return str(team["id"])
    user = body.get("user")
    if isinstance(user, dict) and user.get("team_id"):
        return str(user["team_id"])
    return str(body.get("team_id") or "")


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
            team_id=str(body.get("team_id") or ""),
            user_id=str(body.get("user_id") or ""),
            channel_id=str(body.get("channel_id") or ""),
            text=" ".join(str(body.get("text") or "").split()),
            trigger_id=str(body.get("trigger_id") or ""),
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

    @classmethod
    def parse(cls, body: dict[str, Any]) -> ActionRequest:
        action = (body.get("actions") or [{}])[0]
        selected = action.get("selected_option") or {}
        value = action.get("value") or selected.get("value") or ""
        view = body.get("view") if isinstance(body.get("view"), dict) else None
        channel = body.get("channel") or body.get("container") or {}
        return cls(
            team_id=_team(body),
            user_id=str((body.get("user") or {}).get("id") or ""),
            action_id=str(action.get("action_id") or ""),
            value=str(value),
            trigger_id=str(body.get("trigger_id") or ""),
            view=view,
            channel_id=channel.get("id") or channel.get("channel_id"),
        )

    def int_value(self) -> int | None:
        return int(self.value) if self.value.isdigit() else None

    def id_of(self, what: str) -> int:
        """The id the button carries; a friendly "no longer exists" when it carries none."""
        value = self.int_value()
        if value is None:
            raise NotFound(f"That {what} no longer exists.")
        return value

    @property
    def state(self) -> FormState:
        return FormState(((self.view or {}).get("state") or {}).get("values"))


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
        view = body.get("view") or {}
        return cls(
            team_id=_team(body),
            user_id=str((body.get("user") or {}).get("id") or ""),
            callback_id=str(view.get("callback_id") or ""),
            view_id=str(view.get("id") or ""),
            state=FormState((view.get("state") or {}).get("values")),
            metadata=private_metadata(view),
        )

    def metadata_id(self, key: str) -> int | None:
        """An id the modal was opened with (checked again by the service, like any id)."""
        value = self.metadata.get(key)
        return value if isinstance(value, int) else None
