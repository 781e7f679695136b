"""The matching engine: who should mentor whom, and why.

Pure and synchronous: it knows people only as ``Person`` values and never touches the
database or Slack. ``bot.matching.review`` feeds it a program's pool and stores what it proposes.

How a proposal is made:

1. **Score** every mentee–mentor pair from 0 to 100: the weighted share of the mentee's wanted
   skills (their list plus skills named in their goals) that the mentor offers, how well the
   mentor's current role fits the mentee's target role, how much more senior the mentor is,
   whether the department preference is met, and how many working hours they share.
   Scoring is vectorised with NumPy over bitsets, so a 10,000 × 2,500 program is 25 M pairs
   scored in chunks; only each pair's value in the flow's units (2 bytes) is kept for the
   pricing passes, up to ``CACHE_PAIRS`` pairs (beyond, each pass scores again).
2. **Hard constraints** remove pairs outright: the same person, the mentee's own manager (or
   the mentor's), a pair from an earlier relationship, a pair the manager dropped, working
   hours that overlap less than the program's minimum, and (by default) no shared skill.
3. **Assign** with a min-cost flow (OR-tools) over mentor places: source → mentee (k places
   for a board of k mentors) → mentor (one place per pair, so a board is k different people)
   → sink (the mentor's free capacity), with a bypass so nobody is forced into a bad pair.
   It maximises the total score over the whole program at once. For a board, a second mentor
   from the same department costs a penalty, so boards prefer different departments.
   The flow starts from each mentee's best ``candidates_per_mentee`` mentors plus each
   mentor's best mentees; then every other pair is priced with the flow's LP duals, and any
   pair that would raise the total joins the flow, which is solved again, until none would.
   That is a certificate: the result is optimal over every allowed pair, however alike the
   people are (docs/matching.md explains why).
4. **Explain**: every pair carries its reasons in plain words, and every mentee left out
   carries the reason, e.g. "no mentor with capacity in your time-zone range offers SQL".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from infra.hours import WorkingHours
from infra.text import hours as hours_text

DIFFERENT, SAME, ANY = "different", "same", "any"
SLOT_MINUTES = 15
WEEK_SLOTS = 7 * 24 * 60 // SLOT_MINUTES
FULL_OVERLAP_HOURS = 6.0  # this much shared time a day scores the time-zone part in full
BOARD_SAME_DEPARTMENT_PENALTY = 10.0  # score points, for each extra board mentor from one dept
PAIR_BONUS = 0.01  # points: an allowed pair that scores 0 still beats leaving someone out
CHUNK_PAIRS = 2_000_000  # pairs scored at once (about 8 MB per float32 matrix)
MENTOR_SIDE_CANDIDATES = 64
IMPROVING_PER_MENTEE = 5  # arcs a pricing pass adds per mentee
IMPROVING_PER_MENTOR = 32  # and per mentor
CACHE_PAIRS = 60_000_000  # up to this many pairs, values are kept between pricing passes
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


def _popcount_and(
    a: NDArray[np.uint64], i: NDArray[np.intp], b: NDArray[np.uint64], j: NDArray[np.intp]
) -> NDArray[np.float32]:
    """|a_i ∩ b_j| for the row indices ``i`` and ``j`` broadcast together."""
    out = np.zeros(np.broadcast_shapes(i.shape, j.shape), dtype=np.uint16)
    for word in range(a.shape[1]):
        out += np.bitwise_count(a[i, word] & b[j, word]).astype(np.uint16)
    return out.astype(np.float32)


@dataclass
class _Fit:
    """Scores of mentees ``i`` against mentors ``j`` (index arrays broadcast together: a
    column and a row for a block, two equal vectors for a list of pairs), before any hard
    constraint, with what the constraints and reasons need."""

    score: NDArray[np.float32]  # 0–100
    shared: NDArray[np.float32]  # wanted skills the mentor offers
    hours: NDArray[np.float32]  # shared working hours a day


def _fit(model: _Model, i: NDArray[np.intp], j: NDArray[np.intp]) -> _Fit:
    me, mo = model.mentees, model.mentors
    w = model.rules.weights.vector()

    shared = _popcount_and(me.skills, i, mo.skills, j)
    skill_fit = shared / model.wanted_count[i]
    role_fit = _popcount_and(me.roles, i, mo.roles, j) / model.role_count[i]
    delta = mo.seniority[j].astype(np.int32) - me.seniority[i]
    seniority_fit = _SENIORITY_FIT[np.clip(delta, -1, 7) + 1]
    d_me, d_mo = me.department[i], mo.department[j]
    same = d_me == d_mo
    known = (d_me >= 0) & (d_mo >= 0)
    pref = model.preference[i]
    dept_fit = np.where(
        known,
        np.where(pref == 2, 1.0, np.where(pref == 1, same, ~same)).astype(np.float32),
        np.float32(0.5),
    )
    hours = model.overlap[me.profile[i], mo.profile[j]]
    tz_fit = np.minimum(hours / FULL_OVERLAP_HOURS, 1.0)
    score = 100 * (
        w[0] * skill_fit + w[1] * role_fit + w[2] * seniority_fit + w[3] * dept_fit + w[4] * tz_fit
    )
    return _Fit(score.astype(np.float32), shared, hours)


@dataclass
class _Block:
    """Scores of mentees ``rows`` against every mentor; -1 where a hard constraint fails."""

    rows: slice
    score: NDArray[np.float32]
    shares: NDArray[np.bool_]  # at least one wanted skill in common
    in_range: NDArray[np.bool_]  # working hours overlap enough
    set_aside: NDArray[np.int64]  # per mentee: pairs allowed but for the manager's drop


def _score_block(model: _Model, rows: slice) -> _Block:
    me, mo = model.mentees, model.mentors
    i = np.arange(len(me.people))[rows, None]
    j = np.arange(len(mo.people))[None, :]
    fit = _fit(model, i, j)
    shares = (fit.shared > 0) | ~model.wants[i]
    in_range = fit.hours >= model.rules.min_overlap_hours - 1e-6
    ok = in_range & (me.user[i] != mo.user[j])
    ok &= me.manager[i] != mo.user[j]
    ok &= mo.manager[j] != me.user[i]
    if model.rules.require_shared_skill:
        ok &= shares
    start, stop = rows.start or 0, rows.stop or 0
    for a, b in model.previous:
        if start <= a < stop:
            ok[a - start, b] = False
    set_aside = np.zeros(len(ok), dtype=np.int64)
    for a, b in model.forbidden:
        if start <= a < stop and ok[a - start, b]:
            set_aside[a - start] += 1
            ok[a - start, b] = False
    score = np.where(ok, fit.score, -1.0).astype(np.float32)
    return _Block(rows, score, shares, in_range, set_aside)


def _blocks(model: _Model) -> Iterable[_Block]:
    n, m = len(model.mentees.people), len(model.mentors.people)
    step = max(1, CHUNK_PAIRS // max(1, m))
    for start in range(0, n, step):
        yield _score_block(model, slice(start, min(n, start + step)))


# --- Single pairs ---------------------------------------------------------------------------


def score(mentee: Person, mentor: Person, rules: Rules) -> float:
    """The pair's score (0–100), whether or not it is allowed."""
    zero = np.zeros(1, dtype=np.intp)
    return float(_fit(_build([mentee], [mentor], rules, (), ()), zero, zero).score[0])


