"""The matching engine: who should mentor whom, and why.

Pure and synchronous: it knows people only as ``Person`` values and never touches the
database or Slack. ``bot.matches`` feeds it a program's pool and stores what it proposes.

How a proposal is made:

1. **Score** every mentee–mentor pair from 0 to 100: the weighted share of the mentee's wanted
   skills (their list plus skills named in their goals) that the mentor offers, how well the
   mentor's current role fits the mentee's target role, how much more senior the mentor is,
   whether the department preference is met, and how many working hours they share.
   Scoring is vectorised with NumPy over bitsets, so a 10,000 × 2,500 program is 25 M pairs
   scored in chunks, never held in memory at once.
2. **Hard constraints** remove pairs outright: the same person, the mentee's own manager (or
   the mentor's), a pair from an earlier relationship, a pair the manager dropped, working
   hours that overlap less than the program's minimum, and (by default) no shared skill.
3. **Assign** with a min-cost flow (OR-tools) over mentor places: source → mentee (k places
   for a board of k mentors) → mentor (one place per pair, so a board is k different people)
   → sink (the mentor's free capacity), with a bypass so nobody is forced into a bad pair.
   It maximises the total score over the whole program at once. For a board, a second mentor
   from the same department costs a penalty, so boards prefer different departments.
   Each mentee's best ``candidates_per_mentee`` mentors, plus each mentor's best mentees, are
   the flow's arcs; ``exact`` uses every feasible pair instead (for tests and benchmarks).
4. **Explain**: every pair carries its reasons in plain words, and every mentee left out
   carries the reason, e.g. "no mentor with capacity in your time-zone range offers SQL".
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
from ortools.graph.python import min_cost_flow

from bot.hours import WorkingHours
from bot.text import hours as hours_text

DIFFERENT, SAME, ANY = "different", "same", "any"
SLOT_MINUTES = 15
WEEK_SLOTS = 7 * 24 * 60 // SLOT_MINUTES
FULL_OVERLAP_HOURS = 6.0  # this much shared time a day scores the time-zone part in full
BOARD_SAME_DEPARTMENT_PENALTY = 10.0  # score points, for each extra board mentor from one dept
PAIR_BONUS = 0.01  # points: an allowed pair that scores 0 still beats leaving someone out
CHUNK_PAIRS = 2_000_000  # pairs scored at once (about 8 MB per float32 matrix)
MENTOR_SIDE_CANDIDATES = 8
_SENIORITY_FIT = np.array([0.0, 0.0, 0.7, 1.0, 0.9, 0.7, 0.5, 0.4, 0.4], dtype=np.float32)
# index = clip(mentor level - mentee level, -1, 7) + 1: less or equally senior fits nothing;
# one or two levels more is the sweet spot; far more senior is fine but less relatable.
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


@dataclass(frozen=True)
class Pair:
    mentee: int  # Person.key
    mentor: int
    score: float  # 0–100
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Unmatched:
    mentee: int
    reason: str
    missing: tuple[str, ...] = ()  # wanted skills no mentor in the pool offers


@dataclass(frozen=True)
class Proposal:
    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    # With ``prices=True``: each mentor's LP dual price (score points one more place with
    # them would be worth), which makes ``upper_bound`` a certificate of optimality.
    prices: tuple[float, ...] = ()

    @property
    def total_score(self) -> float:
        return sum(p.score for p in self.pairs)


# --- Text normalisation ---------------------------------------------------------------------


def norm(skill: str) -> str:
    return " ".join(skill.casefold().split())


# A word: letters, digits, + and # ("C++", "C#"), joined by inner dots or hyphens ("node.js").
_WORD = re.compile(r"[\w+#]+(?:[.-][\w+#]+)*")


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.casefold()) if w not in _STOPWORDS]


def _phrases(text: str, longest: int) -> set[str]:
    """Every run of up to ``longest`` words, so skills named in goals are found."""
    words = _WORD.findall(text.casefold())
    return {
        " ".join(words[i : i + n]) for n in range(1, longest + 1) for i in range(len(words) - n + 1)
    }


# --- Features -------------------------------------------------------------------------------


@dataclass
class _Side:
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
class _Model:
    """Everything the vectorised scorer needs, built once per proposal."""

    rules: Rules
    mentees: _Side
    mentors: _Side
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


def _build(
    mentees: Sequence[Person],
    mentors: Sequence[Person],
    rules: Rules,
    previous: Iterable[tuple[str, str]],
    forbidden: Iterable[tuple[int, int]],
) -> _Model:
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
        for word in _words(mentor.current_role):
            role_vocab.setdefault(word, len(role_vocab))
    target_words = [set(_words(m.target_role)) for m in mentees]

    departments: dict[str, int] = {}
    users: dict[str, int] = {}
    profiles: dict[tuple[str | None, WorkingHours], int] = {}

    def side(
        people: Sequence[Person], skills: list[Iterable[str]], roles: list[Iterable[str]]
    ) -> _Side:
        def dept(p: Person) -> int:
            name = norm(p.department)
            return departments.setdefault(name, len(departments)) if name else -1

        return _Side(
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
        [_words(m.current_role) for m in mentors],
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
    return _Model(
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


def _popcount_and(a: NDArray[np.uint64], b: NDArray[np.uint64]) -> NDArray[np.float32]:
    """|a_i ∩ b_j| for every row pair: (len(a), len(b))."""
    out = np.zeros((a.shape[0], b.shape[0]), dtype=np.uint16)
    for word in range(a.shape[1]):
        out += np.bitwise_count(a[:, word, None] & b[None, :, word]).astype(np.uint16)
    return out.astype(np.float32)


@dataclass
class _Block:
    """Scores of mentees ``rows`` against every mentor; -1 where a hard constraint fails."""

    rows: slice
    score: NDArray[np.float32]
    shares: NDArray[np.bool_]  # at least one wanted skill in common
    in_range: NDArray[np.bool_]  # working hours overlap enough


def _score_block(model: _Model, rows: slice) -> _Block:
    me, mo = model.mentees, model.mentors
    w = model.rules.weights.vector()

    shared = _popcount_and(me.skills[rows], mo.skills)
    skill_fit = shared / model.wanted_count[rows, None]
    role_fit = _popcount_and(me.roles[rows], mo.roles) / model.role_count[rows, None]
    delta = mo.seniority[None, :].astype(np.int32) - me.seniority[rows, None]
    seniority_fit = _SENIORITY_FIT[np.clip(delta, -1, 7) + 1]
    d_me, d_mo = me.department[rows, None], mo.department[None, :]
    same = d_me == d_mo
    known = (d_me >= 0) & (d_mo >= 0)
    pref = model.preference[rows, None]
    dept_fit = np.where(
        known,
        np.where(pref == 2, 1.0, np.where(pref == 1, same, ~same)).astype(np.float32),
        np.float32(0.5),
    )
    hours = model.overlap[me.profile[rows, None], mo.profile[None, :]]
    tz_fit = np.minimum(hours / FULL_OVERLAP_HOURS, 1.0)
    score = 100 * (
        w[0] * skill_fit + w[1] * role_fit + w[2] * seniority_fit + w[3] * dept_fit + w[4] * tz_fit
    )

    shares = (shared > 0) | ~model.wants[rows, None]
    in_range = hours >= model.rules.min_overlap_hours - 1e-6
    ok = in_range & (me.user[rows, None] != mo.user[None, :])
    ok &= me.manager[rows, None] != mo.user[None, :]
    ok &= mo.manager[None, :] != me.user[rows, None]
    if model.rules.require_shared_skill:
        ok &= shares
    start = rows.start or 0
    for i, j in model.previous | model.forbidden:
        if start <= i < (rows.stop or 0):
            ok[i - start, j] = False
    return _Block(rows, np.where(ok, score, -1.0).astype(np.float32), shares, in_range)


def _blocks(model: _Model) -> Iterable[_Block]:
    n, m = len(model.mentees.people), len(model.mentors.people)
    step = max(1, CHUNK_PAIRS // max(1, m))
    for start in range(0, n, step):
        yield _score_block(model, slice(start, min(n, start + step)))


# --- Single pairs ---------------------------------------------------------------------------


def score(mentee: Person, mentor: Person, rules: Rules) -> float:
    """The pair's score (0–100), whether or not it is allowed."""
    model = _build([mentee], [mentor], _lenient(rules), (), ())
    return float(_score_block(model, slice(0, 1)).score[0, 0])


