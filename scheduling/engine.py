"""The sweep: claim what is due, hold back what is outside working hours, plan, deliver.

1. **Claim** due rows in batches, each with a lease (``scheduling/lease.py``). PostgreSQL
   claims with ``FOR UPDATE SKIP LOCKED``, so replicas sweeping together never take the same
   row; SQLite claims in one ``BEGIN IMMEDIATE`` transaction. A row whose worker died is
   claimed again once ``lease_until`` passes.
2. **Gate** nudges (``Timing.WORKING_HOURS``): outside the recipient's window, or while
   they are paused, the row goes back to pending with ``not_before`` at the next opening.
3. **Plan**: run each row's handler. The whole batch runs in one transaction (one commit for
   a thousand rows); a kind with a prepare hook reads what all its rows need first, in a few
   queries (the daily signals evaluation of every pair); if any handler raises, the batch is
   rolled back and re-run one row per transaction so the others still succeed. The plan (the
   messages to send, ``scheduling/messages.py``) is stored in the row in the same transaction
   as the handler's changes, and only while the lease is ours.
4. **Deliver** the planned messages with no database transaction open
   (``scheduling/outbox.py``); transient failures put the row back with backoff, rate limits
   make it wait, permanent failures fail it (``scheduling/retry.py``).

docs/scheduling.md explains the guarantees and the crash window.
"""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from infra.clock import Clock
from infra.config import Settings
from infra.db import Database, id_chunks
from infra.windows import next_opening
from scheduling.gateway import SlackGateway
from scheduling.hours import effective_hours
from scheduling.lease import Lease, LeaseLost, closed, default_worker_id, released
from scheduling.messages import Planned, write
from scheduling.outbox import Deliverer
from scheduling.registry import JobContext, PermanentJobError, Registry, payload_id
from scheduling.report import SweepReport
from scheduling.retry import Retry
from storage.due_work import DueWork, Status, Timing
from storage.models import Program, Relationship, User

log = logging.getLogger(__name__)

__all__ = ["SweepReport", "Sweeper", "backlog"]


class Sweeper:
    """Sweeps ``due_work`` as ``worker_id``: claims, gates and plans here; delivery, retries
    and the lease's writes are its parts (``delivery``, ``retry``, ``lease``)."""

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
        self.lease = Lease(worker_id=self.worker_id, duration=lease)
        self.retry = Retry(
            db=db,
            lease=self.lease,
            max_attempts=max_attempts,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            rng=rng or random.Random(),
        )
        self.delivery = Deliverer(
            db=db,
            registry=registry,
            gateway=gateway,
            lease=self.lease,
            retry=self.retry,
            concurrency=concurrency,
        )

    # The knobs tests and benchmarks turn, kept where they were.
    @property
    def concurrency(self) -> int:
        return self.delivery.concurrency

    @concurrency.setter
    def concurrency(self, value: int) -> None:
        self.delivery.concurrency = value

    @property
    def max_attempts(self) -> int:
        return self.retry.max_attempts

    @max_attempts.setter
    def max_attempts(self, value: int) -> None:
        self.retry.max_attempts = value

    @property
    def rng(self) -> random.Random:
        return self.retry.rng

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
        async with self.db.transaction() as session:
            return await self.lease.claim(session, now, self.batch_size)

    async def process(self, rows: Sequence[DueWork], now: datetime, report: SweepReport) -> None:
        # A row claimed with a plan already stored was interrupted mid-delivery (a crash, an
        # expired lease, or a transient failure): some of its messages may have reached Slack.
        resumed = [r for r in rows if r.outbox is not None]
        fresh = [r for r in rows if r.outbox is None]
        runnable = await self._gate(fresh, now, report)
        planned = await self._plan(runnable, now, report)
        await self.delivery.deliver(resumed, now, report, suspect=True)
        await self.delivery.deliver(planned, now, report, suspect=False)

    # ------------------------------------------------------------------ gate

    async def _gate(
        self, rows: Sequence[DueWork], now: datetime, report: SweepReport
    ) -> list[DueWork]:
        nudges = [r for r in rows if r.timing is Timing.WORKING_HOURS and r.recipient_id]
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
                # One executemany for every deferred row, each still guarded by our lease.
                await self.lease.write_each(
                    session, deferrals, **released(now, bindparam("opening"))
                )
                for row, reason in failures:
                    await self.lease.write(
                        session, row.id, **closed(now, Status.FAILED), last_error=reason
                    )
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
                await self.retry.fail_or_retry(
                    row, now, report, str(exc) or "failed", permanent=True
                )
                continue
            except Exception as exc:
                log.warning("job failed", exc_info=True, extra={"kind": row.kind, "work": row.id})
                await self.retry.fail_or_retry(row, now, report, f"{type(exc).__name__}: {exc}")
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
        # Lock what we still hold, so the writes below can't race a takeover and need no
        # rowcount each: an executemany's rowcount isn't reliable on every driver.
        if await self.lease.hold(session, (row.id for row in rows)) != len(rows):
            raise LeaseLost()
        await self.lease.write_all(
            session,
            (row.id for row in rows if not plans[row.id]),
            **closed(now, Status.DONE),
            attempts=DueWork.attempts + 1,
            outbox=[],
        )
        planned = {row.id: write(plans[row.id]) for row in rows if plans[row.id]}
        # One executemany for every planned row.
        await self.lease.write_each(
            session,
            [{"row_id": row_id, "plan": plan} for row_id, plan in planned.items()],
            outbox=bindparam("plan"),
            attempts=DueWork.attempts + 1,
            updated_at=now,
            lease_until=now + self.lease.duration,
        )
        for row in rows:
            if row.id in planned:
                row.outbox = planned[row.id]
                row.attempts += 1


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


def kinds_of(rows: Iterable[DueWork]) -> set[str]:
    return {r.kind for r in rows}
