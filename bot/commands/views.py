"""`/mentor help`: the commands that fit the caller's roles."""

from __future__ import annotations

from itertools import groupby

from slack_sdk.models.blocks import Block

from bot import blocks as ui
from bot.commands.catalogue import Audience, Subcommand, visible
from bot.people.roles import Roles
from infra.text import escape_truncated


def help_blocks(
    roles: Roles, *, unknown: str | None = None, suggestion: str | None = None
) -> list[Block]:
    blocks: list[Block] = []
    if unknown is not None:
        guess = f" Did you mean `/mentor {suggestion}`?" if suggestion else ""
        blocks.append(
            ui.section(
                f":thinking_face: I don't know `/mentor {escape_truncated(unknown, 40)}`.{guess}"
            )
        )
    blocks.append(ui.header("Mentorbot"))
    blocks.append(
        ui.section(
            "Mentorbot runs mentoring programs where *the mentee leads*: mentees set the goals, "
            "make the meetings happen, bring an agenda and summarise what was agreed. "
            "I prompt you at the right moments, in your working hours."
        )
    )
    commands = sorted(visible(roles), key=lambda c: list(Audience).index(c.audience))
    for audience, group in groupby(commands, key=lambda c: c.audience):
        blocks.append(ui.section(f"*{audience.value}*\n" + "\n".join(_line(c) for c in group)))
    if not roles.enrolled:
        blocks.append(ui.context("New here? Start with `/mentor join`."))
    return blocks


def _line(command: Subcommand) -> str:
    return f"`/mentor {command.usage}` · {command.summary}"