def feasible(
    mentee: Person,
    mentor: Person,
    rules: Rules,
    previous: Iterable[tuple[str, str]] = (),
) -> bool:
    """Whether the hard constraints allow this pair (capacity aside)."""
    model = _build([mentee], [mentor], rules, previous, ())
    return bool(_score_block(model, slice(0, 1)).score[0, 0] >= 0)


def _lenient(rules: Rules) -> Rules:
    return Rules(
        weights=rules.weights,
        mentors_per_mentee=rules.mentors_per_mentee,
        min_overlap_hours=0.0,
        require_shared_skill=False,
        reference_date=rules.reference_date,
    )


def explain(mentee: Person, mentor: Person, rules: Rules) -> tuple[str, ...]:
    """The pair's reasons in plain words, most important first."""
    model = _build([mentee], [mentor], _lenient(rules), (), ())
    return _reasons(model, 0, 0)


def _reasons(model: _Model, i: int, j: int) -> tuple[str, ...]:
    mentee, mentor = model.mentees.people[i], model.mentors.people[j]
    reasons: list[str] = []
    offered = {norm(s) for s in mentor.skills}
    wanted = model.wanted[i]
    if wanted:
        display = {norm(s): s for s in sorted(mentee.skills)}
        common = sorted((display.get(s, s) for s in wanted & offered), key=str.casefold)
        if common:
            reasons.append(
                f"shares {len(common)} of {len(wanted)} skill{'s' if len(wanted) != 1 else ''} "
                f"({', '.join(common)})"
            )
        else:
            reasons.append("no shared skills")
    target = set(_words(mentee.target_role))
    if target and target & set(_words(mentor.current_role)):
        reasons.append(f"works as {mentor.current_role.strip()}, close to your target role")
    d_me, d_mo = norm(mentee.department), norm(mentor.department)
    if d_me and d_mo:
        reasons.append("same department" if d_me == d_mo else "different department")
    delta = mentor.seniority - mentee.seniority
    if delta > 0:
        reasons.append(f"{delta} level{'s' if delta > 1 else ''} more senior")
    elif delta == 0:
        reasons.append("same level")
    else:
        reasons.append("less senior")
    p_me, p_mo = int(model.mentees.profile[i]), int(model.mentors.profile[j])
    apart = abs(float(model.offsets[p_me] - model.offsets[p_mo]))
    shared = float(model.overlap[p_me, p_mo])
    if apart < 0.25:
        reasons.append("same time zone")
    else:
        reasons.append(f"{hours_text(apart)} apart, {hours_text(shared)} of shared working time")
    return tuple(reasons)


