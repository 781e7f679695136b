"""The weekly digest, as managers see it in the digest channel (or on demand)."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot import blocks as ui
from bot.digest.service import Digest, PairLine, Period, Week
from infra.text import escape, escape_truncated, mention

ROWS = 12  # pairs shown per list; beyond that, a summary and the CSV
MESSAGE_BLOCKS_MAX = 50


def _share(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def _delta(now: float | None, before: float | None, *, percent: bool = False) -> str:
    if now is None or before is None:
        return ""
    change = now - before
    if abs(change) < 1e-9:
        return " (=)"
    shown = f"{round(change * 100):+d} pts" if percent else f"{change:+g}"
    return f" ({shown})"


def _avg(week: Week) -> float | None:
    value = week.checkin_average
    return None if value is None else round(value, 1)


def _pair(line: PairLine) -> str:
    return f"{mention(line.mentee_id)} & {mention(line.mentor_id)}"


def _list(title: str, lines: list[PairLine], *, reasons: bool = True) -> tuple[list[Block], int]:
    if not lines:
        return [], 0
    rows = [
        f"• {_pair(line)}" + (f": {escape_truncated(line.reasons, 300)}" if reasons else "")
        for line in lines[:ROWS]
    ]
    more = len(lines) - ROWS
    if more > 0:
        rows.append(f"…and {more} more in the attached CSV.")
    section: list[Block] = list(ui.long_text(f"{title} ({len(lines)})", "\n".join(rows)))
    return section, max(more, 0)


def covers(p: Period) -> str:
    """What the numbers cover, in the program's own days."""
    if p.so_far:
        return (
            f"This week so far, {p.first_day:%a %d %b} to {p.last_day:%a %d %b %Y} · changes "
            "on the same days of last week in brackets"
        )
    days = f"{p.first_day:%a %d %b} to {p.last_day:%a %d %b %Y}"
    return f"{days} · changes on the week before in brackets"


def blocks(d: Digest, *, chart_note: str | None = None) -> tuple[list[Block], bool]:
    """The digest's blocks, and whether the full lists must go along as a CSV. ``chart_note``:
    what is said instead of the chart (a program with too little history for one)."""
    t, w = d.this, d.last
    out: list[Block] = [
        ui.header(f"Weekly digest · {d.program_name}"),
        ui.context(
            f"{covers(d.period)} · counts and signals only: agendas and notes stay with the pairs"
        ),
        ui.fields_section(
            [
                ("Active pairs", str(d.active)),
                (
                    "Meetings held",
                    f"{t.held} of ~{d.expected:g} expected{_delta(t.held, w.held)}",
                ),
                (
                    "With a mentee agenda",
                    _share(t.agenda_share) + _delta(t.agenda_share, w.agenda_share, percent=True),
                ),
                (
                    "Actions captured by the mentee",
                    _share(t.capture_share)
                    + _delta(t.capture_share, w.capture_share, percent=True),
                ),
                (
                    "Actions done · overdue",
                    f"{t.actions_done}{_delta(t.actions_done, w.actions_done)} · {d.overdue}",
                ),
                (
                    "Goals achieved",
                    f"{t.goals_achieved}{_delta(t.goals_achieved, w.goals_achieved)}",
                ),
                (
                    "Average check-in",
                    ("–" if _avg(t) is None else f"{_avg(t)}/5") + _delta(_avg(t), _avg(w)),
                ),
            ]
        ),
    ]
    if chart_note:
        out.append(ui.context(f":bar_chart: {escape(chart_note)}"))
    overflow = False
    for title, lines, reasons in (
        (":red_circle: At risk", d.at_risk, True),
        (":large_yellow_circle: Needs attention", d.attention, True),
        (":hourglass: Stalled initiations", d.stalled, True),
    ):
        section, more = _list(title, lines, reasons=reasons)
        out += section
        overflow = overflow or more > 0
    if d.ending:
        rows = [f"• {_pair(p)}: ends {p.ends_at:%a %d %b}" for p in d.ending[:ROWS] if p.ends_at]
        if len(d.ending) > ROWS:
            rows.append(f"…and {len(d.ending) - ROWS} more in the attached CSV.")
            overflow = True
        out += ui.long_text(f":calendar: Ending within 30 days ({len(d.ending)})", "\n".join(rows))
    if d.waiting:
        names = ", ".join(escape(n) for n in d.waiting[:30])
        extra = f" and {len(d.waiting) - 30} more" if len(d.waiting) > 30 else ""
        out += ui.long_text(f":inbox_tray: Waiting list ({len(d.waiting)})", names + extra)
    if not (d.at_risk or d.attention or d.stalled):
        out.append(ui.section(":large_green_circle: No pair needs attention this week."))
    return ui.fit(out, MESSAGE_BLOCKS_MAX, overflow_note="More in the attached CSV."), overflow
