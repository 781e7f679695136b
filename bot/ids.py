"""Every action_id, callback_id and block_id the app uses, in one place.

Block ids of form fields equal the service-level field names, so an
:class:`~bot.errors.InvalidInput` raised by a service maps straight onto modal field errors.
"""

from __future__ import annotations

import enum


class Action(enum.StrEnum):
    # programs
    PROGRAM_NEW = "program.new"
    PROGRAM_EDIT = "program.edit"
    # enrolment
    JOIN_OPEN = "join.open"
    JOIN_PROGRAM = "join.program"
    JOIN_ROLE = "join.role"
    PROFILE_EDIT = "profile.edit"
    LEAVE = "enrolment.leave"
    # help / home
    HELP = "help.show"
    # personal settings
    SETTINGS_OPEN = "settings.open"
    RESUME = "pause.resume"
    # matching review (in the review modal)
    MATCH_PAGE = "match.page"  # next page
    MATCH_PAGE_BACK = "match.page.back"  # previous page (action ids are unique per view)
    MATCH_PAIR = "match.pair"  # overflow menu: lock / unlock / drop
    MATCH_RESOLVE = "match.resolve"
    MATCH_CSV = "match.csv"
    MATCH_SETTINGS = "match.settings"
    # introductions
    INTRO_ACCEPT = "intro.accept"
    INTRO_DECLINE = "intro.decline"
    FIND_REQUEST = "find.request"
    # agreement
    AGREEMENT_DRAFT = "agreement.draft"
    AGREEMENT_SIGN = "agreement.sign"
    AGREEMENT_SUGGEST = "agreement.suggest"
    # meetings and agendas
    MEETING_BOOK = "meeting.book"  # value: relationship id
    MEETING_RESCHEDULE = "meeting.reschedule"  # value: meeting id
    MEETING_CANCEL = "meeting.cancel"  # value: meeting id
    AGENDA_WRITE = "agenda.write"  # value: meeting id
    MEETING_ICS = "meeting.ics"  # a link button: Slack still tells us it was pressed
    DASHBOARD_OPEN = "dashboard.open"  # the App Home's link to the web dashboard (the same)
    AGENDA_ADD = "agenda.add"  # the mentor adds items; value: meeting id
    # goals
    GOAL_NEW = "goal.new"  # value: relationship id (or empty: choose)
    GOAL_PROGRESS = "goal.progress"  # value: goal id
    GOAL_MILESTONE = "goal.milestone"  # value: parent goal id
    GOAL_COMMENT = "goal.comment"  # value: goal id
    # after the meeting: capture, confirm, "did you meet?", actions
    CAPTURE_WRITE = "capture.write"  # value: meeting id
    CAPTURE_CONFIRM = "capture.confirm"  # value: meeting id
    CAPTURE_SUGGEST = "capture.suggest"  # value: meeting id
    # "Did you meet?" answers; value: meeting id (action ids are unique within a block)
    MEETING_MET = "meeting.outcome.met"
    MEETING_RESCHEDULED = "meeting.outcome.rescheduled"
    MEETING_CANCELLED = "meeting.outcome.cancelled"
    ACTION_DONE = "action.done"  # value: action id
    # engagement: the mentor's follow-up, the mentee's update, managers' alert buttons
    FOLLOW_UP = "followup.send"  # value: relationship id
    MENTEE_UPDATE = "followup.update"  # value: relationship id
    ALERT_ACK = "alert.acknowledge"  # value: alert id
    ALERT_SNOOZE = "alert.snooze"  # value: alert id
    ALERT_SPOKEN = "alert.spoken"  # value: alert id
    CHECKIN_OPEN = "checkin.open"  # value: check-in id
    # separation; value: relationship id
    SEP_EXTEND = "separation.extend"
    SEP_CLOSE = "separation.close"
    SEP_AGREE = "separation.agree"
    SEP_DECLINE = "separation.decline"
    # privacy: erase my data (value: the presser's own user id), an admin erasing someone
    # (value: that person's user id)
    FORGET_ME = "privacy.forget_me"
    ADMIN_FORGET = "privacy.admin_forget"
    # generic: a field's action id inside an input block
    FIELD = "field"


class Callback(enum.StrEnum):
    PROGRAM_FORM = "program.form"
    JOIN_FORM = "join.form"
    SETTINGS_FORM = "settings.form"
    MATCH_REVIEW = "match.review"
    MATCH_SETTINGS_FORM = "match.settings.form"
    DECLINE_FORM = "intro.decline.form"
    AGREEMENT_FORM = "agreement.form"
    SUGGEST_FORM = "agreement.suggest.form"
    MEETING_FORM = "meeting.form"
    AGENDA_FORM = "agenda.form"
    AGENDA_ADD_FORM = "agenda.add.form"
    GOAL_FORM = "goal.form"
    GOAL_PROGRESS_FORM = "goal.progress.form"
    GOAL_COMMENT_FORM = "goal.comment.form"
    CAPTURE_FORM = "capture.form"
    CAPTURE_SUGGEST_FORM = "capture.suggest.form"
    UPDATE_FORM = "followup.update.form"
    CHECKIN_FORM = "checkin.form"
    EXTEND_FORM = "separation.extend.form"
    CLOSE_FORM = "separation.close.form"
    END_FORM = "separation.end.form"