# --- Proposals ------------------------------------------------------------------------------


def propose(
    mentees: Sequence[Person],
    mentors: Sequence[Person],
    rules: Rules,
    *,
    previous: Iterable[tuple[str, str]] = (),
    locked: Iterable[tuple[int, int]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
    candidates_per_mentee: int | None = 100,
    prices: bool = False,
) -> Proposal:
    """The best assignment for the whole program.

    ``previous`` holds (mentee user, mentor user) pairs that must not repeat; ``locked`` and
    ``forbidden`` hold (mentee key, mentor key) pairs the manager kept or dropped. Locked
    pairs stay (while both people are in the pool) and use up their places.
    ``candidates_per_mentee=None`` considers every feasible pair (the exact optimum).
    """
    model = _build(mentees, mentors, rules, previous, forbidden)
    n, m, k = len(mentees), len(mentors), rules.mentors_per_mentee
    mentee_row = {p.key: i for i, p in enumerate(mentees)}
    mentor_row = {p.key: j for j, p in enumerate(mentors)}
    capacity = np.array([max(0, p.capacity) for p in mentors], dtype=np.int64)
    demand = np.full(n, k, dtype=np.int64)
    fixed: list[tuple[int, int]] = []
    for a, b in locked:
        i, j = mentee_row.get(a), mentor_row.get(b)
        if i is None or j is None or demand[i] == 0 or capacity[j] == 0:
            continue
        fixed.append((i, j))
        demand[i] -= 1
        capacity[j] -= 1
    fixed_set = set(fixed)

    arcs_i, arcs_j, arcs_s = [], [], []
    stats = _Stats(n)
    best_per_mentor = _MentorBest(m, MENTOR_SIDE_CANDIDATES)
    for block in _blocks(model):
        stats.add(block)
        s = block.score
        if fixed_set:
            for i, j in fixed_set:
                if block.rows.start <= i < block.rows.stop:
                    s[i - block.rows.start, j] = -1.0
        s[:, capacity == 0] = -1.0
        s[demand[block.rows] == 0, :] = -1.0
        rows, cols = _candidates(s, candidates_per_mentee)
        arcs_i.append(rows + block.rows.start)
        arcs_j.append(cols)
        arcs_s.append(s[rows, cols])
        best_per_mentor.add(s, block.rows.start)
    mi, mj, ms = best_per_mentor.arcs()
    arc_i = np.concatenate([*arcs_i, mi]) if arcs_i else mi
    arc_j = np.concatenate([*arcs_j, mj]) if arcs_j else mj
    arc_s = np.concatenate([*arcs_s, ms]) if arcs_s else ms
    arc_i, arc_j, arc_s = _unique_arcs(arc_i, arc_j, arc_s, m)

    used, duals = _solve(model, arc_i, arc_j, arc_s, demand, capacity, k, prices)
    chosen = {
        (int(i), int(j)): float(s)
        for i, j, s in zip(arc_i[used], arc_j[used], arc_s[used], strict=True)
    }
    for i, j in fixed:
        chosen[(i, j)] = score(mentees[i], mentors[j], rules)

    got = np.zeros(n, dtype=np.int64)
    pairs = []
    for (i, j), value in sorted(chosen.items()):
        got[i] += 1
        pairs.append(
            Pair(
                mentee=mentees[i].key,
                mentor=mentors[j].key,
                score=round(value, 2),
                reasons=_reasons(model, i, j),
            )
        )
    unmatched = [_why_unmatched(model, stats, i, int(got[i]), k, m) for i in range(n) if got[i] < k]
    return Proposal(pairs=tuple(pairs), unmatched=tuple(unmatched), prices=duals)


def exact(
    mentees: Sequence[Person],
    mentors: Sequence[Person],
    rules: Rules,
    **kwargs: Any,
) -> Proposal:
    """The same optimisation over every feasible pair: the true optimum."""
    return propose(mentees, mentors, rules, candidates_per_mentee=None, **kwargs)


def _candidates(
    s: NDArray[np.float32], per_row: int | None
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Each row's best ``per_row`` feasible columns (all feasible when None)."""
    if per_row is None or per_row >= s.shape[1]:
        rows, cols = np.nonzero(s >= 0)
        return rows, cols
    top = np.argpartition(-s, per_row - 1, axis=1)[:, :per_row]
    rows = np.repeat(np.arange(s.shape[0]), per_row)
    cols = top.reshape(-1)
    keep = s[rows, cols] >= 0
    return rows[keep], cols[keep]


class _MentorBest:
    """Each mentor's best few mentees across all blocks, so no mentor is left without arcs
    just because every mentee liked someone else more."""

    def __init__(self, mentors: int, keep: int) -> None:
        self.keep = keep
        self.score = np.full((0, mentors), -1.0, dtype=np.float32)
        self.row = np.zeros((0, mentors), dtype=np.int64)

    def add(self, s: NDArray[np.float32], start: int) -> None:
        rows = np.broadcast_to(np.arange(start, start + s.shape[0])[:, None], s.shape)
        score = np.concatenate([self.score, s])
        row = np.concatenate([self.row, rows])
        if score.shape[0] > self.keep:
            top = np.argpartition(-score, self.keep - 1, axis=0)[: self.keep]
            score = np.take_along_axis(score, top, axis=0)
            row = np.take_along_axis(row, top, axis=0)
        self.score, self.row = score, row

    def arcs(self) -> tuple[NDArray[Any], NDArray[Any], NDArray[np.float32]]:
        keep = self.score >= 0
        cols = np.broadcast_to(np.arange(self.score.shape[1])[None, :], self.score.shape)
        return self.row[keep], cols[keep], self.score[keep]


def _unique_arcs(
    i: NDArray[Any], j: NDArray[Any], s: NDArray[np.float32], m: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]]:
    code = i.astype(np.int64) * max(1, m) + j.astype(np.int64)
    code, first = np.unique(code, return_index=True)
    return code // max(1, m), code % max(1, m), s[first]


def _solve(
    model: _Model,
    arc_i: NDArray[np.int64],
    arc_j: NDArray[np.int64],
    arc_s: NDArray[np.float32],
    demand: NDArray[np.int64],
    capacity: NDArray[np.int64],
    k: int,
    with_prices: bool = False,
) -> tuple[NDArray[np.bool_], tuple[float, ...]]:
    """Min-cost flow; returns which arcs carry a pair (and mentor prices if asked)."""
    n, m = len(demand), len(capacity)
    if len(arc_i) == 0:
        return np.zeros(0, dtype=np.bool_), (0.0,) * m if with_prices else ()
    # Costs are integer hundredths of a point; each pair is worth its score + PAIR_BONUS.
    value = np.rint((arc_s.astype(np.float64) + PAIR_BONUS) * 100).astype(np.int64)
    source, sink = 0, 1
    mentee_node = 2 + np.arange(n, dtype=np.int64)
    mentor_node = 2 + n + np.arange(m, dtype=np.int64)
    tails = [np.full(n, source), np.full(1, source), mentor_node]
    heads = [mentee_node, np.full(1, sink), np.full(m, sink)]
    caps = [demand, np.array([demand.sum()]), capacity]
    costs = [np.zeros(n, np.int64), np.zeros(1, np.int64), np.zeros(m, np.int64)]
    if k == 1:
        middle = mentee_node[arc_i]
        first_pair_arc = sum(len(t) for t in tails)
    else:
        # A node per (mentee, mentor's department): the first mentor from a department is
        # free, each further one from the same department costs the penalty.
        dept = model.mentors.department[arc_j].astype(np.int64) + 1
        depts = int(dept.max()) + 1
        group, middle_index = np.unique(arc_i * depts + dept, return_inverse=True)
        g = len(group)
        group_node = 2 + n + m + np.arange(g, dtype=np.int64)
        owner = mentee_node[group // depts]
        penalty = int(BOARD_SAME_DEPARTMENT_PENALTY * 100)
        tails += [owner, owner]
        heads += [group_node, group_node]
        caps += [np.ones(g, np.int64), np.full(g, k - 1, np.int64)]
        costs += [np.zeros(g, np.int64), np.full(g, penalty, np.int64)]
        middle = group_node[middle_index.reshape(-1)]
        first_pair_arc = sum(len(t) for t in tails)
    tails.append(middle)
    heads.append(mentor_node[arc_j])
    caps.append(np.ones(len(arc_i), np.int64))
    costs.append(-value)

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32),
        np.concatenate(heads).astype(np.int32),
        np.concatenate(caps).astype(np.int64),
        np.concatenate(costs).astype(np.int64),
    )
    total = int(demand.sum())
    flow.set_nodes_supplies(np.array([source, sink]), np.array([total, -total]))
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - the bypass arc makes it always feasible
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = np.asarray(flow.flows(np.arange(flow.num_arcs())))
    used = flows[first_pair_arc:] > 0
    if not with_prices:
        return used, ()
    all_tails, all_heads = np.concatenate(tails), np.concatenate(heads)
    dist = _potentials(
        all_tails, all_heads, np.concatenate(caps), np.concatenate(costs), flows, 2 + n + m
    )
    # A mentor's price: how much cheaper the sink is to reach than the mentor, clipped at 0.
    price = np.maximum(dist[sink] - dist[mentor_node], 0) / 100
    return used, tuple(float(p) for p in price)


