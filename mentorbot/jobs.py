"""Every kind of due work, wired to its handler: each domain registers its own jobs with the
scheduler's registry (``register`` in its ``jobs`` module), and housekeeping is the
scheduler's own. ``build_sweeper`` is the sweeper the servers, ``tick`` and tests run."""

from __future__ import annotations

from bot.agreements import jobs as agreements
from bot.capture import jobs as capture
from bot.checkins import jobs as checkins
from bot.digest import jobs as digest
from bot.enrolment import jobs as enrolment
from bot.goals import jobs as goals
from bot.insights import jobs as insights
from bot.introductions import jobs as introductions
from bot.meetings import jobs as meetings
from bot.privacy import jobs as privacy
from bot.programs import jobs as programs
from bot.receipts import jobs as receipts
from bot.separation import jobs as separation
from bot.signals import jobs as signals
from infra.clock import Clock
from infra.deps import Deps
from scheduling import housekeeping, runner
from scheduling.engine import Sweeper
from scheduling.registry import Registry

DOMAINS = (
    enrolment,
    programs,
    introductions,
    agreements,
    meetings,
    goals,
    capture,
    signals,
    checkins,
    digest,
    insights,
    separation,
    receipts,
    privacy,
)


def register(registry: Registry) -> None:
    """Register every kind's handler with ``registry``."""
    for domain in DOMAINS:
        domain.register(registry)
    housekeeping.register(registry)


def all_jobs() -> Registry:
    """A registry with every kind's handler."""
    built = Registry()
    register(built)
    return built


def build_sweeper(
    deps: Deps,
    *,
    clock: Clock | None = None,
    registry: Registry | None = None,
    worker_id: str | None = None,
) -> Sweeper:
    """The sweeper for ``deps``: every kind's handler unless ``registry`` is given."""
    return runner.build_sweeper(
        deps,
        clock=clock,
        registry=registry if registry is not None else all_jobs(),
        worker_id=worker_id,
    )