class ProgramField(enum.StrEnum):
    NAME = "name"
    DESCRIPTION = "description"
    MANAGERS = "managers"
    DIGEST_CHANNEL = "digest_channel"
    CADENCE = "cadence"
    LENGTH = "relationship_months"
    NUDGE_START = "nudge_start"
    NUDGE_END = "nudge_end"
    NUDGE_DAYS = "nudge_days"
    TIMEZONE = "timezone"
    SKILLS = "skills"
    CELEBRATIONS = "celebration_channel"
    AGENDA_LEAD = "agenda_lead_hours"
    CAPTURE_LEAD = "capture_lead_hours"
    DIGEST_DAY = "digest_weekday"
    DIGEST_TIME = "digest_time"
    CHECKIN_FIRST = "checkin_first_days"
    CHECKIN_EVERY = "checkin_every_days"


class JoinField(enum.StrEnum):
    PROGRAM = "program"
    ROLE = "role"
    GOALS = "goals"
    TARGET_ROLE = "target_role"
    SKILLS_TO_DEVELOP = "skills_to_develop"
    EXPERTISE = "expertise"
    CAPACITY = "capacity"
    DEPARTMENT = "department"
    CURRENT_ROLE = "current_role"
    SENIORITY = "seniority"
    LOCATION = "location"
    MANAGER = "manager"
    DEPARTMENT_PREFERENCE = "department_preference"


class SettingsField(enum.StrEnum):
    USE_PROGRAM = "use_program_hours"
    START = "own_start"
    END = "own_end"
    DAYS = "own_days"


class MatchSettingsField(enum.StrEnum):
    MENTORS_PER_MENTEE = "mentors_per_mentee"
    SELF_SERVE = "self_serve"
    REMINDER_DAYS = "accept_reminder_days"
    EXPIRY_DAYS = "accept_expiry_days"
    MIN_OVERLAP = "min_overlap_hours"
    WEIGHT_SKILLS = "weight_skills"
    WEIGHT_ROLE = "weight_role"
    WEIGHT_SENIORITY = "weight_seniority"
    WEIGHT_DEPARTMENT = "weight_department"
    WEIGHT_TIMEZONE = "weight_timezone"


class AgreementField(enum.StrEnum):
    CADENCE = "cadence"
    LENGTH = "meeting_minutes"
    END_DATE = "end_date"
    CHANNEL = "channel"
    CHANNEL_DETAIL = "channel_detail"
    IN_SCOPE = "in_scope"
    OUT_OF_SCOPE = "out_of_scope"
    FROM_MENTOR = "from_mentor"
    FROM_MENTEE = "from_mentee"
    CONFIDENTIAL = "confidential"
    NOTE = "note"
    SUGGESTION = "suggestion"  # the mentor's suggest-changes form


class MeetingField(enum.StrEnum):
    PAIR = "pair"
    WHEN = "when"
    MINUTES = "minutes"
    PLACE = "place"


class AgendaField(enum.StrEnum):
    GOAL = "goal"
    REALITY = "reality"
    OPTIONS = "options"
    WAY_FORWARD = "way_forward"
    GOAL_LINK = "goal_id"
    MENTOR_ITEMS = "mentor_items"


class GoalField(enum.StrEnum):
    PAIR = "pair"
    WHAT = "what"
    MEASURE = "measure"
    TARGET = "target_date"
    WHY = "why"
    SHOUT_OUT = "shout_out"
    PROGRESS = "progress"
    COMMENT = "comment"


class DeclineField(enum.StrEnum):
    REASON = "reason"


class UpdateField(enum.StrEnum):
    TEXT = "update"  # the mentee's update to their mentor


class CheckinField(enum.StrEnum):
    SCORE = "score"
    NOTE = "note"
    SHARE = "share"


class SeparationField(enum.StrEnum):
    NEW_END = "new_end"  # extend
    OUTCOME = "outcome"  # close
    GOALS_MET = "goals_met"
    RECOMMEND = "recommend"
    THANKS = "thanks"
    PAIR = "pair"  # end early
    REASON = "reason"


class CaptureField(enum.StrEnum):
    TAKEAWAYS = "takeaways"
    NEXT_WHEN = "next_when"
    NEXT_MINUTES = "next_minutes"
    CHANGE = "change"

    @staticmethod
    def action(n: int, part: str) -> str:
        """The block id of action ``n``'s ``part`` (what, owner or due)."""
        return f"action_{n}_{part}"


class BlockPrefix(enum.StrEnum):
    """Block ids of message blocks that are found again later: a prefix, then a row's id."""

    INTRO = "intro-"  # an introduction's Accept / Decline (removed once it is answered)
    AGREEMENT = "agreement-"  # an agreement's Sign / Suggest changes
    ACTIONS_LIST = "actions_list:"  # a row of `/mentor actions` (Done shows the list again)

    def of(self, row_id: int) -> str:
        return f"{self.value}{row_id}"
