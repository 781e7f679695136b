"""mrkdwn injection: text people type (program names and descriptions, profile answers,
meeting places, typed agenda and notes replies, command text) containing ``<!channel>``,
``<!here>``, ``<@U…>`` or ``<https://evil|click>`` must reach every message and view as
text, never as a ping, a mention or a disguised link. ``*bold*`` is the author's own
formatting and is allowed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from bot.ids import Action
from fakeslack import FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.deps import Deps
from tests.scenario.flows import MENTEE_VALUES, MENTOR_VALUES, create_program, delivered, enrol
from tests.scenario.test_capture import reply
from tests.scenario.test_matching_flow import intro_blocks, review, sweep
from tests.scenario.test_meetings import book, posts
from tests.settle import settled

# Raw forms that would act if Slack read them as mrkdwn. The mention names nobody real, so
# any appearance of it came from user input.
DANGEROUS = ("<!channel>", "<!here>", "<@U123EVIL>", "<https://evil.example")
SHORT = "<!channel> <@U123EVIL> *bold*"
LONG = "Watch <!here> and <https://evil.example|click> <!channel> <@U123EVIL> *bold*"
WEDNESDAY_14 = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)


def _mrkdwn(value: Any, *, top: bool = True) -> Iterator[str]:
    """Every string Slack would read as mrkdwn: mrkdwn text objects, and a message's
    top-level ``text`` (the notification fallback), which is mrkdwn too."""
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
            yield value["text"]
        if top and isinstance(value.get("text"), str) and value.get("mrkdwn") is not False:
            yield value["text"]
        for key, inner in value.items():
            if key != "text" or isinstance(inner, dict | list):
                yield from _mrkdwn(inner, top=False)
    elif isinstance(value, list):
        for inner in value:
            yield from _mrkdwn(inner, top=False)


async def test_typed_text_is_escaped_in_every_message_and_view(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    for uid, name, tz in (("UMIA", "Mia", "Europe/Lisbon"), ("UOMAR", "Omar", "Europe/London")):
        fake.add_user("T0001", uid, name=name.lower(), real_name=name, tz=tz)
    await create_program(
        sender, fake, name=f"Eng {SHORT}", description=LONG, skills=f"SQL, Budgeting, {SHORT}"
    )
    await enrol(
        sender,
        fake,
        "UMIA",
        {
            **MENTEE_VALUES,
            "goals": LONG,
            "target_role": SHORT,
            "location": SHORT,
            "skills_to_develop": ["SQL"],
        },
    )
    await enrol(
        sender,
        fake,
        "UOMAR",
        {**MENTOR_VALUES, "expertise": ["SQL"], "current_role": SHORT, "department": SHORT},
    )
    await sender.command("UMIA", f"profile {LONG}")
    await sender.command("UMIA", LONG)  # an unknown subcommand is echoed back
    await sender.command("UADMIN", "program")
    view = await review(sender, fake)
    await sender.view_submission("UADMIN", view, {})
    await sweep(deps)
    channel, blocks = intro_blocks(fake, "UMIA")
    await sender.click("UOMAR", Action.INTRO_ACCEPT, blocks=blocks, channel_id=channel)
    await settled(sender.http)  # accepted (an earlier response_url call proved nothing)
    await sweep(deps)
    # A meeting whose place is typed, an agenda typed in reply to its prompt, and notes
    # typed in reply to the capture prompt.
    await book(
        sender,
        fake,
        "UMIA",
        {"when": int(WEDNESDAY_14.timestamp()), "minutes": "30", "place": LONG},
    )
    await sweep(deps)
    clock.set(datetime(2026, 3, 3, 14, 0, tzinfo=UTC))
    await sweep(deps)
    [agenda_prompt] = posts(fake, "UMIA", "Mentees who arrive with an agenda")
    await reply(sender, agenda_prompt, f"Goal: {LONG}\nReality: {SHORT}", event_id="Ev0INJ1")
    await delivered(deps, fake, "chat.postMessage", lambda c: "that's your agenda" in str(c.args))
    await sweep(deps)
    clock.set(WEDNESDAY_14)
    await sweep(deps)
    clock.set(datetime(2026, 3, 4, 15, 31, tzinfo=UTC))
    await sweep(deps)
    await sweep(deps)
    [capture_prompt] = posts(fake, "UMIA", "How did your meeting with")
    await reply(
        sender,
        capture_prompt,
        f"We talked about {LONG}\n- I will ask {SHORT} by Friday",
        event_id="Ev0INJ2",
    )
    await delivered(deps, fake, "chat.postMessage", lambda c: "We talked about" in str(c.args))
    await sweep(deps)

    shown = [(call.method, text) for call in fake.calls if call.ok for text in _mrkdwn(call.args)]
    # The typed text did reach people (so the check below looked at something)…
    escaped = [t for _, t in shown if "&lt;!channel&gt;" in t]
    assert len(escaped) >= 8, escaped
    assert any("&lt;https://evil.example|click&gt;" in t for _, t in shown)
    # …and never as something Slack would act on.
    leaks = [(m, t[:200]) for m, t in shown if any(d in t for d in DANGEROUS)]
    assert not leaks, leaks
