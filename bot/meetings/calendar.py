"""Calendar files for meetings (RFC 5545), and the signed links that serve them.

A link names a meeting and carries an HMAC of it, keyed with the app's own secret, so nobody
can fetch another pair's meeting by changing the id. The file holds only the time, the pair's
names and the place: never the agenda.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from storage.enums import MeetingStatus
from storage.models import Meeting

PRODID = "-//Mentorbot//Meetings//EN"


def token(secret: str, team_id: str, meeting_id: int) -> str:
    message = f"meeting:{team_id}:{meeting_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def verify(secret: str, team_id: str, meeting_id: int, given: str) -> bool:
    return hmac.compare_digest(token(secret, team_id, meeting_id), given)


def link(base_url: str, secret: str, meeting: Meeting) -> str:
    sig = token(secret, meeting.team_id, meeting.id)
    return f"{base_url.rstrip('/')}/meetings/{meeting.team_id}/{meeting.id}.ics?sig={sig}"


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def calendar(meeting: Meeting, *, summary: str, now: datetime) -> str:
    cancelled = meeting.status is MeetingStatus.CANCELLED
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.id}-{meeting.team_id}@mentorbot",
        f"SEQUENCE:{meeting.sequence}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(meeting.starts_at)}",
        f"DTEND:{_stamp(meeting.ends_at)}",
        f"SUMMARY:{_text(summary)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
    ]
    if meeting.place:
        lines.append(f"LOCATION:{_text(meeting.place)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
