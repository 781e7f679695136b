"""A real local HTTP server that impersonates the Slack Web API.

It keeps a small world per workspace (users, channels and their members, messages, each
person's modal stack and home tab), records every request as a ``Call``, rejects what Slack
rejects with Slack's own error shapes (Block Kit over its limits gets ``invalid_blocks`` or
``invalid_arguments``, an unknown channel ``channel_not_found``…), and can be told to
misbehave: answer 429 with ``Retry-After``, answer 5xx, answer late, do the work and then
answer 5xx or drop the connection (the answer is lost, what was asked is done), or rate-limit
``chat.postMessage`` per channel and per workspace the way Slack does.

Three ways to run it:

* in the test's own event loop: ``await fake.start()`` … ``await fake.stop()``;
* in a daemon thread with its own loop, for sync code and subprocesses:
  ``fake.start_in_thread()`` … ``fake.stop_thread()``;
* standalone: ``python -m fakeslack --port 8999``.

Point slack_sdk at it with ``AsyncWebClient(token=..., base_url=fake.base_url)``.

``FakeSlack`` is put together from one mixin per family of the Web API, each in its own
module over the shared core:

=================  ===============================================================
core.py            the HTTP server, start and stop, answering a call, credentials
recording.py       every call recorded (``calls``, ``stats``), ``wait_for``, ``drain``
faults.py          ``fail``, ``hold``, ``set_fault_rate``, ``set_rate_limits``
auth.py            ``add_workspace``, tokens, ``auth.test``, ``oauth.v2.access``
openid.py          Sign in with Slack: the authorize page, ``openid.connect.*``
users.py           ``add_user``, ``update_user``, ``users.*``
conversations.py   ``add_channel``, ``add_members``, ``conversations.*``
chat.py            ``chat.*``, ``messages``, ``response_url``
views.py           ``issue_trigger``, ``views.*``, ``open_view``, ``wait_for_view``…
files.py           upload v2 (``files.*``), ``uploaded_files``
socket_mode.py     ``apps.connections.open``, ``socket_send``
model.py           ``Call``, ``Workspace``, ``SlackError``, ``dm_channel_id``
=================  ===============================================================
"""

from __future__ import annotations

import time
from collections.abc import Callable

from fakeslack.server.auth import Auth
from fakeslack.server.chat import Chat
from fakeslack.server.files import Files
from fakeslack.server.model import Call, SlackError, Workspace, dm_channel_id
from fakeslack.server.openid import OpenId
from fakeslack.server.socket_mode import SocketMode
from fakeslack.server.views import Views

__all__ = ["Call", "FakeSlack", "SlackError", "Workspace", "dm_channel_id"]


class FakeSlack(OpenId, Auth, Chat, Files, Views, SocketMode):
    """The fake Slack Web API. See the module docstring for how to run it."""

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, now: Callable[[], float] = time.time
    ) -> None:
        """``now`` is the wall clock for timestamps and trigger expiry (rate limiting
        always uses real elapsed time)."""
        super().__init__(host=host, port=port, now=now)
