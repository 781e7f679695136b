"""`mentorbot demo`: the product story, with simulated colleagues and a fake Slack.

It runs the real app (Bolt, Starlette, the services, the scheduler) on a fresh temporary
SQLite database, sends correctly signed requests as Slack would, and prints what each person
sees in Slack. No tokens are needed: the Web API is the project's own fake (the ``fakeslack``
package, shipped with the app), so the demo runs wherever Mentorbot is installed: ``make demo``
in a checkout, ``mentorbot demo`` from pip, or ``docker run … mentorbot demo``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.rule import Rule
from rich.text import Text
from sqlalchemy import func, select

from bot.ids import Action, Callback
from fakeslack import Call, FakeSlack, SlackSender, render
from fakeslack.blockkit import walk_text
from infra.clock import ManualClock
from infra.config import Settings
from infra.db import Database
from infra.deps import Deps
from infra.windows import zone
from mentorbot.app import build_app
from mentorbot.jobs import build_sweeper
from mentorbot.web import build_asgi
from scheduling.kinds import REPLIES, Kind
from scheduling.runner import run_sweep
from storage.due_work import DueWork, Status
from storage.migrate import upgrade

TEAM = "T0001"
SECRET = "demo-signing-secret"
TOKEN = "xoxb-demo-token"
# Thursday 5 March 2026, 10:00 UTC.
START = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)

PEOPLE = {
    # id: (handle, name, time zone, workspace admin)
    "UADA": ("ada", "Ada (people team)", "Europe/London", True),
    "UMIA": ("mia", "Mia", "Europe/Lisbon", False),
    "UOMAR": ("omar", "Omar", "America/New_York", False),
    "UKENJI": ("kenji", "Kenji", "Asia/Tokyo", False),
    "UPRIYA": ("priya", "Priya", "Asia/Kolkata", False),
    "ULEO": ("leo", "Leo", "Pacific/Auckland", False),
}


class Narrator:
    """Prints each person's view of Slack as the story moves on."""

    def __init__(self, console: Console, fake: FakeSlack, clock: ManualClock) -> None:
        self.render = render
        self.console = console
        self.fake = fake
        self.clock = clock
        self.names = {uid: name for uid, (_, name, _, _) in PEOPLE.items()}
        self.names.update({"CLEADS": "mentoring-leads", "UBOT0001": "Mentorbot"})
        self.seen = 0
        self.forms_shown: set[str] = set()
        self.markdown: list[str] = []  # the same story, for docs/messages.md

    def chapter(self, title: str) -> None:
        self.console.print()
        self.console.print(Rule(Text(title, style="bold")))
        self.markdown.append(f"## {title}")

    def say(self, text: str) -> None:
        self.console.print(Text("  " + text, style="italic"))
        self.markdown.append("> " + text.replace("\n", "\n> "))

    def _md(self, where: str, message: dict[str, Any]) -> None:
        blocks = message.get("blocks") or []
        body = (
            self.render.to_markdown(blocks, self.names)
            if blocks
            else str(message.get("text") or "") + "\n"
        )
        thread = " (in thread)" if message.get("thread_ts") else ""
        self.markdown.append(f"**{where}**{thread}\n\n{body}")

    def local(self, user: str) -> str:
        tz = PEOPLE[user][2]
        return self.clock.now().astimezone(zone(tz)).strftime("%a %d %b %H:%M") + f" in {tz}"

    def show(self, actor: str | None = None) -> None:
        """Render every call the app made since the last show()."""
        calls = self.fake.calls[self.seen :]
        self.seen = len(self.fake.calls)
        for call in calls:
            if call.ok or call.method == "response_url":
                self._render(call, actor)

    def _render(self, call: Call, actor: str | None) -> None:
        r, args = self.render, call.args
        if call.method == "conversations.open" and call.response and "," in str(args.get("users")):
            members = [self.names.get(u, u) for u in str(args["users"]).split(",")]
            self.names[call.response["channel"]["id"]] = "group DM: " + ", ".join(members)
        elif call.method == "chat.update":
            channel = str(args.get("channel"))
            where = f"{self.names.get(channel, channel)} (the message above is updated)"
            self.console.print(r.render_message(args, title=where, names=self.names))
            self._md(where, args)
        elif call.method == "response_url" and actor:
            title = f"{self.names[actor]} sees (only visible to them)"
            self.console.print(
                r.render_message({**args, "ephemeral": True}, title=title, names=self.names)
            )
            self._md(title, args)
        elif call.method == "chat.postMessage":
            channel = str(args.get("channel"))
            person = next((u for u in PEOPLE if channel in (u, "D" + u[1:])), None)
            who = self.names.get(person or channel, channel)
            if person is not None:
                where = f"DM to {who}, {self.local(person)}"
            else:
                where = who if who.startswith("group DM") else f"#{who}"
            self.console.print(r.render_message(args, title=where, names=self.names))
            self._md(where, args)
        elif call.method in ("views.open", "views.update") and call.response:
            view = call.response["view"]
            who = self.names.get(actor or "", "Someone")
            form = str(view.get("callback_id"))
            if form in self.forms_shown:
                title = view.get("title", {}).get("text", "")
                self.console.print(
                    Text(f"  {who} sees the “{title}” form (shown above).", style="dim")
                )
                return
            self.forms_shown.add(form)
            self.console.print(Text(f"  {who} sees a modal:", style="dim"))
            self.console.print(r.render_view(view, names=self.names))
            self.markdown.append(
                f"**{who} sees a modal**\n\n"
                + r.view_to_markdown(view, self.names).replace("## ", "#### ", 1)
            )


