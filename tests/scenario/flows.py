"""Things people do in Slack, as sequences of real signed requests."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Callable, Collection
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
from sqlalchemy import select, text

from bot.ids import Callback
from fakeslack import Call, FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.config import Settings
from infra.db import Database
from infra.deps import Deps
from mentorbot.app import build_app
from mentorbot.jobs import build_sweeper
from mentorbot.web import build_asgi
from scheduling.engine import Sweeper
from storage.due_work import DueWork, Status
from tests.conftest import SIGNING_SECRET

PROGRAM_VALUES: dict[str, Any] = {
    "name": "Engineering mentoring",
    "description": "Grow engineers into leaders.",
    "managers": ["UADMIN"],
    "digest_channel": "CLEADS",
    "cadence": "fortnightly",
    "relationship_months": "12",
    "nudge_start": "09:00",
    "nudge_end": "17:00",
    "nudge_days": ["0", "1", "2", "3", "4"],
    "timezone": "Europe/London",
    "skills": "SQL, Public speaking, Budgeting, People management",
}


async def delivered(
    deps: Deps,
    fake: FakeSlack,
    method: str,
    predicate: Callable[[Call], bool] | None = None,
    *,
    count: int = 1,
    timeout: float = 5.0,
) -> list[Call]:
    """What the app's kick does after a request (``deps.kick``, a no-op in these tests):
    sweep the due work, until ``count`` calls to ``method`` (matching ``predicate``) were made;
    returns them all, as ``fake.wait_for`` does. Work scheduled after the acknowledgement may
    not be there for the first sweep, so it sweeps again until Slack has seen the calls."""
    deadline = time.monotonic() + timeout
    while True:
        await build_sweeper(deps).sweep()
        found = [c for c in fake.calls_to(method) if predicate is None or predicate(c)]
        if len(found) >= count:
            return found
        if time.monotonic() > deadline:
            # Lists the recent calls, as a wait for them would.
            return await fake.wait_for(method, predicate, count=count, timeout=0)
        await asyncio.sleep(0.02)


async def settle(
    deps: Deps,
    clock: ManualClock,
    sweeper: Sweeper,
    kinds: Collection[str] | None = None,
    sweeps: int = 20,
) -> None:
    """Sweep at each pending row's next chance (a retry's backoff, a rate limit's wait), of
    ``kinds`` or any, until none is left pending."""
    for _ in range(sweeps):
        query = select(DueWork.not_before).where(DueWork.status == Status.PENDING)
        if kinds is not None:
            query = query.where(DueWork.kind.in_(kinds))
        async with deps.db.transaction() as s:
            due = (await s.scalars(query)).all()
        if not due:
            return
        clock.set(max(clock.now(), min(due)))
        await sweeper.sweep()
    raise AssertionError(f"still pending after {sweeps} sweeps")


async def create_program(
    sender: SlackSender, fake: FakeSlack, user: str = "UADMIN", **changes: Any
) -> dict[str, Any]:
    """Open `/mentor program new`, fill it in and submit; returns the ack's JSON (if any)."""
    view = await open_modal(sender, fake, user, "program new", Callback.PROGRAM_FORM)
    values = {**PROGRAM_VALUES, **changes}
    response = await sender.view_submission(user, view, values)
    assert response.status_code == 200
    return response.json() if response.content else {}


async def open_join(
    sender: SlackSender, fake: FakeSlack, user: str, text: str = ""
) -> dict[str, Any]:
    return await open_modal(sender, fake, user, f"join {text}".strip(), Callback.JOIN_FORM)


async def open_modal(
    sender: SlackSender, fake: FakeSlack, user: str, text: str, callback_id: str
) -> dict[str, Any]:
    """Type a command that opens a modal, and return that (new) modal."""
    before = len(fake.calls_to("views.open"))
    await sender.command(user, text)
    await fake.wait_for("views.open", lambda c: c.ok, count=before + 1)
    return await fake.wait_for_view(user, callback_id=callback_id)


