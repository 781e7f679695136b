"""The scheduler through the front door: work is scheduled by real requests, sweeps run at
chosen instants (as `mentorbot tick --at` does), and the fake Slack shows what was sent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from fakeslack import Call, FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.db import Database
from infra.deps import Deps
from mentorbot.jobs import build_sweeper
from scheduling.api import cancel, reschedule, schedule
from scheduling.engine import Sweeper
from scheduling.gateway import ChannelPacer
from scheduling.kinds import REPLIES, Kind
from scheduling.messages import Planned
from scheduling.registry import JobContext, Registry
from storage.due_work import DueWork, Status, Timing
from tests.scenario.flows import MENTEE_VALUES, create_program, delivered, enrol, settle
from tests.settle import settled


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def rows(db: Database) -> list[DueWork]:
    """Due work, leaving out each program's weekly digest (always planned a week ahead) and
    the replies to the forms the test fills in."""
    async with db.transaction() as s:
        found = await s.scalars(
            select(DueWork)
            .where(DueWork.kind != Kind.DIGEST_WEEKLY, DueWork.kind.not_in(REPLIES))
            .order_by(DueWork.id)
        )
        return list(found.all())


def dms_to(fake: FakeSlack, user: str) -> list:
    return [c for c in fake.calls_to("chat.postMessage", channel=user) if c.ok]


async def test_nudge_waits_for_the_recipients_working_hours(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    # Olly works in Tokyo. He joins on Friday 6 March at 12:00 UTC (21:00 in Tokyo).
    await create_program(sender, fake)
    clock.set(utc(2026, 3, 6, 12, 0))
    await enrol(sender, fake, "UOTHER", MENTEE_VALUES)
    await delivered(deps, fake, "chat.postMessage", lambda c: c.args["channel"] == "UOTHER")
    [work] = await rows(deps.db)
    assert work.kind == Kind.MENTEE_PREPARE and work.due_at == utc(2026, 3, 7, 12, 0)
    welcome = len(dms_to(fake, "UOTHER"))
    sweeper = build_sweeper(deps)

    clock.set(utc(2026, 3, 7, 11, 59))  # not due yet
    assert (await sweeper.sweep()).claimed == 0
    clock.set(utc(2026, 3, 7, 12, 0))  # due, but 21:00 on a Saturday in Tokyo
    report = await sweeper.sweep()
    assert report.kinds[Kind.MENTEE_PREPARE].deferred == 1
    [work] = await rows(deps.db)
    assert work.status is Status.PENDING and work.not_before == utc(
        2026, 3, 9, 0, 0
    )  # Mon 09:00 JST
    clock.set(utc(2026, 3, 8, 23, 59))
    assert (await sweeper.sweep()).claimed == 0
    assert len(dms_to(fake, "UOTHER")) == welcome
    clock.set(utc(2026, 3, 9, 0, 0))
    report = await sweeper.sweep()
    assert report.kinds[Kind.MENTEE_PREPARE].sent == 1
    assert len(dms_to(fake, "UOTHER")) == welcome + 1
    nudge = dms_to(fake, "UOTHER")[-1]
    assert "While you wait for your mentor" in str(nudge.args["blocks"])
    assert nudge.args["metadata"]["event_payload"]["key"].startswith("mentee-prepare:")
    # Sweeping the same instant again sends nothing more.
    assert (await sweeper.sweep()).claimed == 0
    assert len(dms_to(fake, "UOTHER")) == welcome + 1
    [work] = await rows(deps.db)
    assert work.status is Status.DONE and work.attempts == 1


async def test_pause_holds_nudges_and_resume_releases_them(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await create_program(sender, fake)
    await enrol(sender, fake, "UMENTEE", MENTEE_VALUES)  # Lisbon, Monday 2 March 09:00 UTC
    await sender.command("UMENTEE", "pause 2w")
    [*_, paused] = await fake.wait_for("response_url")
    assert "paused until *Monday 16 March 2026*" in str(paused.args["blocks"])
    sweeper = build_sweeper(deps)
    clock.set(utc(2026, 3, 3, 10, 0))  # due (and a working hour), but paused
    assert (await sweeper.sweep()).kinds[Kind.MENTEE_PREPARE].deferred == 1
    [work] = await rows(deps.db)
    assert work.not_before == utc(2026, 3, 16, 9, 0)

    clock.set(utc(2026, 3, 5, 10, 0))
    await sender.command("UMENTEE", "resume")
    [*_, resumed] = await fake.wait_for("response_url", lambda c: "Welcome back" in str(c.args))
    assert "1 held nudge will arrive shortly" in str(resumed.args["blocks"])
    report = await sweeper.sweep()
    assert report.kinds[Kind.MENTEE_PREPARE].sent == 1


async def test_bad_pause_requests_are_explained(sender: SlackSender, fake: FakeSlack) -> None:
    for text, expected in (
        ("pause", "Say how long"),
        ("pause forever", "Say how long"),
        ("pause 2025-01-01", "already passed"),
        ("pause 52w", "up to six months"),
    ):
        await sender.command("UMENTEE", text)
        [*_, reply] = await fake.wait_for("response_url", _mentions(expected))
        assert reply.args["response_type"] == "ephemeral"


def _mentions(text: str) -> Callable[[Call], bool]:
    return lambda call: text in str(call.args)


async def test_personal_hours_override_the_programs(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await create_program(sender, fake)
    await enrol(sender, fake, "UMENTEE", MENTEE_VALUES)
    await sender.command("UMENTEE", "settings")
    view = await fake.wait_for_view("UMENTEE", callback_id="settings.form")
    values = sender.values_of(view)
    assert values["use_program_hours"] == ["program"]
    bad = await sender.view_submission(
        "UMENTEE",
        view,
        {**values, "use_program_hours": [], "own_start": "18:00", "own_end": "07:00"},
    )
    assert bad.json()["errors"] == {"own_end": "Your hours must end after they start."}
    await sender.view_submission(
        "UMENTEE",
        view,
        {
            **values,
            "use_program_hours": [],
            "own_start": "12:00",
            "own_end": "14:00",
            "own_days": ["5"],
        },
    )
    await delivered(
        deps, fake, "chat.postMessage", lambda c: "12:00–14:00, Saturday" in str(c.args)
    )
    sweeper = build_sweeper(deps)
    clock.set(utc(2026, 3, 3, 10, 0))  # Tuesday: the program's hours, not hers
    await sweeper.sweep()
    [work] = await rows(deps.db)
    assert work.not_before == utc(2026, 3, 7, 12, 0)  # Saturday 12:00 Lisbon (= UTC in March)


async def test_user_change_event_refreshes_the_time_zone(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await create_program(sender, fake)
    await enrol(sender, fake, "UMENTEE", MENTEE_VALUES)
    moved = {**fake.workspaces["T0001"].users["UMENTEE"], "tz": "Asia/Kolkata"}
    await sender.event({"type": "user_change", "user": moved})
    from storage.models import User

    await settled(sender.http)  # the event is handled after its acknowledgement
    async with deps.db.transaction() as s:
        mia = await s.scalar(select(User).where(User.slack_user_id == "UMENTEE"))
    assert mia is not None and mia.tz == "Asia/Kolkata"
    clock.set(utc(2026, 3, 3, 16, 0))  # due; 16:00 in Lisbon but 21:30 in India
    report = await build_sweeper(deps).sweep()
    assert report.kinds[Kind.MENTEE_PREPARE].deferred == 1
    [work] = await rows(deps.db)
    assert work.not_before == utc(2026, 3, 4, 3, 30)  # Wednesday 09:00 IST


async def test_schedule_is_an_upsert_by_key_and_cancel_reschedule(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    now = clock.now()
    async with deps.db.transaction() as s:
        for due in (now + timedelta(hours=1), now + timedelta(hours=2)):
            await schedule(
                session=s,
                now=now,
                kind="test.record",
                key="k1",
                team_id="T0001",
                due_at=due,
                timing=Timing.IMMEDIATE,
            )
    [work] = await rows(deps.db)
    assert work.due_at == now + timedelta(hours=2)
    async with deps.db.transaction() as s:
        assert await reschedule(session=s, now=now, key="k1", due_at=now + timedelta(hours=3))
        assert await cancel(session=s, now=now, key="k1")
        assert not await cancel(session=s, now=now, key="k1")
        assert not await reschedule(session=s, now=now, key="k1", due_at=now)
    [work] = await rows(deps.db)
    assert work.status is Status.CANCELLED


def recording_registry(seen: list[int]) -> Registry:
    registry = Registry()

    async def record(ctx: JobContext) -> None:
        seen.append(ctx.work.id)

    async def dm(ctx: JobContext) -> None:
        ctx.dm(str(ctx.work.recipient_id), text=f"hello {ctx.work.id}")

    async def channel(ctx: JobContext) -> None:
        ctx.post(str(ctx.work.payload["channel"]), text="digest")

    async def broken(ctx: JobContext) -> None:
        raise RuntimeError("boom")

    registry.register("test.record", record)
    registry.register("test.dm", dm)
    registry.register("test.channel", channel)
    registry.register("test.broken", broken)
    from mentorbot import jobs

    jobs.register(registry)
    return registry


async def add(deps: Deps, kind: str, key: str, **kw: object) -> None:
    now = deps.clock.now()
    async with deps.db.transaction() as s:
        await schedule(
            session=s,
            now=now,
            kind=kind,
            key=key,
            team_id="T0001",
            due_at=now,
            timing=Timing.IMMEDIATE,
            **kw,  # type: ignore[arg-type]
        )


async def test_a_failing_handler_doesnt_stop_the_batch_and_is_retried_with_backoff(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    seen: list[int] = []
    sweeper = build_sweeper(deps, registry=recording_registry(seen))
    await add(deps, "test.record", "a")
    await add(deps, "test.broken", "b")
    await add(deps, "test.record", "c")
    report = await sweeper.sweep()
    ids = {r.dedup_key: r.id for r in await rows(deps.db)}
    # The batch stopped at the broken row and rolled back; then each row ran on its own.
    assert seen == [ids["a"], ids["a"], ids["c"]]
    assert report.kinds["test.record"].ran == 2 and report.kinds["test.broken"].retried == 1
    broken = next(r for r in await rows(deps.db) if r.kind == "test.broken")
    assert broken.status is Status.PENDING and broken.attempts == 1
    assert "RuntimeError: boom" in (broken.last_error or "")
    assert (
        clock.now() + timedelta(seconds=5)
        <= broken.not_before
        <= clock.now() + timedelta(seconds=10)
    )
    for _ in range(10):
        clock.set(broken.not_before)
        await sweeper.sweep()
        broken = next(r for r in await rows(deps.db) if r.kind == "test.broken")
        if broken.status is Status.FAILED:
            break
    assert broken.status is Status.FAILED and broken.attempts == sweeper.max_attempts
    assert (broken.last_error or "").startswith("gave up")


async def test_permanent_failures(
    deps: Deps, clock: ManualClock, fake: FakeSlack, sender: SlackSender
) -> None:
    await create_program(sender, fake)
    await delivered(deps, fake, "chat.postMessage", lambda c: "saved" in c.args["text"])
    async with deps.db.transaction() as s:
        from storage.models import Program

        program = await s.scalar(select(Program))
    assert program is not None
    fake.add_user("T0001", "UGONE", name="gone", deleted=True)
    sweeper = build_sweeper(deps, registry=recording_registry([]))
    await add(deps, "test.dm", "gone", recipient_id="UGONE")
    await add(deps, "test.channel", "nochan", payload={"channel": "CNOPE"})
    await add(
        deps, "test.channel", "private", payload={"channel": "GPRIVATE"}, program_id=program.id
    )
    await add(
        deps, "test.channel", "private2", payload={"channel": "GPRIVATE"}, program_id=program.id
    )
    fake.reset_calls()
    await sweeper.sweep()
    by_key = {r.dedup_key: r for r in await rows(deps.db)}
    assert by_key["gone"].status is Status.FAILED and by_key["gone"].last_error == "user_disabled"
    assert by_key["nochan"].last_error == "channel_not_found"
    assert by_key["private"].last_error == "not_in_channel"
    # The managers are told once, however many posts failed.
    notice = by_key[f"not-in-channel:program:{program.id}:GPRIVATE"]
    assert notice.kind == Kind.NOT_IN_CHANNEL
    await sweeper.sweep()
    told = [c for c in fake.calls_to("chat.postMessage", channel="UADMIN") if c.ok]
    assert len(told) == 1 and "/invite @Mentorbot" in str(told[0].args["blocks"])
    await add(
        deps, "test.channel", "private3", payload={"channel": "GPRIVATE"}, program_id=program.id
    )
    await sweeper.sweep()
    await sweeper.sweep()
    assert len([c for c in fake.calls_to("chat.postMessage", channel="UADMIN") if c.ok]) == 1


async def test_deactivated_recipient_known_to_us_fails_without_calling_slack(
    deps: Deps, clock: ManualClock, fake: FakeSlack, sender: SlackSender
) -> None:
    await sender.command("UMENTEE", "help")  # Mia becomes known (users.info)
    await fake.wait_for("response_url")
    from storage.models import User

    async with deps.db.transaction() as s:
        mia = await s.scalar(select(User).where(User.slack_user_id == "UMENTEE"))
        assert mia is not None
        mia.deleted = True
    async with deps.db.transaction() as s:
        now = clock.now()
        await schedule(
            session=s,
            now=now,
            kind="test.dm",
            key="n",
            team_id="T0001",
            due_at=now,
            recipient_id="UMENTEE",
        )
    fake.reset_calls()
    await build_sweeper(deps, registry=recording_registry([])).sweep()
    [work] = await rows(deps.db)
    assert work.status is Status.FAILED and work.last_error == "recipient deactivated"
    assert not fake.calls_to("chat.postMessage")


async def test_429_and_500_are_retried_and_every_message_arrives_once(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    for i in range(40):
        fake.add_user("T0001", f"UP{i:03d}", name=f"p{i}")
        await add(deps, "test.dm", f"dm{i}", recipient_id=f"UP{i:03d}")
    fake.set_fault_rate(
        0.3, kinds=("429", "500"), retry_after=2, seed=3, methods=["chat.postMessage"]
    )
    sweeper = build_sweeper(deps, registry=recording_registry([]))
    for _ in range(40):
        await sweeper.sweep()
        if all(r.status is Status.DONE for r in await rows(deps.db)):
            break
        clock.advance(minutes=2)
    assert all(r.status is Status.DONE for r in await rows(deps.db))
    delivered = [c.args["channel"] for c in fake.calls_to("chat.postMessage") if c.ok]
    assert sorted(delivered) == sorted(f"UP{i:03d}" for i in range(40))  # each exactly once
    assert fake.stats["fault:429"] + fake.stats["fault:500"] > 0


async def test_crash_after_slack_accepted_is_reconciled_without_a_duplicate(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    """A worker plans and sends, then dies before recording the delivery. Once its lease
    expires, the next sweep finds the message in the DM (by its metadata key) and does not
    send it again."""
    registry = recording_registry([])
    await add(deps, "test.dm", "crash", recipient_id="UMENTEE")
    dying = build_sweeper(deps, registry=registry, worker_id="dying")
    rows_claimed = await dying.claim(clock.now())
    runnable = await dying._gate(
        rows_claimed, clock.now(), report := __import__("scheduling.engine").engine.SweepReport()
    )
    planned = await dying._plan(runnable, clock.now(), report)
    [row] = planned
    message = (row.outbox or [])[0]
    # Slack accepts the message...
    await dying.gateway.post(
        "T0001", "UMENTEE", text=message["text"], metadata_key=f"{row.dedup_key}#0"
    )
    # ...and the worker dies here, before recording it.
    clock.advance(minutes=4)
    survivor = build_sweeper(deps, registry=registry, worker_id="survivor")
    assert (await survivor.sweep()).claimed == 0  # still leased
    clock.advance(minutes=2)
    report2 = await survivor.sweep()
    assert report2.claimed == 1
    [work] = await rows(deps.db)
    assert work.status is Status.DONE
    sent = [c for c in fake.calls_to("chat.postMessage", channel="UMENTEE") if c.ok]
    assert len(sent) == 1
    assert fake.calls_to("conversations.history")  # it looked before re-sending


async def test_a_batch_over_many_sweeps_and_lease_ownership(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    seen: list[int] = []
    sweeper: Sweeper = build_sweeper(deps, registry=recording_registry(seen))
    sweeper.batch_size = 7
    for i in range(30):
        await add(deps, "test.record", f"r{i}")
    report = await sweeper.sweep()
    assert report.claimed == 30 and sorted(seen) == sorted(set(seen)) and len(seen) == 30
    assert all(r.status is Status.DONE for r in await rows(deps.db))


async def test_rate_limits_wait_for_retry_after_without_using_up_attempts(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    await add(deps, "test.dm", "busy", recipient_id="UMENTEE")
    # More 429s in a row than the row has attempts (Retry-After 0 keeps the test quick).
    sweeper = build_sweeper(deps, registry=recording_registry([]))
    sweeper.max_attempts = 3
    fake.fail("chat.postMessage", status=429, retry_after=0, times=2 * sweeper.max_attempts)
    for _ in range(30):
        await sweeper.sweep()
        [work] = await rows(deps.db)
        if work.status is not Status.PENDING:
            break
        assert work.not_before <= clock.now() + timedelta(seconds=1)  # Retry-After + jitter
        clock.set(work.not_before)
    assert work.status is Status.DONE and work.attempts == 1
    assert len([c for c in fake.calls_to("chat.postMessage") if c.ok]) == 1


async def test_a_prepare_hook_reads_once_for_its_kind_before_the_other_rows(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    """A kind's prepare hook runs once per batch, before its rows, which run together and get
    what it returned; without it (a failing hook, a retry) each row runs on its own."""
    order: list[str] = []
    registry = Registry()
    fail = [True]

    async def prepare(session: AsyncSession, rows: Sequence[DueWork], now: datetime) -> object:
        order.append(f"prepare {len(rows)}")
        if fail[0]:
            fail[0] = False
            raise RuntimeError("prepare failed")
        return {row.id for row in rows}

    async def batched(ctx: JobContext) -> None:
        prepared = ctx.prepared if isinstance(ctx.prepared, set) else set()
        seen = "with" if ctx.work.id in prepared else "without"
        order.append(f"{ctx.work.dedup_key} {seen}")

    async def plain(ctx: JobContext) -> None:
        order.append(ctx.work.dedup_key)

    async def finish(session: AsyncSession, prepared: object) -> None:
        assert isinstance(prepared, set)
        order.append(f"finish {len(prepared)}")

    registry.register("test.plain", plain)
    with pytest.raises(ValueError, match="prepare hook"):
        registry.register("test.batched", batched, finish=finish)
    registry.register("test.batched", batched, prepare=prepare, finish=finish)
    sweeper = build_sweeper(deps, registry=registry)
    for kind, key in (("test.plain", "p1"), ("test.batched", "b1"), ("test.batched", "b2")):
        await add(deps, kind, key)
    await sweeper.sweep()
    # The failing hook rolled the batch back; each row then ran on its own, without it (and
    # without the finish hook: each writes for itself). Rows come back in no particular order.
    assert order[0] == "prepare 2"
    assert sorted(order[1:]) == ["b1 without", "b2 without", "p1"]
    order.clear()
    for kind, key in (("test.plain", "p2"), ("test.batched", "b3"), ("test.batched", "b4")):
        await add(deps, kind, key)
    await sweeper.sweep()
    # The finish hook runs once, right after the group's rows.
    assert order[0] == "prepare 2" and order[3:] == ["finish 2", "p2"]
    assert sorted(order[1:3]) == ["b3 with", "b4 with"]
    assert {r.status for r in await rows(deps.db)} == {Status.DONE}


async def test_every_delivered_message_is_recorded_in_the_finished_row(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    """The last message of a row is recorded by the write that finishes the row (no separate
    record), and with an on-delivered hook it is recorded before the hook runs: either way the
    finished row says what went, with each message's ts."""
    registry = Registry()
    hooked: list[list[bool]] = []

    async def two(ctx: JobContext) -> None:
        ctx.dm("UMENTEE", text="first")
        ctx.dm("UMENTOR", text="second")

    async def seen(session: AsyncSession, work: DueWork, outbox: list[Planned]) -> None:
        hooked.append([m.delivered for m in outbox])

    registry.register("test.two", two)
    registry.register("test.hooked", two, on_delivered=seen)
    await add(deps, "test.two", "plain")
    await add(deps, "test.hooked", "hooked")
    report = await build_sweeper(deps, registry=registry).sweep()
    assert report.total("sent") == 4
    assert hooked == [[True, True]]  # the hook sees both messages delivered
    assert len([c for c in fake.calls_to("chat.postMessage") if c.ok]) == 4
    for work in await rows(deps.db):
        assert work.status is Status.DONE
        outbox = work.outbox or []
        assert [m["delivered"] for m in outbox] == [True, True]
        assert all(m["ts"] and m["channel_id"] for m in outbox)


