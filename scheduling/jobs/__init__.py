"""The jobs the scheduler runs, one module per area. ``register`` wires them by kind."""

from __future__ import annotations

from scheduling.jobs import notices, onboarding
from scheduling.kinds import Kind
from scheduling.registry import Registry


def register(registry: Registry) -> None:
    registry.register(Kind.MENTEE_PREPARE, onboarding.mentee_prepare)
    registry.register(Kind.NOT_IN_CHANNEL, notices.not_in_channel)
