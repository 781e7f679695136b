"""Managers see counts and signals, never what a pair wrote: with agendas, notes, goal text
and check-in comments (one even shared with managers) full of words found nowhere else, no
page and no CSV of the dashboard holds any of them. And a program or person named with
markup is shown as text, never run as markup."""

from __future__ import annotations

import csv
import io

import httpx

from fakeslack import FakeSlack
from tests.conftest import TEAM
from tests.dashboard.browser import sign_in
from tests.dashboard.world import SECRETS, World


def everything(world: World) -> list[str]:
    base = f"/dashboard/programs/{world.program.id}"
    return ["/dashboard/", base, f"{base}/at-risk", f"{base}/matches", f"{base}/report.csv"]


async def test_no_page_or_csv_shows_what_a_pair_wrote(
    web: httpx.AsyncClient, fake: FakeSlack, world: World
) -> None:
    for who in (world.manager, world.admin):
        await sign_in(web, fake, TEAM, who)
        for path in everything(world):
            page = await web.get(path)
            assert page.status_code == 200, path
            for secret in SECRETS:
                assert secret not in page.text.lower(), (who, path, secret)
    # The CSV has the report's metrics, one row per relationship (check-in scores, no notes).
    report = await web.get(everything(world)[-1])
    assert report.headers["content-type"].startswith("text/csv")
    assert "attachment" in report.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(report.text)))
    assert len(rows) == 2 and "shared_checkin_notes" not in rows[0]
    assert {"meetings_held", "with_mentee_agenda", "captured_by_mentee", "health"} <= set(rows[0])
    assert sorted(r["meetings_held"] for r in rows) == ["3", "3"]
    assert {r["health"] for r in rows} == {"at_risk", "on_track"}


async def test_names_with_markup_are_shown_as_text(
    web: httpx.AsyncClient, fake: FakeSlack, world: World
) -> None:
    await sign_in(web, fake, TEAM, world.manager)
    for path in everything(world)[:-1]:
        page = await web.get(path)
        assert "<script" not in page.text.lower(), path
        assert "&lt;script&gt;alert(&#34;p&#34;)&lt;/script&gt; Engineering" in page.text, path
        assert page.headers["content-security-policy"].startswith("default-src 'none'")
    at_risk = await web.get(everything(world)[2])
    assert "&lt;script&gt;alert(&#34;m&#34;)&lt;/script&gt; Mia" in at_risk.text
