"""The program's chart: over its last weeks, meetings held against expected, the share of
meetings with a mentee agenda and with captured actions, and the pairs at risk; with alt text
that says the numbers, and a short text instead when there is too little history to draw.

Drawn by matplotlib's Agg renderer on a :class:`~matplotlib.figure.Figure` of its own (no
pyplot and its global figures), for Slack's preview (about 480 px wide: three stacked panels,
large type, few ticks) and for the web dashboard (SVG, text kept as text). Okabe-Ito colours,
which colour-blind readers tell apart, each series with its own marker or line style too.
The same insights give the same bytes: no date, no random ids.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Literal

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.insights.model import ProgramInsights, WeekPoint

# The size a 480 px wide preview shows, drawn at twice the resolution (crisp on any screen).
WIDTH_IN, HEIGHT_IN, DPI = 4.8, 5.4, 200
WIDTH_PX, HEIGHT_PX = round(WIDTH_IN * DPI), round(HEIGHT_IN * DPI)

# Said where the chart is asked for (`/mentor digest`): the sweep draws it and shares it.
ON_ITS_WAY = (
    "The chart of the last 12 weeks is on its way to your DMs with me (for a program with "
    "under two weeks of history, a note saying why there is none yet)."
)

# Okabe & Ito (2008), "Color Universal Design".
BLUE, ORANGE, GREEN, VERMILLION, PURPLE = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7"
GREY = "#555555"

_STYLE: dict[Any, Any] = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 9,
    "legend.frameon": False,
    # Deterministic SVG: fixed ids instead of random ones, text kept as text (searchable,
    # selectable, and smaller than paths).
    "svg.hashsalt": "mentorbot-insights",
    "svg.fonttype": "none",
    "path.simplify": True,
}
# matplotlib's settings and font cache are process-wide: one chart is drawn at a time.
_DRAWING = threading.Lock()


def render_chart(insights: ProgramInsights, *, fmt: Literal["png", "svg"] = "png") -> bytes:
    """The chart of ``insights.weeks`` as PNG (``WIDTH_PX`` × ``HEIGHT_PX``) or SVG bytes.
    Callers show :func:`not_enough_history` instead when ``insights.enough_history`` is
    False."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"no chart as {fmt!r}: png or svg")
    with _DRAWING, matplotlib.rc_context(_STYLE):
        figure = _draw(insights)
        out = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        figure.savefig(out, format=fmt, dpi=DPI, metadata=metadata)
    return out.getvalue()


def _draw(insights: ProgramInsights) -> Figure:
    weeks = insights.weeks
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    # Fixed margins: a layout engine would measure every text several times over.
    meetings, shares, risk = figure.subplots(
        3,
        1,
        sharex=True,
        gridspec_kw={
            "height_ratios": [3, 3, 2],
            "left": 0.12,
            "right": 0.93,  # room for the last date, centred under the last week
            "top": 0.95,
            "bottom": 0.1,
            "hspace": 0.42,
        },
    )
    x = list(range(len(weeks)))
    # Markers tell the series apart where the weeks are few; on a long span the line styles do.
    dots = 1.0 if len(weeks) <= 16 else 0.0

    meetings.set_title("Meetings held vs expected")
    meetings.bar(x, [w.meetings_held for w in weeks], color=BLUE, label="Held", width=0.7)
    meetings.plot(
        x,
        [w.meetings_expected for w in weeks],
        color=ORANGE,
        linestyle="--",
        linewidth=2.2,
        marker="o",
        markersize=4 * dots,
        label="Expected",
    )
    tallest = max([1.0, *(w.meetings_held for w in weeks), *(w.meetings_expected for w in weeks)])
    meetings.set_ylim(0, tallest * 1.4)  # room for the legend above the bars
    meetings.yaxis.get_major_locator().set_params(nbins=4, integer=True)
    meetings.legend(loc="upper left", ncols=2)

    shares.set_title("Share of meetings held")
    for values, colour, style, marker, label in (
        ([w.agenda_share for w in weeks], VERMILLION, "-", "s", "Mentee agenda"),
        ([w.capture_share for w in weeks], GREEN, ":", "^", "Actions captured"),
    ):
        shares.plot(
            x,
            [_percent(v) for v in values],
            color=colour,
            linestyle=style,
            linewidth=2.2,
            marker=marker,
            markersize=5 * dots,
            label=label,
        )
    shares.set_ylim(-5, 140)  # room for the legend above 100%
    shares.set_yticks([0, 50, 100], ["0%", "50%", "100%"])
    shares.legend(loc="upper left", ncols=2)

    risk.set_title("Pairs at risk")
    at_risk = [w.health.at_risk if w.health is not None else math.nan for w in weeks]
    risk.bar(x, at_risk, color=PURPLE, hatch="//", edgecolor="white", width=0.7)
    risk.set_ylim(bottom=0, top=max([1, *(v for v in at_risk if not math.isnan(v))]) * 1.15)
    risk.yaxis.get_major_locator().set_params(nbins=3, integer=True)

    ticks = _ticks(len(weeks))
    risk.set_xticks(ticks, [_day(weeks[i]) for i in ticks])
    risk.set_xlabel(f"Weeks starting ({insights.timezone})", color=GREY, fontsize=9)
    for axes in (meetings, shares, risk):
        axes.grid(axis="y", color="#dddddd", linewidth=0.8)
        axes.set_axisbelow(True)
        axes.set_xlim(-0.6, len(weeks) - 0.4)
    return figure


