"""A fake Slack Web API server, and a client that sends signed requests as Slack does."""

from tests.fakeslack.sender import SlackSender
from tests.fakeslack.server import Call, FakeSlack, SlackError, Workspace

__all__ = ["Call", "FakeSlack", "SlackError", "SlackSender", "Workspace"]
