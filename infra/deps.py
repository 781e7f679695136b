"""What listeners and jobs need, built once per process and passed in (never imported)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

from infra.clock import Clock
from infra.config import Settings
from infra.db import Database
from infra.metrics import Metrics


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
