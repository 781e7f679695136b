"""A simulated month under Slack faults: the same program, run once with a healthy Slack and
once with 10 % of Web API calls answered by 429 (with Retry-After), 500 or a timeout (and
once more with answers lost after Slack did the work: a 500, a dropped connection). Every
message the scheduler delivered in the healthy month is delivered in the faulty one, and no
direct or group message arrives twice; a post to a channel can arrive twice only when Slack
took it but our call timed out (the window docs/scheduling.md documents), and the test
counts those.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from bot.ids import Action
from fakeslack import FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.config import Settings
from infra.db import Database
from infra.deps import Deps
from mentorbot.app import build_app
from mentorbot.jobs import build_sweeper
from mentorbot.web import build_asgi
from scheduling.runner import run_sweep
from storage.due_work import DueWork, Status
from storage.enums import RelationshipStatus
from tests.conftest import BOT_TOKEN, PEOPLE, SIGNING_SECRET, START, TEAM, _empty
from tests.scenario.test_matching_flow import approved, intro_blocks, relationships
from tests.scenario.test_meetings import book

# The client gives up after CLIENT_TIMEOUT; an injected "timeout" answers (and does the work,
# as Slack would) only after TIMEOUT_DELAY.
CLIENT_TIMEOUT = 0.3
TIMEOUT_DELAY = 0.6
PAIRS = (("UMIA", "UOMAR"), ("UKEN", "UANN"))
STEP = timedelta(minutes=60)
DAYS = 30


@dataclass
class Month:
    """What the scheduler delivered: each message by (channel, delivery key), and counts."""

    delivered: Counter[tuple[str, str]]
    # What Slack holds at the end, by (conversation, delivery key): also the posts it stored
    # though it answered 5xx or dropped the connection.
    stored: Counter[tuple[str, str]]
    timeouts: int
    faults: int
    left: list[str]


@asynccontextmanager
async def slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    fake.add_workspace(TEAM, bot_token=BOT_TOKEN)
    for user_id, (name, real_name, tz, admin) in PEOPLE.items():
        fake.add_user(TEAM, user_id, name=name, real_name=real_name, tz=tz, is_admin=admin)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


def introduced(fake: FakeSlack, mentee: str) -> bool:
    try:
        intro_blocks(fake, mentee)
    except StopIteration:
        return False
    return True


async def build_program(sender: SlackSender, fake: FakeSlack, deps: Deps) -> None:
    """Two pairs matched and accepted through the front door, each with a meeting a week
    for the month: intros, agenda prompts, capture prompts, check-ins and digests follow."""
    clock = deps.clock
    assert isinstance(clock, ManualClock)
    await approved(sender, fake, deps)
    deadline = time.monotonic() + 20
    while not all(introduced(fake, mentee) for mentee, _ in PAIRS):
        # The approval is handled after its acknowledgement: sweep until the intros are out.
        assert time.monotonic() < deadline, "the pairs were never introduced"
        await asyncio.sleep(0.1)
        await run_sweep(deps, build_sweeper(deps))
    for mentee, mentor in PAIRS:
        channel, blocks = intro_blocks(fake, mentee)
        await sender.click(mentor, Action.INTRO_ACCEPT, blocks=blocks, channel_id=channel)
    while sum(r.status is RelationshipStatus.INITIATION for r in await relationships(deps.db)) < 2:
        assert time.monotonic() < deadline, "the mentors' acceptances never landed"
        await asyncio.sleep(0.05)
    await run_sweep(deps, build_sweeper(deps))
    for week in range(4):
        for hour, (mentee, _) in enumerate(PAIRS):
            when = START + timedelta(days=2 + 7 * week, hours=5 + hour)
            answer = await book(sender, fake, mentee, {"when": int(when.timestamp())})
            assert "errors" not in answer, answer


async def live_month(
    database_url: str,
    db: Database,
    *,
    fault_rate: float,
    seed: int,
    check_channel_history: bool = False,
    kinds: tuple[str, ...] = ("429", "500", "timeout"),
) -> Month:
    """Build the program with a healthy Slack, then sweep every half hour for a month with
    ``fault_rate`` of Web API calls failing."""
    await _empty(db)
    async with slack() as fake:
        clock = ManualClock(START)
        settings = Settings(
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake.base_url,
            database_url=database_url,
            slack_timeout_seconds=CLIENT_TIMEOUT,
            check_channel_history=check_channel_history,
            _env_file=None,  # type: ignore[call-arg]
        )
        deps = Deps(settings=settings, db=db, clock=clock)
        transport = httpx.ASGITransport(app=build_asgi(deps, build_app(deps)))
        async with httpx.AsyncClient(transport=transport, base_url="http://mentorbot.test") as h:
            sender = SlackSender(h, signing_secret=SIGNING_SECRET, fake=fake, team_id=TEAM)
            await build_program(sender, fake, deps)
        before = len(fake.calls)
        fake.set_fault_rate(fault_rate, kinds=kinds, timeout_delay=TIMEOUT_DELAY, seed=seed)
        sweeper = build_sweeper(deps, worker_id="month")
        sweeper.rng.seed(seed)
        end = clock.now() + timedelta(days=DAYS)
        while clock.now() < end:
            clock.advance(STEP)
            await run_sweep(deps, sweeper)
            await settled(fake)
        fake.set_fault_rate(0)
        # Whatever is still waiting on a retry when the month ends gets its chance.
        for _ in range(8):
            clock.advance(timedelta(hours=2))
            await run_sweep(deps, sweeper)
        delivered: Counter[tuple[str, str]] = Counter()
        for call in fake.calls[before:]:
            if call.method == "chat.postMessage" and call.ok and call.args.get("metadata"):
                key = call.args["metadata"]["event_payload"]["key"]
                delivered[(str(call.args["channel"]), key)] += 1
        timeouts = sum(
            int(sample.value)
            for metric in deps.metrics.slack_calls.collect()
            for sample in metric.samples
            if sample.name.endswith("_total")
            and sample.labels.get("method") == "chat.postMessage"
            and sample.labels.get("error") == "TimeoutError"
        )
        faults = sum(v for k, v in fake.stats.items() if k.startswith("fault:"))
        async with db.transaction() as s:
            left = [
                f"{w.dedup_key}: {w.status} {w.last_error}"
                for w in await s.scalars(
                    select(DueWork).where(DueWork.status.in_([Status.RUNNING, Status.FAILED]))
                )
            ]
        stored = Counter(
            (channel, str(m["metadata"]["event_payload"]["key"]))
            for channel, messages in fake.workspaces[TEAM].messages.items()
            for m in messages
            if m.get("metadata")
        )
        return Month(delivered, stored, timeouts, faults, left)


async def settled(fake: FakeSlack) -> None:
    """Let Slack finish the calls our client gave up on. Simulated time runs far faster than
    real time here; in production the next sweep comes seconds later (and the retry after a
    backoff of 10 s or more), by which time Slack has long answered the timed-out call."""
    deadline = time.monotonic() + 5
    while any(call.response is None for call in fake.calls[-50:]):
        assert time.monotonic() < deadline, "a call to the fake never finished"
        await asyncio.sleep(0.02)


def is_dm(channel: str) -> bool:
    """A person's DM or a group DM: anything but the managers' channels."""
    return not channel.startswith("C")


@pytest.mark.slow
async def test_a_month_of_faults_loses_nothing_and_doubles_no_dm(
    database_url: str, db: Database
) -> None:
    started = time.perf_counter()
    healthy = await live_month(database_url, db, fault_rate=0.0, seed=7)
    faulty = await live_month(database_url, db, fault_rate=0.10, seed=7)

    kinds = Counter(key.split(":", 1)[0] for _, key in healthy.delivered)
    assert len(healthy.delivered) >= 40, kinds  # a realistic month, not an empty one
    print(f"\nhealthy month: {dict(kinds)}")
    assert healthy.left == [] and faulty.left == []
    assert faulty.faults >= 10, "the faults really were injected"
    # Nothing lost: every message of the healthy month arrived in the faulty one, and
    # nothing arrived that the healthy month did not send.
    assert set(faulty.delivered) == set(healthy.delivered)
    assert all(n == 1 for n in healthy.delivered.values())
    doubled = {k: n for k, n in faulty.delivered.items() if n > 1}
    # No direct or group message twice: one whose post timed out is found in the
    # conversation's history (im:history, mpim:history) before it is sent again.
    assert {k: n for k, n in doubled.items() if is_dm(k[0])} == {}
    # A channel post (digest, alert) twice only when its post timed out after Slack took it.
    extra = sum(n - 1 for n in doubled.values())
    assert extra <= faulty.timeouts
    # With CHECK_CHANNEL_HISTORY the bot may read its channels: nothing at all doubles.
    checked = await live_month(
        database_url, db, fault_rate=0.10, seed=7, check_channel_history=True
    )
    assert checked.left == [] and set(checked.delivered) == set(healthy.delivered)
    assert {k: n for k, n in checked.delivered.items() if n > 1} == {}
    elapsed = time.perf_counter() - started
    print(
        f"\nmonth under faults: {sum(faulty.delivered.values())} scheduled messages, "
        f"{faulty.faults} injected faults, {faulty.timeouts} post timeouts, "
        f"{extra} channel posts doubled ({sorted(doubled)}); with CHECK_CHANNEL_HISTORY "
        f"{checked.timeouts} post timeouts and none doubled; {elapsed:.1f}s"
    )


@pytest.mark.slow
async def test_a_month_of_lost_answers_doubles_no_dm(database_url: str, db: Database) -> None:
    """The same month with 10 % of calls done by Slack but answered 500, or with the
    connection dropped, or late: Slack holds every message of the healthy month, and no DM or
    group DM twice (each retry looks first); with CHECK_CHANNEL_HISTORY nothing twice."""
    lost = ("stored-500", "disconnect", "timeout")
    healthy = await live_month(database_url, db, fault_rate=0.0, seed=7)
    faulty = await live_month(database_url, db, fault_rate=0.10, seed=7, kinds=lost)
    assert healthy.left == [] and faulty.left == []
    assert faulty.faults >= 10, "the faults really were injected"
    assert set(faulty.stored) == set(healthy.stored)
    assert all(n == 1 for n in healthy.stored.values())
    doubled = {k: n for k, n in faulty.stored.items() if n > 1}
    assert {k: n for k, n in doubled.items() if is_dm(k[0])} == {}
    checked = await live_month(
        database_url, db, fault_rate=0.10, seed=7, kinds=lost, check_channel_history=True
    )
    assert checked.left == [] and set(checked.stored) == set(healthy.stored)
    assert {k: n for k, n in checked.stored.items() if n > 1} == {}
    print(
        f"\nmonth of lost answers: {sum(faulty.stored.values())} messages held by Slack, "
        f"{faulty.faults} injected faults, {sum(n - 1 for n in doubled.values())} channel posts "
        f"doubled ({sorted(doubled)}); with CHECK_CHANNEL_HISTORY none doubled"
    )
