"""What a person (or an admin) is told before and after an erasure."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot import blocks as ui
from bot.ids import Action
from infra.text import escape

WHAT_HAPPENS = (
    "• Your open mentoring relationships end now. Your partners are told, without detail, "
    "and the program managers see that you left the program.\n"
    "• You are withdrawn from every program, and every reminder and nudge about you is "
    "cancelled.\n"
    "• What you wrote is deleted: your profile answers, your goals, the agendas, notes and "
    "actions of your meetings, your comments, your check-in comments and any reason you "
    "gave. So are your name and Slack id.\n"
    "• Counts the program managers' reports rely on (that a meeting took place, a check-in "
    "score) stay, under an anonymous id that can't be traced back to you.\n"
    "• Messages already in Slack stay in Slack: Mentorbot can't delete them.\n"
    "This can't be undone. You can join again later as someone new."
)

WHAT_HAPPENS_TO_THEM = (
    "• Their open mentoring relationships end now. Their partners are told, without detail, "
    "and the program managers see that they left the program.\n"
    "• They are withdrawn from every program, and every reminder and nudge about them is "
    "cancelled.\n"
    "• What they wrote is deleted: their profile answers, their goals, the agendas, notes "
    "and actions of their meetings, their comments, their check-in comments and any reason "
    "they gave. So are their name and Slack id.\n"
    "• Counts the program managers' reports rely on stay, under an anonymous id.\n"
    "• Messages already in Slack stay in Slack.\n"
    "This can't be undone."
)


def forget_me_confirm(slack_user_id: str) -> list[Block]:
    """`/mentor forget-me`: exactly what happens, and the button (with a second check)."""
    return [
        ui.section("*Erase your mentoring data?*"),
        ui.section(WHAT_HAPPENS),
        ui.actions(
            ui.button(
                "Erase my data",
                Action.FORGET_ME,
                value=slack_user_id,
                style="danger",
                confirm=ui.confirm(
                    "Erase your mentoring data?",
                    "Your relationships end now and what you wrote is deleted. "
                    "This can't be undone.",
                    yes="Erase",
                ),
            )
        ),
    ]


def forgotten() -> list[Block]:
    return [
        ui.section(
            "Done: your relationships have ended and you've left every program. Your data is "
            "being erased now (it takes a minute or so). Thank you for taking part."
        )
    ]


def admin_forget_confirm(display: str, slack_user_id: str) -> list[Block]:
    """`/mentor admin forget @person`: the same account of what happens, for someone else."""
    who = escape(display)
    return [
        ui.section(f"*Erase {who}'s mentoring data?*"),
        ui.section(WHAT_HAPPENS_TO_THEM),
        ui.context("This is recorded with your name in the workspace's audit trail."),
        ui.actions(
            ui.button(
                f"Erase {display}'s data"[:75],
                Action.ADMIN_FORGET,
                value=slack_user_id,
                style="danger",
                confirm=ui.confirm(
                    "Erase their mentoring data?",
                    f"{who}'s relationships end now and their data is deleted. "
                    "This can't be undone.",
                    yes="Erase",
                ),
            )
        ),
    ]


def admin_forgotten(display: str) -> list[Block]:
    return [
        ui.section(
            f"Done: {escape(display)}'s relationships have ended and their mentoring data is "
            "being erased now."
        )
    ]


ADMIN_USAGE = (
    "Try `/mentor admin forget @person` (or their member ID, from their profile's ⋮ menu)."
)
