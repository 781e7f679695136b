"""Replicas on one PostgreSQL database.

Two sweepers: one is SIGKILLed in the middle of delivering a sweep's messages, and after its
lease expires the survivor finishes its work. No due item is lost, and no direct message
arrives twice (docs/scheduling.md, "the crash window").

Two real `mentorbot serve` processes behind a round-robin balancer: every signed request is
acknowledged in time whichever replica gets it, and every due item the traffic created runs
exactly once, though both replicas' schedulers sweep the same table."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from sqlalchemy import func, select, update

from fakeslack import Call, FakeSlack, SlackSender, dm_channel_id
from infra.db import Database
from scheduling.api import schedule
from scheduling.kinds import Kind
from storage.due_work import DueWork, Status, Timing
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, TEAM
from tests.process.test_cli import server_env, start_server, stop_server
from tests.scenario.flows import MENTEE_VALUES, MENTOR_VALUES, create_program, enrol

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PEOPLE = [f"U{n:04d}" for n in range(1000, 1100)]
ROWS = 400


def fake_with_slow_posts(delay: float) -> FakeSlack:
    """A fake Slack in its own thread whose posts take ``delay`` seconds, so a sweep's
    delivery lasts long enough to be interrupted."""
    fake = FakeSlack()
    fake.add_workspace(TEAM, bot_token=BOT_TOKEN)
    for user in PEOPLE:
        fake.add_user(TEAM, user, name=user.lower(), real_name=user, tz="Europe/London")
    fake.fail("chat.postMessage", delay=delay, times=1_000_000)
    fake.start_in_thread()
    return fake


@pytest.fixture
def slow_fake() -> Iterator[FakeSlack]:
    fake = fake_with_slow_posts(0.02)
    yield fake
    fake.stop_thread()


@pytest.fixture
def slower_fake() -> Iterator[FakeSlack]:
    fake = fake_with_slow_posts(0.1)
    yield fake
    fake.stop_thread()


def worker(url: str, name: str, at: datetime, fake: FakeSlack) -> subprocess.Popen[str]:
    env = {**os.environ, "SLACK_API_URL": fake.base_url, "SLACK_BOT_TOKEN": BOT_TOKEN}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.process.sweep_worker", url, name, "deliver", at.isoformat()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def keyed_posts(fake: FakeSlack) -> list[Call]:
    """Messages Slack took that carry a delivery key (scheduling/gateway.py)."""
    return [c for c in fake.calls_to("chat.postMessage") if c.ok and c.args.get("metadata")]


def key_of(call: Call) -> str:
    return str(call.args["metadata"]["event_payload"]["key"])


def delivered(fake: FakeSlack) -> Counter[str]:
    return Counter(key_of(c) for c in keyed_posts(fake))


async def finish(process: subprocess.Popen[str]) -> None:
    _, err = await asyncio.to_thread(process.communicate, timeout=120)
    assert process.returncode == 0, err


@pytest.mark.postgres
@pytest.mark.slow
async def test_kill_9_of_one_replica_mid_sweep_loses_nothing_and_doubles_no_dm(
    db: Database, database_url: str, slow_fake: FakeSlack
) -> None:
    async with db.transaction() as session:
        for i in range(ROWS):
            await schedule(
                session=session,
                now=NOW,
                kind="test.dm",
                key=f"dm:{i}",
                team_id=TEAM,
                due_at=NOW - timedelta(seconds=i % 60),
                timing=Timing.IMMEDIATE,
                recipient_id=PEOPLE[i % len(PEOPLE)],
            )
    victim = worker(database_url, "victim", NOW, slow_fake)
    survivor = worker(database_url, "survivor", NOW, slow_fake)
    # Kill the victim once it has finished some rows and is part way through delivering
    # others (still running, some of their messages already in Slack). Its DM rows close a
    # batch at a time, so "some done" alone could catch it between batches, holding nothing.
    deadline = time.monotonic() + 60
    while True:
        async with db.transaction() as session:
            done = await session.scalar(
                select(func.count())
                .select_from(DueWork)
                .where(DueWork.claimed_by == "victim", DueWork.status == Status.DONE)
            )
            running = set(
                await session.scalars(
                    select(DueWork.dedup_key).where(
                        DueWork.claimed_by == "victim", DueWork.status == Status.RUNNING
                    )
                )
            )
        sent = {key.split("#")[0] for key in delivered(slow_fake)}
        if (done or 0) >= 20 and running & sent:
            break
        assert victim.poll() is None and time.monotonic() < deadline, victim.communicate()
        await asyncio.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    await finish(survivor)

    async with db.transaction() as session:
        stranded = await session.scalar(
            select(func.count())
            .select_from(DueWork)
            .where(DueWork.claimed_by == "victim", DueWork.status == Status.RUNNING)
        )
        in_flight = await session.scalar(
            select(func.count())
            .select_from(DueWork)
            .where(
                DueWork.claimed_by == "victim",
                DueWork.status == Status.RUNNING,
                DueWork.outbox.is_not(None),
            )
        )
        stranded_keys = set(
            await session.scalars(
                select(DueWork.dedup_key).where(
                    DueWork.claimed_by == "victim", DueWork.status == Status.RUNNING
                )
            )
        )
    assert stranded, "the victim died holding leased rows"
    keys_before = set(delivered(slow_fake))
    # In the crash window: Slack took the message, the victim died before recording it.
    in_window = {k for k in keys_before if k.split("#")[0] in stranded_keys}

    # The survivor sweeps again once the victim's lease (5 minutes) has expired.
    await finish(worker(database_url, "survivor", NOW + timedelta(minutes=5, seconds=1), slow_fake))
    counts = delivered(slow_fake)
    async with db.transaction() as session:
        grouped = await session.execute(
            select(DueWork.status, func.count()).group_by(DueWork.status)
        )
        statuses = {status: count for status, count in grouped.all()}
    assert statuses == {Status.DONE: ROWS}, statuses
    assert set(counts) == {f"dm:{i}#0" for i in range(ROWS)}  # nothing lost
    duplicates = sum(n - 1 for n in counts.values())
    print(
        f"\nkill -9 mid-sweep: victim left {stranded} rows leased ({in_flight} mid-delivery); "
        f"{len(keys_before)} of {ROWS} delivered before the lease expired, "
        f"{len(in_window)} of them sent but unrecorded (the crash window); "
        f"duplicates {duplicates}"
    )
    assert duplicates == 0  # DMs are looked up in the recipient's history before a resend


@pytest.mark.postgres
@pytest.mark.slow
async def test_kill_9_of_a_whole_serve_mid_delivery_and_another_takes_over(
    db: Database, database_url: str, slower_fake: FakeSlack
) -> None:
    """A real `mentorbot serve` (HTTP server and scheduler) is SIGKILLed while its sweep is
    delivering a batch of nudges; another `serve` starts, takes the dead one's rows up once
    their lease expires, and finishes them: every mentee gets their nudge exactly once (the
    ones the first process sent but never recorded are found in the DM history)."""
    from infra.clock import ManualClock
    from tests.service.helpers import enrol_with_a_nudge_due_now, make_program, person

    mentees = PEOPLE[:100]
    clock = ManualClock(datetime.now(UTC))
    async with db.transaction() as session:
        admin = await person(session, clock, "UADMIN", admin=True)
        program = await make_program(session, clock, admin)
        for user_id in mentees:
            await enrol_with_a_nudge_due_now(
                session, clock, program, user_id, key=f"kill9:{user_id}"
            )
        ids = list(
            await session.scalars(select(DueWork.id).where(DueWork.dedup_key.like("kill9:%")))
        )
    env = server_env(
        slower_fake, database_url, SWEEP_INTERVAL_SECONDS="0.3", SWEEP_LEASE_SECONDS="5"
    )

    def nudges() -> Counter[str]:
        return Counter(k for k in delivered(slower_fake) if k.startswith("kill9:"))

    first, _ = start_server(env)
    deadline = time.monotonic() + 60
    while sum(nudges().values()) < 25:
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        await asyncio.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    sent_before = sum(nudges().values())
    async with db.transaction() as session:
        leased = await session.scalar(
            select(func.count())
            .select_from(DueWork)
            .where(DueWork.id.in_(ids), DueWork.status == Status.RUNNING)
        )
    assert sent_before < len(mentees) and leased, (sent_before, leased)

    second, _ = start_server(env)
    try:
        rows = await wait_done(db, ids)
    finally:
        stop_server(second)
    counts = nudges()
    lookups = len(slower_fake.calls_to("conversations.history"))
    print(
        f"\nkill -9 of a whole serve: {sent_before} of {len(mentees)} nudges sent before the kill, "
        f"{leased} rows left leased; the second serve finished them with {lookups} history "
        f"lookups; duplicates {sum(n - 1 for n in counts.values())}"
    )
    assert {r.status for r in rows} == {Status.DONE}
    assert counts == Counter({f"kill9:{user_id}#0": 1 for user_id in mentees})
    assert lookups  # the sent-but-unrecorded ones were looked up, not sent again


# ---------------------------------------------------------------------- two `serve` replicas

CROWD = [f"UP{n:03d}" for n in range(30)]
MENTEES = CROWD[::3] + CROWD[1::3]  # two in three join as mentees, and get a nudge a day later
MENTORS = CROWD[2::3]
AT_ONCE = 10  # people clicking through Slack at the same moment


def local_noon_zone(now: datetime) -> str:
    """A fixed-offset zone where it is about noon right now, so a nudge's window (here, all day
    every day) is open whenever the test runs. Etc/GMT-N means N hours *ahead* of UTC."""
    ahead = 12 - now.hour
    if ahead == 0:
        return "Etc/GMT"
    return f"Etc/GMT-{ahead}" if ahead > 0 else f"Etc/GMT+{-ahead}"


@pytest.fixture
def crowd_fake() -> Iterator[FakeSlack]:
    """A fake Slack in its own thread (two server processes call it) with an admin, thirty
    people living around noon, and the program's digest channel."""
    fake = FakeSlack()
    fake.add_workspace(TEAM, bot_token=BOT_TOKEN)
    fake.add_user(TEAM, "UADMIN", name="ada", real_name="Ada Admin", tz="UTC", is_admin=True)
    tz = local_noon_zone(datetime.now(UTC))
    for user in CROWD:
        fake.add_user(TEAM, user, name=user.lower(), real_name=f"Person {user}", tz=tz)
    fake.add_channel(TEAM, "CLEADS", "mentoring-leads")
    fake.start_in_thread()
    yield fake
    fake.stop_thread()