def _potentials(
    tails: NDArray[np.int64],
    heads: NDArray[np.int64],
    caps: NDArray[np.int64],
    costs: NDArray[np.int64],
    flows: NDArray[np.int64],
    nodes: int,
) -> NDArray[np.int64]:
    """Shortest distances on the residual graph from a virtual root joined to every node
    (Bellman-Ford, vectorised). An optimal flow leaves no negative cycle, so this ends, and
    the distances are LP dual potentials."""
    forward, backward = flows < caps, flows > 0
    t = np.concatenate([tails[forward], heads[backward]])
    h = np.concatenate([heads[forward], tails[backward]])
    c = np.concatenate([costs[forward], -costs[backward]])
    size = int(max(nodes, t.max(initial=0) + 1, h.max(initial=0) + 1))
    order = np.argsort(h, kind="stable")
    t, h, c = t[order], h[order], c[order]
    targets, starts = np.unique(h, return_index=True)
    dist = np.zeros(size, dtype=np.int64)
    for _ in range(size + 1):
        best = np.minimum.reduceat(dist[t] + c, starts)
        improved = best < dist[targets]
        if not improved.any():
            return dist
        dist[targets[improved]] = best[improved]
    raise RuntimeError("negative cycle: the flow was not optimal")  # pragma: no cover


