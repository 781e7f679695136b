"""A fake Slack Web API server, and a client that sends signed requests as Slack does.

``FakeSlack`` (server/, one module per family of the Web API) impersonates the Web API
over real HTTP; ``SlackSender`` (sender.py) plays Slack's side towards the app;
``blockkit`` holds the Block Kit limits both enforce. ``python -m fakeslack`` runs the fake
on its own.
"""

from fakeslack.blockkit import check_message, check_view
from fakeslack.sender import SlackSender
from fakeslack.server import Call, FakeSlack, SlackError, Workspace, dm_channel_id

__all__ = [
    "Call",
    "FakeSlack",
    "SlackError",
    "SlackSender",
    "Workspace",
    "check_message",
    "check_view",
    "dm_channel_id",
]
