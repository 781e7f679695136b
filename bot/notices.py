"""Short messages: errors, confirmations."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot import blocks as ui

GENERIC_ERROR = (
    "Sorry, something went wrong on my side and nothing was changed. "
    "Please try again in a moment. (Reference: {ref})"
)
# Slack lets an app open a form for only three seconds after the click or command; when it is
# busy and misses that, the person just has to ask again (nothing was changed).
FORM_TOO_SLOW = (
    "Sorry, I took too long to open that form and Slack closed the door on it. "
    "Nothing was changed: please try again."
)


def error_blocks(message: str) -> list[Block]:
    return [ui.section(f":warning: {message}")]


def error_modal(message: str) -> View:
    return View(
        type="modal",
        title=ui.title("Mentorbot"),
        close=ui.plain("Close"),
        blocks=error_blocks(message),
    )


def info_modal(title: str, blocks: list[Block]) -> View:
    return View(type="modal", title=ui.title(title), close=ui.plain("Close"), blocks=blocks)


def dm_help() -> list[Block]:
    return [
        ui.section(
            "Hi! I work through `/mentor` commands and the buttons in my messages. "
            "Try `/mentor help` to see what you can do, or open my *Home* tab."
        )
    ]