async def choose_role(
    sender: SlackSender, fake: FakeSlack, user: str, view: dict[str, Any], role: str
) -> dict[str, Any]:
    """Pick a role in the join form: Slack sends block_actions and the app rebuilds the form.
    Waits for the update of this very modal, so people joining at once don't mix up."""

    def this_view(call: Call) -> bool:
        return call.ok and call.args.get("view_id") == view.get("id")

    before = len([c for c in fake.calls_to("views.update") if this_view(c)])
    option = next(
        o
        for b in view["blocks"]
        if b.get("block_id") == "role"
        for o in b["element"]["options"]
        if o["value"] == role
    )
    await sender.block_action(
        user,
        "join.role",
        block_id="role",
        action={"type": "radio_buttons", "selected_option": option},
        view=view,
        values={k: v for k, v in sender.values_of(view).items() if k in ("program",)}
        | {"role": role},
    )
    await fake.wait_for("views.update", this_view, count=before + 1)
    updated = fake.open_view(user)
    assert updated is not None
    return updated


MENTEE_VALUES: dict[str, Any] = {
    "role": "mentee",
    "goals": "Lead a project end to end by June",
    "target_role": "Tech lead",
    "skills_to_develop": ["SQL", "Public speaking"],
    "department": "Support",
    "seniority": "2",
    "location": "Lisbon",
    "department_preference": "different",
}

MENTOR_VALUES: dict[str, Any] = {
    "role": "mentor",
    "expertise": ["SQL", "Budgeting"],
    "capacity": "2",
    "department": "Engineering",
    "seniority": "5",
    "department_preference": "any",
}


async def enrol(
    sender: SlackSender, fake: FakeSlack, user: str, values: dict[str, Any]
) -> dict[str, Any]:
    view = await open_join(sender, fake, user)
    view = await choose_role(sender, fake, user, view, values["role"])
    filled = {**sender.values_of(view), **values}
    response = await sender.view_submission(user, view, filled)
    assert response.status_code == 200
    return response.json() if response.content else {}


# ---------------------------------------------------------------------- OAuth workspaces

OAUTH_CLIENT_ID = "111.222"
OAUTH_CLIENT_SECRET = "oauth-client-secret"


def use_oauth(deps: Deps, fake: FakeSlack, **settings: Any) -> None:
    """Switch ``deps`` to multi-workspace mode: no bot token, tokens from installations."""
    deps.settings = Settings(
        slack_client_id=OAUTH_CLIENT_ID,
        slack_client_secret=OAUTH_CLIENT_SECRET,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.base_url,
        database_url=deps.settings.database_url,
        _env_file=None,  # type: ignore[call-arg]
        **settings,
    )


@asynccontextmanager
async def oauth_client(
    deps: Deps, fake: FakeSlack, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app in OAuth mode behind its ASGI interface."""
    use_oauth(deps, fake, **settings)
    asgi = build_asgi(deps, build_app(deps))
    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(transport=transport, base_url="https://mentorbot.test") as http:
        yield http


async def start_install(http: httpx.AsyncClient) -> tuple[str, httpx.Response]:
    """Step 1: ``/slack/install``; returns the state in Slack's authorize link, and the page
    (whose cookie binds the state to this browser)."""
    page = await http.get("/slack/install")
    assert page.status_code == 200
    link = re.search(r'href="(https://slack.com/oauth/v2/authorize[^"]+)"', page.text)
    assert link is not None
    query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [OAUTH_CLIENT_ID]
    return query["state"][0], page


async def install(http: httpx.AsyncClient, fake: FakeSlack, team_id: str, code: str) -> str:
    """A workspace admin installs the app to ``team_id``; returns the bot token Slack issued."""
    fake.add_oauth_app(OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, team_id=team_id, code=code)
    state, page = await start_install(http)
    done = await http.get(
        "/slack/oauth_redirect", params={"code": code, "state": state}, cookies=page.cookies
    )
    assert done.status_code == 200, done.text
    return fake.workspaces[team_id].bot_token


async def stored_bot_tokens(db: Database, team_id: str) -> list[str]:
    """The bot tokens the installation store holds for a team (newest first)."""
    async with db.transaction() as s:
        rows = await s.execute(
            text(
                "SELECT bot_token FROM slack_bots WHERE team_id = :team ORDER BY installed_at DESC"
            ),
            {"team": team_id},
        )
        return [str(r[0]) for r in rows.all()]
