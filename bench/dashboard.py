"""The manager's view of a large program: its insights and its chart.

It builds one program of 10,000 relationships with a year of history (``bench.digest``'s:
meetings every fortnight, agendas, notes, actions, goals, check-ins), adds each pair's health,
a mentee enrolment for each (some on the waiting list) and 52 weeks of recorded health, then
prints, beside its target and its baseline:

- ``program_insights`` over 12 weeks (the chart's) and over 52 (a year, the dashboard's
  longest view): server time and SQL queries (target: at most 300 ms on PostgreSQL, and the
  same number of queries at 200 relationships: no query per pair or per week); baseline: the
  weekly digest of the same program, built the same way;
- the chart's render, PNG and SVG (target: at most 500 ms); baseline: an empty figure of the
  same size, matplotlib's floor.

    python -m bench.dashboard [--relationships 10000] [--databases postgres,sqlite]

A module of functions (``build``, ``time_insights``, ``time_chart``, ``run``) so that the web
dashboard's page timings can be added beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sqlalchemy import select

from bench.common import migrated_database, postgres_reachable
from bench.digest import NOW, TEAM, _bulk, build_program, counting
from bot.digest import service as digest
from bot.insights import chart
from bot.insights import service as insights
from bot.insights.model import ProgramInsights
from bot.insights.weeks import WEEK, week_ending_by
from infra.db import Database
from storage.enums import DepartmentPreference, EnrolmentRole, EnrolmentStatus
from storage.models import (
    Enrolment,
    Program,
    ProgramHealthWeek,
    Relationship,
    RelationshipHealth,
)

INSIGHTS_TARGET_MS = 300.0
CHART_TARGET_MS = 500.0
HEALTHS = ("too_early", "on_track", "needs_attention", "at_risk")
WAITING = 250  # mentees on the waiting list, beside the 10,000 matched


@dataclass(frozen=True)
class Timed:
    best_ms: float
    queries: int


async def build(db: Database, n: int, rng: random.Random) -> int:
    """``bench.digest``'s program of ``n`` relationships with a year of history, plus what
    the insights read besides: each pair's health, the mentees' enrolments (and a waiting
    list), and a recorded health for each of the last 52 weeks. Returns the program id."""
    program_id = await build_program(db, n, rng)
    async with db.transaction() as session:
        program = await session.get(Program, program_id)
        assert program is not None
        tz = program.timezone
        rels = (await session.execute(select(Relationship.id, Relationship.mentee_user_id))).all()
    weights = (0.05, 0.7, 0.15, 0.1)
    await _bulk(
        db,
        RelationshipHealth,
        [
            {
                "relationship_id": rid,
                "team_id": TEAM,
                "program_id": program_id,
                "health": rng.choices(HEALTHS, weights)[0],
                "signals": [],
                "evaluated_at": NOW,
                "changed_at": NOW,
            }
            for rid, _ in rels
        ],
    )
    joined = NOW - timedelta(days=400)
    enrolment: dict[str, Any] = {
        "team_id": TEAM,
        "program_id": program_id,
        "role": EnrolmentRole.MENTEE,
        "status": EnrolmentStatus.ACTIVE,
        "goals": "",
        "target_role": "",
        "skills_to_develop": [],
        "expertise": [],
        "capacity": 0,
        "department": "Engineering",
        "seniority": 2,
        "location": "",
        "current_role": "",
        "department_preference": DepartmentPreference.DIFFERENT,
        "joined_at": joined,
        "updated_at": joined,
        "waitlist_reason": "",
    }
    # The waiting mentees are mentors of the bench's pairs, enrolled again as mentees.
    waiting = [mentee + 1 for _, mentee in rels[:WAITING]]
    await _bulk(
        db,
        Enrolment,
        [{**enrolment, "user_id": mentee} for _, mentee in rels]
        + [
            {
                **enrolment,
                "user_id": user_id,
                "waitlisted_at": NOW - timedelta(days=rng.randint(1, 60)),
                "waitlist_reason": "no mentor with a free place offers Leading yet",
            }
            for user_id in waiting
        ],
    )
    last = week_ending_by(NOW, tz)
    await _bulk(
        db,
        ProgramHealthWeek,
        [
            {
                "program_id": program_id,
                "monday": last - WEEK * k,
                "team_id": TEAM,
                "too_early": rng.randint(0, n // 20),
                "on_track": rng.randint(n // 2, n),
                "needs_attention": rng.randint(0, n // 5),
                "at_risk": rng.randint(0, n // 10),
                "recorded_at": NOW - WEEK * k,
            }
            for k in range(52)
        ],
    )
    return program_id


async def _best(db: Database, work: Callable[[], Awaitable[object]], runs: int = 3) -> Timed:
    """The best of ``runs`` timings of ``work`` and its number of SQL statements."""
    timings, queries = [], 0
    for _ in range(runs):
        with counting(db) as seen:
            t0 = time.perf_counter()
            await work()
            timings.append(time.perf_counter() - t0)
        queries = len(seen)
    return Timed(min(timings) * 1000, queries)


async def time_insights(db: Database, program_id: int, weeks: int) -> tuple[Timed, Any]:
    """``program_insights`` over ``weeks`` weeks, in a transaction as a page would run it."""
    result: list[ProgramInsights] = []

    async def work() -> None:
        async with db.transaction() as session:
            result.append(
                await insights.program_insights(
                    session=session, program_id=program_id, now=NOW, weeks=weeks
                )
            )

    return await _best(db, work), result[-1]


async def time_digest(db: Database, program_id: int) -> Timed:
    """The baseline: the weekly digest of the same program."""

    async def work() -> None:
        async with db.transaction() as session:
            program = await session.get(Program, program_id)
            assert program is not None
            period = digest.whole_week(week_ending_by(NOW, program.timezone), program.timezone)
            await digest.build(session=session, program=program, period=period, now=NOW)

    return await _best(db, work)


def time_chart(seen: ProgramInsights, fmt: Literal["png", "svg"], runs: int = 5) -> float:
    """The chart's best render time in milliseconds (the first, which loads fonts, is
    left out)."""
    chart.render_chart(seen, fmt=fmt)
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        chart.render_chart(seen, fmt=fmt)
        timings.append(time.perf_counter() - t0)
    return min(timings) * 1000


def time_empty_figure(runs: int = 5) -> float:
    """The floor: an empty figure of the chart's size saved as PNG."""
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        figure = Figure(figsize=(chart.WIDTH_IN, chart.HEIGHT_IN), dpi=chart.DPI)
        FigureCanvasAgg(figure)
        figure.savefig(io.BytesIO(), format="png", dpi=chart.DPI)
        timings.append(time.perf_counter() - t0)
    return min(timings) * 1000


