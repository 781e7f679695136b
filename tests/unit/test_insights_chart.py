"""The insights chart: a PNG of the size Slack previews well, the same bytes for the same
insights (SVG with no date or random ids), alt text that says the data's numbers, and the
short text shown instead while a program has too little history."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image

from bot.insights import chart
from bot.insights.model import Funnel, HealthCounts, ProgramInsights, WeekPoint

FIRST = date(2026, 3, 9)


def insights(n: int = 12, *, name: str = "Engineering mentoring") -> ProgramInsights:
    """Twelve weeks: 3 meetings held a week but none in week 2, 4 expected; agendas for 2 of 3,
    captures for 1 of 3; at risk recorded from week 4 on, rising from 1 to 3."""
    weeks = [
        WeekPoint(
            monday=FIRST + timedelta(weeks=i),
            meetings_held=0 if i == 2 else 3,
            meetings_expected=4.0,
            agenda_share=None if i == 2 else 2 / 3,
            capture_share=None if i == 2 else 1 / 3,
            health=HealthCounts(on_track=5, at_risk=1 + (i >= 8) + (i == n - 1))
            if i >= 4
            else None,
        )
        for i in range(n)
    ]
    return ProgramInsights(
        program_id=1,
        name=name,
        timezone="Europe/London",
        weeks=weeks,
        funnel=Funnel(10, 8, 7, 6, 6, 5, 1, 1),
        health=HealthCounts(on_track=5, at_risk=3),
        goals_achieved=4,
        average_checkin=4.2,
    )


def test_the_png_is_the_size_slack_previews_well() -> None:
    png = chart.render_chart(insights(), fmt="png")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (chart.WIDTH_PX, chart.HEIGHT_PX) == (960, 1080)
    # Not blank: the bars and lines are drawn in the palette's colours.
    colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert (0x00, 0x72, 0xB2) in colours  # the held meetings' blue
    assert (0xD5, 0x5E, 0x00) in colours  # the agenda share's vermillion


def test_the_same_insights_give_the_same_bytes() -> None:
    for fmt in ("png", "svg"):
        assert chart.render_chart(insights(), fmt=fmt) == chart.render_chart(insights(), fmt=fmt)
    svg = chart.render_chart(insights(), fmt="svg").decode()
    assert "<dc:date>" not in svg
    assert "Meetings held vs expected" in svg and "Pairs at risk" in svg  # text kept as text
    assert "25 May" in svg  # the last week is always a tick


def test_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="png or svg"):
        chart.render_chart(insights(), fmt="gif")  # type: ignore[arg-type]


def test_the_alt_text_says_the_numbers() -> None:
    said = chart.alt_text(insights())
    assert "Engineering mentoring" in said
    assert "from 9 March 2026 to 31 May 2026" in said
    assert "Meetings held: 33 of 48 expected" in said  # 11 weeks of 3, twelve of 4
    assert "last week, from 25 May 2026: 3 of 4" in said
    assert "mentee agenda: 67% (22 of 33)" in said and "(last week: 67%)" in said
    assert "captured: 33% (11 of 33)" in said and "(last week: 33%)" in said
    assert "Pairs at risk: 3 at the end of the week from 25 May 2026, 1 at the end of the " in said
    assert "week from 6 April 2026" in said


def test_alt_text_of_weeks_with_no_meetings_and_no_health_recorded() -> None:
    quiet = insights(3)
    quiet = ProgramInsights(
        **{
            **quiet.__dict__,
            "weeks": [WeekPoint(w.monday, 0, 0.5, None, None, None) for w in insights(3).weeks],
        }
    )
    said = chart.alt_text(quiet)
    assert "Meetings held: 0 of 1.5 expected" in said
    assert "none (no meetings held)" in said and "last week: no meetings held" in said
    assert "Pairs at risk: not recorded yet." in said


def test_too_little_history_gets_a_short_text_instead() -> None:
    one_week = insights(12)
    weeks = [WeekPoint(w.monday, 0, 0.0, None, None, None) for w in one_week.weeks]
    weeks[-1] = WeekPoint(weeks[-1].monday, 1, 0.5, 1.0, 1.0, None)
    young = ProgramInsights(**{**one_week.__dict__, "weeks": weeks})
    assert not young.enough_history
    assert chart.not_enough_history(young) == (
        "No chart for Engineering mentoring yet: it needs at least two weeks with meetings "
        "expected or held. It appears here once the program has them."
    )
    assert insights().enough_history


def test_a_year_of_weeks_keeps_the_size_and_a_few_ticks() -> None:
    year = insights(52)
    png = chart.render_chart(year, fmt="png")
    assert Image.open(io.BytesIO(png)).size == (chart.WIDTH_PX, chart.HEIGHT_PX)
    svg = chart.render_chart(year, fmt="svg").decode()
    last = year.weeks[-1].monday
    assert f"{last.day} {last:%b}" in svg  # the last week is a tick
    assert chart._ticks(52) == [12, 25, 38, 51]  # four, counted back from the last
    assert chart._ticks(12) == [2, 5, 8, 11]
    assert "over the 52 weeks from" in chart.alt_text(year)
