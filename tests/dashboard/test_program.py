"""One program's page: the chart as inline SVG described by its alt text (the numbers), the
same numbers as tables, the funnel, health, goals, check-ins and the waiting list with why;
a program without two weeks of history gets a sentence instead of an empty chart."""

from __future__ import annotations

import re

import httpx
from markupsafe import escape

from bot.insights import chart
from bot.insights import service as insights
from bot.insights.weeks import week_ending_by
from fakeslack import FakeSlack
from infra.clock import ManualClock
from infra.deps import Deps
from storage.models import ProgramHealthWeek, User
from tests.conftest import TEAM
from tests.dashboard.browser import sign_in
from tests.dashboard.world import World
from tests.service.helpers import make_program


async def test_the_program_page_shows_the_chart_and_its_numbers(
    web: httpx.AsyncClient, fake: FakeSlack, deps: Deps, world: World
) -> None:
    await sign_in(web, fake, TEAM, world.manager)
    page = await web.get(f"/dashboard/programs/{world.program.id}")
    assert page.status_code == 200
    async with deps.db.transaction() as session:
        found = await insights.program_insights(
            session=session, program_id=world.program.id, now=deps.clock.now()
        )
    assert found.enough_history
    # The chart, inline, named as an image and described by the alt text with the numbers.
    assert '<svg role="img" aria-labelledby="chart-text"' in page.text
    assert "<?xml" not in page.text and "<!DOCTYPE svg" not in page.text
    assert f'<figcaption id="chart-text">{escape(chart.alt_text(found))}</figcaption>' in (
        page.text
    )
    # The same numbers as a table: a row a week, held against expected.
    assert page.text.count('<th scope="row">') >= len(found.weeks)
    for week in found.weeks:
        assert week.monday.strftime("%d %b %Y") in page.text
    assert "Mentees enrolled" in page.text and "Closed well" in page.text
    # The waiting list, with why.
    assert "Person UWAITING" in page.text and "No mentor with SQL has a free place" in page.text


async def test_a_program_without_history_gets_a_sentence_not_an_empty_chart(
    web: httpx.AsyncClient, fake: FakeSlack, deps: Deps, world: World, clock: ManualClock
) -> None:
    async with deps.db.transaction() as session:
        admin = await session.get_one(User, 1)
        fresh = await make_program(session, clock, admin, name="Brand new", manager_ids=("UADMIN",))
        fresh_id = fresh.id
    await sign_in(web, fake, TEAM, world.admin)
    page = await web.get(f"/dashboard/programs/{fresh_id}")
    assert page.status_code == 200
    assert "<svg" not in page.text
    assert "No chart for Brand new yet" in page.text
    # The overview lists it too, with nobody in it yet.
    assert "Brand new" in (await web.get("/dashboard/")).text


async def test_the_overview_shows_each_programs_health_against_last_week(
    web: httpx.AsyncClient, fake: FakeSlack, deps: Deps, world: World
) -> None:
    async with deps.db.transaction() as session:
        monday = week_ending_by(deps.clock.now(), world.program.timezone)
        session.add(
            ProgramHealthWeek(
                program_id=world.program.id,
                monday=monday,
                team_id=TEAM,
                too_early=0,
                on_track=2,
                needs_attention=0,
                at_risk=0,
                recorded_at=deps.clock.now(),
            )
        )
    await sign_in(web, fake, TEAM, world.manager)
    page = await web.get("/dashboard/")
    row = page.text[page.text.index(f'href="/dashboard/programs/{world.program.id}"') :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    # Active pairs 2 (±0), too early 0 (±0), on track 1 (-1), needs attention 0, at risk 1 (+1).
    assert [re.sub(r"<[^>]+>", "", c).split()[0] for c in cells] == ["2", "0", "1", "0", "1"]
    assert "(-1 on last week)" in cells[2] and "(+1 on last week)" in cells[4]
    assert "(±0 on last week)" in cells[0]
