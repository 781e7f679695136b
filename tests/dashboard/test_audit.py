"""The dashboard's report download is recorded in the audit trail, like the Slack export;
a refused download records nothing."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from fakeslack import FakeSlack
from infra.deps import Deps
from storage.enums import AuditAction, AuditSubject
from storage.models import AuditEntry
from tests.conftest import TEAM
from tests.dashboard.browser import sign_in
from tests.dashboard.world import World


async def test_the_report_download_is_recorded_once_and_a_refusal_not_at_all(
    web: httpx.AsyncClient, fake: FakeSlack, deps: Deps, world: World
) -> None:
    async with deps.db.transaction() as s:
        before = len((await s.scalars(select(AuditEntry))).all())
    await sign_in(web, fake, TEAM, world.manager)
    assert (await web.get(f"/dashboard/programs/{world.program.id}/report.csv")).status_code == 200
    refused = await web.get(f"/dashboard/programs/{world.other.id}/report.csv")
    assert refused.status_code == 403
    async with deps.db.transaction() as s:
        entries = list((await s.scalars(select(AuditEntry).order_by(AuditEntry.id))).all())
    [entry] = entries[before:]
    assert (entry.actor_slack_id, entry.action) == (world.manager, AuditAction.REPORT_EXPORT)
    assert (entry.subject_kind, entry.subject_id) == (AuditSubject.PROGRAM, str(world.program.id))
    assert entry.details == {"rows": 2, "via": "dashboard"}
