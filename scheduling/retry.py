"""What happens to a row that could not finish: back off and retry, wait out a rate limit, or
give up.

* A transient failure (a handler's exception, a network error, a Slack 5xx...) puts the row
  back to pending with exponential backoff (10 s doubling, capped at an hour, with jitter,
  never sooner than Slack's ``Retry-After``), counted as ``retried``; after ``max_attempts``
  it fails with its last error.
* A rate limit (Slack's 429, or our own pacing) is not a failure: the row waits for
  ``Retry-After`` plus up to a second of jitter, without using up an attempt.
* A permanent failure fails the row with its reason.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from infra.db import Database
from scheduling.gateway import TransientDelivery
from scheduling.lease import Lease, closed, released
from scheduling.report import SweepReport
from storage.due_work import DueWork, Status

# Slowing down is not failing: these wait for Retry-After without using up attempts.
RATE_LIMITED = frozenset({"ratelimited", "paced"})


@dataclass
class Retry:
    db: Database
    lease: Lease
    max_attempts: int = 8
    backoff_base: timedelta = timedelta(seconds=10)
    backoff_cap: timedelta = timedelta(hours=1)
    rng: random.Random = field(default_factory=random.Random)

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

    async def after_transient(
        self, row: DueWork, now: datetime, report: SweepReport, error: TransientDelivery
    ) -> None:
        """Slack (or the network) failed for now: wait out a rate limit, else back off."""
        if error.code in RATE_LIMITED:
            wait = 1.0 if error.retry_after is None else error.retry_after
            await self.wait_for_rate_limit(row, now, report, wait)
        else:
            await self.fail_or_retry(row, now, report, error.code, retry_after=error.retry_after)

    async def fail_or_retry(
        self,
        row: DueWork,
        now: datetime,
        report: SweepReport,
        reason: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
    ) -> None:
        """Count an attempt: fail the row if it was its last (or ``permanent``), else put it
        back with backoff. Nothing if another worker holds the row now."""
        async with self.db.transaction() as session:
            current = await self.lease.attempts(session, row.id)
            if current is None:
                return  # someone else owns it now
            attempts = current + 1
            if permanent or attempts >= self.max_attempts:
                await self.lease.write(
                    session,
                    row.id,
                    **closed(now, Status.FAILED),
                    last_error=reason if permanent else f"gave up: {reason}",
                    attempts=attempts,
                )
                report.kinds[row.kind].failed += 1
                return
            await self.lease.write(
                session,
                row.id,
                **released(now, now + self.backoff(attempts, retry_after)),
                attempts=attempts,
                last_error=reason,
            )
            report.kinds[row.kind].retried += 1

    async def wait_for_rate_limit(
        self, row: DueWork, now: datetime, report: SweepReport, retry_after: float
    ) -> None:
        """Slack (or our own pacing) asked us to slow down: come back after ``Retry-After``.
        This is not a failure, so it does not use up the row's attempts."""
        delay = timedelta(seconds=retry_after + self.rng.uniform(0, 1))
        async with self.db.transaction() as session:
            await self.lease.write(session, row.id, **released(now, now + delay))
        report.kinds[row.kind].retried += 1