# --- Who is left out, and why ---------------------------------------------------------------


class _Stats:
    """Per mentee: how many mentors offer a wanted skill, and of those how many are in range
    and allowed. Enough to say in plain words why someone was left out."""

    def __init__(self, n: int) -> None:
        self.offer = np.zeros(n, dtype=np.int64)
        self.offer_in_range = np.zeros(n, dtype=np.int64)
        self.allowed = np.zeros(n, dtype=np.int64)

    def add(self, block: _Block) -> None:
        rows = block.rows
        self.offer[rows] = block.shares.sum(axis=1)
        self.offer_in_range[rows] = (block.shares & block.in_range).sum(axis=1)
        self.allowed[rows] = (block.score >= 0).sum(axis=1)


def _why_unmatched(model: _Model, stats: _Stats, i: int, got: int, k: int, m: int) -> Unmatched:
    mentee = model.mentees.people[i]
    display = {norm(s): s for s in mentee.skills}
    missing = tuple(sorted(display.get(s, s) for s in model.wanted[i] - model.offered))
    wanted = ", ".join(sorted(display.get(s, s) for s in model.wanted[i])) or "your skills"
    if m == 0:
        reason = "no mentor in the program has a free place yet"
    elif stats.offer[i] == 0:
        reason = f"no mentor with a free place offers {wanted} yet"
    elif stats.offer_in_range[i] == 0:
        reason = f"no mentor with capacity in your time-zone range offers {wanted}"
    elif stats.allowed[i] == 0:
        reason = (
            "the mentors who share your skills were your mentor before, or manage you or you them"
        )
    else:
        reason = "every mentor who shares your skills is fully booked"
    if got:
        reason = f"found {got} of {k} mentors: {reason}"
    return Unmatched(mentee=mentee.key, reason=reason, missing=missing)


