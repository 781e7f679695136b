"""``python -m mentorbot.demo``: the story on the console (``mentorbot demo`` is the command,
which can also write docs/messages.md)."""

from __future__ import annotations

import asyncio
import contextlib

from mentorbot.demo import run_demo


def main() -> None:  # pragma: no cover
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_demo())


if __name__ == "__main__":
    main()
