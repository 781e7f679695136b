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
    # generic: a field's action id inside an input block
    FIELD = "field"


class Callback(enum.StrEnum):
    PROGRAM_FORM = "program.form"
    JOIN_FORM = "join.form"
    SETTINGS_FORM = "settings.form"


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


class JoinField(enum.StrEnum):
    PROGRAM = "program"
    ROLE = "role"
    GOALS = "goals"
    TARGET_ROLE = "target_role"
    SKILLS_TO_DEVELOP = "skills_to_develop"
    EXPERTISE = "expertise"
    CAPACITY = "capacity"
    DEPARTMENT = "department"
    SENIORITY = "seniority"
    LOCATION = "location"
    MANAGER = "manager"
    DEPARTMENT_PREFERENCE = "department_preference"


class SettingsField(enum.StrEnum):
    USE_PROGRAM = "use_program_hours"
    START = "own_start"
    END = "own_end"
    DAYS = "own_days"
