"""The demo's harness: a fresh SQLite database, the fake Slack with the story's people, the
real app (Bolt and Starlette, in this process) on a hand-moved clock, and signed requests
sent to it as Slack would."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import httpx
from rich.console import Console

from fakeslack import FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.config import Settings
from infra.db import Database
from infra.deps import Deps
from mentorbot.app import build_app
from mentorbot.demo.cast import LEADS, PEOPLE, SECRET, START, TEAM, TOKEN
from mentorbot.demo.story import Story
from mentorbot.web import build_asgi
from storage.migrate import upgrade


def slack_with_the_cast() -> FakeSlack:
    """The fake Slack's workspace: the story's people and the managers' channel."""
    fake = FakeSlack()
    fake.add_workspace(TEAM, name="Acme", bot_token=TOKEN)
    for uid, (handle, name, tz, admin) in PEOPLE.items():
        fake.add_user(TEAM, uid, name=handle, real_name=name, tz=tz, is_admin=admin)
    fake.add_channel(TEAM, LEADS, "mentoring-leads", members=["UADA"])
    return fake


async def run_demo() -> str:
    """Tell the story on the console; returns the same story as Markdown (for the docs)."""
    console = Console(width=100, highlight=False)
    logging.getLogger().setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="mentorbot-demo-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'demo.db'}"
        await upgrade(url)
        fake = slack_with_the_cast()
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
                return story.tell.document()
        finally:
            await fake.stop()
            await deps.db.dispose()
