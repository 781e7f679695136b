"""The dashboard in the audit trail: each sign-in, and the report download like the Slack
export; a refused download records nothing."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import httpx
from sqlalchemy import select

from fakeslack import FakeSlack
from infra.deps import Deps
from storage.enums import AuditAction, AuditSubject
from storage.models import AuditEntry
from tests.conftest import TEAM
from tests.dashboard.browser import authorize, sign_in, start
from tests.dashboard.world import World


async def test_the_report_download_is_recorded_once_and_a_refusal_not_at_all(
    web: httpx.AsyncClient, fake: FakeSlack, deps: Deps, world: World
) -> None:
    async with deps.db.transaction() as s:
        before = len((await s.scalars(select(AuditEntry))).all())
    await sign_in(web, fake, TEAM, world.manager)
    async with deps.db.transaction() as s:
        [signed_in] = (await s.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()[before:]
    assert (signed_in.actor_slack_id, signed_in.action) == (
        world.manager,
        AuditAction.DASHBOARD_SIGN_IN,
    )
    assert (signed_in.subject_kind, signed_in.subject_id) == (AuditSubject.WORKSPACE, TEAM)
    before += 1
    assert (await web.get(f"/dashboard/programs/{world.program.id}/report.csv")).status_code == 200
    refused = await web.get(f"/dashboard/programs/{world.other.id}/report.csv")
    assert refused.status_code == 403
    async with deps.db.transaction() as s:
        entries = list((await s.scalars(select(AuditEntry).order_by(AuditEntry.id))).all())
    [entry] = entries[before:]
    assert (entry.actor_slack_id, entry.action) == (world.manager, AuditAction.REPORT_EXPORT)
    assert (entry.subject_kind, entry.subject_id) == (AuditSubject.PROGRAM, str(world.program.id))
    assert entry.details == {"rows": 2, "via": "dashboard"}


async def test_a_refused_sign_in_and_a_stranger_to_mentorbot_leave_no_entry(
    web: httpx.AsyncClient, fake: FakeSlack, deps: Deps, world: World
) -> None:
    async with deps.db.transaction() as s:
        before = len((await s.scalars(select(AuditEntry))).all())
    fake.sign_in_browser(TEAM, world.manager)
    started = await start(web)
    answer = await authorize(started.authorize)
    location = urlsplit(answer.headers["location"])
    code = location.query.split("code=")[1].split("&")[0]
    forged = await web.get(f"{location.path}?{urlencode({'code': code, 'state': 'forged'})}")
    assert forged.status_code == 400
    # Someone Slack knows and Mentorbot never met signs in: nothing is kept about them.
    fake.add_user(TEAM, "UNEWCOMER", name="newcomer")
    await sign_in(web, fake, TEAM, "UNEWCOMER")
    async with deps.db.transaction() as s:
        assert len((await s.scalars(select(AuditEntry))).all()) == before
