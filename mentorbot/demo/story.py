"""The demo's story, chapter by chapter: a mentoring program from the first command to a
good goodbye, told through the stage (stage.py) to the narrator (narrator.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rich.rule import Rule
from rich.text import Text

from bot.ids import Action, Callback
from fakeslack import Call
from mentorbot.demo.cast import LEADS, PEOPLE
from mentorbot.demo.stage import Stage


class Story(Stage):
    """The story in four parts (enrolment, matching, the relationship, drift and goodbye),
    each a method that tells its chapters; ``run`` tells them all, in order."""

    async def run(self) -> None:
        c = self.console
        c.print(Rule(Text("Mentorbot demo: mentoring that the mentee leads", style="bold")))
        c.print(
            "  Four colleagues at Acme: Ada runs the people team; Mia (Lisbon) and Kenji (Tokyo) "
            "want mentors; Omar (New York) volunteers as one. Everything below is the real app "
            "answering signed Slack requests, with a fake Slack recording what people see."
        )
        await self.enrolment()
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

    async def enrolment(self) -> None:
        """A program is created, people join (one late on a Friday in Tokyo), and the
        scheduler waits for each person's own working hours."""
        self.tell.chapter("1 · Help that fits who you are")
        await self.command("UMIA", "help")
        await self.command("UMIA", "jion")

        self.tell.chapter("2 · Ada creates a program (and gets a field wrong first)")
        await self.command("UADA", "program new")
        bad = {
            "name": "Engineering mentoring",
            "digest_channel": LEADS,
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

    async def matching(self) -> None:
        """More people join; Ada matches the program; the mentors accept or decline; the
        pair agree how they will work together."""
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
        await self.press(
            "UMIA", Action.AGREEMENT_DRAFT, blocks=told, says="Mia presses Draft our agreement"
        )
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
        await self.press(
            "UOMAR",
            Action.AGREEMENT_SIGN,
            blocks=blocks,
            channel_id=channel,
            says="Omar presses Sign",
        )
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
        prompt = self.last_dm("UMIA", "Mentees who arrive with an agenda")
        self.tell.say("Mia replies in the prompt's thread instead of opening the form")
        await self.reply(
            "UMIA",
            prompt,
            "Goal: agree how I run the design review\n"
            "Reality: two teams disagree on the rollout; I've drafted the doc\n"
            "Way forward: your view on handling the disagreement",
            then="the answer in her thread; the agenda to the pair so Omar can prepare",
        )

        self.tell.chapter("13 · After the meeting, Mia captures what they agreed")
        await self.tick(datetime(2026, 3, 23, 9, 0, tzinfo=UTC), "the meeting starts")
        await self.tick(datetime(2026, 3, 23, 10, 46, tzinfo=UTC), "an hour after the meeting ends")
        capture = self.last_dm("UMIA", "How did your meeting")
        self.tell.say("Mia replies with a takeaway and two actions, in plain words")
        await self.reply(
            "UMIA",
            capture,
            "Name the disagreement early and let each team make its case\n"
            "- send the design doc to both leads by Wednesday\n"
            "- mentor: share the review checklist by Friday",
            then="the answer in her thread; the summary to the pair",
        )
        channel, _ = self.last_group_post("UMIA", "Why this match")
        summary = self.last_post(channel, "What we agreed")
        await self.press(
            "UOMAR",
            Action.CAPTURE_CONFIRM,
            blocks=summary,
            channel_id=channel,
            says="Omar presses Confirm",
        )

        self.tell.chapter("14 · One action done on time; a reminder for the other")
        self.clock.set(datetime(2026, 3, 24, 15, 0, tzinfo=UTC))
        await self.command("UMIA", "actions")
        listed = self.last_private_reply("Actions with")
        await self.press(
            "UMIA",
            Action.ACTION_DONE,
            blocks=listed,
            value=self._first_action(listed),
            says="Mia presses Done on hers, a day early",
        )
        await self.tick(
            datetime(2026, 3, 27, 13, 5, tzinfo=UTC), "Friday 09:05 in New York: Omar's is due"
        )

        self.tell.chapter("15 · Mia achieves her goal, and they celebrate")
        self.clock.set(datetime(2026, 5, 14, 11, 0, tzinfo=UTC))
        await self.command("UMIA", "goals")
        await self.press(
            "UMIA",
            Action.GOAL_PROGRESS,
            blocks=self.last_private_reply("Goals with"),
            opens=Callback.GOAL_PROGRESS_FORM,
            says="Mia presses Update progress",
        )
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
        alert = self.last_post(LEADS, "The mentor is doing the chasing")
        await self.press(
            "UADA", Action.ALERT_ACK, blocks=alert, channel_id=LEADS, says="Ada presses Acknowledge"
        )
        nudge = self.last_post("UMIA", "has been the one reaching out")
        await self.press(
            "UMIA",
            Action.MENTEE_UPDATE,
            blocks=nudge,
            opens=Callback.UPDATE_FORM,
            says="Mia presses Send my mentor an update",
        )
        await self.submit(
            "UMIA",
            {
                "update": "Sorry, a launch swallowed May. The review went well; I'd love to plan "
                "the next step with you."
            },
            note="writes a short update",
        )
        await self.press(
            "UMIA",
            Action.MEETING_BOOK,
            blocks=nudge,
            opens=Callback.MEETING_FORM,
            show=False,  # the form shows with what its submission sends
            says="and books their next meeting from the same DM",
        )
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
        prompt = self.last_dm("UMIA", "Mentees who arrive with an agenda")
        await self.reply(
            "UMIA",
            prompt,
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
        await self.press(
            "UMIA",
            Action.SEP_CLOSE,
            blocks=self.last_post("UMIA", "ends"),
            opens=Callback.CLOSE_FORM,
            says="Mia presses Close",
        )
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
        await self.press("UOMAR", Action.FOLLOW_UP, blocks=home["blocks"], says=note)

    @staticmethod
    def _first_action(blocks: list[dict[str, Any]]) -> str:
        return str(
            next(b["accessory"]["value"] for b in blocks if b.get("accessory", {}).get("value"))
        )

    async def click_in_intro(self, user: str, mentee: str, action: str, note: str) -> None:
        channel, blocks = self.last_group_post(mentee, "Why this match")
        says = f"{PEOPLE[user][1]} {note}"
        await self.press(user, action, blocks=blocks, channel_id=channel, says=says)
