"""Modal submissions (``view_submission`` and ``view_closed``), one module per domain."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.ids import Callback
from handlers.guard import guarded
from handlers.submissions import (
    agreements,
    capture,
    enrolment,
    goals,
    introductions,
    matching,
    meetings,
    people,
    programs,
    separation,
    signals,
)


def register(app: AsyncApp) -> None:
    app.view(Callback.PROGRAM_FORM)(guarded(programs.submit_program))
    app.view(Callback.JOIN_FORM)(guarded(enrolment.submit_join))
    app.view(Callback.SETTINGS_FORM)(guarded(people.submit_settings))
    app.view(Callback.MATCH_REVIEW)(guarded(matching.approve))
    app.view_closed(Callback.MATCH_REVIEW)(guarded(matching.closed))
    app.view(Callback.MATCH_SETTINGS_FORM)(guarded(matching.save_settings))
    app.view(Callback.DECLINE_FORM)(guarded(introductions.decline))
    app.view(Callback.AGREEMENT_FORM)(guarded(agreements.submit_agreement))
    app.view(Callback.SUGGEST_FORM)(guarded(agreements.submit_suggestion))
    app.view(Callback.MEETING_FORM)(guarded(meetings.submit_meeting))
    app.view(Callback.AGENDA_FORM)(guarded(meetings.submit_agenda))
    app.view(Callback.AGENDA_ADD_FORM)(guarded(meetings.submit_mentor_items))
    app.view(Callback.CAPTURE_FORM)(guarded(capture.submit_capture))
    app.view(Callback.CAPTURE_SUGGEST_FORM)(guarded(capture.submit_suggestion))
    app.view(Callback.UPDATE_FORM)(guarded(signals.submit_update))
    app.view(Callback.CHECKIN_FORM)(guarded(signals.submit_checkin))
    app.view(Callback.EXTEND_FORM)(guarded(separation.submit_extend))
    app.view(Callback.CLOSE_FORM)(guarded(separation.submit_close))
    app.view(Callback.END_FORM)(guarded(separation.submit_end))
    app.view(Callback.GOAL_FORM)(guarded(goals.submit_goal))
    app.view(Callback.GOAL_PROGRESS_FORM)(guarded(goals.submit_progress))
    app.view(Callback.GOAL_COMMENT_FORM)(guarded(goals.submit_comment))
