"""The `/mentor` subcommands: what exists, who it is for, and "did you mean"."""

from __future__ import annotations

import difflib
import enum
from dataclasses import dataclass

from bot.people.roles import Roles


class Audience(enum.Enum):
    EVERYONE = "Everyone"
    MENTEES = "Mentees"
    MENTORS = "Mentors"
    MANAGERS = "Program managers"
    CREATORS = "Admins"
    WORKSPACE_ADMINS = "Workspace admins"


@dataclass(frozen=True)
class Subcommand:
    usage: str
    summary: str
    audience: Audience

    @property
    def word(self) -> str:
        return self.usage.split()[0]


CATALOGUE: tuple[Subcommand, ...] = (
    Subcommand("help", "Show the commands you can use", Audience.EVERYONE),
    Subcommand("join [program]", "Join a program as a mentee or a mentor", Audience.EVERYONE),
    Subcommand("profile", "See or change what you told us when you joined", Audience.EVERYONE),
    Subcommand("leave", "Withdraw from a program", Audience.EVERYONE),
    Subcommand("settings", "Choose the hours when I may nudge you", Audience.EVERYONE),
    Subcommand("pause <2w | date>", "Hold my nudges while I'm away", Audience.EVERYONE),
    Subcommand("resume", "End a pause", Audience.EVERYONE),
    Subcommand("my-data", "Get everything I keep about you, in a DM", Audience.EVERYONE),
    Subcommand("forget-me", "Erase your mentoring data (after a confirmation)", Audience.EVERYONE),
    Subcommand("find", "See the mentors who fit you best, and ask one", Audience.MENTEES),
    Subcommand("meet", "Book your next meeting with your mentor", Audience.MENTEES),
    Subcommand("meet", "Book a meeting with your mentee", Audience.MENTORS),
    Subcommand("goals [new]", "See your SMART goals, add one, update progress", Audience.MENTEES),
    Subcommand("goals", "See your mentee's goals and comment on them", Audience.MENTORS),
    Subcommand("actions", "See the actions you agreed, and tick them off", Audience.MENTEES),
    Subcommand("actions", "See the actions you and your mentee agreed", Audience.MENTORS),
    Subcommand("end", "End your mentoring relationship early, with a reason", Audience.MENTEES),
    Subcommand("end", "End a mentoring relationship early, with a reason", Audience.MENTORS),
    Subcommand("agreement", "See, draft or revise your mentoring agreement", Audience.MENTEES),
    Subcommand("agreement", "See your mentoring agreement", Audience.MENTORS),
    Subcommand("program", "List the mentoring programs in this workspace", Audience.EVERYONE),
    Subcommand("match [program]", "Propose matches, review and approve them", Audience.MANAGERS),
    Subcommand("match settings [program]", "Tune how matching weighs things", Audience.MANAGERS),
    Subcommand(
        "digest [program]", "This week's digest: health, meetings, actions", Audience.MANAGERS
    ),
    Subcommand(
        "report export [program]", "A CSV of every relationship's metrics", Audience.MANAGERS
    ),
    Subcommand("program edit <name>", "Change a program you manage", Audience.MANAGERS),
    Subcommand("program new", "Create a mentoring program", Audience.CREATORS),
    Subcommand(
        "audit", "Who exported, approved or changed people's data", Audience.WORKSPACE_ADMINS
    ),
    Subcommand(
        "admin forget @person",
        "Erase someone's mentoring data",
        Audience.WORKSPACE_ADMINS,
    ),
)

WORDS: tuple[str, ...] = tuple(dict.fromkeys(c.word for c in CATALOGUE))
# Friendly aliases people type; they are not shown in help.
ALIASES: dict[str, str] = {
    "programs": "program",
    "enrol": "join",
    "enroll": "join",
    "?": "help",
    "mydata": "my-data",
    "my_data": "my-data",
}


def visible(roles: Roles) -> list[Subcommand]:
    """The subcommands worth showing to someone with ``roles``."""
    shown = {Audience.EVERYONE}
    if roles.mentee:
        shown.add(Audience.MENTEES)
    if roles.mentor:
        shown.add(Audience.MENTORS)
    if roles.manages:
        shown.add(Audience.MANAGERS)
    if roles.can_create_programs:
        shown.add(Audience.CREATORS)
    if roles.admin:
        shown.add(Audience.WORKSPACE_ADMINS)
    seen: set[str] = set()
    out: list[Subcommand] = []
    for command in CATALOGUE:
        if command.audience in shown and command.usage not in seen:
            seen.add(command.usage)
            out.append(command)
    return out


def resolve(word: str) -> str | None:
    word = word.lower()
    word = ALIASES.get(word, word)
    return word if word in WORDS else None


def suggest(word: str) -> str | None:
    """The closest real subcommand to a mistyped one, if any is close enough."""
    matches = difflib.get_close_matches(word.lower(), [*WORDS, *ALIASES], n=1, cutoff=0.6)
    return resolve(matches[0]) if matches else None
