"""What listeners and jobs need, built once per process and passed in (never imported)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

from bot.clock import Clock
from bot.config import Settings
from bot.metrics import Metrics
from storage.db import Database


@dataclass
class Deps:
    settings: Settings
    db: Database
    clock: Clock
    metrics: Metrics = field(default_factory=Metrics)
    # Ask the scheduler to sweep now, after a request scheduled work that is due at once
    # (an introduction, a notice). A no-op without a scheduler (tests sweep explicitly).
    kick: Callable[[], None] = field(default=lambda: None)
    # One HTTP connection pool to Slack for the whole process (``mentorbot serve``/``socket``
    # open it). None: each Web API call opens and closes its own, as slack-sdk does alone.
    http: aiohttp.ClientSession | None = None
