"""A simulated quarter: thousands of people live through 90 days of mentoring, an hour at a time.

It seeds a fresh database with 10,000 people in four time zones (a quarter with their own
working hours), two programs and 2,500 active relationships (agreement signed, a goal set),
then moves a manual clock one hour per tick for 90 days. Each tick the people act (through the
same services the Slack handlers call) and the scheduler sweeps until nothing is due, as in
production, against the fake Slack. The people react to what Slack actually delivered: a
mentee who receives an agenda prompt writes the agenda, a capture prompt is answered with
notes and an action, a check-in is answered.

- 60% mentee-led: the mentee books every fortnight, writes agendas, captures and completes
  actions, answers check-ins (one in five mentors books one meeting: still mentee-led);
- 25% drifting, mentor chasing: the mentor books and follows up weekly, the mentee is silent;
- 15% drifting, silent: nobody does anything.

It checks, from the fake's recorded calls and the database (never from what the simulation
assumes): every expected prompt delivered exactly once, and no prompt a mentee-led pair
should never get; every nudge inside its recipient's working hours in their time zone;
every drifting pair alerted (``mentor_chasing`` or ``mentee_silent``) and no mentee-led pair;
no channel sent more in a simulated hour than Slack's one post a second allows (the app's own
per-channel pacing works in wall time, where a simulated hour lasts half a second, so the soak
lets posts through and checks the rate instead);
memory flat (RSS and Python's heap, sampled every simulated week: live allocated blocks by
default, exact tracemalloc bytes with ``--tracemalloc``, which makes the run about 7x slower
and prints the lines that allocated what grew after the warm-up);
the total and per-day time.

    python -m bench.soak [--users 10000] [--relationships 2500] [--days 90]
                         [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/soak]

With ``--database-url`` a scratch database is created on that server (and dropped after);
without it, a SQLite file in a temporary directory. Exit status 1 if any check misses.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import itertools
import random
import re
import resource
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as wall
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from bench.common import migrated_database
from bot.capture import service as capture
from bot.checkins import service as checkins
from bot.digest import service as digest
from bot.meetings import service as meetings
from bot.signals import followups
from fakeslack import FakeSlack
from fakeslack.server import Call
from infra.clock import ManualClock
from infra.config import Settings
from infra.db import Database
from infra.deps import Deps
from infra.logs import configure as configure_logging
from mentorbot.cli import fast_loop_factory
from mentorbot.jobs import build_sweeper
from mentorbot.runtime import freeze_startup_objects
from scheduling.api import schedule
from scheduling.gateway import ChannelPacer
from scheduling.kinds import Kind
from scheduling.runner import plan_housekeeping, run_sweep
from storage.due_work import Delivery, DueWork, Status
from storage.enums import ActorRole, Cadence, GoalStatus, RelationshipStatus
from storage.models import (
    ActivityEvent,
    Alert,
    CheckIn,
    Goal,
    Program,
    Relationship,
    User,
    Workspace,
)

TEAM, TOKEN = "T0001", "xoxb-T0001-soak"
# Monday 2 March 2026: the quarter crosses the US, UK and Australian clock changes.
T0 = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
ZONES = ("Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney")
PROGRAM_HOURS = (540, 1020, 0b0011111)  # 09:00-17:00, Monday to Friday
OWN_HOURS = (480, 960, 0b0001111)  # a quarter of people: 08:00-16:00, Monday to Thursday
MINUTES = 45
CHUNK = 5_000
TARGET_RUN_SECONDS = 20 * 60
SLACK_POSTS_PER_CHANNEL_HOUR = 3_600  # chat.postMessage: about one a second per channel
WARM_UP_WEEKS = 2
MEMORY_TOLERANCE = 0.10  # the last quarter's mean within 10% of the first's (after warm-up)
MEMORY_FLOOR_MB = 8.0  # …or within 8 MB, whichever is larger (small runs are noisy)

HEAP = "heap≈"
LED, CHASING, SILENT = "mentee-led", "mentor-chasing", "drifting-silent"
# A mentee-led pair never gets these: its mentee writes the agenda, captures and completes
# actions before any reminder is due.
NEVER_FOR_LED = ("agenda-reminder", "capture-reminder", "meeting-check", "action-due")


@dataclass
class Person:
    id: int
    slack_id: str
    tz: str
    hours: tuple[int, int, int]

    def is_open(self, at: datetime) -> bool:
        """Inside this person's working hours (computed here, not with the app's code)."""
        local = at.astimezone(ZoneInfo(self.tz))
        minute = local.hour * 60 + local.minute
        start, end, days = self.hours
        return bool(days & (1 << local.weekday())) and start <= minute < end


@dataclass
class Pair:
    id: int
    program_id: int
    kind: str
    mentee: Person
    mentor: Person
    accepted_at: datetime
    bookings: int = 0


@dataclass
class MeetingLog:
    pair: Pair
    starts_at: datetime


@dataclass
class Ledger:
    """What the simulated people did, and what Slack delivered (tallied from the fake)."""

    meetings: dict[int, MeetingLog] = field(default_factory=dict)
    follow_ups: list[tuple[str, datetime]] = field(default_factory=list)
    delivered: Counter[str] = field(default_factory=Counter)
    outside_hours: list[str] = field(default_factory=list)
    nudges_checked: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    failed_calls: Counter[str] = field(default_factory=Counter)
    # The most posts one channel received in one simulated hour, and which channel.
    busiest_hour: tuple[int, str] = (0, "")
    actions: int = 0
    action_pairs: dict[int, Pair] = field(default_factory=dict)


Action = Callable[[], Awaitable[None]]


class Soak:
    def __init__(self, db: Database, fake: FakeSlack, args: argparse.Namespace) -> None:
        self.db, self.fake, self.args = db, fake, args
        self.rng = random.Random(2026)
        self.clock = ManualClock(T0)
        self.end = T0 + timedelta(days=args.days)
        self.people: dict[str, Person] = {}
        self.pairs: dict[int, Pair] = {}
        self.ledger = Ledger()
        self.queue: list[tuple[datetime, int, Action]] = []
        self.seq = itertools.count()
        settings = Settings(
            slack_bot_token=TOKEN,
            slack_api_url=fake.base_url,
            database_url=str(db.engine.url.render_as_string(hide_password=False)),
            _env_file=None,  # type: ignore[call-arg]
        )
        self.deps = Deps(settings=settings, db=db, clock=self.clock)
        self.sweeper = build_sweeper(self.deps, worker_id="soak")
        # The app paces posts to 1 a second per channel in *wall* time (Slack's limit). Here
        # a simulated hour passes in about half a second, so that pacing would throttle the
        # simulation, not the app: the soak measures each channel's busiest simulated hour
        # against Slack's limit instead (see ``tally``) and lets the posts through.
        self.sweeper.gateway.pacer = ChannelPacer(burst=10**9)
        self.program_ids: list[int] = []
        self.raised_alerts: list[tuple[int, datetime | None, datetime | None]] = []
        self.spent: dict[str, float] = defaultdict(
            float
        )  # wall seconds: people's steps, sweeps, tally

    # ------------------------------------------------------------------ seeding

    async def _bulk(self, model: Any, rows: list[dict[str, Any]]) -> None:
        async with self.db.transaction() as session:
            for start in range(0, len(rows), CHUNK):
                await session.execute(insert(model), rows[start : start + CHUNK])

    async def seed(self) -> None:
        """Bulk-insert people, programs and live relationships, then plan what the app plans
        when a relationship starts (check-ins, signals) and a program's weekly digest."""
        args, rng = self.args, self.rng
        created = T0 - timedelta(days=30)
        async with self.db.transaction() as session:
            session.add(Workspace(team_id=TEAM, name="Soak", created_at=created))
            await session.flush()
            for n, tz in enumerate(("Europe/London", "America/New_York"), start=1):
                program = Program(
                    team_id=TEAM,
                    name=f"Programme {n}",
                    name_key=f"programme {n}",
                    description="",
                    digest_channel_id=f"CDIGEST{n}",
                    cadence=Cadence.FORTNIGHTLY,
                    relationship_months=6,
                    nudge_start_minute=PROGRAM_HOURS[0],
                    nudge_end_minute=PROGRAM_HOURS[1],
                    nudge_days=PROGRAM_HOURS[2],
                    timezone=tz,
                    skills=["Leading"],
                    settings={},
                    created_by="UADMIN",
                    created_at=created,
                    updated_at=created,
                )
                session.add(program)
                await session.flush()
                self.program_ids.append(program.id)
        bot_user = self.fake.workspaces[TEAM].bot_user_id
        for n in (1, 2):
            self.fake.add_channel(TEAM, f"CDIGEST{n}", f"mentoring-leads-{n}", members=[bot_user])
        users = []
        for i in range(args.users):
            slack_id = f"U{i:07d}"
            own = rng.random() < 0.25
            tz = rng.choice(ZONES)
            self.people[slack_id] = Person(i + 1, slack_id, tz, OWN_HOURS if own else PROGRAM_HOURS)
            self.fake.add_user(TEAM, slack_id, name=f"person{i}", real_name=f"Person {i}", tz=tz)
            users.append(
                {
                    "id": i + 1,
                    "team_id": TEAM,
                    "slack_user_id": slack_id,
                    "name": f"person{i}",
                    "real_name": f"Person {i}",
                    "tz": tz,
                    "created_at": created,
                    "nudge_start_minute": OWN_HOURS[0] if own else None,
                    "nudge_end_minute": OWN_HOURS[1] if own else None,
                    "nudge_days": OWN_HOURS[2] if own else None,
                }
            )
        await self._bulk(User, users)
        rels, goals, events = [], [], []
        for r in range(args.relationships):
            rid, roll = r + 1, rng.random()
            kind = LED if roll < 0.60 else CHASING if roll < 0.85 else SILENT
            mentee, mentor = self.people[f"U{2 * r:07d}"], self.people[f"U{2 * r + 1:07d}"]
            accepted = T0 - timedelta(days=rng.randint(30, 60), hours=rng.randint(0, 23))
            pair = Pair(rid, self.program_ids[r % 2], kind, mentee, mentor, accepted)
            self.pairs[rid] = pair
            channel = f"G{rid:07d}"
            self.fake.add_channel(
                TEAM,
                channel,
                f"mpdm-pair-{rid}",
                is_private=True,
                members=[bot_user, mentee.slack_id, mentor.slack_id],
            )
            rels.append(
                {
                    "id": rid,
                    "team_id": TEAM,
                    "program_id": pair.program_id,
                    "mentee_user_id": mentee.id,
                    "mentor_user_id": mentor.id,
                    "status": RelationshipStatus.CULTIVATION,
                    "conversation_id": channel,
                    "source": "match",
                    "match_reasons": [],
                    "created_at": accepted,
                    "updated_at": accepted,
                    "accepted_at": accepted,
                    "started_at": accepted,
                    "ends_at": accepted + timedelta(days=182),
                    "agreement_signed_at": accepted + timedelta(days=2),
                    "first_meeting_at": accepted + timedelta(days=6),
                    "end_reason": "",
                    "unilateral": False,
                    "decline_reason": "",
                }
            )
            goals.append(
                {
                    "team_id": TEAM,
                    "relationship_id": rid,
                    "what": "Lead a project",
                    "measure": "",
                    "why": "",
                    "progress": 10,
                    "status": GoalStatus.OPEN,
                    "shout_out": False,
                    "created_by": mentee.id,
                    "created_at": accepted + timedelta(days=3),
                    "updated_at": accepted + timedelta(days=3),
                }
            )
            # The mentee's last initiative before the quarter: recent for a mentee-led pair,
            # weeks ago for a drifting one.
            quiet = {LED: (1, 7), CHASING: (8, 20), SILENT: (30, 38)}[kind]
            last = T0 - timedelta(days=rng.randint(*quiet), hours=rng.randint(0, 23))
            for what, role, at in (
                ("mentor_accepted", ActorRole.MENTOR, accepted),
                ("agreement_signed", ActorRole.MENTEE, accepted + timedelta(days=2)),
                ("goal_set", ActorRole.MENTEE, accepted + timedelta(days=3)),
                ("follow_up_answered", ActorRole.MENTEE, max(last, accepted + timedelta(days=4))),
            ):
                events.append(
                    {
                        "team_id": TEAM,
                        "program_id": pair.program_id,
                        "relationship_id": rid,
                        "actor_role": role,
                        "kind": what,
                        "occurred_at": at,
                        "data": {},
                    }
                )
            self._plan_behaviour(pair)
        await self._bulk(Relationship, rels)
        await self._bulk(Goal, goals)
        await self._bulk(ActivityEvent, events)
        await self._plan_app_work()

    async def _plan_app_work(self) -> None:
        await plan_housekeeping(self.deps)  # as `serve` does when it starts sweeping
        async with self.db.transaction() as session:
            for program_id in self.program_ids:
                program = await session.get(Program, program_id)
                assert program is not None
                await digest.plan(session=session, now=T0, program=program)
            for rel in (await session.scalars(select(Relationship))).all():
                await checkins.plan(session=session, now=T0, relationship=rel, rnd=1)
                await schedule(
                    session=session,
                    now=T0,
                    kind=Kind.SIGNALS_EVAL,
                    key=f"signals:relationship:{rel.id}:day:{T0.date().isoformat()}",
                    team_id=TEAM,
                    program_id=rel.program_id,
                    relationship_id=rel.id,
                    due_at=T0 + timedelta(minutes=self.rng.randint(0, 23 * 60)),
                    delivery=Delivery.IMMEDIATE,
                )

    # ------------------------------------------------------------------ behaviour

    def later(self, at: datetime, action: Action) -> None:
        heapq.heappush(self.queue, (at, next(self.seq), action))

    def _plan_behaviour(self, pair: Pair) -> None:
        offset = timedelta(hours=self.rng.randint(0, 14 * 24 - 1))
        if pair.kind in (LED, CHASING):
            self.later(T0 + offset, lambda: self.book(pair))
        if pair.kind == CHASING:
            self.later(T0 + offset % timedelta(days=7), lambda: self.follow_up(pair))

    async def _act(self, what: str, step: Callable[[Any], Awaitable[object]]) -> None:
        """One person's step, in its own transaction, as a handler would run it. A refusal
        is counted (and fails the run): the simulation only does what a person could."""
        self.ledger.actions += 1
        try:
            async with self.db.transaction() as session:
                await step(session)
        except Exception as exc:  # a refusal (Conflict, InvalidInput) or a bug
            self.ledger.refused[f"{what}: {type(exc).__name__}: {exc}"] += 1

    async def _user(self, session: Any, person: Person) -> User:
        user = await session.get(User, person.id)
        assert user is not None
        return user

    def _slot(self, person: Person, after: datetime) -> datetime:
        """Two hours into the person's working day, on their first working day after."""
        local = after.astimezone(ZoneInfo(person.tz))
        start, _, days = person.hours
        day = local.date()
        while not days & (1 << day.weekday()):
            day += timedelta(days=1)
        clock = wall(*divmod(start + 120, 60))
        return datetime.combine(day, clock, ZoneInfo(person.tz)).astimezone(UTC)

    async def book(self, pair: Pair) -> None:
        now = self.clock.now()
        pair.bookings += 1
        mentor_books = pair.kind == CHASING or (
            pair.kind == LED and pair.id % 5 == 0 and pair.bookings == 3
        )
        booker = pair.mentor if mentor_books else pair.mentee
        starts = self._slot(pair.mentee, now + timedelta(days=7))

        async def step(session: Any) -> None:
            meeting = await meetings.book(
                session=session,
                clock=self.clock,
                actor=await self._user(session, booker),
                relationship_id=pair.id,
                draft=meetings.MeetingDraft(starts_at=starts, minutes=MINUTES, place="Zoom"),
            )
            await session.flush()
            self.ledger.meetings[meeting.id] = MeetingLog(pair, starts)

        await self._act("book", step)
        self.later(now + timedelta(days=14), lambda: self.book(pair))

    async def follow_up(self, pair: Pair) -> None:
        now = self.clock.now()

        async def step(session: Any) -> None:
            _, planned = await followups.follow_up(
                session=session,
                clock=self.clock,
                actor=await self._user(session, pair.mentor),
                relationship_id=pair.id,
            )
            if planned:
                self.ledger.follow_ups.append((f"follow-up:relationship:{pair.id}", now))

        await self._act("follow up", step)
        self.later(now + timedelta(days=7), lambda: self.follow_up(pair))

    async def write_agenda(self, pair: Pair, meeting_id: int) -> None:
        async def step(session: Any) -> None:
            await meetings.write_agenda(
                session=session,
                clock=self.clock,
                actor=await self._user(session, pair.mentee),
                meeting_id=meeting_id,
                grow=meetings.Grow("Plan the project", "It started", "Two ways", "Pick one"),
            )

        await self._act("agenda", step)

    async def capture(self, pair: Pair, meeting_id: int) -> None:
        now = self.clock.now()
        due = (now + timedelta(days=5)).astimezone(ZoneInfo(pair.mentee.tz)).date()
        action_ids: list[int] = []

        async def step(session: Any) -> None:
            await capture.capture(
                session=session,
                clock=self.clock,
                actor=await self._user(session, pair.mentee),
                meeting_id=meeting_id,
                draft=capture.CaptureDraft(
                    takeaways="Start small",
                    actions=(capture.ActionDraft("Draft the plan", ActorRole.MENTEE, due),),
                ),
            )
            await session.flush()
            action_ids.extend(
                a.id for a in await capture.actions_of(session=session, meeting_id=meeting_id)
            )

        await self._act("capture", step)
        for action_id in action_ids:
            self.ledger.action_pairs[action_id] = pair
            self.later(now + timedelta(days=2), self._completing(pair, action_id))

    def _completing(self, pair: Pair, action_id: int) -> Action:
        return lambda: self.complete(pair, action_id)

    async def complete(self, pair: Pair, action_id: int) -> None:
        async def step(session: Any) -> None:
            await capture.complete_action(
                session=session,
                clock=self.clock,
                actor=await self._user(session, pair.mentee),
                action_id=action_id,
            )

        await self._act("action done", step)

    async def answer_checkin(self, pair: Pair, person: Person, rnd: int) -> None:
        async def step(session: Any) -> None:
            row = await session.scalar(
                select(CheckIn.id).where(
                    CheckIn.relationship_id == pair.id,
                    CheckIn.user_id == person.id,
                    CheckIn.round == rnd,
                )
            )
            assert row is not None, "asked, but no check-in row"
            await checkins.answer(
                session=session,
                clock=self.clock,
                actor=await self._user(session, person),
                checkin_id=row,
                score=4,
                note="",
                share=False,
            )

        await self._act("check-in", step)

    # ------------------------------------------------------------------ what Slack received

    async def tally(self, now: datetime) -> None:
        """Count each delivered message by its idempotency key, check nudges against their
        recipient's working hours, let people react to their DMs, and drain the fake."""
        calls = self.fake.drain()
        keys: list[tuple[str, str]] = []
        per_channel: Counter[str] = Counter()
        for call in calls:
            if not call.ok:
                self.ledger.failed_calls[call.method] += 1
                continue
            if call.method != "chat.postMessage":
                continue
            per_channel[str(call.args.get("channel") or "")] += 1
            key = _key_of(call)
            if key is not None:
                keys.append((key, str(call.args.get("channel") or "")))
        if per_channel:
            channel, posts = per_channel.most_common(1)[0]
            self.ledger.busiest_hour = max(self.ledger.busiest_hour, (posts, channel))
        if not keys:
            return
        async with self.db.transaction() as session:
            rows = (
                await session.execute(
                    select(DueWork.dedup_key, DueWork.delivery, DueWork.recipient_id).where(
                        DueWork.dedup_key.in_({k.rsplit("#", 1)[0] for k, _ in keys})
                    )
                )
            ).all()
        nudges = {k: r for k, d, r in rows if d is Delivery.WORKING_HOURS}
        for key, channel in keys:
            self.ledger.delivered[key] += 1
            base = key.rsplit("#", 1)[0]
            if base in nudges:
                self.ledger.nudges_checked += 1
                person = self.people.get(nudges[base] or channel)
                if person is None or not person.is_open(now):
                    self.ledger.outside_hours.append(f"{key} at {now:%a %H:%M} UTC")
            self._react(base, now)

    def _react(self, key: str, now: datetime) -> None:
        if m := re.fullmatch(r"agenda-prompt:meeting:(\d+)", key):
            log = self.ledger.meetings.get(int(m[1]))
            if log is not None and log.pair.kind == LED:
                pair, meeting_id = log.pair, int(m[1])
                self.later(now + timedelta(hours=2), lambda: self.write_agenda(pair, meeting_id))
        elif m := re.fullmatch(r"capture-prompt:meeting:(\d+)", key):
            log = self.ledger.meetings.get(int(m[1]))
            if log is not None and log.pair.kind == LED:
                pair, meeting_id = log.pair, int(m[1])
                self.later(now + timedelta(hours=3), lambda: self.capture(pair, meeting_id))
        elif m := re.fullmatch(r"checkin:relationship:(\d+):(mentee|mentor):(\d+)", key):
            asked = self.pairs[int(m[1])]
            if asked.kind == LED:
                person = asked.mentee if m[2] == "mentee" else asked.mentor
                rnd = int(m[3])
                self.later(
                    now + timedelta(hours=1), lambda: self.answer_checkin(asked, person, rnd)
                )

    # ------------------------------------------------------------------ the run

    async def sweep_until_idle(self) -> None:
        for _ in range(50):
            report = await run_sweep(self.deps, self.sweeper)
            if not report.claimed:
                return
        raise AssertionError("the sweep never went idle")

    async def run(self) -> list[tuple[int, float, float]]:
        """Tick hour by hour; returns (week, RSS MB, traced MB) samples."""
        samples: list[tuple[int, float, float]] = []
        baseline: tracemalloc.Snapshot | None = None  # with --tracemalloc: after the warm-up
        ticks = self.args.days * 24
        week_started = time.perf_counter()
        for tick in range(ticks + 1):
            now = T0 + timedelta(hours=tick)
            self.clock.set(now)
            t0 = time.perf_counter()
            while self.queue and self.queue[0][0] <= now:
                _, _, action = heapq.heappop(self.queue)
                await action()
            t1 = time.perf_counter()
            await self.sweep_until_idle()
            t2 = time.perf_counter()
            await self.tally(now)
            self.spent["people"] += t1 - t0
            self.spent["sweeps"] += t2 - t1
            self.spent["tally"] += time.perf_counter() - t2
            if tick % (7 * 24) == 0:
                own = self.ledger_mb()
                samples.append((tick // (7 * 24), rss_mb() - own, traced_mb() - own))
                pace = (
                    f"{(time.perf_counter() - week_started) / 7:5.1f} s per day"
                    if tick
                    else "  start       "
                )
                week_started = time.perf_counter()
                if tracemalloc.is_tracing() and tick // (7 * 24) == WARM_UP_WEEKS:
                    baseline = tracemalloc.take_snapshot()
                print(
                    f"  week {tick // 168:>2}: {pace}, RSS {samples[-1][1]:7.1f} MB, "
                    f"{HEAP} {samples[-1][2]:6.1f} MB (less the simulation's own record, "
                    f"{own:.1f} MB), "
                    f"due_work {await self.count(DueWork):>9,}",
                    flush=True,
                )
        if baseline is not None:
            print_growth(baseline, tracemalloc.take_snapshot())
        return samples

    def ledger_mb(self) -> float:
        """The simulation's own record (every delivered key, every meeting), which grows by
        design: subtracted from the memory samples so they show the app's and the fake's."""
        ledger = self.ledger
        size = sys.getsizeof(ledger.delivered) + sum(map(sys.getsizeof, ledger.delivered))
        size += sys.getsizeof(ledger.meetings) + 120 * len(ledger.meetings)
        size += sys.getsizeof(ledger.action_pairs) + 60 * len(ledger.action_pairs)
        size += sys.getsizeof(ledger.follow_ups) + 200 * len(ledger.follow_ups)
        size += sum(map(sys.getsizeof, ledger.outside_hours))
        return size / 2**20

    async def count(self, model: Any, *where: Any) -> int:
        async with self.db.transaction() as session:
            found = await session.scalar(select(func.count()).select_from(model).where(*where))
        return int(found or 0)

    # ------------------------------------------------------------------ checks

    def expected(self) -> set[str]:
        """The prompts the simulation's own record says must have reached Slack by the end
        (leaving a few days' margin for weekends and working hours)."""
        end, out = self.end, set()
        for meeting_id, log in self.ledger.meetings.items():
            starts = log.starts_at
            if starts <= end:
                out.add(f"agenda-prompt:meeting:{meeting_id}#0")
            if starts <= end - timedelta(days=4):
                out.add(f"capture-prompt:meeting:{meeting_id}#0")
            if log.pair.kind == CHASING:
                if starts <= end:
                    out.add(f"agenda-reminder:meeting:{meeting_id}#0")
                if starts <= end - timedelta(days=5):
                    out.add(f"capture-reminder:meeting:{meeting_id}#0")
                if starts <= end - timedelta(days=8):
                    out.add(f"meeting-check:meeting:{meeting_id}:mentee#0")
                    out.add(f"meeting-check:meeting:{meeting_id}:mentor#0")
        for key, at in self.ledger.follow_ups:
            if at <= end - timedelta(days=4):
                out.add(f"{key}:{int(at.timestamp())}#0")
        for pair in self.pairs.values():
            for rnd in itertools.count(1):
                due = pair.accepted_at + timedelta(days=30 + 60 * (rnd - 1))  # the defaults
                if due > end - timedelta(days=4):
                    break
                if due >= T0:
                    out.add(f"checkin:relationship:{pair.id}:mentee:{rnd}#0")
                    out.add(f"checkin:relationship:{pair.id}:mentor:{rnd}#0")
        for program_id, tz in zip(
            self.program_ids, ("Europe/London", "America/New_York"), strict=True
        ):
            day = T0.astimezone(ZoneInfo(tz)).date()
            while day <= (end - timedelta(days=1)).date():
                at = datetime.combine(day, wall(9), ZoneInfo(tz))
                if day.weekday() == 0 and T0 < at <= end:
                    out.add(f"digest:program:{program_id}:{day.isoformat()}#0")
                day += timedelta(days=1)
        return out

    async def alerts(self) -> dict[int, set[str]]:
        async with self.db.transaction() as session:
            rows = (
                await session.execute(
                    select(
                        Alert.id,
                        Alert.relationship_id,
                        Alert.signal,
                        Alert.raised_at,
                        Alert.cleared_at,
                    ).where(Alert.raised_at.is_not(None))
                )
            ).all()
        raised: dict[int, set[str]] = {}
        self.raised_alerts = [(a, at, c) for a, _, _, at, c in rows]
        for _, rid, signal, _, _ in rows:
            raised.setdefault(rid, set()).add(signal)
        return raised


def _key_of(call: Call) -> str | None:
    metadata = call.args.get("metadata")
    if not isinstance(metadata, dict):
        return None
    key = (metadata.get("event_payload") or {}).get("key")
    return str(key) if key else None


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def traced_mb() -> float:
    """Python's heap: traced bytes with --tracemalloc, else live blocks × 64 bytes (an
    estimate from ``sys.getallocatedblocks``, free to read, that grows when objects pile up)."""
    if tracemalloc.is_tracing():
        return tracemalloc.get_traced_memory()[0] / 2**20
    return sys.getallocatedblocks() * 64 / 2**20


def print_growth(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot) -> None:
    """Where the traced memory grew since the warm-up: the lines that allocated most of what
    is still alive (to find what a "memory flat" miss is made of)."""
    print("traced memory growth since the warm-up, by the line that allocated it:")
    own = [tracemalloc.Filter(False, tracemalloc.__file__)]  # the snapshots themselves
    growth = after.filter_traces(own).compare_to(before.filter_traces(own), "lineno")
    for stat in growth[:12]:
        print(f"  {stat.size_diff / 2**20:+7.2f} MB {stat.count_diff:+9,} blocks  {stat.traceback}")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def scratch(database_url: str | None) -> AbstractAsyncContextManager[str]:
    """A fresh, migrated database: SQLite in a temporary directory, or a scratch database on
    the PostgreSQL server ``database_url`` names (dropped afterwards)."""
    return migrated_database("postgres" if database_url else "sqlite", database_url)


def memory_flat(samples: list[tuple[int, float, float]], index: int) -> tuple[bool, str]:
    """Compare the mean of the last quarter of the weekly samples with the first quarter's,
    after the warm-up weeks."""
    values = [s[index] for s in samples if s[0] >= WARM_UP_WEEKS]
    if len(values) < 2:
        return True, "too short a run to judge"
    quarter = max(1, len(values) // 4)
    first = sum(values[:quarter]) / quarter
    last = sum(values[-quarter:]) / quarter
    allowed = max(first * MEMORY_TOLERANCE, MEMORY_FLOOR_MB)
    return last - first <= allowed, (
        f"{first:.1f} MB -> {last:.1f} MB ({last - first:+.1f} MB; allowed +{allowed:.1f} MB)"
    )


async def report(soak: Soak, samples: list[tuple[int, float, float]], seconds: float) -> bool:
    ledger, checks = soak.ledger, []
    notes: list[str] = []  # figures printed but not judged on this run
    expected = soak.expected()
    missing = sorted(expected - set(ledger.delivered))
    doubled = sorted(k for k, n in ledger.delivered.items() if n > 1)
    led_extra = sorted(
        k
        for k in ledger.delivered
        if k.startswith(NEVER_FOR_LED)
        and (m := re.search(r":(?:meeting|action):(\d+)", k))
        and _pair_of(soak, k, int(m[1])) == LED
    )
    raised = await soak.alerts()
    for alert_id, raised_at, cleared in soak.raised_alerts:
        # The managers' alert goes at once; the mentee's DM in their hours, unless the
        # episode cleared first.
        due = [f"alert-post:alert:{alert_id}#0"]
        if cleared is None and raised_at is not None and raised_at <= soak.end - timedelta(days=4):
            due.append(f"accountability:alert:{alert_id}#0")
        expected.update(due)
        missing.extend(k for k in due if ledger.delivered[k] != 1)
    kinds = Counter(p.kind for p in soak.pairs.values())
    want = {CHASING: "mentor_chasing", SILENT: "mentee_silent"}
    unalerted = [
        p.id
        for p in soak.pairs.values()
        if p.kind in want and want[p.kind] not in raised.get(p.id, set())
    ]
    led_alerted = [p.id for p in soak.pairs.values() if p.kind == LED and raised.get(p.id)]
    delivered = sum(ledger.delivered.values())
    print(
        f"\n{len(soak.people):,} people, {len(soak.pairs):,} relationships "
        f"({', '.join(f'{n:,} {k}' for k, n in kinds.items())}), {soak.args.days} days; "
        f"{ledger.actions:,} steps by people, {len(ledger.meetings):,} meetings booked, "
        f"{delivered:,} messages delivered"
    )
    checks.append(
        (
            f"expected prompts delivered exactly once: {len(expected):,} expected, "
            f"{len(missing)} missing, {len(doubled)} delivered twice or more · target 0 and 0",
            not missing and not doubled,
        )
    )
    checks.append(
        (
            f"prompts a mentee-led pair should never get (reminders, 'did you meet?', action "
            f"due): {len(led_extra)} · target 0",
            not led_extra,
        )
    )
    checks.append(
        (
            f"nudges inside the recipient's working hours: "
            f"{ledger.nudges_checked - len(ledger.outside_hours):,} of "
            f"{ledger.nudges_checked:,} · target all",
            ledger.nudges_checked > 0 and not ledger.outside_hours,
        )
    )
    # Silent pairs reach risk by day 12 and chasers by day 14 (see seed): judge from day 14.
    alerting = soak.args.days >= 14
    alerted = (
        f"drifting pairs alerted: {kinds[CHASING] + kinds[SILENT] - len(unalerted):,} of "
        f"{kinds[CHASING] + kinds[SILENT]:,} (mentor_chasing for chasing pairs, mentee_silent "
        f"for silent ones) · target all"
    )
    if alerting:
        checks.append((alerted, not unalerted))
    else:
        notes.append(f"{alerted} (not judged before day 14)")
    checks.append(
        (
            f"mentee-led pairs alerted: {len(led_alerted)} of {kinds[LED]:,} · target 0",
            not led_alerted,
        )
    )
    checks.append(
        (
            f"people's steps refused: {sum(ledger.refused.values())}; failed Slack calls: "
            f"{sum(ledger.failed_calls.values())} · target 0 and 0",
            not ledger.refused and not ledger.failed_calls,
        )
    )
    posts, channel = ledger.busiest_hour
    checks.append(
        (
            f"busiest channel in any simulated hour: {posts:,} posts ({channel or '-'}) · "
            f"target ≤ {SLACK_POSTS_PER_CHANNEL_HOUR:,} (Slack's 1 a second per channel, which "
            f"the app paces in wall time)",
            posts <= SLACK_POSTS_PER_CHANNEL_HOUR,
        )
    )
    heap = "traced Python memory" if tracemalloc.is_tracing() else "Python heap (blocks × 64 B)"
    for index, name in ((1, "RSS"), (2, heap)):
        ok, text = memory_flat(samples, index)
        checks.append((f"{name} flat after week {WARM_UP_WEEKS}: {text} · target ≤ +10%", ok))
    per_day = seconds / soak.args.days
    timing = (
        f"run time {seconds / 60:.1f} min ({per_day:.1f} s per simulated day, "
        f"{seconds / (soak.args.days * 24) * 1000:.0f} ms per tick) · target "
        f"≤ {TARGET_RUN_SECONDS / 60:.0f} min for the full quarter"
    )
    full = soak.args.days >= 90 and len(soak.pairs) >= 2500
    by_kind = Counter(k.split(":", 1)[0] for k in ledger.delivered.elements())
    print("delivered: " + ", ".join(f"{kind} {n:,}" for kind, n in by_kind.most_common()))
    print("wall time: " + ", ".join(f"{k} {v:.1f} s" for k, v in soak.spent.items()))
    print(
        f"due_work rows at the end: {await soak.count(DueWork):,} "
        f"({await soak.count(DueWork, DueWork.status == Status.PENDING):,} pending)"
    )
    if full:
        checks.append((timing, seconds <= TARGET_RUN_SECONDS))
    for text, ok in checks:
        print(f"{verdict(ok)}  {text}")
    if not full:
        notes.append(f"{timing} (not judged on a smaller run)")
    for text in notes:
        print(f"INFO  {text}")
    for title, items in (
        ("missing", missing),
        ("doubled", doubled),
        ("led extra", led_extra),
        ("outside hours", ledger.outside_hours),
        ("unalerted pairs", [str(i) for i in unalerted]),
        ("led pairs alerted", [str(i) for i in led_alerted]),
        ("refused", [f"{n}× {k}" for k, n in ledger.refused.items()]),
        ("failed calls", [f"{n}× {k}" for k, n in ledger.failed_calls.items()]),
    ):
        if items:
            print(f"  {title} ({len(items)}): {', '.join(items[:8])}")
    ok = all(ok for _, ok in checks)
    print(f"result: {'all checks PASS' if ok else 'some checks MISS'}")
    return ok


def _pair_of(soak: Soak, key: str, subject: int) -> str | None:
    if ":meeting:" in key:
        log = soak.ledger.meetings.get(subject)
        return log.pair.kind if log else None
    pair = soak.ledger.action_pairs.get(subject)
    return pair.kind if pair else None


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--relationships", type=int, default=2_500)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server to use")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace Python allocations (exact, but makes the run about 7x slower)",
    )
    args = parser.parse_args(argv)
    if args.users < 2 * args.relationships:
        parser.error("need at least two people per relationship")
    configure_logging("WARNING", json_logs=False)
    if args.tracemalloc:
        tracemalloc.start(1)
    fake = FakeSlack()
    fake.add_workspace(TEAM, bot_token=TOKEN)
    await fake.start()
    try:
        async with scratch(args.database_url) as url:
            db = Database(url)
            try:
                soak = Soak(db, fake, args)
                where = "PostgreSQL" if args.database_url else "SQLite"
                print(
                    f"soak on {where}: seeding {args.users:,} people, {args.relationships:,} pairs"
                )
                seeded = time.perf_counter()
                await soak.seed()
                print(
                    f"  seeded in {time.perf_counter() - seeded:.1f} s; simulating {args.days} days"
                )
                freeze_startup_objects()  # as the servers do once started (mentorbot/runtime.py)
                started = time.perf_counter()
                samples = await soak.run()
                ok = await report(soak, samples, time.perf_counter() - started)
            finally:
                await db.dispose()
    finally:
        await fake.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    # On the event loop the servers run on (uvloop where installed: mentorbot/cli.py).
    with asyncio.Runner(loop_factory=fast_loop_factory()) as runner:
        sys.exit(runner.run(main()))
