"""Block Kit builders: pure functions that return ``slack_sdk.models`` blocks and views.

They never touch the database or Slack. User text goes through :func:`bot.text.escape`
before it lands in mrkdwn, and everything is sized to fit Slack's limits.
"""
