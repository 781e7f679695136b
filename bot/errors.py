"""Domain errors.

Services raise these; one error handler (``handlers.errors``) turns them into a friendly,
private Slack reply. Their messages are written for the person who triggered them.
"""

from __future__ import annotations

from collections.abc import Mapping


class MentorbotError(Exception):
    """Base class: ``str(error)`` is shown to the acting user as mrkdwn, so any user text in
    it must already be escaped (:func:`infra.text.escape`). Field errors of
    :class:`InvalidInput` are shown as plain text and are not escaped."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(MentorbotError):
    """The acting user may not do this (wrong role, not their program or pair)."""


class NotFound(MentorbotError):
    """The thing named does not exist in this workspace (or is not visible to the user)."""


class Conflict(MentorbotError):
    """The request clashes with the current state (a duplicate name, already enrolled...)."""


class InvalidInput(MentorbotError):
    """Bad input. ``fields`` maps a modal block id to the message shown under that field."""

    def __init__(self, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields: dict[str, str] = dict(fields or {})

    @classmethod
    def for_fields(cls, fields: Mapping[str, str]) -> InvalidInput:
        return cls("Please check the highlighted fields.", fields)
