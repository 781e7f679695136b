"""Typed text through the front door, as Slack delivers it: a message's text arrives with
``&``, ``<`` and ``>`` as ``&amp;``, ``&lt;`` and ``&gt;`` and typed mentions as ``<@U…>`` or
``<!channel>``; a command's text arrives encoded too. What the person typed is stored, and
shown escaped exactly once, with mentions and broadcasts as inert, readable text."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Callback
from fakeslack import FakeSlack, SlackSender
from fakeslack.render import mrkdwn_to_rich
from infra.clock import ManualClock
from infra.deps import Deps
from storage.models import ActionItem, Agenda, MeetingNotes
from tests.scenario.flows import create_program, delivered, open_join
from tests.scenario.test_capture import capture_prompt, held_meeting, reply
from tests.scenario.test_goals import ephemeral
from tests.scenario.test_matching_flow import accepted_pair, sweep, text_of
from tests.scenario.test_meetings import book, posts

WEDNESDAY_14 = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
ZWSP = "\u200b"
# What Slack would act on: a broadcast, a mention, a channel link or a labelled link.
TOKENS = ("<!", "<@", "<#", "<http")


def _typed_parts(blocks: Any, *labels: str) -> str:
    """The sections that hold the typed text (their label, then the text), and nothing the
    bot adds around them (its own mentions of the pair, a date)."""
    return "\n".join(
        b["text"]["text"]
        for b in blocks
        if b.get("type") == "section" and b["text"]["text"].split("\n")[0] in labels
    )


def _shown(blocks: Any) -> str:
    """The blocks' text as a person reads it in Slack (entities decoded, tokens drawn)."""
    return "\n".join(mrkdwn_to_rich(line).plain for line in text_of(blocks).split("\n"))


async def test_a_typed_agenda_is_stored_as_typed_and_reaches_the_pair_escaped_once(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    channel = await accepted_pair(sender, fake, deps)
    await book(sender, fake, "UMIA", {"when": int(WEDNESDAY_14.timestamp()), "minutes": "30"})
    await sweep(deps)
    clock.set(datetime(2026, 3, 3, 14, 0, tzinfo=UTC))
    await sweep(deps)
    [prompt] = posts(fake, "UMIA", "Mentees who arrive with an agenda")
    assert sender.markup("ask @omar & @channel") == "ask <@UOMAR> &amp; <!channel>"
    await reply(
        sender,
        prompt,
        "Goal: ask @omar and @channel about [the plan](https://wiki.example/plan) "
        "in #mentoring-leads\nReality: claims & <risky> parts",
        event_id="Ev0TYPED1",
    )
    [got] = await delivered(
        deps, fake, "chat.postMessage", lambda c: "that's your agenda" in str(c.args)
    )
    assert not any(t in text_of(got.args["blocks"]) for t in TOKENS)

    async with deps.db.transaction() as s:
        [agenda] = (await s.scalars(select(Agenda))).all()
        assert agenda.reality == "claims & <risky> parts"
        assert agenda.goal == (
            "ask @Omar and @channel about the plan (https://wiki.example/plan) in #mentoring-leads"
        )
    await sweep(deps)
    [posted] = posts(fake, channel, "'s agenda")
    sent = text_of(posted.args["blocks"])
    assert sent.count("claims &amp; &lt;risky&gt; parts") == 1 and "&amp;amp;" not in sent
    assert f"ask @{ZWSP}Omar and @{ZWSP}channel about the plan" in sent
    typed = _typed_parts(posted.args["blocks"], "*Goal*", "*Reality*")
    assert "*Goal*" in typed and "*Reality*" in typed
    assert not any(t in typed for t in TOKENS), typed  # nobody is pinged, no link is hidden
    shown = _shown(posted.args["blocks"])
    assert "claims & <risky> parts" in shown
    assert f"@{ZWSP}channel" in shown and "#mentoring-leads" in shown

    # The agenda form opens with what she typed, not with Slack's encoding of it.
    await sender.click("UMIA", Action.AGENDA_WRITE, blocks=prompt.args["blocks"])
    form = await fake.wait_for_view("UMIA", callback_id=Callback.AGENDA_FORM)
    assert sender.values_of(form)["reality"] == "claims & <risky> parts"


async def test_typed_notes_are_stored_as_typed_and_echoed_escaped_once(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    channel = await held_meeting(sender, fake, deps, clock)
    prompt = await capture_prompt(fake, deps, clock)
    await reply(
        sender,
        prompt,
        "R&D > sales, says <!here>\n- ask @ann about <budgets> & hiring by Friday",
        event_id="Ev0TYPED2",
    )
    [understood] = await delivered(
        deps,
        fake,
        "chat.postMessage",
        lambda c: "Here's what I understood" in text_of(c.args.get("blocks")),
    )
    async with deps.db.transaction() as s:
        [notes] = (await s.scalars(select(MeetingNotes))).all()
        [action] = (await s.scalars(select(ActionItem))).all()
    assert notes.takeaways == "R&D > sales, says <!here>"
    assert action.text == "Ask @Ann about <budgets> & hiring"

    await sweep(deps)
    [summary] = posts(fake, channel, "What we agreed")
    listed = await ephemeral(sender, fake, "UMIA", "actions")
    for blocks in (understood.args["blocks"], summary.args["blocks"], listed["blocks"]):
        sent = text_of(blocks)
        assert f"Ask @{ZWSP}Ann about &lt;budgets&gt; &amp; hiring" in sent, sent
        assert "&amp;amp;" not in sent and "&amp;lt;" not in sent
        typed = [line for line in sent.split("\n") if "budgets" in line or "sales" in line]
        assert typed and not any(t in line for t in TOKENS for line in typed), typed
        assert "Ask @\u200bAnn about <budgets> & hiring" in _shown(blocks)
    for blocks in (understood.args["blocks"], summary.args["blocks"]):
        assert "R&amp;D &gt; sales, says &lt;!here&gt;" in text_of(blocks)


async def test_a_program_name_typed_after_a_command_is_read_as_typed(
    sender: SlackSender, fake: FakeSlack
) -> None:
    fake.add_user("T0001", "UMIA", name="mia", real_name="Mia", tz="Europe/Lisbon")
    await create_program(sender, fake, name="R&D <Platform>")
    await create_program(sender, fake, name="Design")
    view = await open_join(sender, fake, "UMIA", "R&D <Platform>")
    assert "R&D <Platform>" in str(view)
    # A name that doesn't exist is echoed as typed (escaped once).
    shown = await ephemeral(sender, fake, "UMIA", "join Q&A <new>")
    assert "Q&amp;A &lt;new&gt;" in str(shown) and "&amp;amp;" not in str(shown)
