"""Run the fake Slack on its own: ``python -m tests.fakeslack --port 8999``.

Users are given as ``--user U1:alice:Europe/London[:admin]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from tests.fakeslack.server import FakeSlack


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8999)
    parser.add_argument("--team", default="T0001")
    parser.add_argument("--bot-token", default="xoxb-T0001-fake")
    parser.add_argument("--user", action="append", default=[], metavar="ID:NAME:TZ[:admin]")
    parser.add_argument("--channel", action="append", default=[], metavar="ID:NAME[:private]")
    args = parser.parse_args()
    fake = FakeSlack(host=args.host, port=args.port)
    fake.add_workspace(args.team, bot_token=args.bot_token)
    for spec in args.user:
        user_id, name, tz, *flags = spec.split(":")
        fake.add_user(args.team, user_id, name=name, tz=tz, is_admin="admin" in flags)
    for spec in args.channel:
        channel_id, name, *flags = spec.split(":")
        fake.add_channel(args.team, channel_id, name, is_private="private" in flags)
    await fake.start()
    print(f"fake Slack Web API at {fake.base_url} (SLACK_API_URL)", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await fake.stop()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
