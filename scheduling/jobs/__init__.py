"""The jobs the scheduler runs, one module per area. ``register`` wires them by kind."""

from __future__ import annotations

from scheduling.jobs import (
    agreements,
    capture,
    digest,
    engagement,
    exports,
    goals,
    housekeeping,
    introductions,
    meetings,
    notices,
    onboarding,
    replies,
    separation,
)
from scheduling.kinds import Kind
from scheduling.registry import Registry
from storage.models import ActionItem, Alert, Goal, Meeting, User


def register(registry: Registry) -> None:
    # Each handler that reads ``ctx.subject(model, key)`` names it, so a sweep loads a batch's
    # subjects in one query per model.
    meeting = (Meeting, "meeting_id")
    registry.register(Kind.MENTEE_PREPARE, onboarding.mentee_prepare)
    registry.register(Kind.NOT_IN_CHANNEL, notices.not_in_channel)
    registry.register(Kind.INTRO_SEND, introductions.send, on_delivered=introductions.sent)
    registry.register(Kind.INTRO_REMIND, introductions.remind)
    registry.register(Kind.INTRO_EXPIRE, introductions.expire)
    registry.register(Kind.RELATIONSHIP_NOTICE, introductions.notice)
    registry.register(Kind.WAITLIST_NOTICE, introductions.waitlist)
    registry.register(Kind.AGREEMENT_NOTICE, agreements.notice, on_delivered=agreements.posted)
    registry.register(
        Kind.MEETING_NOTICE, meetings.notice, on_delivered=meetings.booked, subject=meeting
    )
    registry.register(
        Kind.AGENDA_PROMPT,
        meetings.prompt,
        on_delivered=capture.remember_prompt("agenda"),
        subject=meeting,
    )
    registry.register(
        Kind.AGENDA_REMINDER,
        meetings.reminder,
        on_delivered=capture.remember_prompt("agenda"),
        subject=meeting,
    )
    registry.register(Kind.AGENDA_POST, meetings.post_agenda, subject=meeting)
    registry.register(Kind.MEETING_START, meetings.start, subject=meeting)
    registry.register(Kind.GOAL_NOTICE, goals.notice, subject=(Goal, "goal_id"))
    registry.register(
        Kind.CAPTURE_PROMPT,
        capture.prompt,
        on_delivered=capture.remember_prompt("capture"),
        subject=meeting,
    )
    registry.register(
        Kind.CAPTURE_REMINDER,
        capture.reminder,
        on_delivered=capture.remember_prompt("capture"),
        subject=meeting,
    )
    registry.register(Kind.MEETING_CHECK, capture.check, subject=meeting)
    registry.register(Kind.CAPTURE_POST, capture.post, on_delivered=capture.posted, subject=meeting)
    registry.register(Kind.ACTION_DUE, capture.due, subject=(ActionItem, "action_id"))
    registry.register(Kind.ACTION_OVERDUE, capture.overdue, subject=(ActionItem, "action_id"))
    registry.register(Kind.AGENDA_ITEMS, meetings.mentor_items, subject=meeting)
    registry.register(
        Kind.SIGNALS_EVAL,
        engagement.evaluate,
        prepare=engagement.prepare_evaluations,
        finish=engagement.finish_evaluations,
    )
    registry.register(
        Kind.ALERT_POST,
        engagement.post_alert,
        on_delivered=engagement.alert_posted,
        subject=(Alert, "alert_id"),
    )
    registry.register(Kind.ACCOUNTABILITY, engagement.accountability, subject=(Alert, "alert_id"))
    registry.register(Kind.FOLLOW_UP_NUDGE, engagement.follow_up)
    registry.register(Kind.MENTEE_UPDATE, engagement.mentee_update)
    registry.register(Kind.CHECKIN_ASK, engagement.checkin)
    registry.register(Kind.DIGEST_WEEKLY, digest.weekly)
    registry.register(Kind.WRAP_UP, separation.wrap_up)
    registry.register(Kind.SEPARATION_NOTICE, separation.notice)
    registry.register(Kind.PURGE, housekeeping.purge)
    asker = (User, "user_id")
    registry.register(Kind.PROGRAM_SAVED, replies.saved_program)
    registry.register(Kind.MANAGER_ADDED, replies.added_manager)
    registry.register(Kind.ENROLMENT_SAVED, replies.saved_enrolment)
    registry.register(Kind.SETTINGS_SAVED, replies.saved_settings, subject=asker)
    registry.register(Kind.DM_REPLY, replies.dm_reply)
    registry.register(Kind.REPORT_EXPORT, exports.report, subject=asker)
    registry.register(Kind.MATCH_CSV, exports.match_csv, subject=asker)
