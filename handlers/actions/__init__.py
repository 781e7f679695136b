"""Button and select clicks (``block_actions``). A button that only opens a form is
registered with :func:`handlers.openers.opens` and the form it opens."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.ids import Action
from handlers import openers
from handlers.actions import (
    agreements,
    capture,
    enrolment,
    introductions,
    links,
    matching,
    meetings,
    people,
    privacy,
    separation,
    signals,
)
from handlers.guard import guarded
from handlers.openers import opens


def register(app: AsyncApp) -> None:
    app.action(Action.PROGRAM_NEW)(guarded(opens(openers.new_program)))
    app.action(Action.PROGRAM_EDIT)(guarded(opens(openers.edit_program)))
    app.action(Action.JOIN_OPEN)(guarded(opens(openers.join)))
    app.action(Action.JOIN_PROGRAM)(guarded(enrolment.join_form_changed))
    app.action(Action.JOIN_ROLE)(guarded(enrolment.join_form_changed))
    app.action(Action.PROFILE_EDIT)(guarded(opens(openers.profile)))
    app.action(Action.LEAVE)(guarded(enrolment.leave))
    app.action(Action.HELP)(guarded(opens(openers.help_form)))
    app.action(Action.SETTINGS_OPEN)(guarded(opens(openers.settings)))
    app.action(Action.RESUME)(guarded(people.resume))
    app.action(Action.FORGET_ME)(guarded(privacy.forget_me))
    app.action(Action.ADMIN_FORGET)(guarded(privacy.admin_forget))
    app.action(Action.MATCH_PAGE)(guarded(matching.page))
    app.action(Action.MATCH_PAGE_BACK)(guarded(matching.page))
    app.action(Action.MATCH_PAIR)(guarded(matching.pair))
    app.action(Action.MATCH_RESOLVE)(guarded(matching.resolve))
    app.action(Action.MATCH_CSV)(guarded(matching.csv_download))
    app.action(Action.MATCH_SETTINGS)(guarded(matching.settings))
    app.action(Action.INTRO_ACCEPT)(guarded(introductions.accept))
    app.action(Action.INTRO_DECLINE)(guarded(opens(openers.decline)))
    app.action(Action.FIND_REQUEST)(guarded(introductions.request))
    app.action(Action.AGREEMENT_DRAFT)(guarded(opens(openers.agreement)))
    app.action(Action.AGREEMENT_SIGN)(guarded(agreements.sign))
    app.action(Action.AGREEMENT_SUGGEST)(guarded(opens(openers.agreement_suggestion)))
    app.action(Action.MEETING_BOOK)(guarded(opens(openers.meeting)))
    app.action(Action.MEETING_RESCHEDULE)(guarded(opens(openers.meeting_move)))
    app.action(Action.MEETING_CANCEL)(guarded(meetings.cancel))
    app.action(Action.AGENDA_WRITE)(guarded(opens(openers.agenda)))
    app.action(Action.MEETING_ICS)(guarded(meetings.calendar_link))
    app.action(Action.DASHBOARD_OPEN)(guarded(links.opened))
    app.action(Action.AGENDA_ADD)(guarded(opens(openers.mentor_items)))
    app.action(Action.CAPTURE_WRITE)(guarded(opens(openers.capture)))
    app.action(Action.CAPTURE_CONFIRM)(guarded(capture.confirm))
    app.action(Action.CAPTURE_SUGGEST)(guarded(opens(openers.capture_suggestion)))
    app.action(Action.MEETING_MET)(guarded(capture.outcome))
    app.action(Action.MEETING_RESCHEDULED)(guarded(capture.outcome))
    app.action(Action.MEETING_CANCELLED)(guarded(capture.outcome))
    app.action(Action.ACTION_DONE)(guarded(capture.done))
    app.action(Action.FOLLOW_UP)(guarded(signals.follow_up))
    app.action(Action.MENTEE_UPDATE)(guarded(opens(openers.update)))
    app.action(Action.ALERT_ACK)(guarded(signals.alert_button))
    app.action(Action.ALERT_SNOOZE)(guarded(signals.alert_button))
    app.action(Action.ALERT_SPOKEN)(guarded(signals.alert_button))
    app.action(Action.CHECKIN_OPEN)(guarded(opens(openers.checkin)))
    app.action(Action.SEP_EXTEND)(guarded(opens(openers.extend)))
    app.action(Action.SEP_CLOSE)(guarded(opens(openers.close)))
    app.action(Action.SEP_AGREE)(guarded(separation.answer))
    app.action(Action.SEP_DECLINE)(guarded(separation.answer))
    app.action(Action.GOAL_NEW)(guarded(opens(openers.goal)))
    app.action(Action.GOAL_MILESTONE)(guarded(opens(openers.milestone)))
    app.action(Action.GOAL_PROGRESS)(guarded(opens(openers.goal_progress)))
    app.action(Action.GOAL_COMMENT)(guarded(opens(openers.goal_comment)))
