"""Multi-workspace OAuth mode: install through the fake (each step checked), serve the new
workspace with its own token, and a workspace leaving: ``app_uninstalled`` and
``tokens_revoked`` forget its tokens and stop its scheduled work; installing again works."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, text

from fakeslack import FakeSlack, SlackSender
from infra.deps import Deps
from scheduling.api import schedule
from scheduling.kinds import REPLIES, Kind
from storage.due_work import DueWork, Status, Timing
from tests.conftest import SIGNING_SECRET
from tests.scenario.flows import (
    OAUTH_CLIENT_ID,
    OAUTH_CLIENT_SECRET,
    create_program,
    install,
    oauth_client,
    start_install,
    stored_bot_tokens,
)
from tests.scenario.test_matching_flow import sweep
from tests.settle import settled


def globex(fake: FakeSlack) -> None:
    """A second workspace, not yet with the app: its admin and the leads' channel."""
    fake.add_workspace(
        "T0002",
        name="Globex",
        domain="globex",
        bot_token="xoxb-T0002-before-install",
        bot_user_id="UBOT0002",
        bot_id="B0002",
    )
    fake.add_user("T0002", "UGLOBEX", name="gus", real_name="Gus Globex", is_admin=True)
    fake.add_channel("T0002", "CGLOBEX", "globex-leads")


async def uninstalled(deps: Deps, team_id: str) -> bool:
    return await stored_bot_tokens(deps.db, team_id) == []


async def no_pending(deps: Deps, team_id: str) -> bool:
    return Status.PENDING not in await work(deps, team_id)