async def test_the_working_hours_gate_reuses_one_compiled_statement_whatever_the_batch(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    """Looking up a batch's recipients is one statement shape for any number of people: a
    shape per batch size would add an entry (holding every clause) to SQLAlchemy's compiled
    cache for each size, memory that grew for weeks in the soak."""
    registry = recording_registry([])
    sweeper = build_sweeper(deps, registry=registry)
    cache = deps.db.engine.sync_engine._compiled_cache
    assert cache is not None
    sizes = []
    for batch, people in enumerate((["UMENTEE", "UMENTOR"], ["UADMIN", "UMENTEE", "UMENTOR"])):
        now = clock.now()
        async with deps.db.transaction() as s:
            for person in people:
                await schedule(
                    session=s,
                    now=now,
                    kind="test.dm",
                    key=f"nudge:{batch}:{person}",
                    team_id="T0001",
                    due_at=now,
                    recipient_id=person,
                )
        await sweeper.sweep()
        sizes.append(len(cache))
    assert sizes[1] == sizes[0], sizes


async def test_dm_deliveries_close_together_and_a_failing_hook_holds_back_only_its_row(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    """Messages that can be looked up before being sent again (DMs, the pair's group DM)
    are recorded and their rows closed together once the batch is delivered: one write for
    all. A post to a channel, which can't be looked up, is closed on its own as soon as it is
    delivered. If one row's on-delivered hook fails, the others still close; that row stays
    leased, and once the lease expires the next sweep finds its message in the DM, runs the
    hook again, and sends nothing twice."""
    registry = Registry()
    hooked: list[str] = []
    broken = {"dm6"}

    async def dm(ctx: JobContext) -> None:
        ctx.dm(str(ctx.work.recipient_id), text=f"hello {ctx.work.dedup_key}")

    async def channel(ctx: JobContext) -> None:
        ctx.post("CLEADS", text="an alert")

    async def hook(session: AsyncSession, work: DueWork, outbox: list[Planned]) -> None:
        if work.dedup_key in broken:
            raise RuntimeError("hook failed")
        hooked.append(work.dedup_key)

    registry.register("test.dm", dm, on_delivered=hook)
    registry.register("test.channel", channel, on_delivered=hook)
    people = [f"UP{i:03d}" for i in range(8)]
    for i, person in enumerate(people):
        fake.add_user("T0001", person, name=f"p{i}")
    fake.add_members("T0001", "CLEADS", fake.workspaces["T0001"].bot_user_id)
    for i in range(5):
        await add(deps, "test.dm", f"dm{i}", recipient_id=people[i])
    await add(deps, "test.channel", "alert")
    closing: list[tuple[bool, int]] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("UPDATE due_work") and "finished_at=" in statement:
            closing.append((executemany, len(parameters) if executemany else 1))

    sync_engine = deps.db.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", count)
    try:
        await build_sweeper(deps, registry=registry, worker_id="first").sweep()
    finally:
        event.remove(sync_engine, "before_cursor_execute", count)
    assert closing == [(False, 1), (True, 5)]  # the alert alone, then the five DMs at once
    assert sorted(hooked) == ["alert", "dm0", "dm1", "dm2", "dm3", "dm4"]
    for work in await rows(deps.db):
        assert work.status is Status.DONE
        assert [bool(m["delivered"]) for m in work.outbox or []] == [True]

    hooked.clear()
    for i in range(5, 8):
        await add(deps, "test.dm", f"dm{i}", recipient_id=people[i])
    await build_sweeper(deps, registry=registry, worker_id="second").sweep()
    by_key = {r.dedup_key: r for r in await rows(deps.db)}
    # The batch rolled back at the failing hook, then each row closed on its own (the hooks
    # before the failing one ran twice, the first time rolled back).
    assert sorted(set(hooked)) == ["dm5", "dm7"]
    assert by_key["dm5"].status is Status.DONE and by_key["dm7"].status is Status.DONE
    assert by_key["dm6"].status is Status.RUNNING  # left to its lease
    broken.clear()
    hooked.clear()
    clock.advance(minutes=6)
    await build_sweeper(deps, registry=registry, worker_id="third").sweep()
    assert hooked == ["dm6"]
    assert all(r.status is Status.DONE for r in await rows(deps.db))
    for person in people:
        assert len(dms_to(fake, person)) == 1
    assert fake.calls_to("conversations.history")  # it looked before sending again


async def test_a_dm_row_sent_in_part_keeps_what_went_when_it_has_to_wait(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    """A DM row's messages aren't recorded one by one, but when the row has to wait part way
    (paced, rate-limited, a 5xx), what this attempt sent is recorded before it waits: the
    retry looks up (and sends) only the rest."""
    registry = Registry()

    async def three(ctx: JobContext) -> None:
        for n in range(3):
            ctx.dm("UMENTEE", text=f"part {n}")

    registry.register("test.three", three)
    await add(deps, "test.three", "three")
    sweeper = build_sweeper(deps, registry=registry)
    sweeper.gateway.pacer = ChannelPacer(rate=1.0, burst=2, max_wait=0)  # the third waits
    await sweeper.sweep()
    [work] = await rows(deps.db)
    assert work.status is Status.PENDING
    assert [bool(m["delivered"]) for m in work.outbox or []] == [True, True, False]
    sweeper.gateway.pacer = ChannelPacer()
    clock.set(work.not_before)
    await sweeper.sweep()
    [work] = await rows(deps.db)
    assert work.status is Status.DONE
    assert [c.args["text"] for c in dms_to(fake, "UMENTEE")] == ["part 0", "part 1", "part 2"]
    assert len(fake.calls_to("conversations.history")) == 1  # for the third only


async def test_a_batch_loads_its_rows_subjects_in_one_query_and_still_checks_their_team(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    """A kind registered with its subject (model and payload key) gets the subjects of a
    whole batch loaded in one query before its handlers run; ``ctx.subject()`` then finds
    each in the session, and still refuses one from another workspace."""
    from storage.models import User
    from tests.service.helpers import person

    registry = Registry()
    seen: dict[str, str | None] = {}

    async def read(ctx: JobContext) -> None:
        user = await ctx.subject(User, "user_id")
        seen[ctx.work.dedup_key] = user.slack_user_id if user is not None else None

    registry.register("test.subject", read, subject=(User, "user_id"))
    async with deps.db.transaction() as s:
        people = [await person(s, clock, f"US{i:03d}") for i in range(6)]
        stranger = await person(s, clock, "USTRANGE", team_id="T0002")
    for user in people:
        await add(deps, "test.subject", f"s:{user.slack_user_id}", payload={"user_id": user.id})
    await add(deps, "test.subject", "s:stranger", payload={"user_id": stranger.id})
    reads: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("SELECT users."):
            reads.append(statement)

    sync_engine = deps.db.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", count)
    try:
        await build_sweeper(deps, registry=registry).sweep()
    finally:
        event.remove(sync_engine, "before_cursor_execute", count)
    assert len(reads) == 1  # not one per row
    assert seen == {
        **{f"s:{u.slack_user_id}": u.slack_user_id for u in people},
        "s:stranger": None,  # loaded with the batch, but not this work's team
    }


async def test_with_channel_history_a_resumed_channel_post_is_looked_up_and_never_lost(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    """CHECK_CHANNEL_HISTORY: a channel post interrupted after Slack took it is found in the
    channel, not posted twice. A workspace that hasn't granted the scope yet can't be checked:
    the post is sent again rather than lost."""
    deps.settings = deps.settings.model_copy(update={"check_channel_history": True})
    fake.add_members("T0001", "CLEADS", fake.workspaces["T0001"].bot_user_id)
    registry = recording_registry([])
    report = __import__("scheduling.engine").engine.SweepReport()
    for key, took_it in (("found", True), ("unchecked", False)):
        await add(deps, "test.channel", key, payload={"channel": "CLEADS"})
        dying = build_sweeper(deps, registry=registry, worker_id=f"dying-{key}")
        [row] = await dying._plan(await dying.claim(clock.now()), clock.now(), report)
        [message] = row.outbox or []
        assert message["checkable"]
        if took_it:  # Slack took the post; the worker died before recording it
            await dying.gateway.post(
                "T0001", "CLEADS", text=message["text"], metadata_key=f"{key}#0"
            )
        else:  # the scope isn't granted: the lookup is refused
            fake.fail("conversations.history", error="missing_scope")
        clock.advance(minutes=6)
        await build_sweeper(deps, registry=registry, worker_id=f"next-{key}").sweep()
    assert {r.dedup_key: r.status for r in await rows(deps.db)} == {
        "found": Status.DONE,
        "unchecked": Status.DONE,
    }
    posts = [c for c in fake.calls_to("chat.postMessage", channel="CLEADS") if c.ok]
    assert len(posts) == 2  # once each: the first found, the second sent after the refusal
    assert len(fake.calls_to("conversations.history")) == 2


async def test_posts_slack_stored_before_failing_are_retried_by_the_sweep_and_arrive_once(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    """Slack stores a DM but answers 500, or drops the connection, before saying so. Nothing
    sends it again at once: the sweep counts the row as retried, and the retry finds the
    message in the DM (by its metadata key) before sending it again. No duplicates."""
    people = [f"UP{i:03d}" for i in range(8)]
    for person in people:
        fake.add_user("T0001", person, name=person.lower())
        await add(deps, "test.dm", f"dm:{person}", recipient_id=person)
    fake.fail("chat.postMessage", status=500, stored=True, times=4)
    fake.fail("chat.postMessage", disconnect=True, times=2)
    sweeper = build_sweeper(deps, registry=recording_registry([]))
    report = await sweeper.sweep()
    assert report.kinds["test.dm"].retried == 6 and report.kinds["test.dm"].sent == 2
    assert "retried 6" in report.lines()[0]
    await settle(deps, clock, sweeper)
    assert all(r.status is Status.DONE for r in await rows(deps.db))
    assert {p: len(fake.messages(p)) for p in people} == dict.fromkeys(people, 1)
    keys = [m["metadata"]["event_payload"]["key"] for p in people for m in fake.messages(p)]
    assert sorted(keys) == sorted(f"dm:{p}#0" for p in people)
    assert len(fake.calls_to("conversations.history")) == 6  # one lookup per retried row
    assert fake.stats["fault:stored-500"] == 4 and fake.stats["fault:disconnect"] == 2


async def test_files_slack_shared_before_failing_are_found_and_shared_once(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    """The last step of an upload (files.completeUploadExternal) is not idempotent either:
    Slack may share the file and answer 500, or drop the connection. The file's id is
    recorded before it is shared, so the retry finds that share in the DM and sends nothing
    again; a share that failed before Slack stored it is sent again. With
    CHECK_CHANNEL_HISTORY a channel's shares are looked for the same way."""
    deps.settings = deps.settings.model_copy(update={"check_channel_history": True})
    fake.add_members("T0001", "CLEADS", fake.workspaces["T0001"].bot_user_id)
    registry = Registry()

    async def dm_file(ctx: JobContext) -> None:
        ctx.dm_upload(
            str(ctx.work.recipient_id),
            filename="report.csv",
            content=f"for,{ctx.work.recipient_id}\n",
            title="Report",
            text="Your report",
        )

    async def channel_file(ctx: JobContext) -> None:
        ctx.upload("CLEADS", filename="lists.csv", content="a\n", title="Lists", text="Lists")

    registry.register("test.dm_file", dm_file)
    registry.register("test.channel_file", channel_file)
    people = ["UMENTEE", "UMENTOR", "UADMIN"]
    for person in people:
        await add(deps, "test.dm_file", f"file:{person}", recipient_id=person)
    await add(deps, "test.channel_file", "file:channel")
    fake.fail("files.completeUploadExternal", status=500, stored=True, times=2)
    fake.fail("files.completeUploadExternal", disconnect=True)
    fake.fail("files.completeUploadExternal", status=503)  # not stored: shared on retry
    sweeper = build_sweeper(deps, registry=registry)
    report = await sweeper.sweep()
    assert report.total("retried") == 4
    await settle(deps, clock, sweeper)
    assert all(r.status is Status.DONE for r in await rows(deps.db))
    shared = Counter(str(f["channel"]) for f in fake.uploaded_files)
    dms = {fake.dm_channel("T0001", p): 1 for p in people}
    assert shared == {**dms, "CLEADS": 1}
    for person in people:
        [message] = fake.messages(person)
        assert message["text"] == "Your report" and message["files"][0]["title"] == "Report"
    assert len(fake.calls_to("conversations.history")) == 4  # one lookup per retried row


async def test_a_worker_whose_lease_expired_as_slack_refused_its_post_leaves_the_row_alone(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    """A worker plans a channel post, its lease expires and another worker claims the row;
    then Slack refuses the first worker's post for good. It records nothing (the row is no
    longer its own) and the sweep goes on; the successor delivers and closes the row."""
    registry = recording_registry([])
    await add(deps, "test.channel", "refused", payload={"channel": "CLEADS"})  # bot not in it
    report = __import__("scheduling.engine").engine.SweepReport()
    dying = build_sweeper(deps, registry=registry, worker_id="dying")
    planned = await dying._plan(await dying.claim(clock.now()), clock.now(), report)
    clock.advance(minutes=6)
    successor = build_sweeper(deps, registry=registry, worker_id="successor")
    taken = await successor.claim(clock.now())
    assert [r.dedup_key for r in taken] == ["refused"]
    await dying.delivery.deliver(planned, clock.now(), report, suspect=False)
    [work] = await rows(deps.db)
    assert work.status is Status.RUNNING and work.claimed_by == "successor"
    assert [m["error"] for m in work.outbox or []] == [None]  # nothing recorded by "dying"
    assert report.total("failed") == 0
    await successor.process(taken, clock.now(), report)
    [work] = await rows(deps.db)
    assert work.status is Status.FAILED and work.last_error == "not_in_channel"
    assert [m["error"] for m in work.outbox or []] == ["not_in_channel"]
