"""`/mentor audit`: the workspace's audit trail, newest first, in the viewer's time zone."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import Block

from bot import blocks as ui
from infra.text import escape, mention
from infra.windows import zone
from storage.enums import AuditAction, AuditSubject
from storage.models import AuditEntry

DONE: dict[AuditAction, str] = {
    AuditAction.REPORT_EXPORT: "exported the relationships report",
    AuditAction.MATCH_CSV: "downloaded the proposed matches",
    AuditAction.MATCH_APPROVED: "approved matches",
    AuditAction.ALERT_ACKNOWLEDGED: "acknowledged an alert",
    AuditAction.ALERT_SNOOZED: "snoozed an alert",
    AuditAction.ALERT_SPOKEN: "noted they spoke with a pair about an alert",
    AuditAction.PROGRAM_CREATED: "created a program",
    AuditAction.PROGRAM_EDITED: "edited a program",
    AuditAction.PROGRAM_MANAGERS_CHANGED: "changed a program's managers",
    AuditAction.ADMIN_ERASURE: "erased someone's data",
    AuditAction.DASHBOARD_SIGN_IN: "signed in to the dashboard",
    AuditAction.MY_DATA_EXPORT: "exported their own data",
}
_SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,}")
SECTION_CHARS = 2800  # under Block Kit's 3,000 per section


def _who(slack_id: str) -> str:
    return mention(slack_id) if _SLACK_USER.fullmatch(slack_id) else escape(slack_id)


def _subject(entry: AuditEntry, programs: Mapping[int, str]) -> str:
    kind, ident = entry.subject_kind, entry.subject_id
    if kind is AuditSubject.PERSON:
        return _who(ident)
    if kind is AuditSubject.PROGRAM and ident.isdigit() and int(ident) in programs:
        return f"*{escape(programs[int(ident)])}*"
    if kind is AuditSubject.WORKSPACE:
        return "the workspace"
    return f"{kind.value.replace('_', ' ')} {escape(ident)}"


def _details(details: Mapping[str, Any]) -> str:
    shown = []
    for key, value in details.items():
        values = value if isinstance(value, list) else [value]
        shown.append(f"{key.replace('_', ' ')}: {', '.join(str(v) for v in values)}")
    return escape("; ".join(shown))


def line(entry: AuditEntry, *, tz: str, programs: Mapping[int, str]) -> str:
    """One entry: when (in ``tz``), who, what, to what, where, with its details."""
    local = entry.at.astimezone(zone(tz))
    when = f"{local.strftime('%a %d %b %Y %H:%M')} {local.tzname() or ''}".strip()
    text = f"*{when}* · {_who(entry.actor_slack_id)} {DONE.get(entry.action, entry.action.value)}"
    text += f" · {_subject(entry, programs)}"
    in_program = entry.program_id in programs and not (
        entry.subject_kind is AuditSubject.PROGRAM and entry.subject_id == str(entry.program_id)
    )
    if entry.program_id is not None and in_program:
        text += f" in *{escape(programs[entry.program_id])}*"
    if entry.details:
        text += f" ({_details(entry.details)})"
    return text


def audit_trail(
    entries: Sequence[AuditEntry], *, tz: str, programs: Mapping[int, str]
) -> list[Block]:
    """The entries, newest first, packed into sections under Block Kit's limits."""
    blocks: list[Block] = [ui.header("Audit trail")]
    if not entries:
        blocks.append(ui.section("Nothing has been recorded in this workspace yet."))
        return blocks
    blocks.append(
        ui.context(
            f"The last {len(entries)} actions on other people's data, newest first, "
            f"times in {escape(tz)}. `mentorbot audit export` writes them all as CSV."
        )
    )
    chunk: list[str] = []
    size = 0
    for entry in entries:
        text = line(entry, tz=tz, programs=programs)
        if chunk and size + len(text) + 1 > SECTION_CHARS:
            blocks.append(ui.section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(text)
        size += len(text) + 1
    if chunk:
        blocks.append(ui.section("\n".join(chunk)))
    return blocks
