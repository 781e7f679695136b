"""Nudges the scheduler sends."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.ids import Action
from bot.text import channel_link, escape
from bot.views import common as ui


def prepare_for_mentoring(program_name: str, enrolment_id: int) -> list[Block]:
    """To a mentee the day after they join: the first responsibility is theirs."""
    return [
        ui.section(
            f":seedling: *While you wait for your mentor in {escape(program_name)}*, take ten "
            "minutes to get clear on what you want from mentoring. Mentees who arrive knowing "
            "what they want get the most out of it."
        ),
        ui.section(
            "• What would you like to be able to do in six months that you can't today?\n"
            "• Which skills or situations do you want help with?\n"
            "• What would make this relationship a success for you?"
        ),
        ui.actions(ui.button("Review my goals", Action.PROFILE_EDIT, value=str(enrolment_id))),
        ui.context("You lead this relationship: I'll prompt you at the right moments."),
    ]


def not_in_channel(program_name: str, channel_id: str) -> list[Block]:
    """To a program's managers when the digest channel refused a post."""
    return [
        ui.section(
            f":warning: I couldn't post to {channel_link(channel_id)} for "
            f"*{escape(program_name)}* because I'm not a member. Please invite me: type "
            "`/invite @Mentorbot` in that channel, or pick another channel with `/mentor program`."
        )
    ]
