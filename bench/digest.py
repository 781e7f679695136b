"""The weekly digest of a large program, and the cost of evaluating signals as events arrive.

It builds one program of 10,000 relationships with a year of history each (meetings every
fortnight, most with agendas and captured notes, actions, goals, check-ins and the activity
log a real program would have: about two million rows), assesses every relationship once,
then prints:

- the digest build time and its number of SQL queries (target: at most 1 s, and the same
  number of queries whatever the program's size: no N+1);
- the incremental evaluation cost per event: the time to record one event and re-assess its
  relationship, averaged over a few hundred events, with its query count.

    python -m bench.digest [--relationships 10000] [--databases sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, insert, select

from bench.common import migrated_database, postgres_reachable
from bot import activity
from bot.activity import ActivityKind
from bot.digest import service as digest
from bot.digest import views as digest_views
from bot.signals import health
from infra.db import Database
from storage.enums import (
    ActionStatus,
    ActorRole,
    Cadence,
    GoalStatus,
    MeetingStatus,
    RelationshipStatus,
)
from storage.models import (
    ActionItem,
    ActivityEvent,
    Agenda,
    CheckIn,
    Goal,
    Meeting,
    MeetingNotes,
    Program,
    Relationship,
    User,
    Workspace,
)

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
TEAM = "T0001"
TARGET_SECONDS = 1.0
CHUNK = 20_000


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    """Count the SQL statements the database receives inside the block."""
    seen: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", before)


async def _bulk(db: Database, model: Any, rows: list[dict[str, Any]]) -> None:
    async with db.transaction() as session:
        for start in range(0, len(rows), CHUNK):
            await session.execute(insert(model), rows[start : start + CHUNK])


async def build_program(db: Database, n: int, rng: random.Random) -> int:
    """A program of ``n`` relationships with a year of history; returns the program id."""
    start = NOW - timedelta(days=365)
    async with db.transaction() as session:
        session.add(Workspace(team_id=TEAM, name="Bench", created_at=start))
        await session.flush()
        program = Program(
            team_id=TEAM,
            name="Everyone",
            name_key="everyone",
            description="",
            digest_channel_id="CDIGEST",
            cadence=Cadence.FORTNIGHTLY,
            relationship_months=12,
            nudge_start_minute=540,
            nudge_end_minute=1020,
            nudge_days=31,
            timezone="Europe/London",
            skills=["Leading"],
            settings={},
            created_by="UADMIN",
            created_at=start,
            updated_at=start,
        )
        session.add(program)
        await session.flush()
        program_id = program.id
    users = [
        {
            "id": i + 1,
            "team_id": TEAM,
            "slack_user_id": f"U{i:07d}",
            "name": f"person{i}",
            "real_name": f"Person {i}",
            "tz": "Europe/London",
            "created_at": start,
        }
        for i in range(2 * n)
    ]
    await _bulk(db, User, users)
    rels, meetings, agendas, notes, actions, goals, checkins, events = ([] for _ in range(8))
    meeting_id = 0
    for r in range(n):
        rid = r + 1
        drifting = rng.random() < 0.15
        accepted = start + timedelta(days=rng.randint(0, 60))
        rels.append(
            {
                "id": rid,
                "team_id": TEAM,
                "program_id": program_id,
                "mentee_user_id": 2 * r + 1,
                "mentor_user_id": 2 * r + 2,
                "status": RelationshipStatus.CULTIVATION,
                "source": "match",
                "match_reasons": [],
                "created_at": accepted,
                "updated_at": accepted,
                "accepted_at": accepted,
                "started_at": accepted,
                "ends_at": accepted + timedelta(days=365),
                "agreement_signed_at": accepted + timedelta(days=3),
                "first_meeting_at": accepted + timedelta(days=10),
                "end_reason": "",
                "unilateral": False,
                "decline_reason": "",
            }
        )

        def log(kind: str, role: ActorRole, at: datetime, rid: int = rid) -> None:
            events.append(
                {
                    "team_id": TEAM,
                    "program_id": program_id,
                    "relationship_id": rid,
                    "actor_role": role,
                    "kind": kind,
                    "occurred_at": at,
                    "data": {},
                }
            )

        log("mentor_accepted", ActorRole.MENTOR, accepted)
        day = accepted + timedelta(days=10)
        stop = NOW - timedelta(days=rng.randint(40, 120)) if drifting else NOW
        while day < stop:
            meeting_id += 1
            booker = ActorRole.MENTOR if drifting or rng.random() < 0.1 else ActorRole.MENTEE
            meetings.append(
                {
                    "id": meeting_id,
                    "team_id": TEAM,
                    "relationship_id": rid,
                    "status": MeetingStatus.HELD,
                    "starts_at": day,
                    "minutes": 45,
                    "place": "",
                    "booked_by_role": booker,
                    "sequence": 0,
                    "created_at": day - timedelta(days=7),
                    "updated_at": day,
                }
            )
            log("meeting_booked", booker, day - timedelta(days=7))
            if rng.random() < (0.4 if drifting else 0.85):
                agendas.append(
                    {
                        "team_id": TEAM,
                        "meeting_id": meeting_id,
                        "goal": "",
                        "reality": "",
                        "options": "",
                        "way_forward": "",
                        "source": "modal",
                        "mentor_items": [],
                        "created_at": day - timedelta(days=1),
                        "updated_at": day - timedelta(days=1),
                    }
                )
                log("agenda_written", ActorRole.MENTEE, day - timedelta(days=1))
            else:
                log("no_agenda", ActorRole.SYSTEM, day)
            author = ActorRole.MENTOR if drifting and rng.random() < 0.5 else ActorRole.MENTEE
            if rng.random() < 0.75:
                notes.append(
                    {
                        "team_id": TEAM,
                        "meeting_id": meeting_id,
                        "takeaways": "",
                        "source": "modal",
                        "author_role": author,
                        "created_at": day + timedelta(hours=2),
                        "updated_at": day + timedelta(hours=2),
                        "change_request": "",
                    }
                )
                log(
                    "notes_captured" if author is ActorRole.MENTEE else "mentor_wrote_notes",
                    author,
                    day + timedelta(hours=2),
                )
                for _ in range(2):
                    due = (day + timedelta(days=rng.randint(3, 14))).date()
                    # Old actions end up done; recent ones may still be open (and overdue).
                    recent = day > NOW - timedelta(days=30)
                    done = not recent or rng.random() < (0.5 if drifting else 0.9)
                    actions.append(
                        {
                            "team_id": TEAM,
                            "relationship_id": rid,
                            "meeting_id": meeting_id,
                            "text": "",
                            "owner_role": ActorRole.MENTEE,
                            "due_on": due,
                            "status": ActionStatus.DONE if done else ActionStatus.OPEN,
                            "created_at": day,
                            "done_at": day + timedelta(days=2) if done else None,
                            "overdue_at": None if done else day + timedelta(days=15),
                        }
                    )
                    if done:
                        log("action_done", ActorRole.MENTEE, day + timedelta(days=2))
            day += timedelta(days=14 + rng.randint(-2, 4))
        if drifting:
            for k in range(3):
                log("mentor_follow_up", ActorRole.MENTOR, stop + timedelta(days=10 * (k + 1)))
        goals.append(
            {
                "team_id": TEAM,
                "relationship_id": rid,
                "what": "",
                "measure": "",
                "why": "",
                "progress": 100,
                "status": GoalStatus.ACHIEVED if rng.random() < 0.5 else GoalStatus.OPEN,
                "shout_out": False,
                "achieved_at": NOW - timedelta(days=rng.randint(0, 300)),
                "created_at": accepted,
                "updated_at": accepted,
            }
        )
        for rnd, role, user in ((1, ActorRole.MENTEE, 2 * r + 1), (1, ActorRole.MENTOR, 2 * r + 2)):
            checkins.append(
                {
                    "team_id": TEAM,
                    "relationship_id": rid,
                    "user_id": user,
                    "role": role,
                    "round": rnd,
                    "asked_at": NOW - timedelta(days=10),
                    "answered_at": NOW - timedelta(days=rng.randint(0, 9)),
                    "score": rng.randint(1, 3) if drifting else rng.randint(3, 5),
                    "note": "",
                    "share_note": False,
                }
            )
    for model, rows in (
        (Relationship, rels),
        (Meeting, meetings),
        (Agenda, agendas),
        (MeetingNotes, notes),
        (ActionItem, actions),
        (Goal, goals),
        (CheckIn, checkins),
        (ActivityEvent, events),
    ):
        await _bulk(db, model, rows)
    total = sum(map(len, (users, rels, meetings, agendas, notes, actions, goals, checkins, events)))
    print(f"  built {n:,} relationships, {total:,} rows")
    return program_id


async def run(kind: str, n: int) -> int:
    """Build, assess and measure one program; returns the digest's query count."""
    rng = random.Random(7)
    async with migrated_database(kind) as url:
        db = Database(url)
        try:
            program_id = await build_program(db, n, rng)
            t0 = time.perf_counter()
            async with db.transaction() as session:
                for rel in (await session.scalars(select(Relationship))).all():
                    await health.evaluate(session=session, now=NOW, relationship=rel)
            print(f"  assessed every relationship once in {time.perf_counter() - t0:.1f} s")

            timings, queries = [], 0
            for _ in range(3):
                with counting(db) as seen:
                    t0 = time.perf_counter()
                    async with db.transaction() as session:
                        program = await session.get(Program, program_id)
                        assert program is not None
                        week = digest.week_ending_by(NOW, program.timezone)
                        period = digest.whole_week(week, program.timezone)
                        built = await digest.build(
                            session=session, program=program, period=period, now=NOW
                        )
                    blocks, overflow = digest_views.blocks(built)
                    timings.append(time.perf_counter() - t0)
                queries = len(seen)
            best = min(timings)
            verdict = "OK" if best <= TARGET_SECONDS else "OVER TARGET"
            print(
                f"  digest build: {best * 1000:.0f} ms (best of 3), {queries} SQL queries, "
                f"{len(blocks)} blocks, CSV attached: {overflow}; at risk {len(built.at_risk)}, "
                f"needs attention {len(built.attention)} · target ≤ {TARGET_SECONDS:.0f} s "
                f"and a constant query count: {verdict}"
            )

            ids = rng.sample(range(1, n + 1), min(300, n))
            per_event, per_queries = [], []
            for rid in ids:
                with counting(db) as seen:
                    t0 = time.perf_counter()
                    async with db.transaction() as session:
                        one = await session.get(Relationship, rid)
                        assert one is not None
                        await activity.record(
                            session=session,
                            relationship=one,
                            actor=None,
                            role=ActorRole.MENTEE,
                            kind=ActivityKind.AGENDA_WRITTEN,
                            now=NOW,
                        )
                        await session.flush()
                        await health.evaluate(session=session, now=NOW, relationship=one)
                    per_event.append(time.perf_counter() - t0)
                per_queries.append(len(seen))
            median = statistics.median(per_event) * 1000
            p95 = sorted(per_event)[int(len(per_event) * 0.95)] * 1000
            print(
                f"  incremental evaluation per event: median {median:.1f} ms, p95 {p95:.1f} ms, "
                f"{statistics.median(per_queries):.0f} SQL statements "
                f"(record + assess one relationship; never a rescan of the program)"
            )
        finally:
            await db.dispose()
    return queries


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relationships", type=int, default=10_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    for kind in args.databases.split(","):
        if kind == "postgres" and not await postgres_reachable():
            print("postgres: not reachable, skipped")
            continue
        print(f"{kind}: 200 relationships (to compare the query count)")
        small = await run(kind, 200)
        print(f"{kind}: {args.relationships:,} relationships")
        large = await run(kind, args.relationships)
        same = "constant" if small == large else "GROWS WITH THE PROGRAM"
        sizes = f"200 and {args.relationships:,}"
        print(f"{kind}: digest queries at {sizes}: {small} and {large} ({same})")


if __name__ == "__main__":
    asyncio.run(main())
