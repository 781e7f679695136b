"""Every kind of due work, in one place."""

from __future__ import annotations

import enum


class Kind(enum.StrEnum):
    # A day after a mentee joins: think about what you want from mentoring.
    MENTEE_PREPARE = "mentee.prepare"
    # A message to a channel failed with not_in_channel: tell the program's managers, once.
    NOT_IN_CHANNEL = "notice.not_in_channel"
    # Introductions: post to the pair, remind the mentor, expire an unanswered request.
    INTRO_SEND = "intro.send"
    INTRO_REMIND = "intro.remind"
    INTRO_EXPIRE = "intro.expire"
    # A relationship changed: tell the people concerned (payload "event").
    RELATIONSHIP_NOTICE = "relationship.notice"
    # A mentee who could not be matched hears why, and their place on the waiting list.
    WAITLIST_NOTICE = "waitlist.notice"
    # The agreement was drafted, signed, or the mentor suggested changes (payload "event").
    AGREEMENT_NOTICE = "agreement.notice"
    # Meetings: tell the pair of a booking, reschedule or cancellation (payload "event");
    # prompt the mentee for a GROW agenda, remind once, post it; note the start.
    MEETING_NOTICE = "meeting.notice"
    AGENDA_PROMPT = "agenda.prompt"
    AGENDA_REMINDER = "agenda.reminder"
    AGENDA_POST = "agenda.post"
    MEETING_START = "meeting.start"
    # Goals: tell the pair a goal was set, moved on, achieved (a celebration, and an opt-in
    # shout-out in the program's celebrations channel) or commented on (payload "event").
    GOAL_NOTICE = "goal.notice"
    # After a meeting: ask the mentee to capture what was agreed, remind once, ask "did you
    # meet?" if nothing came, post the summary to the pair.
    CAPTURE_PROMPT = "capture.prompt"
    CAPTURE_REMINDER = "capture.reminder"
    MEETING_CHECK = "meeting.check"
    CAPTURE_POST = "capture.post"
    # An action falls due: remind its owner, and mark it overdue the day after.
    ACTION_DUE = "action.due"
    ACTION_OVERDUE = "action.overdue"
    # The mentor added items to the agenda: tell the mentee.
    AGENDA_ITEMS = "agenda.items"
    # Engagement signals: evaluate a relationship again (after its events, and daily for
    # signals of absence); alert the managers' channel; the mentee's accountability DM.
    SIGNALS_EVAL = "signals.eval"
    ALERT_POST = "alert.post"
    # An alert was handled away from its message (the web dashboard): show it handled there.
    ALERT_UPDATE = "alert.update"
    ACCOUNTABILITY = "alert.accountability"
    # The mentor's follow-up: nudge the mentee, neutrally; the mentee's update to the pair.
    FOLLOW_UP_NUDGE = "followup.nudge"
    MENTEE_UPDATE = "followup.update"
    # "How is your mentoring going?": ask one person privately (payload round, to).
    CHECKIN_ASK = "checkin.ask"
    # The weekly digest of a program, to its digest channel (each run plans the next).
    DIGEST_WEEKLY = "digest.weekly"
    # Separation: ask both to wrap up two weeks before the end (payload "to"); tell people
    # of an extension, a close or an early end (payload "event").
    WRAP_UP = "separation.wrap_up"
    SEPARATION_NOTICE = "separation.notice"
    # Housekeeping: delete finished due work older than its retention, once a day.
    PURGE = "housekeeping.purge"
    # Privacy: erase one person's data, a bounded batch per run (payload "user_id"), and
    # delete every row of a workspace that uninstalled and did not come back (payload "team").
    ERASE_PERSON = "privacy.erase_person"
    PURGE_WORKSPACE = "privacy.purge_workspace"
    # Replies to what someone just did, sent as due work so a Slack failure can't lose them:
    # the program form saved (to its manager, and to each manager it added), the join form
    # and the nudge settings saved, and the bot's answer in a DM thread (payload "text",
    # "blocks", "thread_ts").
    PROGRAM_SAVED = "reply.program_saved"
    MANAGER_ADDED = "reply.manager_added"
    ENROLMENT_SAVED = "reply.enrolment_saved"
    SETTINGS_SAVED = "reply.settings_saved"
    DM_REPLY = "reply.dm"
    # CSVs asked for, built when the work runs and shared in the asker's DM: the program's
    # per-relationship metrics (`/mentor report export`), a match run's proposals.
    REPORT_EXPORT = "export.report"
    # The program's insights chart (`/mentor digest`), drawn when the work runs and shared in
    # the asker's DM (or, under two weeks of history, why there is none yet).
    INSIGHTS_CHART = "export.chart"
    MATCH_CSV = "export.match_csv"
    # `/mentor my-data`: everything kept about the person who asked, as JSON and Markdown.
    MY_DATA_EXPORT = "export.my_data"


# The replies to what someone just did (bot.receipts).
REPLIES = frozenset(
    {
        Kind.PROGRAM_SAVED,
        Kind.MANAGER_ADDED,
        Kind.ENROLMENT_SAVED,
        Kind.SETTINGS_SAVED,
        Kind.DM_REPLY,
    }
)
