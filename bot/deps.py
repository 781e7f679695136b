"""What listeners and jobs need, built once per process and passed in (never imported)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
