"""A program's matching settings, kept in ``Program.settings`` (JSON) with sensible defaults."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from bot.errors import InvalidInput
from bot.ids import MatchSettingsField as F
from bot.matching.engine import Weights
from storage.models import Program

WEIGHT_MAX = 10.0


@dataclass(frozen=True)
class MatchingSettings:
    weights: Weights = field(default_factory=Weights)
    mentors_per_mentee: int = 1  # a "board of mentors" when more than one
    self_serve: bool = False  # mentees may run /mentor find and request a mentor
    accept_reminder_days: int = 2  # the mentor is reminded to accept or decline
    accept_expiry_days: int = 4  # then the request expires and the manager is alerted
    min_overlap_hours: float = 1.0

    @classmethod
    def of(cls, program: Program) -> MatchingSettings:
        """Read tolerantly: a bad or missing value falls back to its default."""
        data: dict[str, Any] = (program.settings or {}).get("matching") or {}
        defaults = cls()
        values: dict[str, Any] = {"weights": Weights.from_settings(data.get("weights"))}
        for name, kind in (
            ("mentors_per_mentee", int),
            ("self_serve", bool),
            ("accept_reminder_days", int),
            ("accept_expiry_days", int),
            ("min_overlap_hours", float),
        ):
            raw = data.get(name, getattr(defaults, name))
            try:
                values[name] = kind(raw)
            except (TypeError, ValueError):
                values[name] = getattr(defaults, name)
        try:
            settings = cls(**values)
            settings.validate()
        except InvalidInput:
            return defaults
        return settings

    def validate(self) -> None:
        errors: dict[str, str] = {}
        if not 1 <= self.mentors_per_mentee <= 3:
            errors[F.MENTORS_PER_MENTEE] = "Choose 1, 2 or 3 mentors per mentee."
        if not 1 <= self.accept_reminder_days <= 14:
            errors[F.REMINDER_DAYS] = "Remind after 1 to 14 days."
        if not self.accept_reminder_days < self.accept_expiry_days <= 30:
            errors[F.EXPIRY_DAYS] = "Expire after the reminder, and within 30 days."
        if not 0 <= self.min_overlap_hours <= 12:
            errors[F.MIN_OVERLAP] = "Between 0 and 12 hours."
        for name, value in self.weights.to_settings().items():
            if not 0 <= value <= WEIGHT_MAX:
                errors[F(f"weight_{name}")] = f"Between 0 and {WEIGHT_MAX:g}."
        if not any(self.weights.to_settings().values()):
            errors[F.WEIGHT_SKILLS] = "At least one weight must be above zero."
        if errors:
            raise InvalidInput.for_fields(errors)

    def to_settings(self) -> dict[str, Any]:
        return {
            "weights": self.weights.to_settings(),
            "mentors_per_mentee": self.mentors_per_mentee,
            "self_serve": self.self_serve,
            "accept_reminder_days": self.accept_reminder_days,
            "accept_expiry_days": self.accept_expiry_days,
            "min_overlap_hours": self.min_overlap_hours,
        }

    def with_weights(self, **weights: float) -> MatchingSettings:
        return replace(
            self, weights=Weights.from_settings({**self.weights.to_settings(), **weights})
        )


def store(program: Program, settings: MatchingSettings) -> None:
    settings.validate()
    program.settings = {**(program.settings or {}), "matching": settings.to_settings()}
