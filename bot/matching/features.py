"""What the engine knows about people, and the arrays it scores them from.

``Person``, ``Rules`` and ``Weights`` are the engine's inputs (``bot.matching.engine``
re-exports them). ``build`` turns a pool into a ``Model``, once per proposal: skills and
role words as bitsets over the pool's vocabulary, departments, users and managers as
small integer codes, and each (time zone, working hours) profile's shared working hours
with every other, from 15-minute UTC slots of the real week of the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from numpy.typing import NDArray

from infra.hours import WorkingHours

DIFFERENT, SAME, ANY = "different", "same", "any"
SLOT_MINUTES = 15
WEEK_SLOTS = 7 * 24 * 60 // SLOT_MINUTES
_STOPWORDS = frozenset({"a", "an", "and", "the", "of", "to", "in", "for", "on", "at", "&", "/"})


@dataclass(frozen=True)
class Weights:
    """How much each part of the score counts. Program settings; only ratios matter."""

    skills: float = 4.0
    role: float = 2.0
    seniority: float = 1.5
    department: float = 1.0
    timezone: float = 1.5

    @classmethod
    def from_settings(cls, data: Any) -> Weights:
        """Tolerant: a missing, negative or non-numeric weight falls back to its default."""
        if not isinstance(data, dict):
            return cls()
        defaults = cls()
        values: dict[str, float] = {}
        for f in fields(cls):
            try:
                value = float(data.get(f.name, getattr(defaults, f.name)))
            except (TypeError, ValueError):
                value = getattr(defaults, f.name)
            values[f.name] = value if value >= 0 else getattr(defaults, f.name)
        return cls(**values)

    def to_settings(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}

    def vector(self) -> NDArray[np.float32]:
        total = sum(self.to_settings().values()) or 1.0
        return np.array(
            [v / total for v in self.to_settings().values()], dtype=np.float32
        )  # skills, role, seniority, department, timezone


@dataclass(frozen=True)
class Person:
    """A mentee (skills = what they want to develop) or a mentor (skills = their expertise,
    capacity = free places)."""

    key: int
    user: str
    skills: frozenset[str] = frozenset()
    department: str = ""
    seniority: int = 0
    tz: str | None = None
    hours: WorkingHours = field(default_factory=WorkingHours)
    manager: str | None = None
    department_preference: str = DIFFERENT
    goals: str = ""
    target_role: str = ""
    current_role: str = ""
    capacity: int = 0


@dataclass(frozen=True)
class Rules:
    weights: Weights = field(default_factory=Weights)
    mentors_per_mentee: int = 1
    min_overlap_hours: float = 1.0
    require_shared_skill: bool = True
    reference_date: date = date(2026, 1, 5)  # the week whose clocks decide time-zone overlap


# --- Text normalisation ---------------------------------------------------------------------


def norm(skill: str) -> str:
    return " ".join(skill.casefold().split())


# A word: letters, digits, + and # ("C++", "C#"), joined by inner dots or hyphens ("node.js").
_WORD = re.compile(r"[\w+#]+(?:[.-][\w+#]+)*")


def words_of(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.casefold()) if w not in _STOPWORDS]


def _phrases(text: str, longest: int) -> set[str]:
    """Every run of up to ``longest`` words, so skills named in goals are found."""
    words = _WORD.findall(text.casefold())
    return {
        " ".join(words[i : i + n]) for n in range(1, longest + 1) for i in range(len(words) - n + 1)
    }


# --- Features -------------------------------------------------------------------------------


@dataclass
class Side:
    """One side's people as arrays (rows in the order given)."""

    people: Sequence[Person]
    skills: NDArray[np.uint64]  # bitset over the skill vocabulary
    roles: NDArray[np.uint64]  # bitset over role words
    seniority: NDArray[np.int16]
    department: NDArray[np.int32]  # -1 when unknown
    profile: NDArray[np.int32]  # index of (tz, hours)
    user: NDArray[np.int32]
    manager: NDArray[np.int32]  # -1 when unknown


@dataclass
class Model:
    """Everything the vectorised scorer needs, built once per proposal."""

    rules: Rules
    mentees: Side
    mentors: Side
    wanted: list[frozenset[str]]  # per mentee: normalised wanted skills (list + goals)
    wants: NDArray[np.bool_]  # the mentee wants at least one skill
    offered: frozenset[str]  # every skill some mentor in the pool offers
    wanted_count: NDArray[np.float32]  # len(wanted), at least 1
    role_count: NDArray[np.float32]  # words in the target role, at least 1
    preference: NDArray[np.int8]  # 0 different, 1 same, 2 any
    overlap: NDArray[np.float32]  # profile × profile: shared hours a working day
    offsets: NDArray[np.float32]  # per profile: UTC offset in hours at the reference date
    previous: set[tuple[int, int]]  # (mentee row, mentor row)
    forbidden: set[tuple[int, int]]


