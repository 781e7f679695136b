"""The sweep: claim what is due, hold back what is outside working hours, plan, deliver.

1. **Claim** due rows in batches. PostgreSQL claims with ``FOR UPDATE SKIP LOCKED``, so
   replicas sweeping together never take the same row; SQLite claims in one ``BEGIN
   IMMEDIATE`` transaction. A claim is a lease: a row whose worker died is claimed again once
   ``lease_until`` passes.
2. **Gate** nudges (``Delivery.WORKING_HOURS``): outside the recipient's window, or while
   they are paused, the row goes back to pending with ``not_before`` at the next opening.
3. **Plan**: run each row's handler. The whole batch runs in one transaction (one commit for
   a thousand rows); a kind with a prepare hook reads what all its rows need first, in a few
   queries (the daily signals evaluation of every pair); if any handler raises, the batch is
   rolled back and re-run one row per transaction so the others still succeed. The plan (the
   messages to send) is stored in the row in the same transaction as the handler's changes,
   and only while the lease is ours.
4. **Deliver** the planned messages with no database transaction open. A message to the
   managers' channel is recorded as Slack accepts it; rows whose messages can be looked up
   again (DMs, the pair's group DM) are recorded and closed together when the batch is
   delivered. Transient failures put the row back with backoff (honouring
   ``Retry-After``); permanent ones fail it with the reason.

docs/scheduling.md explains the guarantees and the crash window.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from infra.clock import Clock
from infra.config import Settings
from infra.db import Database, id_chunks
from infra.windows import next_opening
from scheduling.api import cancel_where
from scheduling.gateway import (
    DEACTIVATED_ERRORS,
    UNREACHABLE_TEAM_ERRORS,
    DeliveryError,
    PermanentDelivery,
    Sent,
    SlackGateway,
    TransientDelivery,
    classify,
)
from scheduling.hours import effective_hours
from scheduling.kinds import Kind
from scheduling.messages import Planned, Post, Update, Upload, read, write
from scheduling.registry import JobContext, PermanentJobError, Registry, payload_id
from storage.due_work import Delivery, DueWork, Status
from storage.models import Program, Relationship, User

log = logging.getLogger(__name__)

NOT_IN_CHANNEL_KIND = Kind.NOT_IN_CHANNEL
# Slowing down is not failing: these wait for Retry-After without using up attempts.
RATE_LIMITED = frozenset({"ratelimited", "paced"})


@dataclass
class KindCounts:
    ran: int = 0
    deferred: int = 0
    failed: int = 0
    retried: int = 0
    sent: int = 0


@dataclass
class SweepReport:
    kinds: dict[str, KindCounts] = field(default_factory=lambda: defaultdict(KindCounts))
    claimed: int = 0
    seconds: float = 0.0

    def total(self, what: str) -> int:
        return sum(getattr(c, what) for c in self.kinds.values())

    def lines(self) -> list[str]:
        out = [
            f"claimed {self.claimed} in {self.seconds:.3f}s: ran {self.total('ran')}, "
            f"deferred {self.total('deferred')}, failed {self.total('failed')}, "
            f"retried {self.total('retried')}, messages sent {self.total('sent')}"
        ]
        for kind in sorted(self.kinds):
            c = self.kinds[kind]
            out.append(
                f"  {kind}: ran {c.ran}, deferred {c.deferred}, failed {c.failed}, "
                f"retried {c.retried}, sent {c.sent}"
            )
        return out


class LeaseLost(Exception):
    """Another worker owns the row now (our lease expired): drop our work on it."""


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Sweeper:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        registry: Registry,
        gateway: SlackGateway,
        worker_id: str | None = None,
        batch_size: int = 500,
        max_batches: int = 100,
        lease: timedelta = timedelta(minutes=5),
        concurrency: int = 16,
        max_attempts: int = 8,
        backoff_base: timedelta = timedelta(seconds=10),
        backoff_cap: timedelta = timedelta(hours=1),
        rng: random.Random | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.registry = registry
        self.gateway = gateway
        self.worker_id = worker_id or default_worker_id()
        self.batch_size = batch_size
        self.max_batches = max_batches
        self.lease = lease
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.rng = rng or random.Random()

    # ------------------------------------------------------------------ the sweep

    async def sweep(self) -> SweepReport:
        """Run everything due as of the clock's now, batch after batch."""
        started = time.perf_counter()
        report = SweepReport()
        for _ in range(self.max_batches):
            now = self.clock.now()
            rows = await self.claim(now)
            if not rows:
                break
            report.claimed += len(rows)
            await self.process(rows, now, report)
            if len(rows) < self.batch_size:
                break
        report.seconds = time.perf_counter() - started
        return report

    async def claim(self, now: datetime) -> list[DueWork]:
        lease_until = now + self.lease
        claimed: list[DueWork] = []
        async with self.db.transaction() as session:
            ready = and_(DueWork.status == Status.PENDING, DueWork.not_before <= now)
            expired = and_(DueWork.status == Status.RUNNING, DueWork.lease_until <= now)
            for condition, order in ((ready, DueWork.not_before), (expired, DueWork.lease_until)):
                room = self.batch_size - len(claimed)
                if room <= 0:
                    break
                ids = (
                    select(DueWork.id)
                    .where(condition)
                    .order_by(order)
                    .limit(room)
                    .with_for_update(skip_locked=True)
                    .scalar_subquery()
                )
                rows = await session.scalars(
                    update(DueWork)
                    .where(DueWork.id.in_(ids))
                    .values(
                        status=Status.RUNNING,
                        claimed_by=self.worker_id,
                        lease_until=lease_until,
                        updated_at=now,
                    )
                    .returning(DueWork),
                    execution_options={"synchronize_session": False},
                )
                claimed.extend(rows.all())
        return claimed

    async def process(self, rows: Sequence[DueWork], now: datetime, report: SweepReport) -> None:
        # A row claimed with a plan already stored was interrupted mid-delivery (a crash, an
        # expired lease, or a transient failure): some of its messages may have reached Slack.
        resumed = [r for r in rows if r.outbox is not None]
        fresh = [r for r in rows if r.outbox is None]
        runnable = await self._gate(fresh, now, report)
        planned = await self._plan(runnable, now, report)
        await self._deliver(resumed, now, report, suspect=True)
        await self._deliver(planned, now, report, suspect=False)

    # ------------------------------------------------------------------ gate

    async def _gate(
        self, rows: Sequence[DueWork], now: datetime, report: SweepReport
    ) -> list[DueWork]:
        nudges = [r for r in rows if r.delivery is Delivery.WORKING_HOURS and r.recipient_id]
        nudge_ids = {r.id for r in nudges}
        users, programs = await self._recipients(nudges)
        runnable: list[DueWork] = []
        deferrals: list[dict[str, Any]] = []
        failures: list[tuple[DueWork, str]] = []
        for row in rows:
            if self.registry.get(row.kind) is None:
                failures.append((row, f"no handler registered for {row.kind!r}"))
                continue
            if row.id not in nudge_ids:
                runnable.append(row)
                continue
            user = users.get((row.team_id, row.recipient_id or ""))
            program = programs.get(row.program_id) if row.program_id is not None else None
            if user is not None and user.deleted:
                failures.append((row, "recipient deactivated"))
                continue
            opening = next_opening(
                now,
                tz=user.tz if user is not None else (program.timezone if program else None),
                hours=effective_hours(user, program),
                paused_until=user.paused_until if user is not None else None,
            )
            if opening > now:
                deferrals.append({"row_id": row.id, "opening": opening})
                report.kinds[row.kind].deferred += 1
            else:
                runnable.append(row)
        if deferrals or failures:
            async with self.db.transaction() as session:
                if deferrals:
                    table = cast(Table, DueWork.__table__)
                    # Core executemany: one statement for every deferred row, each still
                    # guarded by our lease.
                    await session.execute(
                        update(table)
                        .where(
                            table.c.id == bindparam("row_id"),
                            table.c.claimed_by == self.worker_id,
                        )
                        .values(
                            status=Status.PENDING,
                            not_before=bindparam("opening"),
                            claimed_by=None,
                            lease_until=None,
                            updated_at=now,
                        ),
                        deferrals,
                    )
                for row, reason in failures:
                    await self._finish(session, row, now, Status.FAILED, reason)
                    report.kinds[row.kind].failed += 1
        return runnable

    async def _recipients(
        self, rows: Sequence[DueWork]
    ) -> tuple[dict[tuple[str, str], User], dict[int, Program]]:
        if not rows:
            return {}, {}
        pairs = {(r.team_id, r.recipient_id or "") for r in rows}
        program_ids = {r.program_id for r in rows if r.program_id is not None}
        async with self.db.transaction() as session:
            # One expanding tuple IN, not an OR of one AND per person: a statement whose shape
            # follows the number of people would take a new entry in SQLAlchemy's compiled
            # cache for every batch size, each holding all its clauses (the soak's memory grew
            # by about 40 MB that way before the cache filled).
            users = await session.scalars(
                select(User).where(tuple_(User.team_id, User.slack_user_id).in_(sorted(pairs)))
            )
            by_pair = {(u.team_id, u.slack_user_id): u for u in users}
            programs: dict[int, Program] = {}
            if program_ids:
                found = await session.scalars(select(Program).where(Program.id.in_(program_ids)))
                programs = {p.id: p for p in found}
        return by_pair, programs

    # ------------------------------------------------------------------ plan

    async def _plan(
        self, rows: Sequence[DueWork], now: datetime, report: SweepReport
    ) -> list[DueWork]:
        if not rows:
            return []
        try:
            async with self.db.transaction() as session:
                plans = await self._run_batch(session, rows)
                await self._store_plans(session, rows, plans, now)
        except LeaseLost:
            log.warning("lease lost while planning a batch; retrying row by row")
        except Exception:
            log.warning("a handler failed in a batch; retrying row by row", exc_info=True)
        else:
            for row in rows:
                report.kinds[row.kind].ran += 1
            return [row for row in rows if plans[row.id]]
        return await self._plan_one_by_one(rows, now, report)

    async def _plan_one_by_one(
        self, rows: Sequence[DueWork], now: datetime, report: SweepReport
    ) -> list[DueWork]:
        planned: list[DueWork] = []
        for row in rows:
            try:
                async with self.db.transaction() as session:
                    plan = await self._run_handler(session, row)
                    await self._store_plans(session, [row], {row.id: plan}, now)
            except LeaseLost:
                continue
            except PermanentJobError as exc:
                await self._fail_or_retry(row, now, report, str(exc) or "failed", permanent=True)
                continue
            except Exception as exc:
                log.warning("job failed", exc_info=True, extra={"kind": row.kind, "work": row.id})
                await self._fail_or_retry(row, now, report, f"{type(exc).__name__}: {exc}")
                continue
            report.kinds[row.kind].ran += 1
            if plan:
                planned.append(row)
        return planned

    async def _run_batch(
        self, session: AsyncSession, rows: Sequence[DueWork]
    ) -> dict[int, list[Planned]]:
        """Run every row's handler. The rows of a kind with a prepare hook run first, each kind
        together right after its hook: nothing else runs between the hook's reads and their
        use, so the handlers see what they would have read themselves. The kind's finish hook,
        if any, then writes what they queued for the group."""
        plans: dict[int, list[Planned]] = {}
        # Held in the session for the batch: its identity map keeps unchanged objects weakly.
        session.info["batch_relationships"] = await _load_relationships(session, rows)
        session.info["batch_subjects"] = await self._load_subjects(session, rows)
        try:
            for kind in sorted(kinds_of(rows)):
                hook = self.registry.prepare(kind)
                if hook is None:
                    continue
                group = [row for row in rows if row.kind == kind]
                prepared = await hook(session, group, self.clock.now())
                for row in group:
                    plans[row.id] = await self._run_handler(session, row, prepared)
                finish = self.registry.finish(kind)
                if finish is not None:
                    await finish(session, prepared)
            for row in rows:
                if row.id not in plans:
                    plans[row.id] = await self._run_handler(session, row)
        finally:
            session.info.pop("batch_relationships", None)
            session.info.pop("batch_subjects", None)
        return plans

    async def _load_subjects(self, session: AsyncSession, rows: Sequence[DueWork]) -> list[Any]:
        """Load the rows' registered subjects (a meeting, an alert...) in one query per model
        and chunk, so each handler's ``ctx.subject()`` finds its own in the session."""
        wanted: dict[type[Any], set[int]] = defaultdict(set)
        for row in rows:
            spec = self.registry.subject(row.kind)
            if spec is None:
                continue
            model, key = spec
            row_id = payload_id(row, key)
            if row_id is not None:
                wanted[model].add(row_id)
        loaded: list[Any] = []
        for model, ids in wanted.items():
            loaded.extend(await _load_by_id(session, model, ids))
        return loaded

    async def _run_handler(
        self, session: AsyncSession, row: DueWork, prepared: object | None = None
    ) -> list[Planned]:
        handler = self.registry.get(row.kind)
        assert handler is not None
        ctx = JobContext(
            work=row,
            session=session,
            clock=self.clock,
            slack=self.gateway,
            settings=self.settings,
            prepared=prepared,
        )
        await handler(ctx)
        planned_at = time.time()
        for index, message in enumerate(ctx.outbox):
            message.index, message.planned_at = index, planned_at
        return ctx.outbox

    async def _store_plans(
        self,
        session: AsyncSession,
        rows: Sequence[DueWork],
        plans: dict[int, list[Planned]],
        now: datetime,
    ) -> None:
        """Record each plan, or mark the row done if it planned nothing; only rows we still
        hold. Raises :class:`LeaseLost` (rolling the batch back) if any row was taken over."""
        owned = DueWork.claimed_by == self.worker_id
        held = 0
        for ids in id_chunks(row.id for row in rows):
            # Locks what we still hold (PostgreSQL; SQLite's BEGIN IMMEDIATE already holds
            # the database), so the writes below can't race a takeover and need no rowcount
            # each: an executemany's rowcount isn't reliable on every driver.
            found = await session.scalars(
                select(DueWork.id)
                .where(DueWork.id.in_(ids), owned, DueWork.status == Status.RUNNING)
                .with_for_update()
            )
            held += len(found.all())
        if held != len(rows):
            raise LeaseLost()
        finished = [row.id for row in rows if not plans[row.id]]
        for ids in id_chunks(finished):
            await session.execute(
                update(DueWork)
                .where(DueWork.id.in_(ids), owned)
                .values(
                    status=Status.DONE,
                    attempts=DueWork.attempts + 1,
                    outbox=[],
                    finished_at=now,
                    updated_at=now,
                    lease_until=None,
                )
                .execution_options(synchronize_session=False)
            )
        planned = {row.id: write(plans[row.id]) for row in rows if plans[row.id]}
        stored = [{"row_id": row_id, "plan": plan} for row_id, plan in planned.items()]
        if stored:
            table = cast(Table, DueWork.__table__)
            # One executemany for every planned row.
            await session.execute(
                update(table)
                .where(table.c.id == bindparam("row_id"), table.c.claimed_by == self.worker_id)
                .values(
                    outbox=bindparam("plan"),
                    attempts=table.c.attempts + 1,
                    updated_at=now,
                    lease_until=now + self.lease,
                ),
                stored,
            )
        for row in rows:
            if row.id in planned:
                row.outbox = planned[row.id]
                row.attempts += 1

    # ------------------------------------------------------------------ deliver

    async def _deliver(
        self, rows: Sequence[DueWork], now: datetime, report: SweepReport, *, suspect: bool
    ) -> None:
        if not rows:
            return
        limit = asyncio.Semaphore(self.concurrency)
        delivered: list[_Delivered] = []

        async def one(row: DueWork) -> None:
            async with limit:
                await self._deliver_row(row, now, report, suspect=suspect, delivered=delivered)

        try:
            await asyncio.gather(*(one(row) for row in rows))
        finally:
            await self._finish_delivered(delivered, now, report)

    async def _deliver_row(
        self,
        row: DueWork,
        now: datetime,
        report: SweepReport,
        *,
        suspect: bool,
        delivered: list[_Delivered],
    ) -> None:
        outbox = read(row.outbox)
        hook = self.registry.on_delivered(row.kind)
        # Every message of a replayable row can be checked for before it is sent again (or is
        # an idempotent edit), so its delivery needn't be recorded message by message: the
        # batch's one closing write records it, and a crash before that only costs lookups.
        replayable = all(m.replayable for m in outbox)
        unrecorded = False
        for message in outbox:
            if not message.pending:
                continue
            key = f"{row.dedup_key}#{message.index}"
            try:
                sent = None
                if message.users and not message.channel:
                    message.channel = await self.gateway.open_conversation(
                        row.team_id, message.users
                    )
                if isinstance(message, Upload):
                    sent = await self._upload(row, message, outbox, now, suspect=suspect)
                elif isinstance(message, Update):
                    sent = await self.gateway.update(
                        row.team_id,
                        message.channel,
                        message.ts,
                        text=message.text,
                        blocks=message.blocks,
                    )
                elif suspect and message.can_look_up:
                    sent = await self._look_up(row, message, key)
                if sent is None:
                    sent = await self.gateway.post(
                        row.team_id,
                        message.channel,
                        text=message.text,
                        blocks=message.blocks or None,
                        thread_ts=message.thread_ts if isinstance(message, Post) else None,
                        metadata_key=key,
                    )
                    report.kinds[row.kind].sent += 1
            except LeaseLost:
                return
            except DeliveryError as exc:
                if isinstance(exc, TransientDelivery) and not await self._keep(
                    row, outbox, now, unrecorded
                ):
                    return
                if isinstance(exc, TransientDelivery) and exc.code in RATE_LIMITED:
                    wait = 1.0 if exc.retry_after is None else exc.retry_after
                    await self._wait_for_rate_limit(row, now, report, wait)
                    return
                if isinstance(exc, TransientDelivery):
                    await self._fail_or_retry(
                        row, now, report, exc.code, retry_after=exc.retry_after
                    )
                    return
                message.error = exc.code
                if exc.code in UNREACHABLE_TEAM_ERRORS:
                    # The rest of this row's messages can't go either: don't try each one.
                    for rest in outbox:
                        if rest.pending:
                            rest.error = exc.code
                await self._record(row, outbox, now)
                await self._after_permanent(row, message, exc, now)
                continue
            except Exception as exc:  # programming error: treat as transient, keep the plan
                err = classify(exc)
                log.warning("delivery failed", exc_info=True, extra={"kind": row.kind})
                if await self._keep(row, outbox, now, unrecorded):
                    await self._fail_or_retry(
                        row, now, report, err.code, retry_after=err.retry_after
                    )
                return
            message.took(channel=sent.channel, ts=sent.ts)
            if replayable:
                unrecorded = True
                continue
            if hook is None and not any(m.pending for m in outbox):
                # The last message: finishing the row (below) records it in the same write.
                # A kind with an on-delivered hook records first, so a failing hook can't
                # lose the record that the message went.
                break
            try:
                await self._record(row, outbox, now)
            except LeaseLost:
                return
        if replayable:
            delivered.append(_Delivered(row, outbox))
            return
        await self._close([_Delivered(row, outbox)], now, report)

    async def _upload(
        self,
        row: DueWork,
        message: Upload,
        outbox: list[Planned],
        now: datetime,
        *,
        suspect: bool,
    ) -> Sent:
        """Share a planned file. Its upload is reserved first and the file's id recorded
        before it is shared, so that after a lost answer (a 5xx, a dropped connection, a
        timeout, a crash) a checkable conversation can be searched for that very file; only
        if it isn't there is the file uploaded and shared again. Raises :class:`LeaseLost` if
        the row is no longer ours."""
        if suspect and message.file_id and message.can_look_up:
            found = await self._look_up(row, message, file_id=message.file_id)
            if found is not None:
                return found
        message.file_id = await self.gateway.reserve_upload(
            row.team_id, filename=message.filename, content=message.content
        )
        await self._record(row, outbox, now)
        return await self.gateway.share_upload(
            row.team_id,
            message.channel,
            message.file_id,
            title=message.title,
            comment=message.text,
        )

    async def _look_up(
        self,
        row: DueWork,
        message: Planned,
        key: str | None = None,
        *,
        file_id: str | None = None,
    ) -> Sent | None:
        """The message (the post carrying ``key``, or the share of the upload ``file_id``),
        if an earlier attempt delivered it. A workspace that hasn't granted the scope to read
        that conversation (CHECK_CHANNEL_HISTORY set, the app not reinstalled) can't be
        checked: the message is sent again rather than lost."""
        since = message.planned_at - 1
        try:
            if file_id is not None:
                return await self.gateway.already_shared(
                    row.team_id, message.channel, file_id, since=since
                )
            assert key is not None
            return await self.gateway.already_delivered(
                row.team_id, message.channel, key, since=since
            )
        except PermanentDelivery as exc:
            if exc.code != "missing_scope":
                raise
            log.warning(
                "cannot look for an earlier delivery: the history scope is missing",
                extra={"kind": row.kind, "team": row.team_id},
            )
            return None

    async def _keep(
        self, row: DueWork, outbox: list[Planned], now: datetime, unrecorded: bool
    ) -> bool:
        """Before a row goes back to wait, record what this attempt delivered but hasn't
        recorded yet, so the retry needn't look it up. False if the row is no longer ours."""
        if not unrecorded:
            return True
        try:
            await self._record(row, outbox, now)
        except LeaseLost:
            return False
        return True

    async def _finish_delivered(
        self, delivered: list[_Delivered], now: datetime, report: SweepReport
    ) -> None:
        """Close the replayable rows a batch delivered, with their on-delivered hooks, in one
        transaction; if a hook fails, row by row so one bad row doesn't hold up the rest."""
        if not delivered:
            return
        try:
            await self._close(delivered, now, report)
            return
        except Exception:
            log.warning("finishing a batch's deliveries failed; row by row", exc_info=True)
        for done in delivered:
            try:
                await self._close([done], now, report)
            except Exception:
                # Left running: when its lease expires it is claimed again, each message is
                # found in its conversation, and the hook runs again.
                log.warning(
                    "finishing a delivery failed",
                    exc_info=True,
                    extra={"kind": done.row.kind, "work": done.row.id},
                )

    async def _close(
        self, delivered: Sequence[_Delivered], now: datetime, report: SweepReport
    ) -> None:
        """In one transaction, each row's on-delivered hook and then the write that closes
        them all; counted once it has committed."""
        async with self.db.transaction() as session:
            for done in delivered:
                hook = self.registry.on_delivered(done.row.kind)
                if hook is not None:
                    await hook(session, done.row, done.outbox)
            await self._finish_delivery(session, delivered, now)
        _count_failed(report, delivered)

    async def _finish_delivery(
        self, session: AsyncSession, delivered: Sequence[_Delivered], now: datetime
    ) -> None:
        """Mark delivered rows done (or failed, naming the messages' errors), recording their
        outboxes; one executemany, each row still guarded by our claim."""
        table = cast(Table, DueWork.__table__)
        values = []
        for done in delivered:
            errors = [m.error for m in done.outbox if m.error]
            values.append(
                {
                    "row_id": done.row.id,
                    "status": Status.FAILED if errors else Status.DONE,
                    "reason": ", ".join(errors) or None,
                    "outbox": write(done.outbox),
                }
            )
        await session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"), table.c.claimed_by == self.worker_id)
            .values(
                status=bindparam("status"),
                last_error=bindparam("reason"),
                outbox=bindparam("outbox"),
                finished_at=now,
                updated_at=now,
                lease_until=None,
            ),
            values,
        )

    async def _record(self, row: DueWork, outbox: list[Planned], now: datetime) -> None:
        async with self.db.transaction() as session:
            result = await session.execute(
                update(DueWork)
                .where(DueWork.id == row.id, DueWork.claimed_by == self.worker_id)
                .values(outbox=write(outbox), updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise LeaseLost()

    async def _after_permanent(
        self, row: DueWork, message: Planned, exc: DeliveryError, now: datetime
    ) -> None:
        if exc.code == "not_in_channel" and row.program_id is not None:
            from scheduling.api import schedule

            channel = message.channel
            async with self.db.transaction() as session:
                await schedule(
                    session=session,
                    now=now,
                    kind=NOT_IN_CHANNEL_KIND,
                    key=f"not-in-channel:program:{row.program_id}:{channel}",
                    team_id=row.team_id,
                    program_id=row.program_id,
                    due_at=now,
                    delivery=Delivery.IMMEDIATE,
                    payload={"channel": channel},
                )
        if exc.code in DEACTIVATED_ERRORS:
            log.info("recipient deactivated", extra={"kind": row.kind, "work": row.id})
        if exc.code in UNREACHABLE_TEAM_ERRORS:
            # The workspace is gone (the uninstall event may have been missed, or raced this
            # sweep): stop its other work too, so recurring chains don't fail every week.
            async with self.db.transaction() as session:
                cancelled = await cancel_where(session=session, now=now, team_id=row.team_id)
            log.info(
                "workspace unreachable: its pending work is cancelled",
                extra={"team": row.team_id, "error": exc.code, "cancelled": cancelled},
            )

    # ------------------------------------------------------------------ outcomes

    def backoff(self, attempts: int, retry_after: float | None) -> timedelta:
        """Exponential backoff with jitter, never sooner than Slack's Retry-After."""
        ceiling = min(
            self.backoff_cap.total_seconds(),
            self.backoff_base.total_seconds() * 2 ** max(attempts - 1, 0),
        )
        delay = self.rng.uniform(ceiling / 2, ceiling)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return timedelta(seconds=delay)

    async def _fail_or_retry(
        self,
        row: DueWork,
        now: datetime,
        report: SweepReport,
        reason: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
    ) -> None:
        async with self.db.transaction() as session:
            current = await session.scalar(
                select(DueWork.attempts).where(
                    DueWork.id == row.id, DueWork.claimed_by == self.worker_id
                )
            )
            if current is None:
                return  # someone else owns it now
            attempts = int(current) + 1
            if permanent or attempts >= self.max_attempts:
                await self._finish(
                    session,
                    row,
                    now,
                    Status.FAILED,
                    reason if permanent else f"gave up: {reason}",
                    attempts=attempts,
                )
                report.kinds[row.kind].failed += 1
                return
            await session.execute(
                update(DueWork)
                .where(DueWork.id == row.id, DueWork.claimed_by == self.worker_id)
                .values(
                    status=Status.PENDING,
                    attempts=attempts,
                    last_error=reason,
                    not_before=now + self.backoff(attempts, retry_after),
                    claimed_by=None,
                    lease_until=None,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            report.kinds[row.kind].retried += 1

    async def _wait_for_rate_limit(
        self, row: DueWork, now: datetime, report: SweepReport, retry_after: float
    ) -> None:
        """Slack (or our own pacing) asked us to slow down: come back after ``Retry-After``.
        This is not a failure, so it does not use up the row's attempts."""
        delay = timedelta(seconds=retry_after + self.rng.uniform(0, 1))
        async with self.db.transaction() as session:
            await session.execute(
                update(DueWork)
                .where(DueWork.id == row.id, DueWork.claimed_by == self.worker_id)
                .values(
                    status=Status.PENDING,
                    not_before=now + delay,
                    claimed_by=None,
                    lease_until=None,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
        report.kinds[row.kind].retried += 1

    async def _finish(
        self,
        session: AsyncSession,
        row: DueWork,
        now: datetime,
        status: Status,
        reason: str | None,
        *,
        attempts: int | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "status": status,
            "last_error": reason,
            "finished_at": now,
            "updated_at": now,
            "lease_until": None,
        }
        if attempts is not None:
            values["attempts"] = attempts
        await session.execute(
            update(DueWork)
            .where(DueWork.id == row.id, DueWork.claimed_by == self.worker_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


async def backlog(db: Database, now: datetime) -> int:
    """Rows due and waiting (the partial index keeps this cheap)."""
    async with db.transaction() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(DueWork)
            .where(DueWork.status == Status.PENDING, DueWork.not_before <= now)
        )
    return int(count or 0)


async def _load_relationships(session: AsyncSession, rows: Sequence[DueWork]) -> list[Relationship]:
    """Load the relationships a batch's rows are about into the session in one query per
    chunk (with their programs and people), so each handler's ``ctx.relationship()`` finds
    its own without a query of its own."""
    ids = (r.relationship_id for r in rows if r.relationship_id is not None)
    return await _load_by_id(session, Relationship, ids)


async def _load_by_id(session: AsyncSession, model: type[Any], ids: Iterable[int]) -> list[Any]:
    """The ``model`` rows with these ids, one query per chunk of ids."""
    loaded: list[Any] = []
    for chunk in id_chunks(ids):
        found = await session.scalars(select(model).where(model.id.in_(chunk)))
        loaded.extend(found.all())
    return loaded


@dataclass(frozen=True)
class _Delivered:
    """A row whose planned messages are all resolved (sent, or failed for good)."""

    row: DueWork
    outbox: list[Planned]


def _count_failed(report: SweepReport, delivered: Iterable[_Delivered]) -> None:
    for done in delivered:
        if any(m.error for m in done.outbox):
            report.kinds[done.row.kind].failed += 1


def kinds_of(rows: Iterable[DueWork]) -> set[str]:
    return {r.kind for r in rows}
