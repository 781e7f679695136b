"""Introductions and what follows them: the mentor's answer, reminders, notices."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot import blocks as ui
from bot.ids import Action, BlockPrefix, Callback, DeclineField
from infra.text import channel_link, escape, escape_truncated, mention
from infra.text import hours as hours_text
from infra.windows import zone
from storage.models import Enrolment, Relationship, User

MENTEE_DUTIES = (
    "*clarify* what you want from this relationship;",
    "*make sure meetings happen*: you book them;",
    "*arrive with an agenda*, or at least a clear idea of what you want to discuss;",
    "*summarise the agreed actions* afterwards.",
)


def _offset_hours(user: User, now: datetime) -> float:
    offset = now.astimezone(zone(user.tz)).utcoffset()
    return offset.total_seconds() / 3600 if offset else 0.0


def _where(mentee: User, mentor: User, now: datetime) -> str:
    gap = _offset_hours(mentor, now) - _offset_hours(mentee, now)
    if abs(gap) < 0.01:
        relative = "the same time zone"
    else:
        relative = (
            f"{hours_text(gap)} {'ahead of' if gap > 0 else 'behind'} {escape(mentee.display)}"
        )
    local = now.astimezone(zone(mentor.tz)).strftime("%H:%M")
    mentee_local = now.astimezone(zone(mentee.tz)).strftime("%H:%M")
    return (
        f"{escape(mentee.display)} is in {escape(mentee.tz)} (now {mentee_local}) · "
        f"{escape(mentor.display)} is in {escape(mentor.tz)} (now {local}), {relative}"
    )


def introduction(
    relationship: Relationship,
    *,
    mentee: Enrolment,
    mentor: Enrolment,
    now: datetime,
) -> list[Block]:
    """Posted to a group DM with both people."""
    mentee_user, mentor_user = mentee.user, mentor.user
    program = escape(relationship.program.name)
    mentee_facts = [
        ("Goals", escape_truncated(mentee.goals, 600) or "–"),
        ("Target role", escape(mentee.target_role) or "–"),
        ("Wants to develop", escape(", ".join(mentee.skills_to_develop)) or "–"),
        ("Department", escape(mentee.department) or "–"),
    ]
    mentor_facts = [
        ("Current role", escape(mentor.current_role) or "–"),
        ("Can help with", escape(", ".join(mentor.expertise)) or "–"),
        ("Department", escape(mentor.department) or "–"),
    ]
    reasons = " · ".join(relationship.match_reasons) or "a good fit for each other"
    requested = relationship.source == "self_serve"
    opener = (
        f"{mention(mentee_user.slack_user_id)} would like "
        f"{mention(mentor_user.slack_user_id)} as their mentor in *{program}*."
        if requested
        else f"{mention(mentee_user.slack_user_id)}, meet {mention(mentor_user.slack_user_id)}, "
        f"your proposed mentor in *{program}*."
    )
    return [
        ui.header(":handshake: A mentoring introduction"),
        ui.section(opener),
        ui.fields_section(mentee_facts, text=f"*About {escape(mentee_user.display)}* (mentee)"),
        ui.fields_section(mentor_facts, text=f"*About {escape(mentor_user.display)}* (mentor)"),
        ui.section(f"*Why this match:* {escape_truncated(reasons, 900)}"),
        ui.context(_where(mentee_user, mentor_user, now)),
        ui.divider(),
        ui.section(
            f"*What happens next*\n1. {mention(mentor_user.slack_user_id)} accepts or declines "
            "below. No pressure: it's your time you're offering.\n"
            f"2. Once accepted, {mention(mentee_user.slack_user_id)} books a first "
            '"getting to know you" meeting within a week and drafts your mentoring agreement.'
        ),
        ui.section(
            f"*{escape(mentee_user.display)}, this relationship is yours to lead.* You:\n"
            + "\n".join(f"• {duty}" for duty in MENTEE_DUTIES)
        ),
        ui.actions(
            ui.button("Accept", Action.INTRO_ACCEPT, value=str(relationship.id), style="primary"),
            ui.button("Decline", Action.INTRO_DECLINE, value=str(relationship.id)),
            block_id=BlockPrefix.INTRO.of(relationship.id),
        ),
        ui.context(f"Only {mention(mentor_user.slack_user_id)} can accept or decline."),
    ]


def introduction_settled(blocks: list[dict[str, object]], outcome: str) -> list[dict[str, object]]:
    """The introduction as posted, with its buttons replaced by the outcome."""
    kept = [
        b
        for b in blocks
        if not (
            b.get("type") == "actions" and str(b.get("block_id", "")).startswith(BlockPrefix.INTRO)
        )
        and not (b.get("type") == "context" and "can accept or decline" in str(b))
    ]
    return [*kept, ui.section(outcome).to_dict()]


def outcome_text(relationship: Relationship, event: str) -> str:
    mentor = mention(relationship.mentor.slack_user_id)
    mentee = mention(relationship.mentee.slack_user_id)
    if event == "accepted":
        return (
            f":white_check_mark: {mentor} accepted. {mentee}, over to you: book a first "
            "meeting within a week, and draft your agreement with `/mentor agreement`."
        )
    if event == "declined":
        return f":leaves: {mentor} can't take this on right now. No hard feelings either way."
    return ":hourglass: This request expired without an answer."


def accepted_for_mentee(relationship: Relationship) -> list[Block]:
    mentor = escape(relationship.mentor.display)
    return [
        ui.section(
            f":tada: *{mentor} accepted!* Your mentoring in "
            f"*{escape(relationship.program.name)}* starts now, and you lead it."
        ),
        ui.section(
            "*This week:*\n"
            f'• Book a first "getting to know you" meeting with {mentor}, within a week.\n'
            "• Draft your mentoring agreement: how often you'll meet, what's in and out of "
            "scope, and what you each expect. It takes five minutes."
        ),
        ui.actions(
            ui.button(
                "Draft our agreement",
                Action.AGREEMENT_DRAFT,
                value=str(relationship.id),
                style="primary",
            )
        ),
    ]


def declined_for_mentee(relationship: Relationship, position: int) -> list[Block]:
    place = f" You're number {position} on the waiting list." if position else ""
    return [
        ui.section(
            f"{escape(relationship.mentor.display)} can't take on a mentee right now, so that "
            "match won't go ahead. That's about their time, not about you."
        ),
        ui.section(
            f"You're back in the pool for *{escape(relationship.program.name)}*, and a program "
            f"manager will find you another mentor.{place}"
        ),
    ]


def expired_for_mentee(relationship: Relationship, position: int) -> list[Block]:
    place = f" You're number {position} on the waiting list." if position else ""
    return [
        ui.section(
            f"Your introduction to {escape(relationship.mentor.display)} didn't get an answer "
            "in time, so I've closed it. It happens: people get busy."
        ),
        ui.section(
            f"You're back in the pool for *{escape(relationship.program.name)}*, and a program "
            f"manager will find you another mentor.{place}"
        ),
    ]


def manager_notice(relationship: Relationship, event: str) -> list[Block]:
    """For the managers' digest channel. The decline reason is for managers only."""
    pair = (
        f"{escape(relationship.mentee.display)} → {escape(relationship.mentor.display)} "
        f"({escape(relationship.program.name)})"
    )
    if event == "declined":
        reason = relationship.decline_reason
        said = f"\n>{escape_truncated(reason, 500)}" if reason else "\nNo reason given."
        return [
            ui.section(f":leaves: *Match declined* · {pair}{said}"),
            ui.context("The mentee is back on the waiting list. Run `/mentor match` to re-match."),
        ]
    return [
        ui.section(
            f":hourglass: *Request expired* · {pair}\nThe mentor didn't accept or decline in "
            "time. The mentee is back on the waiting list."
        ),
        ui.context("Consider checking in with the mentor, then run `/mentor match` to re-match."),
    ]


