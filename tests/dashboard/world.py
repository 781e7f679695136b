"""A workspace to look at through the dashboard: a program (its name and a mentee's name
carry markup) with a pair at risk whose alert is posted in the managers' channel, a healthy
pair, a waiting mentee, and everything a pair writes (agendas, notes, goals, check-in
comments, even one shared with managers) holding words no page or CSV may show; another
program with a manager of its own; and an admin of another workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from itertools import count

from fakeslack import FakeSlack
from infra.clock import ManualClock
from infra.deps import Deps
from scheduling.api import schedule
from scheduling.kinds import Kind
from storage.due_work import Timing
from storage.enums import ActorRole, GoalStatus, RelationshipStatus
from storage.models import Alert, CheckIn, Program
from tests.conftest import TEAM
from tests.scenario.flows import delivered
from tests.service.helpers import make_program, person
from tests.service.test_insights import NOW, SECRETS, Seeder, day

__all__ = ["NOW", "SECRETS", "World", "build_world"]

EVIL_PROGRAM = '<script>alert("p")</script> Engineering'
EVIL_MENTEE = '<script>alert("m")</script> Mia'
FOREIGN_TEAM = "T0002"
EVIDENCE = "The mentor followed up 3 times in 14 days; the mentee booked no meeting"


@dataclass(frozen=True)
class World:
    program: Program
    other: Program
    alert_id: int
    other_alert_id: int
    alert_ts: str
    mentee: str  # Slack ids of the at-risk pair's people, and the managers
    mentor: str
    manager: str = "UMANAGER"
    admin: str = "UADMIN"
    other_manager: str = "UOTHERMGR"
    foreign: str = "UFOREIGN"


async def build_world(deps: Deps, fake: FakeSlack, clock: ManualClock) -> World:
    fake.add_workspace(
        FOREIGN_TEAM,
        name="Globex",
        domain="globex",
        bot_token="xoxb-T0002-fake",
        bot_user_id="UBOT0002",
        bot_id="B0002",
    )
    fake.add_user(FOREIGN_TEAM, "UFOREIGN", name="gus", real_name="Gus Globex", is_admin=True)
    fake.add_user(TEAM, "UMANAGER", name="meg", real_name="Meg Manager", tz="Europe/London")
    fake.add_user(TEAM, "UOTHERMGR", name="sal", real_name="Sal Sales", tz="Europe/London")
    fake.add_members(TEAM, "CLEADS", fake.workspaces[TEAM].bot_user_id)
    async with deps.db.transaction() as session:
        admin = await person(session, clock, "UADMIN", admin=True)
        await person(session, clock, "UFOREIGN", team_id=FOREIGN_TEAM, admin=True)
        manager = await person(session, clock, "UMANAGER")
        program = await make_program(session, clock, admin, manager_ids=("UMANAGER",))
        program.name = EVIL_PROGRAM
        await person(session, clock, "UOTHERMGR")
        other = await make_program(
            session, clock, admin, name="Sales mentoring", manager_ids=("UOTHERMGR",)
        )
        seed = Seeder(session, clock, program)
        live = RelationshipStatus.CULTIVATION
        risky = await seed.pair(live, accepted=day(0), signed=True, met=True)
        healthy = await seed.pair(live, accepted=day(1), signed=True, met=True)
        for week in (0, 2, 4):
            await seed.meeting(risky, day(week, 1, 10), agenda=True, notes_by=ActorRole.MENTEE)
            await seed.meeting(healthy, day(week, 2, 10), agenda=True, notes_by=ActorRole.MENTOR)
        seed.goal(healthy, GoalStatus.ACHIEVED, day(3), None)
        seed.goal(risky, GoalStatus.OPEN, day(3), None)
        seed.checkin(healthy, healthy.mentee_user_id, day(5), 4)
        session.add(
            CheckIn(
                team_id=TEAM,
                relationship_id=risky.id,
                user_id=risky.mentor_user_id,
                role=ActorRole.MENTOR,
                round=1,
                asked_at=day(6),
                answered_at=day(6),
                score=2,
                note=f"Shared with managers: {SECRETS[3]}",
                share_note=True,
            )
        )
        seed.health(risky, "at_risk")
        seed.health(healthy, "on_track")
        await seed.waiting("UWAITING", day(9), "no mentor with SQL has a free place")
        mentee = await session.get_one(type(manager), risky.mentee_user_id)
        mentee.real_name = EVIL_MENTEE
        mentor = await session.get_one(type(manager), risky.mentor_user_id)
        alert = _alert(risky.program_id, risky.id)
        # The other program's pair at risk, with its own alert.
        other_seed = Seeder(session, clock, other)
        other_seed.ids = count(50)
        elsewhere = await other_seed.pair(live, accepted=day(0), signed=True, met=True)
        other_alert = _alert(other.id, elsewhere.id)
        session.add_all([alert, other_alert])
        await session.flush()
        for raised in (alert, other_alert):
            await schedule(
                session=session,
                now=clock.now(),
                kind=Kind.ALERT_POST,
                key=f"alert-post:alert:{raised.id}",
                team_id=TEAM,
                program_id=raised.program_id,
                relationship_id=raised.relationship_id,
                due_at=clock.now(),
                timing=Timing.IMMEDIATE,
                payload={"alert_id": raised.id},
            )
        ids = (alert.id, other_alert.id, mentee.slack_user_id, mentor.slack_user_id)
    posts = await delivered(deps, fake, "chat.postMessage", lambda c: c.ok, count=2)
    async with deps.db.transaction() as session:
        posted = await session.get_one(Alert, ids[0])
        assert posted.message_ts and posted.channel_id == "CLEADS", [c.describe() for c in posts]
        program = await session.get_one(Program, program.id)
        other = await session.get_one(Program, other.id)
        ts = posted.message_ts
    return World(program, other, ids[0], ids[1], ts, mentee=ids[2], mentor=ids[3])


def _alert(program_id: int, relationship_id: int) -> Alert:
    since = NOW - timedelta(days=14)
    return Alert(
        team_id=TEAM,
        program_id=program_id,
        relationship_id=relationship_id,
        signal="mentor_chasing",
        severity=3,
        evidence=EVIDENCE,
        since=since,
        opened_at=since,
        raised_at=NOW - timedelta(days=1),
        state="open",
    )
