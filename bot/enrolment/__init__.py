"""Enrolment: joining a program as a mentee, a mentor or both, the profile, leaving, and the
nudge a new mentee gets the day after joining."""
