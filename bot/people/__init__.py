"""People: who someone is (cached from Slack), what they are in the workspace's mentoring, and
their own nudge hours and pauses."""
