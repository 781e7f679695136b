"""Button and select clicks (``block_actions``)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.ids import Action
from handlers.actions import (
    agreements,
    capture,
    commands,
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
from handlers.guard import guarded


def register(app: AsyncApp) -> None:
    app.action(Action.PROGRAM_NEW)(guarded(programs.new_program))
    app.action(Action.PROGRAM_EDIT)(guarded(programs.edit_program))
    app.action(Action.JOIN_OPEN)(guarded(enrolment.open_join))
    app.action(Action.JOIN_PROGRAM)(guarded(enrolment.join_form_changed))
    app.action(Action.JOIN_ROLE)(guarded(enrolment.join_form_changed))
    app.action(Action.PROFILE_EDIT)(guarded(enrolment.edit_profile))
    app.action(Action.LEAVE)(guarded(enrolment.leave))
    app.action(Action.HELP)(guarded(commands.show_help))
    app.action(Action.SETTINGS_OPEN)(guarded(people.open_settings))
    app.action(Action.RESUME)(guarded(people.resume))
    app.action(Action.MATCH_PAGE)(guarded(matching.page))
    app.action(Action.MATCH_PAGE_BACK)(guarded(matching.page))
    app.action(Action.MATCH_PAIR)(guarded(matching.pair))
    app.action(Action.MATCH_RESOLVE)(guarded(matching.resolve))
    app.action(Action.MATCH_CSV)(guarded(matching.csv_download))
    app.action(Action.MATCH_SETTINGS)(guarded(matching.settings))
    app.action(Action.INTRO_ACCEPT)(guarded(introductions.accept))
    app.action(Action.INTRO_DECLINE)(guarded(introductions.decline))
    app.action(Action.FIND_REQUEST)(guarded(introductions.request))
    app.action(Action.AGREEMENT_DRAFT)(guarded(agreements.draft))
    app.action(Action.AGREEMENT_SIGN)(guarded(agreements.sign))
    app.action(Action.AGREEMENT_SUGGEST)(guarded(agreements.suggest))
    app.action(Action.MEETING_BOOK)(guarded(meetings.book))
    app.action(Action.MEETING_RESCHEDULE)(guarded(meetings.reschedule))
    app.action(Action.MEETING_CANCEL)(guarded(meetings.cancel))
    app.action(Action.AGENDA_WRITE)(guarded(meetings.write_agenda))
    app.action(Action.MEETING_ICS)(guarded(meetings.calendar_link))
    app.action(Action.AGENDA_ADD)(guarded(meetings.add_items))
    app.action(Action.CAPTURE_WRITE)(guarded(capture.write))
    app.action(Action.CAPTURE_CONFIRM)(guarded(capture.confirm))
    app.action(Action.CAPTURE_SUGGEST)(guarded(capture.suggest))
    app.action(Action.MEETING_MET)(guarded(capture.outcome))
    app.action(Action.MEETING_RESCHEDULED)(guarded(capture.outcome))
    app.action(Action.MEETING_CANCELLED)(guarded(capture.outcome))
    app.action(Action.ACTION_DONE)(guarded(capture.done))
    app.action(Action.FOLLOW_UP)(guarded(signals.follow_up))
    app.action(Action.MENTEE_UPDATE)(guarded(signals.open_update))
    app.action(Action.ALERT_ACK)(guarded(signals.alert_button))
    app.action(Action.ALERT_SNOOZE)(guarded(signals.alert_button))
    app.action(Action.ALERT_SPOKEN)(guarded(signals.alert_button))
    app.action(Action.CHECKIN_OPEN)(guarded(signals.open_checkin))
    app.action(Action.SEP_EXTEND)(guarded(separation.extend))
    app.action(Action.SEP_CLOSE)(guarded(separation.close))
    app.action(Action.SEP_AGREE)(guarded(separation.answer))
    app.action(Action.SEP_DECLINE)(guarded(separation.answer))
    app.action(Action.GOAL_NEW)(guarded(goals.new_goal))
    app.action(Action.GOAL_MILESTONE)(guarded(goals.milestone))
    app.action(Action.GOAL_PROGRESS)(guarded(goals.progress))
    app.action(Action.GOAL_COMMENT)(guarded(goals.comment))
