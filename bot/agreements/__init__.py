"""The mentoring agreement: drafted by the mentee, signed by both, revised as a new version."""
