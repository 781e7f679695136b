"""Plain-text replies to the bot's DM prompts, read into what the forms would have collected.

An agenda reply becomes the GROW agenda: lines labelled ``Goal:``, ``Reality:``, ``Options:``
or ``Way forward:`` fill those parts, and anything unlabelled is the goal. A capture reply
becomes takeaways and actions: each line starting with ``-``, ``*``, ``•`` or ``1.`` is an
action ("- call Sam by Friday"), with its owner and due date read from the words; every other
line is a takeaway. Nothing here guesses silently: the bot replies with what it understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from storage.enums import ActorRole

MAX_ACTIONS = 5

_LABELS = {
    "goal": "goal",
    "g": "goal",
    "reality": "reality",
    "r": "reality",
    "options": "options",
    "o": "options",
    "way forward": "way_forward",
    "way": "way_forward",
    "w": "way_forward",
}
_LABEL = re.compile(r"^\s*(goal|reality|options|way forward|way|g|r|o|w)\s*[:\-–]\s*(.*)$", re.I)
_BULLET = re.compile(r"^\s*(?:[-*•‣◦]|\d{1,2}[.)])\s+(.*\S)\s*$")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
_DUE = re.compile(
    r"\s*[,;(]?\s*\b(?:by|before|due|on|until)\s+(?:the\s+)?(?P<when>[^,;()]+?)\s*\)?\s*$", re.I
)
_RELATIVE = re.compile(
    r"\s*[,;(]?\s*\b(?P<when>tomorrow|today|next week|this week|"
    r"end of (?:the )?(?:week|month)|in \d{1,2} (?:days?|weeks?))\s*\)?\s*$",
    re.I,
)
_MENTOR_WORDS = re.compile(r"^\s*(?:mentor|you)\s*[:\-–]\s*|\(\s*mentor\s*\)|@mentor\b", re.I)
_MENTEE_WORDS = re.compile(r"^\s*(?:me|i|mentee)\s*[:\-–]\s*|\(\s*(?:me|mentee)\s*\)", re.I)


@dataclass(frozen=True)
class ParsedAction:
    text: str
    owner: ActorRole
    due_on: date | None


@dataclass(frozen=True)
class ParsedCapture:
    takeaways: str
    actions: tuple[ParsedAction, ...]
    dropped: int  # actions beyond the five the form holds


def agenda(text: str) -> dict[str, str]:
    """GROW parts of an agenda reply (keys goal, reality, options, way_forward)."""
    parts: dict[str, list[str]] = {"goal": [], "reality": [], "options": [], "way_forward": []}
    current = "goal"
    for line in text.splitlines():
        labelled = _LABEL.match(line)
        if labelled:
            current = _LABELS[labelled.group(1).lower()]
            line = labelled.group(2)
        if line.strip():
            parts[current].append(line.strip())
    return {key: "\n".join(lines) for key, lines in parts.items()}


def due_date(words: str, today: date) -> date | None:
    """A due date from words like "Friday", "tomorrow", "next week", "12 March", "2026-03-20"
    or "in 2 weeks", on or after ``today``; None when the words aren't a date."""
    w = words.strip().lower().rstrip(".!")
    if w in ("today", "tonight", "eod", "end of day"):
        return today
    if w == "tomorrow":
        return today + timedelta(days=1)
    if w in ("this week", "end of week", "end of the week", "the end of the week"):
        return today + timedelta(days=(4 - today.weekday()) % 7)
    if w == "next week":
        return today + timedelta(days=7 - today.weekday() + 4)  # next week's Friday
    if w in ("end of month", "end of the month", "the end of the month"):
        following = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
        return following - timedelta(days=1)
    relative = re.fullmatch(r"in (\d{1,2}) (days?|weeks?)", w)
    if relative:
        n = int(relative.group(1))
        return today + timedelta(days=n * (7 if relative.group(2).startswith("week") else 1))
    weekday = re.fullmatch(r"(next |this )?(mon|tue|wed|thu|fri|sat|sun)[a-z]*", w)
    if weekday:
        target = next(i for i, d in enumerate(_WEEKDAYS) if d.startswith(weekday.group(2)))
        if weekday.group(1) == "next ":  # that day in the week after this one
            return today + timedelta(days=7 - today.weekday() + target)
        return today + timedelta(days=(target - today.weekday()) % 7 or 7)  # the next one
    try:
        return date.fromisoformat(w)
    except ValueError:
        pass
    day_month = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]{3})[a-z]*", w) or re.fullmatch(
        r"([a-z]{3})[a-z]* (\d{1,2})(?:st|nd|rd|th)?", w
    )
    if day_month:
        a, b = day_month.groups()
        day_s, month_s = (a, b) if a.isdigit() else (b, a)
        if month_s not in _MONTHS:
            return None
        month = _MONTHS.index(month_s) + 1
        for year in (today.year, today.year + 1):
            try:
                candidate = date(year, month, int(day_s))
            except ValueError:
                return None
            if candidate >= today:
                return candidate
    return None


def action(line: str, today: date, *, author: ActorRole) -> ParsedAction:
    """One action line: its words, whose it is and when it is due."""
    text = line.strip()
    owner = author
    if _MENTOR_WORDS.search(text):
        owner = ActorRole.MENTOR
        text = _MENTOR_WORDS.sub(" ", text).strip()
    elif _MENTEE_WORDS.search(text):
        owner = ActorRole.MENTEE
        text = _MENTEE_WORDS.sub(" ", text).strip()
    due = None
    for pattern in (_DUE, _RELATIVE):
        found = pattern.search(text)
        if found:
            due = due_date(found.group("when"), today)
            if due is not None:
                text = text[: found.start()].rstrip(" ,;(")
                break
    return ParsedAction(text=text[:1].upper() + text[1:], owner=owner, due_on=due)


def capture(text: str, today: date, *, author: ActorRole) -> ParsedCapture:
    takeaways: list[str] = []
    actions: list[ParsedAction] = []
    for line in text.splitlines():
        bullet = _BULLET.match(line)
        if bullet:
            actions.append(action(bullet.group(1), today, author=author))
        elif line.strip():
            takeaways.append(line.strip())
    return ParsedCapture(
        takeaways="\n".join(takeaways),
        actions=tuple(actions[:MAX_ACTIONS]),
        dropped=max(0, len(actions) - MAX_ACTIONS),
    )
