"""Two workspaces on one Mentorbot (OAuth mode): each sees only its own people, programs,
pairs, digests and exports, and ids from the other workspace in a signed payload are refused
with nothing written."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Callback
from fakeslack import FakeSlack, SlackSender
from infra.deps import Deps
from storage.enums import RelationshipStatus
from storage.models import Program, Relationship
from tests.conftest import SIGNING_SECRET
from tests.scenario.flows import (
    MENTEE_VALUES,
    MENTOR_VALUES,
    create_program,
    delivered,
    enrol,
    install,
    oauth_client,
    open_modal,
)
from tests.scenario.test_goals import ephemeral
from tests.scenario.test_matching_flow import intro_blocks, review, sweep, text_of
from tests.scenario.test_oauth import globex

MONDAY_9_LONDON = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
ACME_NAMES = ("Mia Mentee", "Omar Mentor", "Engineering mentoring")
GLOBEX_NAMES = ("Gina", "Gary", "Globex guild")


def only_acme(blob: Any) -> None:
    text = blob if isinstance(blob, str) else json.dumps(blob)
    for name in GLOBEX_NAMES:
        assert name not in text, f"{name!r} (Globex) leaked into Acme: {text[:300]}"


async def pair_up(sender: SlackSender, fake: FakeSlack, admin: str) -> dict[str, Any]:
    view = await review(sender, fake, admin)
    answer = (await sender.view_submission(admin, view, {})).json()
    assert "1 introduction" in json.dumps(answer["view"])
    return view


async def programs(deps: Deps) -> dict[str, Program]:
    async with deps.db.transaction() as s:
        return {p.team_id: p for p in (await s.scalars(select(Program))).all()}


async def pairs(deps: Deps) -> dict[str, Relationship]:
    async with deps.db.transaction() as s:
        return {r.team_id: r for r in (await s.scalars(select(Relationship))).all()}


async def test_two_workspaces_never_see_each_others_data(fake: FakeSlack, deps: Deps) -> None:
    globex(fake)
    fake.add_user("T0002", "UGINA", name="gina", real_name="Gina", tz="Europe/Lisbon")
    fake.add_user("T0002", "UGARY", name="gary", real_name="Gary", tz="America/New_York")
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
            name="Globex guild",
            managers=["UGLOBEX"],
            digest_channel="CGLOBEX",
        )
        # Each joins the one program of their own workspace (a choice of two would ask).
        await enrol(acme, fake, "UMENTEE", {**MENTEE_VALUES, "skills_to_develop": ["SQL"]})
        await enrol(acme, fake, "UMENTOR", {**MENTOR_VALUES, "expertise": ["SQL"]})
        await enrol(gx, fake, "UGINA", {**MENTEE_VALUES, "skills_to_develop": ["SQL"]})
        await enrol(gx, fake, "UGARY", {**MENTOR_VALUES, "expertise": ["SQL"]})

        # Matching in Acme proposes Acme's people only (and Globex's, Globex's).
        acme_review = await pair_up(acme, fake, "UADMIN")
        assert "Mia" in text_of(acme_review["blocks"])
        only_acme(acme_review)
        globex_review = await pair_up(gx, fake, "UGLOBEX")
        assert "Gina" in text_of(globex_review["blocks"])
        assert "Mia" not in text_of(globex_review["blocks"])
        await sweep(deps)
        by_team = await pairs(deps)
        assert set(by_team) == {"T0001", "T0002"}
        assert {c.token for c in fake.calls if c.team_id == "T0002" and c.token} == {globex_token}

        # Commands in Acme show Acme's data only.
        listed = await ephemeral(acme, fake, "UADMIN", "program list")
        assert "Engineering mentoring" in text_of(listed.get("blocks"))
        only_acme(listed)
        shown = await ephemeral(acme, fake, "UADMIN", "digest")
        assert "Engineering mentoring" in text_of(shown["blocks"])
        only_acme(shown)
        before = len(fake.calls_to("files.completeUploadExternal"))
        await acme.command("UADMIN", "report export")
        await delivered(
            deps, fake, "files.completeUploadExternal", lambda c: c.ok, count=before + 1
        )
        export = fake.uploaded_files[-1]["content"].decode()
        assert "Mia" in export
        only_acme(export)
        # Globex's admin is not a manager of anything in Acme, and can't reach it.
        await gx.command("UGLOBEX", "program edit Engineering mentoring")
        [refused] = await fake.wait_for("response_url", lambda c: "no program" in str(c.args))
        assert "Programs here: Globex guild." in refused.args["text"]

        # Globex ids in signed Acme payloads are refused, and nothing is written.
        theirs = (await programs(deps))["T0002"]
        opened = len(fake.calls_to("views.open"))
        await acme.block_action("UADMIN", Action.PROGRAM_EDIT, value=str(theirs.id))
        await fake.wait_for("response_url", lambda c: "no longer exists" in json.dumps(c.args))
        assert len(fake.calls_to("views.open")) == opened
        form = await open_modal(
            acme, fake, "UADMIN", "program edit Engineering mentoring", Callback.PROGRAM_FORM
        )
        ours = (await programs(deps))["T0001"]
        meta = json.loads(form["private_metadata"])
        assert meta.get("program_id") == ours.id
        forged = {**form, "private_metadata": json.dumps({**meta, "program_id": theirs.id})}
        values = {**acme.values_of(form), "name": "Hijacked"}
        await acme.view_submission("UADMIN", forged, values)
        after = await programs(deps)
        assert after["T0002"].name == "Globex guild"
        assert after["T0002"].digest_channel_id == "CGLOBEX"

        # Acme's mentor presses Globex's Accept (a Globex relationship id): refused.
        channel, blocks = intro_blocks(fake, "UGINA")
        await acme.click("UMENTOR", Action.INTRO_ACCEPT, blocks=blocks, channel_id=channel)
        await fake.wait_for(
            "response_url", lambda c: "That mentoring relationship doesn't exist" in str(c.args)
        )
        assert (await pairs(deps))["T0002"].status is RelationshipStatus.AWAITING_MENTOR

        # The weekly digests: each to its own channel, with its own token, counting its own.
        deps.clock.set(MONDAY_9_LONDON)  # type: ignore[attr-defined]
        await sweep(deps)
        [acme_digest] = [
            c
            for c in fake.calls_to("chat.postMessage", channel="CLEADS")
            if c.ok and "Weekly digest" in text_of(c.args.get("blocks"))
        ]
        assert acme_digest.token == acme_token and acme_digest.team_id == "T0001"
        only_acme(acme_digest.args)
        [globex_digest] = [
            c
            for c in fake.calls_to("chat.postMessage", channel="CGLOBEX")
            if c.ok and "Weekly digest" in text_of(c.args.get("blocks"))
        ]
        assert globex_digest.token == globex_token and globex_digest.team_id == "T0002"
        assert "Engineering mentoring" not in json.dumps(globex_digest.args)
