"""Who sees what: a program's managers see all of it, a workspace admin sees it but can't
act on its alerts or matches; a mentee, a mentor, the manager of another program and an
admin of another workspace are refused every page and every form, with a page that says
why; someone who manages nothing sees a friendly page; and every form refuses a POST
without this session's CSRF token or from another origin."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from fakeslack import FakeSlack
from infra.deps import Deps
from storage.models import Alert, MatchRun
from tests.conftest import TEAM
from tests.dashboard.browser import PUBLIC_URL, sign_in
from tests.dashboard.world import FOREIGN_TEAM, World

NOT_YOURS = "A program&#39;s dashboard is for its managers and the workspace&#39;s admins"


def pages(world: World) -> list[str]:
    base = f"/dashboard/programs/{world.program.id}"
    return [base, f"{base}/at-risk", f"{base}/matches", f"{base}/report.csv"]


def forms(world: World) -> list[tuple[str, dict[str, str]]]:
    base = f"/dashboard/programs/{world.program.id}"
    return [
        (f"{base}/alerts/{world.alert_id}", {"what": "acknowledge"}),
        (f"{base}/matches", {}),
        (f"{base}/matches/1/pairs/1", {"what": "lock"}),
        (f"{base}/matches/1/resolve", {}),
        (f"{base}/matches/1/approve", {}),
        (f"{base}/matches/1/cancel", {}),
    ]


async def unchanged(deps: Deps, world: World) -> tuple[str, int]:
    async with deps.db.transaction() as session:
        alert = await session.get_one(Alert, world.alert_id)
        runs = len((await session.scalars(select(MatchRun))).all())
        return alert.state, runs


@pytest.mark.parametrize("who", ["mentee", "mentor", "other_manager", "foreign"])
async def test_people_who_do_not_manage_the_program_are_refused_everything(
    web: httpx.AsyncClient, fake: FakeSlack, deps: Deps, world: World, who: str
) -> None:
    team = FOREIGN_TEAM if who == "foreign" else TEAM
    csrf = await sign_in(web, fake, team, getattr(world, who))
    before = await unchanged(deps, world)
    for path in pages(world):
        page = await web.get(path)
        assert page.status_code == 403, path
        assert NOT_YOURS in page.text and "Not yours to see" in page.text
        assert "Engineering" not in page.text  # not even the program's name
    for path, data in forms(world):
        refused = await web.post(path, data={"csrf": csrf, **data})
        assert refused.status_code == 403, path
    assert await unchanged(deps, world) == before
    assert not fake.calls_to("chat.update")


async def test_a_program_that_does_not_exist_looks_like_one_you_may_not_see(
    web: httpx.AsyncClient, fake: FakeSlack, world: World
) -> None:
    await sign_in(web, fake, TEAM, world.manager)
    missing = await web.get("/dashboard/programs/999999")
    other = await web.get(f"/dashboard/programs/{world.other.id}")
    assert missing.status_code == other.status_code == 403
    assert NOT_YOURS in missing.text and NOT_YOURS in other.text


async def test_the_manager_sees_every_page_and_the_overview_lists_only_theirs(
    web: httpx.AsyncClient, fake: FakeSlack, world: World
) -> None:
    await sign_in(web, fake, TEAM, world.manager)
    overview = await web.get("/dashboard/")
    assert "Engineering" in overview.text and "Sales mentoring" not in overview.text
    for path in pages(world):
        page = await web.get(path)
        assert page.status_code == 200, path
    at_risk = await web.get(pages(world)[1])
    assert "Acknowledge" in at_risk.text and "Snooze 2 weeks" in at_risk.text


async def test_a_workspace_admin_sees_every_program_but_cannot_act(
    web: httpx.AsyncClient, fake: FakeSlack, deps: Deps, world: World
) -> None:
    csrf = await sign_in(web, fake, TEAM, world.admin)
    overview = await web.get("/dashboard/")
    assert "Engineering" in overview.text and "Sales mentoring" in overview.text
    for path in pages(world):
        assert (await web.get(path)).status_code == 200, path
    at_risk = await web.get(pages(world)[1])
    assert "Acknowledge" not in at_risk.text
    assert "Only the program's managers can handle its alerts" in at_risk.text
    before = await unchanged(deps, world)
    refused = await web.post(
        pages(world)[0] + f"/alerts/{world.alert_id}", data={"csrf": csrf, "what": "acknowledge"}
    )
    assert refused.status_code == 403 and "Only the managers of" in refused.text
    assert await unchanged(deps, world) == before


async def test_someone_who_manages_nothing_is_told_so_kindly(
    web: httpx.AsyncClient, fake: FakeSlack, world: World
) -> None:
    await sign_in(web, fake, TEAM, world.mentee)
    page = await web.get("/dashboard/")
    assert page.status_code == 200
    assert "There is nothing here for you yet" in page.text
    # Someone Mentorbot has never met (signed in to Slack, never used the app): the same.
    await sign_in(web, fake, TEAM, "UOTHER")
    page = await web.get("/dashboard/")
    assert "There is nothing here for you yet" in page.text
    assert "hasn't met you" in page.text


async def test_an_alert_of_another_program_is_refused_through_this_one(
    web: httpx.AsyncClient, fake: FakeSlack, deps: Deps, world: World
) -> None:
    """The program in the URL is the manager's; the alert isn't: nothing changes."""
    csrf = await sign_in(web, fake, TEAM, world.manager)
    path = f"/dashboard/programs/{world.program.id}/alerts/{world.other_alert_id}"
    refused = await web.post(path, data={"csrf": csrf, "what": "acknowledge"})
    assert refused.status_code == 403
    async with deps.db.transaction() as session:
        assert (await session.get_one(Alert, world.other_alert_id)).state == "open"


async def test_every_form_refuses_a_post_without_the_session_token_or_from_elsewhere(
    web: httpx.AsyncClient, fake: FakeSlack, deps: Deps, world: World
) -> None:
    csrf = await sign_in(web, fake, TEAM, world.manager)
    before = await unchanged(deps, world)
    every = [*forms(world), ("/dashboard/logout", {})]
    for path, data in every:
        for attempt, headers in (
            ({**data}, {}),  # no token
            ({**data, "csrf": csrf[:-1] + ("x" if csrf[-1] != "x" else "y")}, {}),
            ({**data, "csrf": csrf}, {"Origin": "https://evil.test"}),
            ({**data, "csrf": csrf}, {"Referer": "https://evil.test/page"}),
        ):
            refused = await web.post(path, data=attempt, headers=headers)
            assert refused.status_code == 403, (path, attempt, headers)
            assert "nothing was done" in refused.text
        # A JSON body carries no form token either.
        refused = await web.post(path, json={**data, "csrf": csrf})
        assert refused.status_code == 403
    assert await unchanged(deps, world) == before
    # Still signed in, and the same form from our own origin works.
    ok = await web.post(
        f"/dashboard/programs/{world.program.id}/alerts/{world.alert_id}",
        data={"csrf": csrf, "what": "acknowledge"},
        headers={"Origin": PUBLIC_URL},
    )
    assert ok.status_code == 303