def _ticks(n: int) -> list[int]:
    """About four ticks, the last week always among them."""
    if n <= 0:
        return []
    step = max(1, math.ceil(n / 4))
    ticks = list(range(n - 1, -1, -step))
    return sorted(ticks)


def _percent(share: float | None) -> float:
    return math.nan if share is None else 100 * share


def _day(week: WeekPoint) -> str:
    return f"{week.monday.day} {week.monday:%b}"


# --- In words -------------------------------------------------------------------------------


def alt_text(insights: ProgramInsights) -> str:
    """What the chart shows, in numbers: last week's and the whole span's."""
    weeks = insights.weeks
    if not weeks:
        return f"{insights.name}: no weeks to chart."
    last = weeks[-1]
    held = sum(w.meetings_held for w in weeks)
    expected = round(sum(w.meetings_expected for w in weeks), 1)
    span = f"the {len(weeks)} weeks from {_long(weeks[0])} to {_long(last, end=True)}"
    parts = [
        f"Chart of {insights.name} over {span}.",
        f"Meetings held: {held} of {_number(expected)} expected "
        f"(last week, from {_long(last)}: {last.meetings_held} of "
        f"{_number(last.meetings_expected)}).",
        f"Meetings with a mentee agenda: {_share(weeks, 'agenda_share')} over the weeks "
        f"({_last_share(last.agenda_share)}).",
        f"Meetings whose actions the mentee captured: {_share(weeks, 'capture_share')} "
        f"over the weeks ({_last_share(last.capture_share)}).",
        _risk_words(weeks),
    ]
    return " ".join(parts)


def caption(insights: ProgramInsights) -> str:
    """The comment a shared chart comes with."""
    return (
        f"{insights.name}: meetings held against expected, agenda and capture shares and pairs "
        f"at risk, over the last {len(insights.weeks)} weeks. Counts only, never what pairs "
        "wrote."
    )


def not_enough_history(insights: ProgramInsights) -> str:
    """What shows instead of the chart while ``insights.enough_history`` is False."""
    return (
        f"No chart for {insights.name} yet: it needs at least two weeks with meetings "
        "expected or held. It appears here once the program has them."
    )


def _share(weeks: Sequence[WeekPoint], which: str) -> str:
    held = sum(w.meetings_held for w in weeks)
    if not held:
        return "none (no meetings held)"
    part = sum(round((getattr(w, which) or 0) * w.meetings_held) for w in weeks)
    return f"{round(100 * part / held)}% ({part} of {held})"


def _last_share(share: float | None) -> str:
    return "last week: no meetings held" if share is None else f"last week: {round(100 * share)}%"


def _risk_words(weeks: Sequence[WeekPoint]) -> str:
    recorded = [w for w in weeks if w.health is not None]
    if not recorded:
        return "Pairs at risk: not recorded yet."
    first, last = recorded[0], recorded[-1]
    assert first.health is not None and last.health is not None
    if first is last:
        return f"Pairs at risk at the end of the week from {_long(last)}: {last.health.at_risk}."
    return (
        f"Pairs at risk: {last.health.at_risk} at the end of the week from {_long(last)}, "
        f"{first.health.at_risk} at the end of the week from {_long(first)}."
    )


def _long(week: WeekPoint, *, end: bool = False) -> str:
    day = week.monday + timedelta(days=6) if end else week.monday
    return f"{day.day} {day:%B %Y}"


def _number(value: float) -> str:
    return f"{value:g}"