def _bitsets(items: Sequence[Iterable[str]], vocab: dict[str, int]) -> NDArray[np.uint64]:
    words = max(1, (len(vocab) + 63) // 64)
    bits = np.zeros((len(items), words), dtype=np.uint64)
    for row, values in enumerate(items):
        for value in values:
            index = vocab.get(value)
            if index is not None:
                bits[row, index // 64] |= np.uint64(1 << (index % 64))
    return bits


def _week_slots(tz: str | None, hours: WorkingHours, monday: date) -> NDArray[np.bool_]:
    """The person's working week as 15-minute UTC slots from Monday 00:00 UTC (wrapping)."""
    zone = _zone(tz)
    slots = np.zeros(WEEK_SLOTS, dtype=np.bool_)
    base = datetime(monday.year, monday.month, monday.day, tzinfo=ZoneInfo("UTC"))
    for offset in range(-1, 8):  # local days that can touch this UTC week
        day = monday + timedelta(days=offset)
        if day.weekday() not in hours.days:
            continue
        start = datetime.combine(day, hours.start, tzinfo=zone)
        end = datetime.combine(day, hours.end, tzinfo=zone)
        first = int((start - base).total_seconds() // (SLOT_MINUTES * 60))
        last = int((end - base).total_seconds() // (SLOT_MINUTES * 60))
        for slot in range(first, last):
            if 0 <= slot < WEEK_SLOTS:
                slots[slot] = True
    return slots


@lru_cache(maxsize=512)
def _zone(tz: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def build(
    mentees: Sequence[Person],
    mentors: Sequence[Person],
    rules: Rules,
    previous: Iterable[tuple[str, str]],
    forbidden: Iterable[tuple[int, int]],
) -> Model:
    skill_vocab: dict[str, int] = {}
    for mentor in mentors:
        for skill in mentor.skills:
            skill_vocab.setdefault(norm(skill), len(skill_vocab))
    longest = max((len(s.split()) for s in skill_vocab), default=1)
    wanted = []
    for mentee in mentees:
        own = {norm(s) for s in mentee.skills if norm(s)}
        named = _phrases(mentee.goals, longest) & skill_vocab.keys() if mentee.goals else set()
        wanted.append(frozenset(own | named))

    role_vocab: dict[str, int] = {}
    for mentor in mentors:
        for word in words_of(mentor.current_role):
            role_vocab.setdefault(word, len(role_vocab))
    target_words = [set(words_of(m.target_role)) for m in mentees]

    departments: dict[str, int] = {}
    users: dict[str, int] = {}
    profiles: dict[tuple[str | None, WorkingHours], int] = {}

    def side(
        people: Sequence[Person], skills: list[Iterable[str]], roles: list[Iterable[str]]
    ) -> Side:
        def dept(p: Person) -> int:
            name = norm(p.department)
            return departments.setdefault(name, len(departments)) if name else -1

        return Side(
            people=people,
            skills=_bitsets(skills, skill_vocab),
            roles=_bitsets(roles, role_vocab),
            seniority=np.array([p.seniority for p in people], dtype=np.int16),
            department=np.array([dept(p) for p in people], dtype=np.int32),
            profile=np.array(
                [profiles.setdefault((p.tz, p.hours), len(profiles)) for p in people],
                dtype=np.int32,
            ),
            user=np.array([users.setdefault(p.user, len(users)) for p in people], dtype=np.int32),
            manager=np.array(
                [users.setdefault(p.manager, len(users)) if p.manager else -1 for p in people],
                dtype=np.int32,
            ),
        )

    mentee_side = side(mentees, list(wanted), list(target_words))
    mentor_side = side(
        mentors,
        [{norm(s) for s in m.skills} for m in mentors],
        [words_of(m.current_role) for m in mentors],
    )

    monday = rules.reference_date - timedelta(days=rules.reference_date.weekday())
    weeks = [_week_slots(tz, hours, monday) for tz, hours in profiles]
    per_day = np.array([max(1, len(hours.days)) for _, hours in profiles], dtype=np.float32)
    if weeks:
        stack = np.stack(weeks).astype(np.float32)
        shared = stack @ stack.T * (SLOT_MINUTES / 60)  # hours a week
        overlap = (shared / per_day[:, None]).astype(np.float32)
    else:
        overlap = np.zeros((0, 0), dtype=np.float32)
    noon = datetime.combine(monday, datetime.min.time().replace(hour=12), tzinfo=ZoneInfo("UTC"))
    offsets = np.array(
        [
            (noon.astimezone(_zone(tz)).utcoffset() or timedelta()).total_seconds() / 3600
            for tz, _ in profiles
        ],
        dtype=np.float32,
    )

    mentee_row = {m.user: i for i, m in enumerate(mentees)}
    mentor_rows: dict[str, list[int]] = {}
    for j, m in enumerate(mentors):
        mentor_rows.setdefault(m.user, []).append(j)
    previous_rows = {
        (mentee_row[a], j) for a, b in previous if a in mentee_row for j in mentor_rows.get(b, [])
    }
    mentee_by_key = {m.key: i for i, m in enumerate(mentees)}
    mentor_by_key = {m.key: j for j, m in enumerate(mentors)}
    forbidden_rows = {
        (mentee_by_key[a], mentor_by_key[b])
        for a, b in forbidden
        if a in mentee_by_key and b in mentor_by_key
    }
    codes = {DIFFERENT: 0, SAME: 1, ANY: 2}
    return Model(
        rules=rules,
        mentees=mentee_side,
        mentors=mentor_side,
        wanted=wanted,
        wants=np.array([bool(w) for w in wanted], dtype=np.bool_),
        offered=frozenset(skill_vocab),
        wanted_count=np.array([max(1, len(w)) for w in wanted], dtype=np.float32),
        role_count=np.array([max(1, len(t)) for t in target_words], dtype=np.float32),
        preference=np.array(
            [codes.get(str(m.department_preference), 0) for m in mentees], dtype=np.int8
        ),
        overlap=overlap,
        offsets=offsets,
        previous=previous_rows,
        forbidden=forbidden_rows,
    )