def verdict(ok: bool) -> str:
    return "OK" if ok else "OVER TARGET"


async def run(kind: str, n: int, *, charts: bool) -> dict[int, int]:
    """Build and measure one program; returns the insights' query count by weeks."""
    rng = random.Random(7)
    counts: dict[int, int] = {}
    async with migrated_database(kind) as url:
        db = Database(url)
        try:
            program_id = await build(db, n, rng)
            baseline = await time_digest(db, program_id)
            seen = None
            for weeks in (12, 52):
                timed, seen = await time_insights(db, program_id, weeks)
                counts[weeks] = timed.queries
                print(
                    f"  program_insights, {weeks} weeks: {timed.best_ms:.0f} ms (best of 3), "
                    f"{timed.queries} SQL queries · target ≤ {INSIGHTS_TARGET_MS:.0f} ms on "
                    f"PostgreSQL: {verdict(timed.best_ms <= INSIGHTS_TARGET_MS)} · baseline: "
                    f"the weekly digest {baseline.best_ms:.0f} ms, {baseline.queries} queries"
                )
            assert seen is not None
            print(
                f"    {sum(w.meetings_held for w in seen.weeks):,} meetings held in 52 weeks, "
                f"{seen.health.total:,} live pairs, {len(seen.waiting)} waiting"
            )
            if charts:
                twelve = (await time_insights(db, program_id, 12))[1]
                floor = time_empty_figure()
                for fmt in ("png", "svg"):
                    for label, data in (("12 weeks", twelve), ("52 weeks", seen)):
                        ms = time_chart(data, fmt)  # type: ignore[arg-type]
                        print(
                            f"  chart {fmt.upper()}, {label}: {ms:.0f} ms (best of 5) · target "
                            f"≤ {CHART_TARGET_MS:.0f} ms: {verdict(ms <= CHART_TARGET_MS)} · "
                            f"baseline: an empty figure {floor:.0f} ms"
                        )
        finally:
            await db.dispose()
    return counts


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relationships", type=int, default=10_000)
    parser.add_argument("--databases", default="postgres,sqlite")
    args = parser.parse_args()
    for kind in args.databases.split(","):
        if kind == "postgres" and not await postgres_reachable():
            print("postgres: not reachable, skipped")
            continue
        print(f"{kind}: 200 relationships (to compare the query count)")
        small = await run(kind, 200, charts=False)
        print(f"{kind}: {args.relationships:,} relationships")
        large = await run(kind, args.relationships, charts=kind == args.databases.split(",")[0])
        same = "constant" if small == large else "GROWS WITH THE PROGRAM"
        print(
            f"{kind}: program_insights queries at 200 and {args.relationships:,} relationships "
            f"(12 and 52 weeks): {small[12]}, {small[52]} and {large[12]}, {large[52]} ({same})"
        )


if __name__ == "__main__":
    asyncio.run(main())