class RoundRobin(httpx.AsyncBaseTransport):
    """Sends each request to the next replica in turn, as a load balancer would, and records
    which replica answered, with what status, and how long the acknowledgement took."""

    def __init__(self, replicas: list[str]) -> None:
        self.replicas = [httpx.URL(url) for url in replicas]
        self.inner = httpx.AsyncHTTPTransport()
        self.sent = 0
        self.acks: list[tuple[int, int, float, str]] = []  # (replica, status, seconds, kind)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        replica = self.sent % len(self.replicas)
        self.sent += 1
        target = self.replicas[replica]
        request.url = request.url.copy_with(host=target.host, port=target.port)
        started = time.perf_counter()
        response = await self.inner.handle_async_request(request)
        elapsed = time.perf_counter() - started
        self.acks.append((replica, response.status_code, elapsed, kind_of(request)))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def kind_of(request: httpx.Request) -> str:
    """What a signed request carries: a command, an interactivity payload type or an event."""
    body = request.content
    if request.headers.get("content-type") == "application/json":
        return f"event:{json.loads(body)['event']['type']}"
    form = parse_qs(body.decode())
    if "payload" in form:
        return str(json.loads(form["payload"][0])["type"])
    return f"command:{form.get('text', [''])[0].split(' ')[0]}"


