"""Every kind of due work, in one place."""

from __future__ import annotations

import enum


class Kind(enum.StrEnum):
    # A day after a mentee joins: think about what you want from mentoring.
    MENTEE_PREPARE = "mentee.prepare"
    # A message to a channel failed with not_in_channel: tell the program's managers, once.
    NOT_IN_CHANNEL = "notice.not_in_channel"
