"""Mentorbot: a Slack app that runs mentee-led workplace mentoring programs."""

__version__ = "0.1.0"
