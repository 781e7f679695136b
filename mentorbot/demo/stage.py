"""The demo's stage: what the story's people do (a slash command, a form submitted, a button
pressed, a reply typed in a thread), the scheduler's sweeps as the clock moves on, and how
the story finds what the app last sent. Each step waits for the app to finish, then has the
narrator show what people see."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from rich.console import Console
from rich.text import Text
from sqlalchemy import func, select

from fakeslack import FakeSlack, SlackSender
from fakeslack.blockkit import walk_text
from infra.clock import ManualClock
from infra.deps import Deps
from mentorbot.demo.cast import PEOPLE
from mentorbot.demo.narrator import Narrator
from mentorbot.jobs import build_sweeper
from scheduling.kinds import REPLIES, Kind
from scheduling.runner import run_sweep
from storage.due_work import DueWork, Status


class Stage:
    """The fake Slack, the app behind it and the clock, as the story's people use them."""

    def __init__(
        self, console: Console, fake: FakeSlack, sender: SlackSender, deps: Deps, clock: ManualClock
    ) -> None:
        self.console = console
        self.fake = fake
        self.sender = sender
        self.deps = deps
        self.clock = clock
        self.tell = Narrator(console, fake, clock)
        self.sweeper = build_sweeper(deps)

    async def settle(self) -> None:
        """Let the app finish what it does after acknowledging (DMs, modals)."""

        calls = -1
        for _ in range(500):  # up to 10 s: the first matching run also loads OR-tools
            await asyncio.sleep(0.02)
            pending = [
                t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()
            ]
            # Quiet: only the HTTP server's own tasks left, and no Slack call since the last
            # look (on a loaded machine a listener's next step can start a moment later).
            if len(pending) <= 2 and len(self.fake.calls) == calls:
                break
            calls = len(self.fake.calls)
        await asyncio.sleep(0.05)

    async def command(self, user: str, text: str, *, wait_for: str | None = None) -> None:
        """Run a slash command; with ``wait_for``, until that modal is open."""
        self.tell.say(f"{PEOPLE[user][1]} types  /mentor {text}")
        await self.sender.command(user, text)
        if wait_for is not None:
            await self.fake.wait_for_view(user, callback_id=wait_for, timeout=30)
        await self.settle()
        self.tell.show(user)

    async def submit(self, user: str, values: dict[str, Any], *, note: str) -> dict[str, Any]:
        view = self.fake.open_view(user)
        assert view is not None
        self.tell.say(f"{PEOPLE[user][1]} {note}")
        response = await self.sender.view_submission(
            user, view, {**self.sender.values_of(view), **values}
        )
        answer = response.json() if response.content else {}
        await self.settle()
        await self.deliver_replies()
        if answer.get("response_action") == "errors":
            self.console.print(Text("  Slack shows these under the fields:", style="dim"))
            labels = {
                b["block_id"]: b["label"]["text"]
                for b in view["blocks"]
                if b.get("type") == "input"
            }
            for field, message in answer["errors"].items():
                self.console.print(
                    Text(f"    ✗ {labels.get(field, field)}: {message}", style="red")
                )
        self.tell.show(user)
        return answer

    async def deliver_replies(self) -> None:
        """A reply to a form is due work, which the sweep the app kicks sends at once: when a
        reply is due, that sweep runs here, quietly (what it sends shows with the request)."""
        now = self.clock.now()
        async with self.deps.db.transaction() as s:
            due = set(
                (
                    await s.scalars(
                        select(DueWork.kind).where(
                            DueWork.status == Status.PENDING, DueWork.not_before <= now
                        )
                    )
                ).all()
            )
        if due & REPLIES:
            await run_sweep(self.deps, self.sweeper)

    async def choose_role(self, user: str, role: str) -> None:
        view = self.fake.open_view(user)
        assert view is not None
        option = next(
            o
            for b in view["blocks"]
            if b.get("block_id") == "role"
            for o in b["element"]["options"]
            if o["value"] == role
        )
        await self.sender.block_action(
            user,
            "join.role",
            block_id="role",
            action={"type": "radio_buttons", "selected_option": option},
            view=view,
            values={"program": self.sender.values_of(view)["program"], "role": role},
        )
        await self.settle()
        self.tell.seen = len(self.fake.calls)  # the rebuilt form is shown with the submission

    async def press(
        self,
        user: str,
        action: str,
        *,
        blocks: list[dict[str, Any]],
        says: str,
        opens: str | None = None,
        show: bool = True,
        channel_id: str | None = None,
        value: str | None = None,
    ) -> None:
        """A button pressed in a message: the narrator ``says`` so; with ``opens``, wait until
        that modal is open; then (unless ``show`` is False) show what the person sees."""
        self.tell.say(says)
        await self.sender.click(user, action, blocks=blocks, channel_id=channel_id, value=value)
        if opens is not None:
            await self.fake.wait_for_view(user, callback_id=opens)
        await self.settle()
        if show:
            self.tell.show(user)

    async def tick(self, at: datetime, why: str) -> None:
        self.clock.set(at)
        report = await run_sweep(self.deps, self.sweeper)
        self.tell.chapter(f"{at:%a %d %b %H:%M} UTC · the scheduler sweeps ({why})")
        for line in report.lines():
            self.console.print(Text("  " + line, style="dim"))
        self.tell.show()

    async def skip(self, until: datetime, why: str) -> None:
        """Sweep day by day (at 15:00 UTC, inside both Mia's and Omar's hours) up to
        ``until``, without printing what is sent on the way."""
        self.tell.say(f"… {why}: what the scheduler sends meanwhile isn't shown …")
        at = self.clock.now()
        while at < until:
            at = min(until, (at + timedelta(days=1)).replace(hour=15, minute=0))
            self.clock.set(at)
            await run_sweep(self.deps, self.sweeper)
            await run_sweep(self.deps, self.sweeper)
        self.tell.seen = len(self.fake.calls)

    async def reply(self, user: str, prompt: dict[str, Any], text: str, *, then: str) -> None:
        """A plain-text reply in the thread of a DM the bot sent; the answer in the thread is
        due work, which goes with what the reply scheduled, in the sweep that follows."""
        self.tell.say(f"{PEOPLE[user][1]} writes:\n    " + text.replace("\n", "\n    "))
        answers = await self._count(Kind.DM_REPLY)
        await self.sender.message(  # as Slack delivers what she typed
            user,
            text,
            channel_id=prompt["channel"],
            thread_ts=prompt["ts"],
            ts=f"{self.clock.now().timestamp():.6f}",
        )
        for _ in range(1500):  # up to 30 s: the event is handled after its acknowledgement
            if await self._count(Kind.DM_REPLY) > answers:
                break
            await asyncio.sleep(0.02)
        await self.settle()
        await self.tick(self.clock.now(), then)

    async def _count(self, kind: Kind) -> int:
        async with self.deps.db.transaction() as s:
            found = await s.scalar(select(func.count()).where(DueWork.kind == kind))
        return int(found or 0)

    def last_post(self, channel: str, text: str) -> list[dict[str, Any]]:
        call = next(
            c
            for c in reversed(self.fake.calls_to("chat.postMessage", channel=channel))
            if c.ok and text in "\n".join(walk_text(c.args.get("blocks") or []))
        )
        return list(call.args["blocks"])

    def last_group_post(self, member: str, text: str) -> tuple[str, list[dict[str, Any]]]:
        call = next(
            c
            for c in reversed(self.fake.calls_to("chat.postMessage"))
            if c.ok
            and str(c.args.get("channel", "")).startswith("G")
            and f"<@{member}>" in "\n".join(walk_text(c.args.get("blocks") or []))
            and text in "\n".join(walk_text(c.args.get("blocks") or []))
        )
        return str(call.args["channel"]), list(call.args["blocks"])

    def last_dm(self, user: str, text: str) -> dict[str, Any]:
        """Slack's answer to the bot's last DM to ``user`` mentioning ``text``: its channel
        and ts, to reply in its thread."""
        call = next(
            c
            for c in reversed(self.fake.calls_to("chat.postMessage", channel=user))
            if c.ok and c.response and text in str(c.args)
        )
        assert call.response is not None
        return call.response

    def last_private_reply(self, text: str) -> list[dict[str, Any]]:
        """The blocks of the last reply only its reader sees (a response_url post) that
        mentions ``text``."""
        call = next(c for c in reversed(self.fake.calls_to("response_url")) if text in str(c.args))
        return list(call.args["blocks"])