MARKDOWN_INTRO = """# Every message, rendered

What each person sees in Slack as the demo's story unfolds: every DM, group message,
ephemeral reply and modal, rendered from the Block Kit the app really sent to the fake Slack.
Times show the message's fallback text (UTC); Slack shows each reader their own time zone.

Generated by `make docs` (`mentorbot demo --markdown docs/messages.md`); a test fails when
this file is out of date.
"""


async def run_demo() -> str:
    """Tell the story on the console; returns the same story as Markdown (for the docs)."""
    console = Console(width=100, highlight=False)
    logging.getLogger().setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="mentorbot-demo-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'demo.db'}"
        await upgrade(url)
        fake = FakeSlack()
        fake.add_workspace(TEAM, name="Acme", bot_token=TOKEN)
        for uid, (handle, name, tz, admin) in PEOPLE.items():
            fake.add_user(TEAM, uid, name=handle, real_name=name, tz=tz, is_admin=admin)
        fake.add_channel(TEAM, "CLEADS", "mentoring-leads", members=["UADA"])
        await fake.start()
        clock = ManualClock(START)
        settings = Settings(
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=fake.base_url,
            database_url=url,
            _env_file=None,
        )
        deps = Deps(settings=settings, db=Database(url), clock=clock)
        asgi = build_asgi(deps, build_app(deps))
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=asgi), base_url="http://mentorbot.demo"
            ) as http:
                sender = SlackSender(http, signing_secret=SECRET, fake=fake, team_id=TEAM)
                story = Story(console, fake, sender, deps, clock)
                await story.run()
                return "\n\n".join([MARKDOWN_INTRO, *story.tell.markdown]).rstrip() + "\n"
        finally:
            await fake.stop()
            await deps.db.dispose()


