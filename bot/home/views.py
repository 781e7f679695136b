"""The App Home tab."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot import blocks as ui
from bot.blocks import when
from bot.home.service import PairCard
from bot.ids import Action
from bot.people.roles import Roles
from bot.programs.service import ProgramSummary
from infra.text import escape
from storage.enums import ActorRole
from storage.models import Enrolment

STAGES = {
    "initiation": "Getting started",
    "cultivation": "Under way",
    "separation": "Wrapping up",
}


def _card(card: PairCard) -> list[Block]:
    r, role = card.relationship, card.role
    other = r.mentor if role is ActorRole.MENTEE else r.mentee
    what = "your mentor" if role is ActorRole.MENTEE else "your mentee"
    if card.next_meeting is not None:
        agenda = "agenda ready" if card.next_meeting.agenda is not None else "no agenda yet"
        meeting = f"next meeting {when(card.next_meeting.starts_at)} ({agenda})"
    else:
        meeting = "no meeting booked"
    lines = [
        f"*{escape(other.display)}*, {what} · {escape(r.program.name)} · "
        f"{STAGES.get(r.status.value, r.status.value)}",
        f"{meeting} · {card.open_actions} open action{'s' if card.open_actions != 1 else ''}"
        f" · goals: {card.goals_open} open, {card.goals_achieved} achieved",
    ]
    value = str(r.id)
    buttons = [
        ui.button(
            "Book a meeting",
            Action.MEETING_BOOK,
            value=value,
            style="primary" if role is ActorRole.MENTEE else None,
        )
    ]
    if role is ActorRole.MENTEE:
        buttons.append(ui.button("Set a goal", Action.GOAL_NEW, value=value))
    else:
        buttons.append(ui.button("Follow up with my mentee", Action.FOLLOW_UP, value=value))
    return [ui.section("\n".join(lines)), ui.actions(*buttons)]


def _health_line(counts: Counter[str] | None) -> str:
    if not counts:
        return ""
    order = (
        ("at_risk", ":red_circle:"),
        ("needs_attention", ":large_yellow_circle:"),
        ("on_track", ":large_green_circle:"),
        ("too_early", ":white_circle:"),
    )
    shown = " ".join(f"{icon} {counts[k]}" for k, icon in order if counts.get(k))
    return f"\n{shown}" if shown else ""


def home(
    *,
    roles: Roles,
    enrolments: Sequence[Enrolment],
    managed: Sequence[ProgramSummary],
    pairs: Sequence[PairCard] = (),
    health: Mapping[int, Counter[str]] | None = None,
    dashboard_url: str | None = None,
) -> View:
    """The App Home of one person. ``dashboard_url`` (set when the app has a PUBLIC_URL):
    the managers' web dashboard, linked under the programs they manage."""
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
        for card in pairs[:10]:
            blocks += _card(card)
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
        if dashboard_url:
            blocks.append(
                ui.actions(
                    ui.button(
                        "Open the dashboard",
                        Action.DASHBOARD_OPEN,
                        url=dashboard_url,
                        style="primary",
                    )
                )
            )
        for s in managed[:20]:
            blocks.append(
                ui.section(
                    f"*{escape(s.program.name)}* · {s.mentees} mentees · {s.mentors} mentors"
                    + _health_line((health or {}).get(s.program.id)),
                    accessory=ui.button("Edit", Action.PROGRAM_EDIT, value=str(s.program.id)),
                )
            )
    return View(type="home", blocks=ui.fit(blocks, ui.VIEW_BLOCKS_MAX, overflow_note="…"))