def reminder_for_mentor(relationship: Relationship) -> list[Block]:
    where = (
        f" in {channel_link(relationship.conversation_id)}" if relationship.conversation_id else ""
    )
    return [
        ui.section(
            f":wave: {escape(relationship.mentee.display)} is waiting to hear whether you'll "
            f"mentor them in *{escape(relationship.program.name)}*. The introduction is{where}."
        ),
        ui.actions(
            ui.button("Accept", Action.INTRO_ACCEPT, value=str(relationship.id), style="primary"),
            ui.button("Decline", Action.INTRO_DECLINE, value=str(relationship.id)),
        ),
        ui.context("If there's no answer in a couple of days the request expires."),
    ]


def decline_form(relationship: Relationship) -> View:
    blocks = [
        ui.section(
            f"{escape(relationship.mentee.display)} will hear kindly that you can't take "
            "this on, and goes back to the pool."
        ),
        ui.text_field(
            DeclineField.REASON,
            "Why?",
            multiline=True,
            max_length=500,
            optional=True,
            hint="Only the program's managers see this, to make better matches.",
        ),
    ]
    return ui.form(
        Callback.DECLINE_FORM,
        "Decline the match",
        blocks,
        submit="Decline",
        close="Back",
        private_metadata={"relationship_id": relationship.id},
    )


def waitlist_notice(program_name: str, reason: str, position: int) -> list[Block]:
    return [
        ui.section(
            f"I couldn't find you a mentor in *{escape(program_name)}* this round: "
            f"{escape(reason)}."
        ),
        ui.section(
            f"You're number {position} on the waiting list, and you'll be first in line as "
            "mentors free up or join. Meanwhile, sharpen your goals with `/mentor profile`."
        ),
    ]
