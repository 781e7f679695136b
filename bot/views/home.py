"""The App Home tab."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.ids import Action
from bot.programs import ProgramSummary
from bot.roles import Roles
from bot.text import escape
from bot.views import common as ui
from storage.enums import ActorRole
from storage.models import Enrolment, Relationship


def home(
    *,
    roles: Roles,
    enrolments: Sequence[Enrolment],
    managed: Sequence[ProgramSummary],
    pairs: Sequence[tuple[Relationship, ActorRole]] = (),
) -> View:
    blocks: list[Block] = [
        ui.header("Mentorbot"),
        ui.section(
            "Mentoring that the *mentee leads*. Set your goals, book your meetings, bring an "
            "agenda, and capture what you agreed. I'll prompt you at the right moments."
        ),
        ui.divider(),
    ]
    if pairs:
        blocks.append(ui.header("Your mentoring"))
        for relationship, role in pairs[:10]:
            other = relationship.mentor if role is ActorRole.MENTEE else relationship.mentee
            what = "your mentor" if role is ActorRole.MENTEE else "your mentee"
            blocks.append(
                ui.section(
                    f"*{escape(other.display)}*, {what} · {escape(relationship.program.name)} · "
                    f"{relationship.status.value.replace('_', ' ')}",
                    accessory=ui.button(
                        "Book a meeting",
                        Action.MEETING_BOOK,
                        value=str(relationship.id),
                        style="primary" if role is ActorRole.MENTEE else None,
                    ),
                )
            )
            if role is ActorRole.MENTEE:
                blocks.append(
                    ui.actions(ui.button("Set a goal", Action.GOAL_NEW, value=str(relationship.id)))
                )
            else:
                blocks.append(
                    ui.actions(
                        ui.button(
                            "Follow up with my mentee",
                            Action.FOLLOW_UP,
                            value=str(relationship.id),
                        )
                    )
                )
        blocks.append(
            ui.context("`/mentor goals` shows your goals; `/mentor actions` what you agreed to do.")
        )
        blocks.append(ui.divider())
    blocks.append(ui.header("Your programs"))
    if enrolments:
        for e in enrolments[:20]:
            blocks.append(
                ui.section(
                    f"*{escape(e.program.name)}* · {e.role.value} · {e.status.value}",
                    accessory=ui.button("Profile", Action.PROFILE_EDIT, value=str(e.id)),
                )
            )
    else:
        blocks.append(ui.section("You haven't joined a mentoring program yet."))
    buttons = [ui.button("Join a program", Action.JOIN_OPEN, style="primary")]
    if roles.can_create_programs:
        buttons.append(ui.button("New program", Action.PROGRAM_NEW))
    buttons.append(ui.button("Nudge settings", Action.SETTINGS_OPEN))
    buttons.append(ui.button("Help", Action.HELP))
    blocks.append(ui.actions(*buttons))
    if managed:
        blocks += [ui.divider(), ui.header("Programs you manage")]
        for s in managed[:20]:
            blocks.append(
                ui.section(
                    f"*{escape(s.program.name)}* · {s.mentees} mentees · {s.mentors} mentors",
                    accessory=ui.button("Edit", Action.PROGRAM_EDIT, value=str(s.program.id)),
                )
            )
    return View(type="home", blocks=ui.fit(blocks, ui.VIEW_BLOCKS_MAX, overflow_note="…"))