async def person_traffic(sender: SlackSender, fake: FakeSlack, user: str) -> None:
    """What a person does on their first day: asks for help, opens App Home, joins."""
    assert (await sender.command(user, "help")).status_code == 200
    home = {"type": "app_home_opened", "user": user, "channel": dm_channel_id(user), "tab": "home"}
    assert (await sender.event(home)).status_code == 200
    values = MENTEE_VALUES if user in MENTEES else MENTOR_VALUES
    await enrol(sender, fake, user, dict(values))


async def release(db: Database, ids: list[int]) -> None:
    """Make the rows due now one by one, over a few seconds, so both replicas' sweeps find
    some of them."""
    for row_id in ids:
        async with db.transaction() as session:
            await session.execute(
                update(DueWork)
                .where(DueWork.id == row_id)
                .values(not_before=datetime.now(UTC) - timedelta(seconds=1))
            )
        await asyncio.sleep(0.15)


async def wait_done(db: Database, ids: list[int], timeout: float = 60) -> list[DueWork]:
    deadline = time.monotonic() + timeout
    while True:
        async with db.transaction() as session:
            rows = list(await session.scalars(select(DueWork).where(DueWork.id.in_(ids))))
        if all(r.status not in (Status.PENDING, Status.RUNNING) for r in rows):
            return rows
        assert time.monotonic() < deadline, [(r.dedup_key, r.status) for r in rows]
        await asyncio.sleep(0.2)


