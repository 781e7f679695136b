"""Run the fake Slack on its own until Ctrl-C::

    python -m fakeslack --port 8999 --team T1 --bot-token xoxb-T1-fake \
        --user U1:alice:Europe/London:admin --channel C1:general:public

Users are ``ID:NAME:TZ[:admin][:owner][:bot][:deleted]``; channels are
``ID:NAME[:private][:archived][:member]`` (``member``: the bot is in it). It prints the
Web API base URL to give the app as ``SLACK_API_URL``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from fakeslack.server import FakeSlack


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m fakeslack",
        description="A fake Slack Web API for local runs of the app.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8999, help="0 picks a free port")
    parser.add_argument("--team", default="T0001", help="workspace (team) id")
    parser.add_argument("--bot-token", default="xoxb-T0001-fake")
    parser.add_argument("--app-token", default=None, help="xapp-… token for Socket Mode")
    parser.add_argument(
        "--user", action="append", default=[], metavar="ID:NAME:TZ[:admin][:owner]..."
    )
    parser.add_argument(
        "--channel", action="append", default=[], metavar="ID:NAME[:private][:archived][:member]"
    )
    return parser


def build(args: argparse.Namespace) -> FakeSlack:
    """The fake Slack described by the command line, not yet started."""
    fake = FakeSlack(host=args.host, port=args.port)
    ws = fake.add_workspace(args.team, bot_token=args.bot_token, app_token=args.app_token)
    for spec in args.user:
        user_id, name, tz, *flags = spec.split(":")
        fake.add_user(
            args.team,
            user_id,
            name=name,
            tz=tz,
            is_admin="admin" in flags,
            is_owner="owner" in flags,
            is_bot="bot" in flags,
            deleted="deleted" in flags,
        )
    for spec in args.channel:
        channel_id, name, *flags = spec.split(":")
        fake.add_channel(
            args.team,
            channel_id,
            name,
            is_private="private" in flags,
            is_archived="archived" in flags,
            members=[ws.bot_user_id] if "member" in flags else [],
        )
    return fake


async def serve(fake: FakeSlack) -> None:
    await fake.start()
    print(f"fake Slack Web API at {fake.base_url} (give it to the app as SLACK_API_URL)")
    print("Ctrl-C to stop", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await fake.stop()


def main(argv: list[str] | None = None) -> None:
    fake = build(_parser().parse_args(argv))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(fake))


if __name__ == "__main__":
    main()