def feasible(
    mentee: Person,
    mentor: Person,
    rules: Rules,
    previous: Iterable[tuple[str, str]] = (),
) -> bool:
    """Whether the hard constraints allow this pair (capacity aside)."""
    model = _build([mentee], [mentor], rules, previous, ())
    return bool(_score_block(model, slice(0, 1)).score[0, 0] >= 0)


def explain(mentee: Person, mentor: Person, rules: Rules) -> tuple[str, ...]:
    """The pair's reasons in plain words, most important first."""
    return _pairs(_build([mentee], [mentor], rules, (), ()), [(0, 0)])[0].reasons


def _pairs(model: _Model, rows: Sequence[tuple[int, int]]) -> list[Pair]:
    """The pairs (mentee row, mentor row) with their scores and reasons, both read from the
    same model, so a pair's score and its "shares 1 of 2 skills" always agree."""
    if not rows:
        return []
    i = np.array([a for a, _ in rows], dtype=np.intp)
    j = np.array([b for _, b in rows], dtype=np.intp)
    scores = _fit(model, i, j).score
    return [
        Pair(
            mentee=model.mentees.people[a].key,
            mentor=model.mentors.people[b].key,
            score=round(float(s), 2),
            reasons=_reasons(model, a, b),
        )
        for (a, b), s in zip(rows, scores, strict=True)
    ]


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
    candidates_per_mentee: int | None = 30,
    prices: bool = False,
    cache_pairs: int = CACHE_PAIRS,
) -> Proposal:
    """The best assignment for the whole program: optimal over every allowed pair.

    ``previous`` holds (mentee user, mentor user) pairs that must not repeat; ``locked`` and
    ``forbidden`` hold (mentee key, mentor key) pairs the manager kept or dropped. Locked
    pairs stay (while both people are in the pool) and use up their places.

    The flow starts from each mentee's best ``candidates_per_mentee`` mentors (None: every
    allowed pair) and each mentor's best mentees. Then every pair left out is priced with the
    solution's duals; pairs that would raise the total join the flow, which is solved again,
    until no pair would: that is the certificate that the result is optimal over all pairs.
    Up to ``cache_pairs`` pairs, their values are kept between those passes (2 bytes each);
    beyond, each pass scores them again.
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
        if i is None or j is None or demand[i] == 0 or capacity[j] == 0 or (i, j) in fixed:
            continue
        fixed.append((i, j))
        demand[i] -= 1
        capacity[j] -= 1

    values = _Values(model, demand, capacity, fixed, keep=n * m <= cache_pairs)
    arcs = values.candidates(candidates_per_mentee)
    while True:
        flow = _solve(model, arcs, demand, capacity, k)
        more = values.improving(arcs, flow, capacity)
        if more is None:
            break
        grown = arcs.union(more, m)
        if len(grown.i) == len(arcs.i):  # pragma: no cover - the flow's own arcs never improve
            raise RuntimeError("pricing found only arcs already in the flow")
        arcs = grown

    chosen = sorted(
        fixed + list(zip(arcs.i[flow.used].tolist(), arcs.j[flow.used].tolist(), strict=True))
    )
    got = np.bincount(np.array([i for i, _ in chosen], dtype=np.int64), minlength=n)
    unmatched = [
        _why_unmatched(model, values.stats, i, int(got[i]), k, m, int(values.open[i]))
        for i in range(n)
        if got[i] < k
    ]
    return Proposal(
        pairs=tuple(_pairs(model, chosen)),
        unmatched=tuple(unmatched),
        prices=flow.prices if prices else (),
    )


def exact(
    mentees: Sequence[Person],
    mentors: Sequence[Person],
    rules: Rules,
    **kwargs: Any,
) -> Proposal:
    """The same optimisation starting from every allowed pair (no pricing rounds needed)."""
    return propose(mentees, mentors, rules, candidates_per_mentee=None, **kwargs)


@dataclass
class _Arcs:
    """The flow's mentee → mentor arcs, sorted and unique, with their value in the flow's
    units: hundredths of a point of score + ``PAIR_BONUS``."""

    i: NDArray[np.int64]
    j: NDArray[np.int64]
    value: NDArray[np.int64]

    @classmethod
    def of(cls, i: NDArray[Any], j: NDArray[Any], value: NDArray[Any], m: int) -> _Arcs:
        code = i.astype(np.int64) * max(1, m) + j.astype(np.int64)
        code, first = np.unique(code, return_index=True)
        return cls(code // max(1, m), code % max(1, m), value[first].astype(np.int64))

    def union(self, other: _Arcs, m: int) -> _Arcs:
        return _Arcs.of(
            np.concatenate([self.i, other.i]),
            np.concatenate([self.j, other.j]),
            np.concatenate([self.value, other.value]),
            m,
        )


class _Values:
    """Every pair's value in the flow's units, or 0 where the pair is not allowed or not open
    (a locked pair, a mentor with no place left after locks, a mentee whose places are all
    locked). Scored once, and kept when the program is small enough (2 bytes a pair), else
    scored again for each pricing pass."""

    def __init__(
        self,
        model: _Model,
        demand: NDArray[np.int64],
        capacity: NDArray[np.int64],
        fixed: list[tuple[int, int]],
        *,
        keep: bool,
    ) -> None:
        n, m = len(model.mentees.people), len(model.mentors.people)
        self.model, self.fixed = model, fixed
        self.closed_rows, self.closed_cols = demand == 0, capacity == 0
        self.stats = _Stats(n)
        self.open = np.zeros(n, dtype=np.int64)  # allowed mentors with a place left (last pass)
        self.keep = keep
        self.cache: list[tuple[int, NDArray[np.int16]]] = []
        # Ties are broken by a fixed pseudo-random order, different for every mentee and
        # mentor, so alike mentees spread over alike mentors instead of all picking the same.
        rng = np.random.default_rng(0)
        self.tie_i = rng.integers(0, 1 << 16, n, dtype=np.uint16)
        self.tie_j = rng.integers(0, 1 << 16, m, dtype=np.uint16)

    def blocks(self) -> Iterator[tuple[int, NDArray[np.int16]]]:
        """(first mentee row, values of those mentees × every mentor), block by block."""
        if self.cache:
            yield from self.cache
            return
        first = not self.stats.scored
        for block in _blocks(self.model):
            if first:
                self.stats.add(block)
            start = block.rows.start or 0
            # Not allowed (-1) comes out below 0, and is cut to 0.
            v = np.rint((block.score + np.float32(PAIR_BONUS)) * np.float32(100))
            v = np.maximum(v, 0).astype(np.int16)
            v[:, self.closed_cols] = 0
            v[self.closed_rows[block.rows]] = 0
            for a, b in self.fixed:
                if start <= a < start + len(v):
                    v[a - start, b] = 0
            if self.keep:
                self.cache.append((start, v))
            yield start, v
        self.stats.scored = True

    def _gain(self, start: int, v: NDArray[np.int16], gain: NDArray[Any]) -> NDArray[np.float32]:
        """``gain`` where it is positive, plus the tie-breaker (under half of one unit), for
        ordering; 0 elsewhere."""
        bits = self.tie_i[start : start + len(v), None] ^ self.tie_j[None, :]
        tie = bits.astype(np.float32) * np.float32(0.5 / (1 << 16))
        return np.where(gain > 0, gain.astype(np.float32) + tie, np.float32(0))

    def candidates(self, per_mentee: int | None) -> _Arcs:
        """The first arcs: each mentee's best ``per_mentee`` mentors (all when None) and each
        mentor's best ``MENTOR_SIDE_CANDIDATES`` mentees."""
        picks = _Picks(len(self.model.mentors.people), MENTOR_SIDE_CANDIDATES)
        for start, v in self.blocks():
            picks.add(start, v, self._gain(start, v, v), per_mentee)
        return picks.arcs()

    def improving(self, arcs: _Arcs, flow: _Flow, capacity: NDArray[np.int64]) -> _Arcs | None:
        """The pairs outside the flow that would raise the total: value above the
        potential difference of their two ends (each mentee's and each mentor's best few
        of them), or None when there is none, which proves the flow optimal."""
        m = len(self.model.mentors.people)
        used_i, used_j = arcs.i[flow.used], arcs.j[flow.used]
        left = capacity - np.bincount(used_j, minlength=m)
        free = left > 0
        picks = _Picks(m, IMPROVING_PER_MENTOR)
        found = False
        for start, v in self.blocks():
            stop = start + len(v)
            tail = flow.tail[start:stop]
            if tail.shape[1] > 1:  # a board: by the mentor's department
                tail = tail[:, flow.column]
            gain = np.where(v > 0, v - (tail - flow.mentor[None, :]), 0)
            inside = (used_i >= start) & (used_i < stop)
            gain[used_i[inside] - start, used_j[inside]] = 0  # already chosen
            self.open[start:stop] = ((v > 0) & free[None, :]).sum(axis=1)
            if gain.max(initial=0) > 0:
                found = True
                picks.add(start, v, self._gain(start, v, gain), IMPROVING_PER_MENTEE)
        # A mentor already on the mentee's board is not open to them again.
        np.subtract.at(self.open, used_i[free[used_j]], 1)
        return picks.arcs() if found else None