class Story:
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

    async def tick(self, at: datetime, why: str) -> None:
        self.clock.set(at)
        report = await run_sweep(self.deps, self.sweeper)
        self.tell.chapter(f"{at:%a %d %b %H:%M} UTC · the scheduler sweeps ({why})")
        for line in report.lines():
            self.console.print(Text("  " + line, style="dim"))
        self.tell.show()

    async def run(self) -> None:
        c = self.console
        c.print(Rule(Text("Mentorbot demo: mentoring that the mentee leads", style="bold")))
        c.print(
            "  Four colleagues at Acme: Ada runs the people team; Mia (Lisbon) and Kenji (Tokyo) "
            "want mentors; Omar (New York) volunteers as one. Everything below is the real app "
            "answering signed Slack requests, with a fake Slack recording what people see."
        )

        self.tell.chapter("1 · Help that fits who you are")
        await self.command("UMIA", "help")
        await self.command("UMIA", "jion")

        self.tell.chapter("2 · Ada creates a program (and gets a field wrong first)")
        await self.command("UADA", "program new")
        bad = {
            "name": "Engineering mentoring",
            "digest_channel": "CLEADS",
            "skills": "",
            "relationship_months": "30",
        }
        await self.submit("UADA", bad, note="submits with no skills and a 30-month length")
        good = {
            **bad,
            "skills": "SQL, Public speaking, Budgeting, People management, System design",
            "relationship_months": "12",
        }
        await self.submit("UADA", good, note="fixes both and submits")

        self.tell.chapter("3 · Non-admins can't create programs")
        await self.command("UKENJI", "program new")

        self.tell.chapter("4 · People enrol")
        mentee = {
            "goals": "Lead a cross-team project end to end by June",
            "target_role": "Tech lead",
            "skills_to_develop": ["System design", "Public speaking"],
            "department": "Support",
            "seniority": "2",
            "location": "Lisbon",
        }
        await self.command("UMIA", "join")
        await self.choose_role("UMIA", "mentee")
        await self.submit(
            "UMIA",
            {**mentee, "role": "mentee"},
            note="chooses Mentee, fills in her goals and joins",
        )
        await self.command("UOMAR", "join")
        await self.choose_role("UOMAR", "mentor")
        await self.submit(
            "UOMAR",
            {
                "role": "mentor",
                "expertise": ["System design", "People management"],
                "capacity": "2",
                "department": "Engineering",
                "seniority": "6",
            },
            note="joins as a mentor for two mentees",
        )
        await self.command("UMIA", "pause 1w")
        self.tell.say("(Mia is away next week, so she pauses her nudges.)")

        self.tell.chapter("5 · Kenji joins late on a Friday evening in Tokyo")
        self.clock.set(datetime(2026, 3, 6, 12, 0, tzinfo=UTC))
        self.tell.say(f"It is {self.tell.local('UKENJI')}.")
        await self.command("UKENJI", "join")
        await self.choose_role("UKENJI", "mentee")
        await self.submit(
            "UKENJI",
            {
                **mentee,
                "role": "mentee",
                "department": "Sales",
                "location": "Tokyo",
                "goals": "Move into a product role this year",
            },
            note="joins as a mentee",
        )

        await self.tick(
            datetime(2026, 3, 7, 12, 0, tzinfo=UTC),
            "Kenji's prepare-for-mentoring nudge falls due at 21:00 on a Saturday in Tokyo",
        )
        self.tell.say("Nothing is sent: it is night and the weekend for Kenji, and Mia is paused.")
        await self.tick(datetime(2026, 3, 9, 0, 0, tzinfo=UTC), "Monday 09:00 in Tokyo")
        await self.tick(datetime(2026, 3, 12, 9, 30, tzinfo=UTC), "Mia is back from her week away")

        await self.matching()
        await self.relationship_loop()
        await self.drift_and_recovery()
        c.print()
        c.print(
            Rule(
                Text(
                    "That's the story so far: a mentee who leads, a drift caught early, and a "
                    "good goodbye.",
                    style="bold",
                )
            )
        )

    async def matching(self) -> None:
        self.tell.chapter("6 · Two more join: Priya (Bangalore) mentors, Leo (Auckland) wants one")
        await self.command("UPRIYA", "join")
        await self.choose_role("UPRIYA", "mentor")
        await self.submit(
            "UPRIYA",
            {
                "role": "mentor",
                "expertise": ["Public speaking", "Budgeting"],
                "capacity": "2",
                "department": "Finance",
                "seniority": "5",
                "current_role": "Finance director",
            },
            note="joins as a mentor",
        )
        await self.command("ULEO", "join")
        await self.choose_role("ULEO", "mentee")
        await self.submit(
            "ULEO",
            {
                "role": "mentee",
                "goals": "Own my team's budget next year",
                "target_role": "Finance manager",
                "skills_to_develop": ["Budgeting"],
                "department": "Sales",
                "seniority": "2",
                "location": "Auckland",
            },
            note="joins as a mentee",
        )

        self.tell.chapter("7 · Ada matches the whole program at once, and approves")
        await self.command("UADA", "match", wait_for=Callback.MATCH_REVIEW)
        self.tell.say(
            "Leo is left out, and the review says why: Priya's working day and his barely "
            "touch. He goes on the waiting list."
        )
        await self.submit("UADA", {}, note="presses Approve all")
        await self.tick(self.clock.now(), "introductions go out at once")
        await self.tick(
            datetime(2026, 3, 12, 21, 0, tzinfo=UTC), "Friday 10:00 in Auckland: Leo hears why"
        )

        self.tell.chapter("8 · Omar accepts; Priya declines, kindly")
        self.clock.set(datetime(2026, 3, 13, 14, 0, tzinfo=UTC))
        await self.click_in_intro("UOMAR", "UMIA", Action.INTRO_ACCEPT, "presses Accept")
        await self.click_in_intro("UPRIYA", "UKENJI", Action.INTRO_DECLINE, "presses Decline")
        await self.submit(
            "UPRIYA",
            {"reason": "Quarter close keeps me heads-down until May"},
            note="gives a reason (only the managers see it)",
        )
        await self.tick(self.clock.now(), "the pair, Kenji and the managers are told")
        await self.tick(datetime(2026, 3, 16, 0, 30, tzinfo=UTC), "Monday morning in Tokyo")

        self.tell.chapter("9 · Mia drafts the agreement; Omar signs it")
        self.clock.set(datetime(2026, 3, 16, 10, 0, tzinfo=UTC))
        told = self.last_post("UMIA", "accepted")
        self.tell.say("Mia presses Draft our agreement")
        await self.sender.click("UMIA", Action.AGREEMENT_DRAFT, blocks=told)
        await self.settle()
        self.tell.show("UMIA")
        await self.submit(
            "UMIA",
            {
                "cadence": "fortnightly",
                "meeting_minutes": "45",
                "channel": "video",
                "in_scope": "Leading a cross-team project; system design reviews",
                "out_of_scope": "Personal matters",
                "from_mentor": "Honest feedback on my design docs",
                "from_mentee": "I book our meetings, bring an agenda and write up the actions",
                "confidential": ["yes"],
            },
            note="fills in the agreement and sends it to Omar",
        )
        await self.tick(self.clock.now(), "the draft goes to the pair's conversation")
        channel, _ = self.last_group_post("UMIA", "Why this match")
        blocks = self.last_post(channel, "Mentoring agreement")
        self.tell.say("Omar presses Sign")
        await self.sender.click("UOMAR", Action.AGREEMENT_SIGN, blocks=blocks, channel_id=channel)
        await self.settle()
        self.tell.show("UOMAR")
        await self.tick(self.clock.now(), "both have signed")
        await self.command("UMIA", "agreement")

    async def relationship_loop(self) -> None:
        """Weeks of the relationship: a SMART goal, a meeting the mentee books, the GROW
        agenda prompt the working day before, the capture after, actions and a celebration."""
        self.tell.chapter("10 · Mia sets a SMART goal (Omar can comment, not edit)")
        self.clock.set(datetime(2026, 3, 16, 10, 30, tzinfo=UTC))
        await self.command("UMIA", "goals", wait_for=Callback.GOAL_FORM)
        await self.submit(
            "UMIA",
            {"what": "Lead the payments migration design review", "target_date": "2026-06-30"},
            note="writes a goal without saying how she'll measure it",
        )
        await self.submit(
            "UMIA",
            {
                "what": "Lead the payments migration design review",
                "measure": "I run the review; the design is approved with at most 2 rework items",
                "target_date": "2026-06-30",
                "why": "It's the step from senior engineer to tech lead",
            },
            note="adds how she'll measure it",
        )
        await self.tick(self.clock.now(), "the goal goes to the pair's conversation")

        self.tell.chapter("11 · Mia books their first meeting, in her own time zone")
        await self.command("UMIA", "meet", wait_for=Callback.MEETING_FORM)
        monday = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)  # 09:00 in Lisbon, 05:00 in New York
        await self.submit(
            "UMIA",
            {"when": int(monday.timestamp()), "minutes": "45", "place": "Video call"},
            note="picks Monday 23 March, 09:00 her time, for 45 minutes",
        )
        await self.tick(self.clock.now(), "both see the booking, each in their own time")

        self.tell.chapter("12 · The agenda prompt arrives the working day before: Friday")
        await self.tick(
            datetime(2026, 3, 20, 16, 5, tzinfo=UTC),
            "Mia's last working hour before the 24 h lead: Friday 16:00 in Lisbon",
        )
        prompt = next(
            c
            for c in reversed(self.fake.calls_to("chat.postMessage", channel="UMIA"))
            if c.ok and c.response and "Mentees who arrive with an agenda" in str(c.args)
        )
        assert prompt.response is not None
        self.tell.say("Mia replies in the prompt's thread instead of opening the form")
        await self.reply(
            "UMIA",
            prompt.response,
            "Goal: agree how I run the design review\n"
            "Reality: two teams disagree on the rollout; I've drafted the doc\n"
            "Way forward: your view on handling the disagreement",
            then="the answer in her thread; the agenda to the pair so Omar can prepare",
        )

        self.tell.chapter("13 · After the meeting, Mia captures what they agreed")
        await self.tick(datetime(2026, 3, 23, 9, 0, tzinfo=UTC), "the meeting starts")
        await self.tick(datetime(2026, 3, 23, 10, 46, tzinfo=UTC), "an hour after the meeting ends")
        capture = next(
            c
            for c in reversed(self.fake.calls_to("chat.postMessage", channel="UMIA"))
            if c.ok and c.response and "How did your meeting" in str(c.args)
        )
        assert capture.response is not None
        self.tell.say("Mia replies with a takeaway and two actions, in plain words")
        await self.reply(
            "UMIA",
            capture.response,
            "Name the disagreement early and let each team make its case\n"
            "- send the design doc to both leads by Wednesday\n"
            "- mentor: share the review checklist by Friday",
            then="the answer in her thread; the summary to the pair",
        )
        channel, _ = self.last_group_post("UMIA", "Why this match")
        summary = self.last_post(channel, "What we agreed")
        self.tell.say("Omar presses Confirm")
        await self.sender.click("UOMAR", Action.CAPTURE_CONFIRM, blocks=summary, channel_id=channel)
        await self.settle()
        self.tell.show("UOMAR")

        self.tell.chapter("14 · One action done on time; a reminder for the other")
        self.clock.set(datetime(2026, 3, 24, 15, 0, tzinfo=UTC))
        await self.command("UMIA", "actions")
        listed = next(
            c for c in reversed(self.fake.calls_to("response_url")) if "Actions with" in str(c.args)
        )
        self.tell.say("Mia presses Done on hers, a day early")
        await self.sender.click(
            "UMIA",
            Action.ACTION_DONE,
            blocks=listed.args["blocks"],
            value=self._first_action(listed.args["blocks"]),
        )
        await self.settle()
        self.tell.show("UMIA")
        await self.tick(
            datetime(2026, 3, 27, 13, 5, tzinfo=UTC), "Friday 09:05 in New York: Omar's is due"
        )

        self.tell.chapter("15 · Mia achieves her goal, and they celebrate")
        self.clock.set(datetime(2026, 5, 14, 11, 0, tzinfo=UTC))
        await self.command("UMIA", "goals")
        shown = next(
            c for c in reversed(self.fake.calls_to("response_url")) if "Goals with" in str(c.args)
        )
        self.tell.say("Mia presses Update progress")
        await self.sender.click("UMIA", Action.GOAL_PROGRESS, blocks=shown.args["blocks"])
        await self.fake.wait_for_view("UMIA", callback_id=Callback.GOAL_PROGRESS_FORM)
        await self.settle()
        self.tell.show("UMIA")
        await self.submit("UMIA", {"progress": "100"}, note="marks it achieved")
        await self.tick(self.clock.now(), "the celebration goes to the pair")

    async def drift_and_recovery(self) -> None:
        """Mia drifts; Omar does the chasing; the managers see it with evidence; Mia gets a
        constructive nudge and takes the lead again; the digest; a good goodbye."""
        self.tell.chapter("16 · Mia goes quiet, and Omar does the chasing")
        self.clock.set(datetime(2026, 6, 1, 14, 0, tzinfo=UTC))
        await self.follow_up("Monday 1 June: Omar presses Follow up with my mentee")
        await self.tick(self.clock.now(), "Mia gets a neutral nudge, in her working hours")
        self.clock.set(datetime(2026, 6, 4, 14, 0, tzinfo=UTC))
        await self.follow_up("Thursday: no answer yet, so Omar presses it again")
        await self.tick(self.clock.now(), "the signals are evaluated as the event arrives")
        await self.tick(self.clock.now(), "the alert and the accountability DM go out")
        self.tell.say("Omar never sees the alert: it went to the managers' channel only.")

        self.tell.chapter("17 · Ada acknowledges; Mia takes the lead again")
        alert = self.last_post("CLEADS", "The mentor is doing the chasing")
        self.tell.say("Ada presses Acknowledge")
        await self.sender.click("UADA", Action.ALERT_ACK, blocks=alert, channel_id="CLEADS")
        await self.settle()
        self.tell.show("UADA")
        nudge = self.last_post("UMIA", "has been the one reaching out")
        self.tell.say("Mia presses Send my mentor an update")
        await self.sender.click("UMIA", Action.MENTEE_UPDATE, blocks=nudge)
        await self.fake.wait_for_view("UMIA", callback_id=Callback.UPDATE_FORM)
        await self.settle()
        self.tell.show("UMIA")
        await self.submit(
            "UMIA",
            {
                "update": "Sorry, a launch swallowed May. The review went well; I'd love to plan "
                "the next step with you."
            },
            note="writes a short update",
        )
        self.tell.say("and books their next meeting from the same DM")
        await self.sender.click("UMIA", Action.MEETING_BOOK, blocks=nudge)
        await self.fake.wait_for_view("UMIA", callback_id=Callback.MEETING_FORM)
        await self.settle()
        thursday = datetime(2026, 6, 11, 9, 0, tzinfo=UTC)
        await self.submit(
            "UMIA",
            {"when": int(thursday.timestamp()), "minutes": "45", "place": "Video call"},
            note="books Thursday 11 June",
        )
        await self.tick(self.clock.now(), "her update and booking reach the pair")
        self.tell.say(
            "Two steps of Mia's own since Omar's two follow-ups: the chasing signal clears, "
            "and the episode closes. Another chase later would be a new alert."
        )

        self.tell.chapter("18 · Mia leads the meeting; Monday's weekly digest")
        await self.skip(datetime(2026, 6, 9, 15, 0, tzinfo=UTC), "a few days pass")
        await self.tick(
            datetime(2026, 6, 10, 15, 5, tzinfo=UTC), "the agenda prompt, the working day before"
        )
        prompt = next(
            c
            for c in reversed(self.fake.calls_to("chat.postMessage", channel="UMIA"))
            if c.ok and c.response and "Mentees who arrive with an agenda" in str(c.args)
        )
        assert prompt.response is not None
        await self.reply(
            "UMIA",
            prompt.response,
            "Goal: choose my next stretch goal\nOptions: lead the platform RFC, or mentor a "
            "new joiner",
            then="the answer in her thread; the agenda to the pair",
        )
        await self.skip(datetime(2026, 6, 14, 12, 0, tzinfo=UTC), "the meeting happens")
        await self.tick(datetime(2026, 6, 15, 8, 0, tzinfo=UTC), "Monday 09:00 in London")

        self.tell.chapter("19 · Months pass; the relationship closes well")
        self.clock.set(datetime(2026, 6, 8, 8, 1, tzinfo=UTC))
        await self.skip(datetime(2027, 2, 28, 15, 0, tzinfo=UTC), "the story skips ahead")
        await self.tick(
            datetime(2027, 3, 1, 14, 5, tzinfo=UTC), "two weeks before the end: time to wrap up"
        )
        wrap = self.last_post("UMIA", "ends")
        self.tell.say("Mia presses Close")
        await self.sender.click("UMIA", Action.SEP_CLOSE, blocks=wrap)
        await self.fake.wait_for_view("UMIA", callback_id=Callback.CLOSE_FORM)
        await self.settle()
        self.tell.show("UMIA")
        await self.submit(
            "UMIA",
            {
                "outcome": "achieved",
                "goals_met": "yes",
                "recommend": "yes",
                "thanks": "Thank you, Omar. You helped me lead my first design review, and "
                "I'm a tech lead now.",
            },
            note="answers three questions and thanks Omar",
        )
        await self.tick(self.clock.now(), "the pair's goodbye, and Omar's own survey")

    async def follow_up(self, note: str) -> None:
        def omar(call: Call) -> bool:
            return call.args.get("user_id") == "UOMAR"

        published = len(self.fake.calls_to("views.publish", user_id="UOMAR"))
        await self.sender.event({"type": "app_home_opened", "user": "UOMAR", "tab": "home"})
        await self.fake.wait_for("views.publish", omar, count=published + 1, timeout=30)
        await self.settle()
        home = self.fake.home_view("UOMAR")
        assert home is not None
        self.tell.seen = len(self.fake.calls)
        self.tell.say(note)
        await self.sender.click("UOMAR", Action.FOLLOW_UP, blocks=home["blocks"])
        await self.settle()
        self.tell.show("UOMAR")

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

    @staticmethod
    def _first_action(blocks: list[dict[str, Any]]) -> str:
        return str(
            next(b["accessory"]["value"] for b in blocks if b.get("accessory", {}).get("value"))
        )

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

    async def click_in_intro(self, user: str, mentee: str, action: str, note: str) -> None:
        channel, blocks = self.last_group_post(mentee, "Why this match")
        self.tell.say(f"{PEOPLE[user][1]} {note}")
        await self.sender.click(user, action, blocks=blocks, channel_id=channel)
        await self.settle()
        self.tell.show(user)


def main() -> None:  # pragma: no cover - `python -m mentorbot.demo`
    import asyncio

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_demo())