@pytest.mark.postgres
@pytest.mark.slow
async def test_two_serve_replicas_ack_everything_and_run_each_due_item_once(
    db: Database, database_url: str, crowd_fake: FakeSlack
) -> None:
    # Sweep intervals that differ, so neither replica's sweeps always come just before the
    # other's (which would leave the other nothing to claim).
    servers = [
        start_server(server_env(crowd_fake, database_url, SWEEP_INTERVAL_SECONDS=interval))
        for interval in ("0.5", "0.7")
    ]
    logs: list[str] = []
    try:
        balancer = RoundRobin([url for _, url in servers])
        async with httpx.AsyncClient(transport=balancer, base_url="http://replicas") as http:
            sender = SlackSender(http, signing_secret=SIGNING_SECRET, fake=crowd_fake, team_id=TEAM)
            await create_program(
                sender,
                crowd_fake,
                nudge_start="00:00",
                nudge_end="23:59",
                nudge_days=[str(d) for d in range(7)],
            )
            gate = asyncio.Semaphore(AT_ONCE)

            async def one(user: str) -> None:
                async with gate:
                    await person_traffic(sender, crowd_fake, user)

            await asyncio.gather(*(one(user) for user in CROWD))

        async with db.transaction() as session:
            pending = list(
                await session.scalars(select(DueWork).where(DueWork.status == Status.PENDING))
            )
        nudges = {str(r.recipient_id): r for r in pending if r.kind == Kind.MENTEE_PREPARE}
        assert set(nudges) == set(MENTEES), sorted(r.dedup_key for r in pending)
        ids = [r.id for r in pending]
        await release(db, ids)
        rows = await wait_done(db, ids)
    finally:
        logs = [stop_server(process) for process, _ in servers]

    statuses = [status for _, status, _, _ in balancer.acks]
    per_replica = Counter(replica for replica, _, _, _ in balancer.acks)
    max_ack, slowest = max((seconds, kind) for _, _, seconds, kind in balancer.acks)
    counts = delivered(crowd_fake)
    duplicates = sum(n - 1 for n in counts.values())
    workers = Counter(r.claimed_by for r in rows)
    refused = Counter(
        (c.method, (c.response or {}).get("error")) for c in crowd_fake.calls if not c.ok
    )
    print(
        f"\ntwo serve replicas: {len(statuses)} signed requests "
        f"({per_replica[0]} + {per_replica[1]}), max ack {max_ack:.3f}s ({slowest}); "
        f"{len(rows)} due items, claimed {dict(workers)}; "
        f"{sum(counts.values())} keyed messages, duplicates {duplicates}; "
        f"Slack calls refused {dict(refused)}"
    )
    assert not refused  # e.g. an expired trigger: a modal opened more than 3 s too late
    assert set(statuses) == {200}, Counter(statuses)
    assert {r.status for r in rows} == {Status.DONE}, [(r.dedup_key, r.last_error) for r in rows]
    assert duplicates == 0, {k: n for k, n in counts.items() if n > 1}
    # Each item sent its message(s) exactly once (the replicas' daily purge sends none); each
    # mentee's nudge went to that mentee.
    assert {f"{r.dedup_key}#0" for r in rows if r.kind != Kind.PURGE} <= set(counts)
    for mentee, row in nudges.items():
        [call] = [c for c in keyed_posts(crowd_fake) if key_of(c) == f"{row.dedup_key}#0"]
        assert call.args["channel"] in (mentee, dm_channel_id(mentee))
        assert "While you wait for your mentor" in str(call.args["blocks"])
    # Both schedulers did the work: each claimed some of it, and each logged its sweeps.
    assert len(workers) == 2, workers
    assert all('"msg": "sweep"' in log for log in logs)