# --- For /mentor find, benchmarks and tests ---------------------------------------------------


def top_mentors(
    mentee: Person,
    mentors: Sequence[Person],
    rules: Rules,
    *,
    n: int = 3,
    previous: Iterable[tuple[str, str]] = (),
) -> list[Pair]:
    """The ``n`` best allowed mentors with a free place for one mentee, best first."""
    available = [m for m in mentors if m.capacity > 0]
    if not available:
        return []
    model = _build([mentee], available, rules, previous, ())
    s = _score_block(model, slice(0, 1)).score[0]
    order = [int(j) for j in np.argsort(-s, kind="stable") if s[j] >= 0][:n]
    return [
        Pair(mentee.key, available[j].key, round(float(s[j]), 2), _reasons(model, 0, j))
        for j in order
    ]


def greedy(mentees: Sequence[Person], mentors: Sequence[Person], rules: Rules) -> Proposal:
    """First-come-first-served by score: the baseline a proper assignment must beat."""
    model = _build(mentees, mentors, rules, (), ())
    capacity = np.array([max(0, p.capacity) for p in mentors], dtype=np.int64)
    left = np.full(len(mentees), rules.mentors_per_mentee, dtype=np.int64)
    arcs_i, arcs_j, arcs_s = [], [], []
    for block in _blocks(model):
        rows, cols = np.nonzero(block.score >= 0)
        arcs_i.append(rows + block.rows.start)
        arcs_j.append(cols)
        arcs_s.append(block.score[rows, cols])
    if not arcs_i:
        return Proposal((), ())
    i_all, j_all, s_all = np.concatenate(arcs_i), np.concatenate(arcs_j), np.concatenate(arcs_s)
    pairs = []
    for index in np.argsort(-s_all, kind="stable"):
        i, j = int(i_all[index]), int(j_all[index])
        if left[i] and capacity[j]:
            left[i] -= 1
            capacity[j] -= 1
            pairs.append(Pair(mentees[i].key, mentors[j].key, float(s_all[index]), ()))
    return Proposal(tuple(pairs), ())


def upper_bound(
    mentees: Sequence[Person],
    mentors: Sequence[Person],
    rules: Rules,
    prices: NDArray[np.float64],
) -> float:
    """A Lagrangian (LP dual) upper bound on the best total score, valid for any mentor
    prices ≥ 0: Σ capacity·price + Σ over mentees of their k best positive (score − price).
    Board department penalties only lower the optimum, so it bounds those too. Like the
    solver's objective, it counts each pair as its score plus ``PAIR_BONUS``."""
    model = _build(mentees, mentors, rules, (), ())
    capacity = np.array([max(0, p.capacity) for p in mentors], dtype=np.float64)
    k = rules.mentors_per_mentee
    bound = float((capacity * prices).sum())
    for block in _blocks(model):
        gain = np.where(block.score >= 0, block.score + PAIR_BONUS - prices[None, :], 0.0)
        gain = np.maximum(gain, 0.0)
        if gain.shape[1] > k:
            gain = np.partition(gain, gain.shape[1] - k, axis=1)[:, -k:]
        bound += float(gain.sum())
    return bound
