"""Delivering the rows' outboxes: the planned messages go to Slack, with no transaction open,
up to ``concurrency`` rows at a time, through the paced gateway.

How a row's deliveries are recorded depends on whether they could be looked up again:

* A row whose messages are all *replayable* (DMs and group DMs, which are looked for in their
  conversation before being sent again, and edits) records nothing per message, unless it has
  to wait part way (then what it sent is recorded first). When the batch has been delivered,
  one transaction runs their on-delivered hooks and closes them all, recording every outbox,
  in one executemany; if a hook fails, each row closes in its own, and a row whose hook still
  fails is left to its lease.
* Any other row (a channel post, a file) records each message as Slack takes it; the last is
  recorded by the write that closes the row, unless the kind has an on-delivered hook (then
  first, so a failing hook can't lose the record that it went).

A message that may have reached Slack (the row was interrupted: ``suspect``) is looked for
before it is sent again, where its conversation can be read. docs/scheduling.md has the
guarantees.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam

from infra.db import Database
from scheduling.api import cancel_where, schedule
from scheduling.gateway import (
    DEACTIVATED_ERRORS,
    UNREACHABLE_TEAM_ERRORS,
    PermanentDelivery,
    Sent,
    SlackGateway,
    TransientDelivery,
    classify,
)
from scheduling.kinds import Kind
from scheduling.lease import Lease, LeaseLost, closed
from scheduling.messages import Planned, Post, Update, Upload, read, write
from scheduling.registry import Registry
from scheduling.report import SweepReport
from scheduling.retry import Retry
from storage.due_work import DueWork, Status, Timing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Delivered:
    """A row whose planned messages are all resolved (sent, or failed for good)."""

    row: DueWork
    outbox: list[Planned]


@dataclass
class Deliverer:
    db: Database
    registry: Registry
    gateway: SlackGateway
    lease: Lease
    retry: Retry
    concurrency: int = 16

    async def deliver(
        self, rows: Sequence[DueWork], now: datetime, report: SweepReport, *, suspect: bool
    ) -> None:
        """Deliver the planned ``rows``, then close the replayable ones together.
        ``suspect``: they were interrupted (some messages may have reached Slack)."""
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
        """Send what is left of one row's plan, then close the row (a replayable one with its
        batch, in ``delivered``), or put it back to wait. Drops the row if it is no longer
        ours."""
        outbox = read(row.outbox)
        # Every message of a replayable row can be checked for before it is sent again (or is
        # an idempotent edit), so its delivery needn't be recorded message by message: the
        # batch's one closing write records it, and a crash before that only costs lookups.
        replayable = all(m.replayable for m in outbox)
        hooked = self.registry.on_delivered(row.kind) is not None
        unrecorded = False
        try:
            for message in outbox:
                if not message.pending:
                    continue
                try:
                    sent = await self._send(row, message, outbox, now, report, suspect=suspect)
                except PermanentDelivery as exc:
                    await self._give_up(row, message, outbox, exc, now)
                    continue
                except TransientDelivery as exc:
                    # Record what this attempt sent before the row waits, so the retry
                    # needn't look it up.
                    if unrecorded:
                        await self._record(row, outbox, now)
                    await self.retry.after_transient(row, now, report, exc)
                    return
                except LeaseLost:
                    raise
                except Exception as exc:  # a programming error: as transient, keeping the plan
                    log.warning("delivery failed", exc_info=True, extra={"kind": row.kind})
                    if unrecorded:
                        await self._record(row, outbox, now)
                    error = classify(exc)
                    await self.retry.fail_or_retry(
                        row, now, report, error.code, retry_after=error.retry_after
                    )
                    return
                message.took(channel=sent.channel, ts=sent.ts)
                if replayable:
                    unrecorded = True
                elif hooked or any(m.pending for m in outbox):
                    # The last message is recorded by the write that closes the row (below),
                    # unless the kind has an on-delivered hook: then first, so a failing hook
                    # can't lose the record that the message went.
                    await self._record(row, outbox, now)
        except LeaseLost:
            return
        if replayable:
            delivered.append(_Delivered(row, outbox))
            return
        await self._close([_Delivered(row, outbox)], now, report)

    async def _send(
        self,
        row: DueWork,
        message: Planned,
        outbox: list[Planned],
        now: datetime,
        report: SweepReport,
        *,
        suspect: bool,
    ) -> Sent:
        """Deliver one message, or find that an earlier attempt did. Its delivery key (the
        metadata a post carries) is ``<dedup_key>#<index>``."""
        if message.users and not message.channel:
            message.channel = await self.gateway.open_conversation(row.team_id, message.users)
        key = f"{row.dedup_key}#{message.index}"
        match message:
            case Upload():
                return await self._upload(row, message, outbox, now, suspect=suspect)
            case Update():
                return await self.gateway.update(
                    row.team_id,
                    message.channel,
                    message.ts,
                    text=message.text,
                    blocks=message.blocks,
                )
            case Post():
                if suspect and message.can_look_up:
                    found = await self._look_up(row, message, key)
                    if found is not None:
                        return found
                sent = await self.gateway.post(
                    row.team_id,
                    message.channel,
                    text=message.text,
                    blocks=message.blocks or None,
                    thread_ts=message.thread_ts,
                    metadata_key=key,
                )
                report.kinds[row.kind].sent += 1
                return sent
        raise TypeError(f"no way to deliver {type(message).__name__}")

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
            found = await self._look_up(row, message, message.file_id)
            if found is not None:
                return found
        message.file_id = await self.gateway.reserve_upload(
            row.team_id,
            filename=message.filename,
            content=message.content,
            alt_text=message.alt_text,
        )
        await self._record(row, outbox, now)
        return await self.gateway.share_upload(
            row.team_id,
            message.channel,
            message.file_id,
            title=message.title,
            comment=message.text,
            thread_ts=message.thread_ts(outbox),
        )

    async def _look_up(self, row: DueWork, message: Planned, key: str) -> Sent | None:
        """The message, if an earlier attempt delivered it: a post by the delivery ``key``
        it carries, a file by the share of its upload (``key`` its id). A workspace that
        hasn't granted the scope to read that conversation (CHECK_CHANNEL_HISTORY set, the
        app not reinstalled) can't be checked: the message is sent again rather than lost."""
        since = message.planned_at - 1
        try:
            if isinstance(message, Upload):
                return await self.gateway.already_shared(
                    row.team_id, message.channel, key, since=since
                )
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

    async def _give_up(
        self,
        row: DueWork,
        message: Planned,
        outbox: list[Planned],
        exc: PermanentDelivery,
        now: datetime,
    ) -> None:
        """Slack refused the message for good: mark it (and, if the workspace is out of reach,
        the rest of the row's, which can't go either), record that, and act on the error."""
        message.error = exc.code
        if exc.code in UNREACHABLE_TEAM_ERRORS:
            for rest in outbox:
                if rest.pending:
                    rest.error = exc.code
        await self._record(row, outbox, now)
        if exc.code == "not_in_channel" and row.program_id is not None:
            async with self.db.transaction() as session:
                await schedule(
                    session=session,
                    now=now,
                    kind=Kind.NOT_IN_CHANNEL,
                    key=f"not-in-channel:program:{row.program_id}:{message.channel}",
                    team_id=row.team_id,
                    program_id=row.program_id,
                    due_at=now,
                    timing=Timing.IMMEDIATE,
                    payload={"channel": message.channel},
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

    async def _record(self, row: DueWork, outbox: list[Planned], now: datetime) -> None:
        """Record the row's outbox as it stands. Raises :class:`LeaseLost` if the row is no
        longer ours."""
        async with self.db.transaction() as session:
            if not await self.lease.write(session, row.id, outbox=write(outbox), updated_at=now):
                raise LeaseLost()

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
        """In one transaction, each row's on-delivered hook and then one executemany that
        closes them all: done, or failed naming the messages' errors, each with its outbox.
        Counted once it has committed."""
        async with self.db.transaction() as session:
            for done in delivered:
                hook = self.registry.on_delivered(done.row.kind)
                if hook is not None:
                    await hook(session, done.row, done.outbox)
            await self.lease.write_each(
                session,
                [_closing(done) for done in delivered],
                **closed(now, bindparam("status")),
                last_error=bindparam("reason"),
                outbox=bindparam("outbox"),
            )
        _count_failed(report, delivered)


def _closing(done: _Delivered) -> dict[str, object]:
    errors = [m.error for m in done.outbox if m.error]
    return {
        "row_id": done.row.id,
        "status": Status.FAILED if errors else Status.DONE,
        "reason": ", ".join(errors) or None,
        "outbox": write(done.outbox),
    }


def _count_failed(report: SweepReport, delivered: Iterable[_Delivered]) -> None:
    for done in delivered:
        if any(m.error for m in done.outbox):
            report.kinds[done.row.kind].failed += 1
