"""Block Kit limits, checked the way Slack checks them.

``check_message`` and ``check_view`` are pure functions returning Slack-style error strings,
``"<reason> [json-pointer:/blocks/0/text/text]"``; an empty list means the payload is valid.
The fake answers ``invalid_blocks`` (messages) or ``invalid_arguments`` (views) with them.

The rules are data: one table of fields per block type, per element type, and per view type,
each field described by a small ``Rule`` (a text object with a limit, a string with a limit,
a list with a size range…). The few rules that relate two fields to each other (a section
needs text *or* fields; an initial option must be one of the options) are small functions in
``_CROSS_CHECKS``.

Where Slack's published limit is looser than what this project holds itself to, the stricter
limit is used, so anything the fake accepts Slack accepts too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MESSAGE_TEXT = 40_000

PLAIN = ("plain_text",)
ANY_TEXT = ("plain_text", "mrkdwn")


class _Checker:
    """Collects errors while walking a payload; knows which surface it is checking."""

    def __init__(self, surface: str) -> None:
        self.surface = surface  # "message", "modal" or "home"
        self.errors: list[str] = []

    def err(self, reason: str, pointer: str) -> None:
        self.errors.append(f"{reason} [json-pointer:{pointer}]")

    def fields(self, obj: Mapping[str, Any], table: Mapping[str, Rule], pointer: str) -> None:
        for name, rule in table.items():
            value = obj.get(name)
            if value is None:
                if rule.required:
                    self.err(f"missing required field: {name}", pointer)
                continue
            rule.check(self, value, f"{pointer}/{name}")


class Rule:
    """How one field is checked. ``required`` fields are reported when missing."""

    required: bool = False

    def check(self, c: _Checker, value: Any, pointer: str) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Rule):
    """A text object: ``{"type": "plain_text" | "mrkdwn", "text": "..."}``."""

    limit: int
    types: tuple[str, ...] = ANY_TEXT
    required: bool = False

    def check(self, c: _Checker, value: Any, pointer: str) -> None:
        if not isinstance(value, dict):
            c.err("must be a text object", pointer)
            return
        kind = value.get("type")
        if kind not in ANY_TEXT:
            c.err("must be a text object of type plain_text or mrkdwn", pointer + "/type")
            return
        if kind not in self.types:
            c.err(f"must be {' or '.join(self.types)}", pointer + "/type")
        text = value.get("text")
        if not isinstance(text, str) or not text:
            c.err("must be more than 0 characters", pointer + "/text")
        elif len(text) > self.limit:
            c.err(f"must be less than {self.limit + 1} characters", pointer + "/text")


@dataclass(frozen=True)
class Str(Rule):
    limit: int
    required: bool = False
    nonempty: bool = False
    pattern: str | None = None  # a full-match regular expression
    shape: str = ""  # how the pattern reads, for the error

    def check(self, c: _Checker, value: Any, pointer: str) -> None:
        if not isinstance(value, str):
            c.err("must be a string", pointer)
        elif self.nonempty and not value:
            c.err("must be more than 0 characters", pointer)
        elif len(value) > self.limit:
            c.err(f"must be less than {self.limit + 1} characters", pointer)
        elif self.pattern is not None and not re.fullmatch(self.pattern, value):
            c.err(f"must be in the format {self.shape}", pointer)


@dataclass(frozen=True)
class Int(Rule):
    low: int
    high: int | None = None
    required: bool = False

    def check(self, c: _Checker, value: Any, pointer: str) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            c.err("must be an integer", pointer)
        elif self.high is None and value < self.low:
            c.err(f"must be at least {self.low}", pointer)
        elif self.high is not None and not self.low <= value <= self.high:
            c.err(f"must be between {self.low} and {self.high}", pointer)


@dataclass(frozen=True)
class Bool(Rule):
    required: bool = False

    def check(self, c: _Checker, value: Any, pointer: str) -> None:
        if not isinstance(value, bool):
            c.err("must be a boolean", pointer)


@dataclass(frozen=True)
class OneOf(Rule):
    values: tuple[str, ...]
    required: bool = False

    def check(self, c: _Checker, value: Any, pointer: str) -> None:
        if value not in self.values:
            c.err(f"must be one of: {', '.join(self.values)}", pointer)


@dataclass(frozen=True)
class Obj(Rule):
    """A composition object (option, confirm dialog…) with its own table of fields."""

    table: Mapping[str, Rule]
    required: bool = False

    def check(self, c: _Checker, value: Any, pointer: str) -> None:
        if not isinstance(value, dict):
            c.err("must be an object", pointer)
            return
        c.fields(value, self.table, pointer)


@dataclass(frozen=True)
class Many(Rule):
    """A list of ``item``s, ``low``..``high`` long, optionally unique by one key."""

    item: Rule
    low: int
    high: int
    required: bool = False
    unique: str | None = None

    def check(self, c: _Checker, value: Any, pointer: str) -> None:
        if not isinstance(value, list):
            c.err("must be an array", pointer)
            return
        if len(value) > self.high:
            c.err(f"no more than {self.high} items allowed", pointer)
        elif len(value) < self.low:
            c.err(f"must provide at least {self.low} items", pointer)
        seen: set[Any] = set()
        for i, item in enumerate(value):
            self.item.check(c, item, f"{pointer}/{i}")
            key = item.get(self.unique) if self.unique and isinstance(item, dict) else None
            if key is not None:
                if key in seen:
                    c.err(f"duplicate {self.unique} {key!r}", f"{pointer}/{i}/{self.unique}")
                seen.add(key)


@dataclass(frozen=True)
class Element(Rule):
    """An interactive element, restricted to the types the containing block allows."""

    allowed: frozenset[str]
    required: bool = False

    def check(self, c: _Checker, value: Any, pointer: str) -> None:
        _typed(c, value, pointer, ELEMENTS, self.allowed)


@dataclass(frozen=True)
class Block(Rule):
    def check(self, c: _Checker, value: Any, pointer: str) -> None:
        _typed(c, value, pointer, BLOCKS, frozenset(BLOCKS))


@dataclass(frozen=True)
class ContextItem(Rule):
    """A context block holds text objects and image elements."""

    def check(self, c: _Checker, value: Any, pointer: str) -> None:
        if isinstance(value, dict) and value.get("type") == "image":
            c.fields(value, ELEMENTS["image"], pointer)
        else:
            Text(3000).check(c, value, pointer)


def _typed(
    c: _Checker,
    value: Any,
    pointer: str,
    tables: Mapping[str, Mapping[str, Rule]],
    allowed: frozenset[str],
) -> None:
    """Check a block or element against the table for its ``type``."""
    if not isinstance(value, dict):
        c.err("must be an object", pointer)
        return
    kind = value.get("type")
    if kind not in tables:
        c.err(f"unsupported type: {kind}", pointer + "/type")
        return
    if kind not in allowed:
        c.err(f"{kind} is not allowed here", pointer + "/type")
        return
    c.fields(value, tables[kind], pointer)
    cross = _CROSS_CHECKS.get(str(kind))
    if cross is not None:
        cross(c, value, pointer)


# ---------------------------------------------------------------------------- composition

ID = Str(255)
CONFIRM = Obj(
    {
        "title": Text(100, PLAIN, required=True),
        "text": Text(300, required=True),
        "confirm": Text(30, PLAIN, required=True),
        "deny": Text(30, PLAIN, required=True),
        "style": OneOf(("primary", "danger")),
    }
)


def _option(text_types: tuple[str, ...]) -> Obj:
    return Obj(
        {
            "text": Text(75, text_types, required=True),
            "value": Str(150, required=True, nonempty=True),
            "description": Text(75, text_types),
            "url": Str(3000),
        }
    )


OPTION = _option(PLAIN)  # menus show plain text only
RICH_OPTION = _option(ANY_TEXT)  # radio buttons and checkboxes may use mrkdwn
OPTION_GROUP = Obj(
    {"label": Text(75, PLAIN, required=True), "options": Many(OPTION, 1, 100, required=True)}
)
DATE = Str(10, pattern=r"\d{4}-\d{2}-\d{2}", shape="YYYY-MM-DD")
TIME = Str(5, pattern=r"\d{2}:\d{2}", shape="HH:mm")

# ---------------------------------------------------------------------------- elements

_MENU = {"action_id": ID, "placeholder": Text(150, PLAIN), "confirm": CONFIRM}
_STATIC = {
    **_MENU,
    "options": Many(OPTION, 1, 100),
    "option_groups": Many(OPTION_GROUP, 1, 100),
}
_TEXT_INPUT = {
    "action_id": ID,
    "placeholder": Text(150, PLAIN),
    "initial_value": Str(3000),
    "focus_on_load": Bool(),
}

ELEMENTS: dict[str, dict[str, Rule]] = {
    "button": {
        "text": Text(75, PLAIN, required=True),
        "action_id": ID,
        "value": Str(2000),
        "url": Str(3000),
        "style": OneOf(("primary", "danger")),
        "confirm": CONFIRM,
        "accessibility_label": Str(75),
    },
    "static_select": {**_STATIC, "initial_option": OPTION},
    "multi_static_select": {
        **_STATIC,
        "initial_options": Many(OPTION, 0, 100),
        "max_selected_items": Int(1),
    },
    "external_select": {**_MENU, "initial_option": OPTION, "min_query_length": Int(0)},
    "multi_external_select": {
        **_MENU,
        "initial_options": Many(OPTION, 0, 100),
        "min_query_length": Int(0),
        "max_selected_items": Int(1),
    },
    "users_select": {**_MENU, "initial_user": ID},
    "multi_users_select": {
        **_MENU,
        "initial_users": Many(ID, 0, 100),
        "max_selected_items": Int(1),
    },
    "conversations_select": {**_MENU, "initial_conversation": ID},
    "multi_conversations_select": {
        **_MENU,
        "initial_conversations": Many(ID, 0, 100),
        "max_selected_items": Int(1),
    },
    "channels_select": {**_MENU, "initial_channel": ID},
    "multi_channels_select": {
        **_MENU,
        "initial_channels": Many(ID, 0, 100),
        "max_selected_items": Int(1),
    },
    "overflow": {
        "action_id": ID,
        "options": Many(OPTION, 2, 5, required=True),
        "confirm": CONFIRM,
    },
    "radio_buttons": {
        "action_id": ID,
        "options": Many(RICH_OPTION, 1, 10, required=True),
        "initial_option": RICH_OPTION,
        "confirm": CONFIRM,
    },
    "checkboxes": {
        "action_id": ID,
        "options": Many(RICH_OPTION, 1, 10, required=True),
        "initial_options": Many(RICH_OPTION, 0, 10),
        "confirm": CONFIRM,
    },
    "datepicker": {**_MENU, "initial_date": DATE},
    "timepicker": {**_MENU, "initial_time": TIME, "timezone": Str(100)},
    "datetimepicker": {"action_id": ID, "initial_date_time": Int(0), "confirm": CONFIRM},
    "plain_text_input": {
        **_TEXT_INPUT,
        "multiline": Bool(),
        "min_length": Int(0, 3000),
        "max_length": Int(1, 3000),
    },
    "email_text_input": _TEXT_INPUT,
    "url_text_input": _TEXT_INPUT,
    "number_input": {
        **_TEXT_INPUT,
        "is_decimal_allowed": Bool(required=True),
        "min_value": Str(50),
        "max_value": Str(50),
    },
    "rich_text_input": {"action_id": ID, "placeholder": Text(150, PLAIN)},
    "file_input": {"action_id": ID, "max_files": Int(1, 10)},
    "image": {"image_url": Str(3000), "alt_text": Str(2000, required=True)},
    "workflow_button": {"text": Text(75, PLAIN, required=True), "action_id": ID},
}

_SELECTS = {
    "static_select",
    "multi_static_select",
    "external_select",
    "multi_external_select",
    "users_select",
    "multi_users_select",
    "conversations_select",
    "multi_conversations_select",
    "channels_select",
    "multi_channels_select",
}
ACCESSORY_ELEMENTS = frozenset(
    {"button", "checkboxes", "datepicker", "image", "overflow", "radio_buttons", "timepicker"}
    | {"workflow_button"}
    | _SELECTS
)
ACTIONS_ELEMENTS = (ACCESSORY_ELEMENTS - {"image"}) | {"datetimepicker", "rich_text_input"}
INPUT_ELEMENTS = frozenset(
    {"checkboxes", "datepicker", "datetimepicker", "radio_buttons", "timepicker"}
    | {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
    | {"rich_text_input", "file_input"}
    | _SELECTS
)

# ---------------------------------------------------------------------------- blocks

BLOCKS: dict[str, dict[str, Rule]] = {
    "section": {
        "block_id": ID,
        "text": Text(3000),
        "fields": Many(Text(2000), 1, 10),
        "accessory": Element(ACCESSORY_ELEMENTS),
    },
    "header": {"block_id": ID, "text": Text(150, PLAIN, required=True)},
    "divider": {"block_id": ID},
    "context": {"block_id": ID, "elements": Many(ContextItem(), 1, 10, required=True)},
    "actions": {
        "block_id": ID,
        "elements": Many(Element(ACTIONS_ELEMENTS), 1, 25, required=True, unique="action_id"),
    },
    "input": {
        "block_id": ID,
        # Slack allows 2,000 characters in an input's label and hint; this project holds
        # itself to 150 so labels stay readable on a phone.
        "label": Text(150, PLAIN, required=True),
        "hint": Text(150, PLAIN),
        "element": Element(INPUT_ELEMENTS, required=True),
        "optional": Bool(),
        "dispatch_action": Bool(),
    },
    "image": {
        "block_id": ID,
        "image_url": Str(3000),
        "alt_text": Str(2000, required=True),
        "title": Text(2000, PLAIN),
    },
    "rich_text": {"block_id": ID, "elements": Many(Obj({}), 1, 100, required=True)},
    "video": {
        "block_id": ID,
        "alt_text": Str(2000, required=True),
        "title": Text(200, PLAIN, required=True),
        "video_url": Str(3000, required=True),
        "thumbnail_url": Str(3000, required=True),
    },
    "file": {
        "block_id": ID,
        "external_id": Str(255, required=True),
        "source": OneOf(("remote",), required=True),
    },
    "markdown": {"block_id": ID, "text": Str(12_000, required=True)},
}

# ---------------------------------------------------------------------------- cross-field rules


def _section(c: _Checker, block: dict[str, Any], pointer: str) -> None:
    if block.get("text") is None and not block.get("fields"):
        c.err("must provide either text or fields", pointer)


def _input(c: _Checker, block: dict[str, Any], pointer: str) -> None:
    if c.surface == "message":
        c.err("input blocks are only allowed in modals and home tabs", pointer)


def _offered(c: _Checker, element: dict[str, Any], pointer: str) -> None:
    """Options come either flat or in groups, and what starts selected must be offered."""
    options = element.get("options")
    groups = element.get("option_groups")
    menu = element["type"] in ("static_select", "multi_static_select")
    if menu and (options is None) == (groups is None):
        c.err("must provide exactly one of options or option_groups", pointer)
    offered = [o for o in options or [] if isinstance(o, dict)] + [
        o
        for g in groups or []
        if isinstance(g, dict)
        for o in g.get("options") or []
        if isinstance(o, dict)
    ]
    if groups and len(offered) > 100:
        c.err("no more than 100 options allowed across option_groups", pointer)
    values = {o.get("value") for o in offered}
    initial = element.get("initial_option")
    if isinstance(initial, dict) and initial.get("value") not in values:
        c.err("must be one of the options", pointer + "/initial_option")
    for i, option in enumerate(element.get("initial_options") or []):
        if isinstance(option, dict) and option.get("value") not in values:
            c.err("must be one of the options", f"{pointer}/initial_options/{i}")


def _text_input(c: _Checker, element: dict[str, Any], pointer: str) -> None:
    low, high = element.get("min_length"), element.get("max_length")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        c.err("min_length must not exceed max_length", pointer + "/min_length")
    initial = element.get("initial_value")
    if isinstance(initial, str) and isinstance(high, int) and len(initial) > high:
        c.err(f"must be less than {high + 1} characters (max_length)", pointer + "/initial_value")


_CROSS_CHECKS: dict[str, Callable[[_Checker, dict[str, Any], str], None]] = {
    "section": _section,
    "input": _input,
    "static_select": _offered,
    "multi_static_select": _offered,
    "radio_buttons": _offered,
    "checkboxes": _offered,
    "plain_text_input": _text_input,
}

# ---------------------------------------------------------------------------- surfaces

_VIEW_COMMON: dict[str, Rule] = {
    "private_metadata": Str(3000),
    "callback_id": ID,
    "external_id": ID,
}
VIEWS: dict[str, dict[str, Rule]] = {
    "modal": {
        "title": Text(24, PLAIN, required=True),
        "submit": Text(24, PLAIN),
        "close": Text(24, PLAIN),
        "blocks": Many(Block(), 0, VIEW_BLOCKS, required=True, unique="block_id"),
        "clear_on_close": Bool(),
        "notify_on_close": Bool(),
        **_VIEW_COMMON,
    },
    "home": {
        "blocks": Many(Block(), 0, VIEW_BLOCKS, required=True, unique="block_id"),
        **_VIEW_COMMON,
    },
}
MESSAGE_BLOCKS_RULE = Many(Block(), 0, MESSAGE_BLOCKS, unique="block_id")


def check_message(blocks: list[dict[str, Any]] | None, text: str | None) -> list[str]:
    """Errors in a message's ``blocks`` and ``text`` (as chat.postMessage, chat.update and
    response_url payloads carry them); ``[]`` when Slack would accept it."""
    c = _Checker("message")
    if blocks is not None:
        MESSAGE_BLOCKS_RULE.check(c, blocks, "/blocks")
    if text is not None:
        Str(MESSAGE_TEXT).check(c, text, "/text")
    return c.errors


def check_view(view: Any) -> list[str]:
    """Errors in a modal or home tab view (whatever JSON a caller sent), pointed at from
    ``/view``; ``[]`` when valid."""
    if not isinstance(view, dict):
        return ["must be an object [json-pointer:/view]"]
    kind = view.get("type")
    if kind not in VIEWS:
        return [f"must be one of: {', '.join(VIEWS)} [json-pointer:/view/type]"]
    c = _Checker(str(kind))
    c.fields(view, VIEWS[str(kind)], "/view")
    blocks = view.get("blocks")
    has_inputs = isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("type") == "input" for b in blocks
    )
    if kind == "modal" and has_inputs and view.get("submit") is None:
        c.err("a modal with input blocks must have a submit button", "/view/submit")
    return c.errors


def walk_text(blocks: list[dict[str, Any]]) -> Iterator[str]:
    """Every string under ``blocks`` (for tests that look for leaked or expected text)."""
    stack: list[Any] = [blocks]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


__all__ = ["check_message", "check_view", "walk_text"]