class _Picks:
    """Arcs picked from scored blocks: each row's best ``per_row`` and each mentor's best
    ``per_mentor`` across all blocks, by a gain that is positive where a pick is allowed."""

    def __init__(self, mentors: int, per_mentor: int) -> None:
        self.m, self.keep = mentors, per_mentor
        self.i: list[NDArray[np.int64]] = []
        self.j: list[NDArray[np.int64]] = []
        self.v: list[NDArray[np.int64]] = []
        self.col_gain = np.zeros((0, mentors), dtype=np.float32)
        self.col_row = np.zeros((0, mentors), dtype=np.int64)
        self.col_value = np.zeros((0, mentors), dtype=np.int64)

    def add(
        self, start: int, v: NDArray[np.int16], gain: NDArray[np.float32], per_row: int | None
    ) -> None:
        if per_row is None or per_row >= gain.shape[1]:
            rows, cols = np.nonzero(gain > 0)
        else:
            top = np.argpartition(-gain, per_row - 1, axis=1)[:, :per_row]
            rows = np.repeat(np.arange(gain.shape[0]), per_row)
            cols = top.reshape(-1)
            keep = gain[rows, cols] > 0
            rows, cols = rows[keep], cols[keep]
        self.i.append(rows + start)
        self.j.append(cols)
        self.v.append(v[rows, cols].astype(np.int64))
        # Each mentor's best mentees so far, so no mentor is left without arcs just because
        # every mentee liked someone else more: this block's best, merged with the earlier.
        if len(gain) > self.keep:  # (by rows of the transpose: much faster than by columns)
            top = np.argpartition(-np.ascontiguousarray(gain.T), self.keep - 1, axis=1)
            top = np.ascontiguousarray(top[:, : self.keep].T)
        else:
            top = np.broadcast_to(np.arange(len(gain))[:, None], gain.shape)
        col_gain = np.concatenate([self.col_gain, np.take_along_axis(gain, top, axis=0)])
        col_row = np.concatenate([self.col_row, top + start])
        col_value = np.concatenate([self.col_value, np.take_along_axis(v, top, axis=0)])
        if len(col_gain) > self.keep:
            top = np.argpartition(-col_gain, self.keep - 1, axis=0)[: self.keep]
            col_gain = np.take_along_axis(col_gain, top, axis=0)
            col_row = np.take_along_axis(col_row, top, axis=0)
            col_value = np.take_along_axis(col_value, top, axis=0)
        self.col_gain, self.col_row, self.col_value = col_gain, col_row, col_value

    def arcs(self) -> _Arcs:
        keep = self.col_gain > 0
        cols = np.broadcast_to(np.arange(self.m)[None, :], self.col_gain.shape)
        return _Arcs.of(
            np.concatenate([*self.i, self.col_row[keep]]),
            np.concatenate([*self.j, cols[keep]]),
            np.concatenate([*self.v, self.col_value[keep]]),
            self.m,
        )


