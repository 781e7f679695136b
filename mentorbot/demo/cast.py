"""Who is in the demo's story, and where and when it starts."""

from __future__ import annotations

from datetime import UTC, datetime

TEAM = "T0001"
SECRET = "demo-signing-secret"
TOKEN = "xoxb-demo-token"
# Thursday 5 March 2026, 10:00 UTC.
START = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)

PEOPLE = {
    # id: (handle, name, time zone, workspace admin)
    "UADA": ("ada", "Ada (people team)", "Europe/London", True),
    "UMIA": ("mia", "Mia", "Europe/Lisbon", False),
    "UOMAR": ("omar", "Omar", "America/New_York", False),
    "UKENJI": ("kenji", "Kenji", "Asia/Tokyo", False),
    "UPRIYA": ("priya", "Priya", "Asia/Kolkata", False),
    "ULEO": ("leo", "Leo", "Pacific/Auckland", False),
}
LEADS = "CLEADS"  # #mentoring-leads, the managers' channel: digests and alerts go there
