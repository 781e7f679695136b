"""Short messages: errors, confirmations."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.views import common as ui

GENERIC_ERROR = (
    "Sorry, something went wrong on my side and nothing was changed. "
    "Please try again in a moment. (Reference: {ref})"
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
