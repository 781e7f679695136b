"""`mentorbot audit export`: a workspace's audit trail as CSV, to standard output or a file."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

from bot.audit import service as audit
from bot.audit.service import AuditAction, Subject
from infra.clock import ManualClock
from infra.db import Database
from tests.process.test_cli import base_env, mentorbot
from tests.service.helpers import person


async def test_audit_export_writes_the_workspaces_entries_as_csv(
    database_url: str, db: Database, clock: ManualClock, tmp_path: Path
) -> None:
    async with db.transaction() as s:
        ada = await person(s, clock, "UADA", admin=True)
        other = await person(s, clock, "UOTHER", team_id="T0002", admin=True)
        await audit.record(
            session=s,
            clock=clock,
            actor=ada,
            action=AuditAction.REPORT_EXPORT,
            subject=Subject.program(7),
            program_id=7,
            details={"rows": 12},
        )
        await audit.record(
            session=s,
            now=clock.now() + timedelta(minutes=5),
            actor=ada,
            action=AuditAction.ADMIN_ERASURE,
            subject=Subject.person("UMIA"),
        )
        await audit.record(
            session=s,
            clock=clock,
            actor=other,
            action=AuditAction.DASHBOARD_SIGN_IN,
            subject=Subject.workspace("T0002"),
        )
    env = base_env(DATABASE_URL=database_url)
    result = mentorbot("audit", "export", "--team", "T0001", env=env)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["action"], r["subject_kind"], r["subject_id"]) for r in rows] == [
        ("admin_erasure", "person", "UMIA"),  # newest first
        ("report_export", "program", "7"),
    ]
    assert rows[1]["at_utc"] == "2026-03-02T09:00:00+00:00"
    assert (rows[1]["actor_slack_id"], rows[1]["team_id"]) == ("UADA", "T0001")
    assert json.loads(rows[1]["details"]) == {"rows": 12}

    out = tmp_path / "trail.csv"
    written = mentorbot("audit", "export", "--team", "T0002", "--out", str(out), env=env)
    assert written.returncode == 0, written.stderr
    assert written.stdout == "" and "Wrote 1 entry" in written.stderr
    [row] = list(csv.DictReader(io.StringIO(out.read_text())))
    assert (row["action"], row["actor_slack_id"]) == ("dashboard_sign_in", "UOTHER")