@dataclass
class _Flow:
    """A min-cost flow over some arcs, with the LP dual potentials that price every other
    pair: a pair (i, j) outside the flow would raise the total exactly when its value is
    above ``tail[i, column[j]] - mentor[j]``."""

    used: NDArray[np.bool_]  # per arc: it carries a pair
    # mentee × column: the potential of the node a pair arc leaves from
    tail: NDArray[np.signedinteger[Any]]
    column: NDArray[np.intp]  # per mentor: its column of ``tail`` (its department for boards)
    mentor: NDArray[np.signedinteger[Any]]  # per mentor: its node's potential
    prices: tuple[float, ...]  # per mentor: its dual price in score points


def _solve(
    model: _Model,
    arcs: _Arcs,
    demand: NDArray[np.int64],
    capacity: NDArray[np.int64],
    k: int,
) -> _Flow:
    """Min-cost flow over ``arcs``; which arcs carry a pair, and the potentials."""
    n, m = len(demand), len(capacity)
    arc_i, arc_j = arcs.i, arcs.j
    source, sink = 0, 1
    mentee_node = 2 + np.arange(n, dtype=np.int64)
    mentor_node = 2 + n + np.arange(m, dtype=np.int64)
    tails = [np.full(n, source), np.full(1, source), mentor_node]
    heads = [mentee_node, np.full(1, sink), np.full(m, sink)]
    caps = [demand, np.array([demand.sum()]), capacity]
    costs = [np.zeros(n, np.int64), np.zeros(1, np.int64), np.zeros(m, np.int64)]
    # For a board, a node per (mentee, mentor's department): the first mentor from a
    # department is free, each further one from the same department costs the penalty.
    depts = int(model.mentors.department.max(initial=-1)) + 2 if k > 1 else 1
    column = (model.mentors.department.astype(np.intp) + 1) if k > 1 else np.zeros(m, np.intp)
    group = np.zeros(0, dtype=np.int64)
    if k == 1:
        middle = mentee_node[arc_i]
    else:
        group, middle_index = np.unique(arc_i * depts + column[arc_j], return_inverse=True)
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
    costs.append(-arcs.value)

    all_tails, all_heads = np.concatenate(tails), np.concatenate(heads)
    all_caps, all_costs = np.concatenate(caps), np.concatenate(costs)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        all_tails.astype(np.int32),
        all_heads.astype(np.int32),
        all_caps.astype(np.int64),
        all_costs.astype(np.int64),
    )
    total = int(demand.sum())
    flow.set_nodes_supplies(np.array([source, sink]), np.array([total, -total]))
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - the bypass arc makes it always feasible
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = np.asarray(flow.flows(np.arange(flow.num_arcs())))
    dist = _potentials(all_tails, all_heads, all_caps, all_costs, flows, 2 + n + m + len(group))
    # A pair arc leaves its mentee (or, for a board, its (mentee, department) node; where the
    # flow has no such node yet, one would get the mentee's potential through its free arc).
    tail = np.repeat(dist[mentee_node][:, None], depts, axis=1)
    if len(group):
        tail[group // depts, group % depts] = dist[2 + n + m + np.arange(len(group))]
    # A mentor's price: how much cheaper the sink is to reach than the mentor, clipped at 0.
    price = np.maximum(dist[sink] - dist[mentor_node], 0) / 100
    # Pricing runs over every pair: 32-bit arithmetic when the potentials allow it.
    small = int(np.abs(dist).max(initial=0)) < 1 << 30
    return _Flow(
        used=flows[first_pair_arc:] > 0,
        tail=tail.astype(np.int32) if small else tail,
        column=column,
        mentor=dist[mentor_node].astype(np.int32) if small else dist[mentor_node],
        prices=tuple(float(p) for p in price),
    )


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
        self.set_aside = np.zeros(n, dtype=np.int64)
        self.scored = False

    def add(self, block: _Block) -> None:
        rows = block.rows
        self.offer[rows] = block.shares.sum(axis=1)
        self.offer_in_range[rows] = (block.shares & block.in_range).sum(axis=1)
        self.allowed[rows] = (block.score >= 0).sum(axis=1)
        self.set_aside[rows] = block.set_aside


def _why_unmatched(
    model: _Model, stats: _Stats, i: int, got: int, k: int, m: int, open_: int
) -> Unmatched:
    """``open_``: allowed mentors who still have a free place in the final solution and are
    not on this mentee's board yet."""
    mentee = model.mentees.people[i]
    display = {norm(s): s for s in mentee.skills}
    missing = tuple(sorted(display.get(s, s) for s in model.wanted[i] - model.offered))
    wanted = ", ".join(sorted(display.get(s, s) for s in model.wanted[i])) or "your skills"
    if m == 0:
        reason = "no mentor in the program has a free place yet"
    elif open_:
        # An optimal solution leaves a free allowed mentor unused only on a board, where a
        # further mentor from a department already on it costs more than the pair is worth.
        reason = (
            "the mentors who share your skills and still have a free place are from "
            "a department already on your board"
        )
    elif stats.offer[i] == 0:
        reason = f"no mentor with a free place offers {wanted} yet"
    elif stats.offer_in_range[i] == 0:
        reason = f"no mentor with capacity in your time-zone range offers {wanted}"
    elif stats.allowed[i] == 0 and stats.set_aside[i]:
        reason = "the program's managers set aside the pairs proposed for you"
    elif stats.allowed[i] == 0:
        reason = (
            "the mentors who share your skills were your mentor before, or manage you or you them"
        )
    else:
        # Every allowed mentor is full, or already on this mentee's board.
        reason = f"every {'other ' if got else ''}mentor who shares your skills is fully booked"
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
    return _pairs(model, [(0, j) for j in order])


def scores(
    mentees: Sequence[Person],
    mentors: Sequence[Person],
    rules: Rules,
    *,
    previous: Iterable[tuple[str, str]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
) -> NDArray[np.float32]:
    """Every pair's score as ``propose`` sees it (mentees × mentors), -1 where a hard
    constraint forbids the pair. Holds the whole matrix: for tests and benchmarks."""
    model = _build(mentees, mentors, rules, previous, forbidden)
    out = np.full((len(mentees), len(mentors)), -1.0, dtype=np.float32)
    for block in _blocks(model):
        out[block.rows] = block.score
    return out


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