async def work(deps: Deps, team_id: str) -> dict[Status, int]:
    """The team's due work by status, leaving out the replies to the forms filled in."""
    async with deps.db.transaction() as s:
        rows = (
            await s.scalars(
                select(DueWork).where(DueWork.team_id == team_id, DueWork.kind.not_in(REPLIES))
            )
        ).all()
    counts: dict[Status, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return counts


async def test_install_step_by_step_then_serve_the_new_workspace(
    fake: FakeSlack, deps: Deps
) -> None:
    globex(fake)
    async with oauth_client(deps, fake) as http:
        # 1. /slack/install starts it, with a state parameter.
        state, page = await start_install(http)
        assert len(state) >= 16
        fake.add_oauth_app(OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, team_id="T0002", code="good")
        forged = await http.get("/slack/oauth_redirect", params={"code": "good", "state": "x"})
        assert forged.status_code == 400
        assert not fake.calls_to("oauth.v2.access")
        assert await stored_bot_tokens(deps.db, "T0002") == []

        # 2. The redirect exchanges the code with oauth.v2.access.
        done = await http.get(
            "/slack/oauth_redirect", params={"code": "good", "state": state}, cookies=page.cookies
        )
        assert done.status_code == 200, done.text
        [exchange] = fake.calls_to("oauth.v2.access")
        assert exchange.ok and exchange.args["code"] == "good"
        token = fake.workspaces["T0002"].bot_token
        assert token.startswith("xoxb-T0002-") and token != "xoxb-T0002-before-install"

        # The state is single use: replaying the callback is refused, nothing exchanged.
        fake.add_oauth_app(OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, team_id="T0002", code="again")
        replay = await http.get(
            "/slack/oauth_redirect", params={"code": "again", "state": state}, cookies=page.cookies
        )
        assert replay.status_code in (400, 401)  # invalid or spent state: refused
        assert len(fake.calls_to("oauth.v2.access")) == 1

        # 3. The installation is saved, with the team's own bot token.
        assert await stored_bot_tokens(deps.db, "T0002") == [token]

        # 4. Globex's commands and events are authorised with Globex's token.
        sender = SlackSender(http, signing_secret=SIGNING_SECRET, fake=fake, team_id="T0002")
        await sender.command("UGLOBEX", "help")
        [reply] = await fake.wait_for("response_url")
        assert "/mentor join" in str(reply.args["blocks"])
        [lookup] = fake.calls_to("users.info")
        assert lookup.team_id == "T0002" and lookup.token == token
        await sender.event({"type": "app_home_opened", "user": "UGLOBEX", "tab": "home"})
        [published] = await fake.wait_for("views.publish", lambda c: c.ok)
        assert published.token == token and published.team_id == "T0002"
        await sender.command("UGLOBEX", "program new")
        [opened] = await fake.wait_for("views.open", lambda c: c.ok)
        assert opened.token == token
        api = [c for c in fake.calls if c.team_id == "T0002" and c.method != "oauth.v2.access"]
        assert {c.token for c in api} == {token}

        # A workspace without an installation is told so, and nothing runs for it.
        stranger = SlackSender(http, signing_secret=SIGNING_SECRET, fake=fake, team_id="T9999")
        calls = len(fake.calls)
        refused = await stranger.command("UX", "help")
        assert refused.status_code == 200
        [notice] = fake.calls[calls:]
        assert notice.method == "response_url"
        assert "isn't installed in this workspace" in notice.args["text"]


async def test_uninstall_forgets_the_token_stops_the_work_and_a_reinstall_brings_it_back(
    fake: FakeSlack, deps: Deps
) -> None:
    globex(fake)
    async with oauth_client(deps, fake) as http:
        acme_token = await install(http, fake, "T0001", "acme-code")
        globex_token = await install(http, fake, "T0002", "globex-code")
        acme = SlackSender(http, signing_secret=SIGNING_SECRET, fake=fake, team_id="T0001")
        gx = SlackSender(http, signing_secret=SIGNING_SECRET, fake=fake, team_id="T0002")
        await create_program(acme, fake)
        await create_program(
            gx,
            fake,
            "UGLOBEX",
            name="Globex mentoring",
            managers=["UGLOBEX"],
            digest_channel="CGLOBEX",
        )
        assert (await work(deps, "T0002")).get(Status.PENDING)
        acme_before = await work(deps, "T0001")

        # Slack revokes the token and tells us; the event comes with no usable token.
        fake.revoke_token(globex_token)
        since = len(fake.calls)
        answer = await gx.event({"type": "app_uninstalled"})
        assert answer.status_code == 200
        await settled(http)  # events are handled after their acknowledgement
        assert await uninstalled(deps, "T0002") and await no_pending(deps, "T0002")
        assert await stored_bot_tokens(deps.db, "T0001") == [acme_token]
        gone = await work(deps, "T0002")
        assert Status.PENDING not in gone and gone[Status.CANCELLED] >= 1
        assert await work(deps, "T0001") == acme_before
        again = await gx.event({"type": "app_uninstalled"})  # Slack retries: harmless
        assert again.status_code == 200
        await settled(http)
        assert await work(deps, "T0002") == gone

        # Globex is told it's not installed; the digests go to Acme alone.
        calls = len(fake.calls)
        await gx.command("UGLOBEX", "help")
        [notice] = fake.calls[calls:]
        assert "isn't installed in this workspace" in notice.args["text"]
        deps.clock.advance(days=8)  # type: ignore[attr-defined]
        await sweep(deps)
        assert fake.calls_to("chat.postMessage", channel="CLEADS")
        after = fake.calls[since:]
        assert not [c for c in after if c.team_id == "T0002" or c.token == globex_token]

        # Installing again brings Globex back with a new token, and its digest is planned.
        cancelled = (await work(deps, "T0002"))[Status.CANCELLED]
        new_token = await install(http, fake, "T0002", "globex-again")
        assert new_token != globex_token
        assert await stored_bot_tokens(deps.db, "T0002") == [new_token]
        back = await work(deps, "T0002")
        assert back[Status.PENDING] == 1 and back[Status.CANCELLED] == cancelled
        deps.clock.advance(days=8)  # type: ignore[attr-defined]
        await sweep(deps)
        [digest] = fake.calls_to("chat.postMessage", channel="CGLOBEX")
        assert digest.ok and digest.token == new_token


async def test_a_revoked_bot_token_is_an_uninstall_and_user_tokens_are_not(
    fake: FakeSlack, deps: Deps
) -> None:
    globex(fake)
    async with oauth_client(deps, fake) as http:
        token = await install(http, fake, "T0002", "globex-code")
        gx = SlackSender(http, signing_secret=SIGNING_SECRET, fake=fake, team_id="T0002")
        await create_program(
            gx,
            fake,
            "UGLOBEX",
            name="Globex mentoring",
            managers=["UGLOBEX"],
            digest_channel="CGLOBEX",
        )
        users_only = {"type": "tokens_revoked", "tokens": {"oauth": ["UGLOBEX"], "bot": []}}
        assert (await gx.event(users_only)).status_code == 200
        await settled(http)
        assert await stored_bot_tokens(deps.db, "T0002") == [token]
        assert (await work(deps, "T0002")).get(Status.PENDING) == 1

        bot = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT0002"]}}
        assert (await gx.event(bot)).status_code == 200
        await settled(http)
        assert await uninstalled(deps, "T0002") and await no_pending(deps, "T0002")


async def test_a_sweep_that_meets_an_uninstalled_team_fails_once_and_stops_its_work(
    fake: FakeSlack, deps: Deps
) -> None:
    """The uninstall event was missed (or raced the sweep): the first send finds no token,
    fails for good, and the team's other pending work is cancelled, not retried."""
    globex(fake)
    async with oauth_client(deps, fake) as http:
        await install(http, fake, "T0002", "globex-code")
        gx = SlackSender(http, signing_secret=SIGNING_SECRET, fake=fake, team_id="T0002")
        await create_program(
            gx,
            fake,
            "UGLOBEX",
            name="Globex mentoring",
            managers=["UGLOBEX"],
            digest_channel="CGLOBEX",
        )
    now = deps.clock.now()
    async with deps.db.transaction() as s:
        program_id = await s.scalar(select(DueWork.program_id).where(DueWork.team_id == "T0002"))
        for n in range(2):
            await schedule(
                session=s,
                now=now,
                kind=Kind.NOT_IN_CHANNEL,
                key=f"test:globex:{n}",
                team_id="T0002",
                program_id=program_id,
                due_at=now + timedelta(days=n),
                timing=Timing.IMMEDIATE,
                payload={"channel": "CGLOBEX"},
            )
        # The installation goes without the event reaching us.
        await s.execute(text("DELETE FROM slack_bots WHERE team_id = 'T0002'"))
    calls = len(fake.calls)
    await sweep(deps)
    counts = await work(deps, "T0002")
    assert counts == {Status.FAILED: 1, Status.CANCELLED: 2}  # the notice; the next, the digest
    async with deps.db.transaction() as s:
        failed = await s.scalar(select(DueWork).where(DueWork.status == Status.FAILED))
    assert failed is not None and failed.last_error == "team_not_installed"
    assert failed.attempts == 1
    assert not [c for c in fake.calls[calls:] if c.team_id == "T0002"]
    deps.clock.advance(days=8)  # type: ignore[attr-defined]
    await sweep(deps)
    assert await work(deps, "T0002") == counts


async def test_single_workspace_uninstall_stops_the_teams_work(
    sender: SlackSender, fake: FakeSlack, deps: Deps
) -> None:
    await create_program(sender, fake)
    assert (await work(deps, "T0001")).get(Status.PENDING)
    fake.revoke_token(fake.workspaces["T0001"].bot_token)
    assert (await sender.event({"type": "app_uninstalled"})).status_code == 200
    await settled(sender.http)
    assert await no_pending(deps, "T0001")


async def test_the_install_asks_for_channel_history_only_when_told_to(
    fake: FakeSlack, deps: Deps
) -> None:
    """The bot scopes asked for are the manifest's; CHECK_CHANNEL_HISTORY adds the two that
    let it read its channels (to look for a post before sending it again)."""
    from urllib.parse import parse_qs, urlparse

    from infra.config import BOT_SCOPES, CHANNEL_HISTORY_SCOPES

    async def asked(check_channel_history: bool) -> list[str]:
        async with oauth_client(deps, fake, check_channel_history=check_channel_history) as http:
            page = await http.get("/slack/install")
        link = re.search(r'href="(https://slack.com/oauth/v2/authorize[^"]+)"', page.text)
        assert link is not None
        query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
        return query["scope"][0].split(",")

    assert await asked(False) == list(BOT_SCOPES)
    assert await asked(True) == [*BOT_SCOPES, *CHANNEL_HISTORY_SCOPES]
