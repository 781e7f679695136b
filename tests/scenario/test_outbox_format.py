"""The outbox a row stores is JSON that outlives a release: a row planned by one version may be
delivered by the next (rows in flight during an upgrade, replicas of two versions sweeping one
database). These tests pin the stored format, key for key and in order, as the engine has
always written it, and deliver a row stored in that format."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fakeslack import FakeSlack
from infra.clock import ManualClock
from infra.deps import Deps
from mentorbot.jobs import build_sweeper
from scheduling.messages import Planned, read, write
from scheduling.registry import JobContext, Registry
from storage.due_work import DueWork, Status
from storage.models import Relationship
from tests.scenario.test_scheduler import add

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}


class Kind_:
    """Equal to any value of one type: stands for what Slack or the clock chose."""

    def __init__(self, kind: type) -> None:
        self.kind = kind

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.kind)

    def __repr__(self) -> str:
        return f"<any {self.kind.__name__}>"


FLOAT, TEXT = Kind_(float), Kind_(str)
STAMPS = {"planned_at": FLOAT, "delivered": True, "error": None}


async def _row(deps: Deps, key: str) -> DueWork:
    async with deps.db.transaction() as s:
        found = await s.scalar(select(DueWork).where(DueWork.dedup_key == key))
    assert found is not None
    return found


def _setup_channels(fake: FakeSlack) -> None:
    bot = fake.workspaces["T0001"].bot_user_id
    fake.add_members("T0001", "CLEADS", bot)
    fake.add_channel("T0001", "GPAIR", "pair", is_private=True)
    fake.add_members("T0001", "GPAIR", bot, "UMENTEE", "UMENTOR")


@pytest.mark.parametrize("check_history", [False, True])
async def test_every_planning_call_stores_the_json_rows_have_always_stored(
    deps: Deps, clock: ManualClock, fake: FakeSlack, check_history: bool
) -> None:
    """Each of JobContext's planning calls, planned and delivered, leaves in the row exactly
    the keys (in their order) and values the engine has always stored."""
    deps.settings = deps.settings.model_copy(update={"check_channel_history": check_history})
    _setup_channels(fake)
    sweeper = build_sweeper(deps, registry=Registry())
    old = await sweeper.gateway.post("T0001", "CLEADS", text="to be edited")
    registry = Registry()

    async def plan_everything(ctx: JobContext) -> None:
        ctx.dm("UMENTEE", text="a DM", blocks=[SECTION])
        ctx.post("CLEADS", text="to the leads", thread_ts=old.ts)
        ctx.group_dm(["UMENTOR", "UMENTEE"], text="to both")
        ctx.to_pair(Relationship(conversation_id="GPAIR"), text="to the pair")
        ctx.upload("CLEADS", filename="a.csv", content="a,b\n", title="A", text="a file")
        ctx.dm_upload("UMENTEE", filename="b.csv", content="c\n", title="B", text="yours")
        ctx.update("CLEADS", old.ts, text="edited", blocks=[SECTION])

    registry.register("test.everything", plan_everything)
    await add(deps, "test.everything", "every")
    report = await build_sweeper(deps, registry=registry).sweep()
    assert report.total("failed") == 0 and report.total("retried") == 0
    row = await _row(deps, "every")
    assert row.status is Status.DONE
    checkable = {"checkable": True} if check_history else {}
    [group] = fake.calls_to("conversations.open", users="UMENTEE,UMENTOR")
    assert group.ok and group.response is not None
    expected: list[dict[str, Any]] = [
        {
            "op": "post",
            "channel": "UMENTEE",
            "thread_ts": None,
            **checkable,
            "text": "a DM",
            "blocks": [SECTION],
            "index": 0,
            **STAMPS,
            "ts": TEXT,
            "channel_id": "DMENTEE",
        },
        {
            "op": "post",
            "channel": "CLEADS",
            "thread_ts": old.ts,
            **checkable,
            "text": "to the leads",
            "blocks": [],
            "index": 1,
            **STAMPS,
            "ts": TEXT,
            "channel_id": "CLEADS",
        },
        {
            "op": "post",
            "channel": TEXT,  # the group DM opened at delivery
            "users": ["UMENTEE", "UMENTOR"],
            "checkable": True,
            "text": "to both",
            "blocks": [],
            "index": 2,
            **STAMPS,
            "ts": TEXT,
            "channel_id": TEXT,
        },
        {
            "op": "post",
            "channel": "GPAIR",
            "checkable": True,
            "text": "to the pair",
            "blocks": [],
            "index": 3,
            **STAMPS,
            "ts": TEXT,
            "channel_id": "GPAIR",
        },
        {
            "op": "upload",
            "channel": "CLEADS",
            **checkable,
            "filename": "a.csv",
            "content": "a,b\n",
            "title": "A",
            "text": "a file",
            "blocks": [],
            "index": 4,
            **STAMPS,
            "file_id": TEXT,
            "ts": TEXT,
            "channel_id": "CLEADS",
        },
        {
            "op": "upload",
            "channel": "DMENTEE",  # the DM opened at delivery
            "users": ["UMENTEE"],
            "checkable": True,
            "filename": "b.csv",
            "content": "c\n",
            "title": "B",
            "text": "yours",
            "blocks": [],
            "index": 5,
            **STAMPS,
            "file_id": TEXT,
            "ts": TEXT,
            "channel_id": "DMENTEE",
        },
        {
            "op": "update",
            "channel": "CLEADS",
            "ts": old.ts,
            "text": "edited",
            "blocks": [SECTION],
            "index": 6,
            **STAMPS,
            "channel_id": "CLEADS",
        },
    ]
    stored = row.outbox or []
    assert [list(m) for m in stored] == [list(m) for m in expected]  # the keys, in order
    assert stored == expected
    assert stored[2]["channel"] == stored[2]["channel_id"] == group.response["channel"]["id"]
    # The upload's ts is the file's id, as it has always been.
    assert [m["ts"] == m["file_id"] for m in stored if m["op"] == "upload"] == [True, True]


async def test_a_row_stored_in_the_long_standing_format_is_delivered(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    """A row planned (and partly delivered) by an earlier version, its outbox as that version
    wrote it, is delivered by this one: what went is not sent again, each checkable message is
    looked for before it is sent, and the row ends with the format it started in."""
    _setup_channels(fake)
    sweeper = build_sweeper(deps, registry=Registry())
    old = await sweeper.gateway.post("T0001", "CLEADS", text="to be edited")
    # The earlier version reserved an upload and recorded its id, then was interrupted.
    reserved = await sweeper.gateway.reserve_upload("T0001", filename="m.csv", content="x\n")
    registry = Registry()

    async def never(ctx: JobContext) -> None:
        raise AssertionError("a row with a stored plan is not planned again")

    hooked: list[tuple[str, bool, str | None]] = []

    async def hook(session: AsyncSession, work: DueWork, outbox: list[Planned]) -> None:
        hooked.extend((type(m).__name__, m.delivered, m.delivered_to) for m in outbox)

    registry.register("test.stored", never, on_delivered=hook)
    await add(deps, "test.stored", "stored")
    planned_at = clock.now().timestamp() - 30
    stamps = {"planned_at": planned_at, "delivered": False, "error": None}
    outbox: list[dict[str, Any]] = [
        {
            "op": "post",
            "channel": "UMENTEE",
            "thread_ts": None,
            "text": "went before the upgrade",
            "blocks": [],
            "index": 0,
            "planned_at": planned_at,
            "delivered": True,
            "error": None,
            "ts": "1772440000.000001",
            "channel_id": "DMENTEE",
        },
        {
            "op": "post",
            "channel": "",
            "users": ["UMENTEE", "UMENTOR"],
            "checkable": True,
            "text": "to both",
            "blocks": [SECTION],
            "index": 1,
            **stamps,
        },
        {
            "op": "update",
            "channel": "CLEADS",
            "ts": old.ts,
            "text": "edited",
            "blocks": [],
            "index": 2,
            **stamps,
        },
        {
            "op": "upload",
            "channel": "",
            "users": ["UMENTOR"],
            "checkable": True,
            "filename": "m.csv",
            "content": "x\n",
            "title": "M",
            "text": "your file",
            "blocks": [],
            "index": 3,
            **stamps,
            "file_id": reserved,
        },
        {
            "op": "post",
            "channel": "CLEADS",
            "thread_ts": None,
            "text": "to the leads",
            "blocks": [],
            "index": 4,
            **stamps,
        },
    ]
    async with deps.db.transaction() as s:
        await s.execute(
            update(DueWork)
            .where(DueWork.dedup_key == "stored")
            .values(outbox=outbox, attempts=1, updated_at=clock.now())
        )
    report = await build_sweeper(deps, registry=registry).sweep()
    assert report.claimed == 1 and report.total("sent") == 2  # two posts; an edit, a file
    row = await _row(deps, "stored")
    assert row.status is Status.DONE and row.attempts == 1
    assert fake.calls_to("chat.postMessage", channel="UMENTEE") == []  # it went before
    [pair_post] = [c for c in fake.calls_to("chat.postMessage") if c.args["text"] == "to both"]
    group = pair_post.args["channel"]
    assert pair_post.args["metadata"]["event_payload"] == {"key": "stored#1"}
    # The group DM and the mentor's DM were read before anything was sent to them again.
    looked = [c.args["channel"] for c in fake.calls_to("conversations.history")]
    assert looked == [group, "DMENTOR"]
    assert [m["text"] for m in fake.messages("CLEADS")] == ["edited", "to the leads"]
    [shared] = [f for f in fake.uploaded_files if f["filename"] == "m.csv"]
    assert shared["id"] != reserved
    assert shared["channel"] == "DMENTOR" and shared["content"] == b"x\n"
    # The kind's on-delivered hook got the typed messages.
    assert hooked == [
        ("Post", True, "DMENTEE"),
        ("GroupPost", True, group),
        ("Update", True, "CLEADS"),
        ("Upload", True, "DMENTOR"),
        ("Post", True, "CLEADS"),
    ]
    delivered = {"delivered": True}
    assert row.outbox == [
        outbox[0],
        {**outbox[1], "channel": group, **delivered, "ts": TEXT, "channel_id": group},
        {**outbox[2], **delivered, "channel_id": "CLEADS"},
        {
            **outbox[3],
            "channel": "DMENTOR",
            **delivered,
            "file_id": shared["id"],  # not found shared: uploaded afresh
            "ts": shared["id"],
            "channel_id": "DMENTOR",
        },
        {**outbox[4], **delivered, "ts": TEXT, "channel_id": "CLEADS"},
    ]
    assert [list(m) for m in row.outbox or []] == [
        list(outbox[0]),
        [*outbox[1], "ts", "channel_id"],
        [*outbox[2], "channel_id"],
        [*outbox[3], "ts", "channel_id"],
        [*outbox[4], "ts", "channel_id"],
    ]


async def test_an_image_in_a_posts_thread_is_stored_in_base64_and_shared_there(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    """An image's bytes survive the JSON outbox (base64, under a key of its own, so rows
    stored before never carry it), with its alt text; it is shared in the thread of the post
    planned before it, once that post has its ts."""
    _setup_channels(fake)
    image = bytes(range(256)) * 3  # not text: every byte value
    registry = Registry()

    async def plan_a_chart(ctx: JobContext) -> None:
        posted = ctx.post("CLEADS", text="the digest")
        ctx.upload(
            "CLEADS",
            filename="chart.png",
            content=image,
            title="Chart",
            text="the chart",
            alt_text="Meetings held: 3 of 4",
            thread_of=posted,
        )

    registry.register("test.chart", plan_a_chart)
    await add(deps, "test.chart", "chart")
    report = await build_sweeper(deps, registry=registry).sweep()
    assert report.total("failed") == 0
    row = await _row(deps, "chart")
    post, upload = row.outbox or []
    assert list(upload)[:7] == [
        "op",
        "channel",
        "filename",
        "content_b64",
        "title",
        "alt_text",
        "thread_of",
    ]
    assert (upload["alt_text"], upload["thread_of"], "content" in upload) == (
        "Meetings held: 3 of 4",
        0,
        False,
    )
    [shared] = fake.uploaded_files
    assert shared["content"] == image
    assert shared["alt_txt"] == "Meetings held: 3 of 4"
    assert shared["thread_ts"] == post["ts"] and shared["channel"] == "CLEADS"
    # Read back, it is the same message.
    assert write(read(row.outbox)) == row.outbox
