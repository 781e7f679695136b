"""A form Slack refused to open because the app missed the three-second trigger window (seen
with two replicas on a busy machine, tests/process/test_replicas.py): the person is told
plainly to try again, and the server logs a warning, not a stack trace."""

from __future__ import annotations

import logging

import pytest

from bot.ids import Callback
from fakeslack import FakeSlack, SlackSender
from fakeslack.blockkit import walk_text
from tests.scenario.flows import create_program


async def test_an_expired_trigger_asks_the_person_to_try_again(
    sender: SlackSender, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    await create_program(sender, fake)
    fake.fail("views.open", error="expired_trigger_id")
    with caplog.at_level(logging.INFO, logger="mentorbot.errors"):
        response = await sender.command("UMENTEE", "join")
        assert response.status_code == 200
        [reply] = await fake.wait_for(
            "response_url", lambda c: "too long" in str(c.args.get("blocks"))
        )
    text = "\n".join(walk_text(reply.args["blocks"]))
    assert "took too long to open that form" in text and "try again" in text
    assert reply.args["response_type"] == "ephemeral"
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert not any(r.exc_info for r in caplog.records)
    # Asking again works.
    assert (await sender.command("UMENTEE", "join")).status_code == 200
    await fake.wait_for_view("UMENTEE", callback_id=Callback.JOIN_FORM)
