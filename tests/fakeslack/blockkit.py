"""Block Kit limits, checked the way Slack checks them.

Pure functions returning Slack-style error strings, ``"<reason> [json-pointer:/blocks/0/text]"``.
An empty list means the payload is valid. Where Slack's published limit is looser than what
this project holds itself to (input labels and hints: Slack allows 2,000 characters), the
stricter limit is used, so anything the fake accepts Slack accepts too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MESSAGE_TEXT = 40_000

# Text limits by where the text object sits: (max characters, allowed types).
PLAIN = ("plain_text",)
MRKDWN = ("mrkdwn",)
ANY_TEXT = ("plain_text", "mrkdwn")

ELEMENT_TYPES = {
    "button",
    "checkboxes",
    "datepicker",
    "datetimepicker",
    "email_text_input",
    "image",
    "multi_static_select",
    "multi_external_select",
    "multi_users_select",
    "multi_conversations_select",
    "multi_channels_select",
    "number_input",
    "overflow",
    "plain_text_input",
    "radio_buttons",
    "rich_text_input",
    "static_select",
    "external_select",
    "users_select",
    "conversations_select",
    "channels_select",
    "timepicker",
    "url_text_input",
    "file_input",
}
INPUT_ELEMENTS = ELEMENT_TYPES - {"button", "image", "overflow"}
OPTION_LIMITS = {  # element type -> (min options, max options)
    "static_select": (1, 100),
    "multi_static_select": (1, 100),
    "radio_buttons": (1, 10),
    "checkboxes": (1, 10),
    "overflow": (1, 5),
}
BLOCK_TYPES = {
    "actions",
    "context",
    "divider",
    "file",
    "header",
    "image",
    "input",
    "rich_text",
    "section",
    "video",
    "markdown",
}


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def err(self, reason: str, pointer: str) -> None:
        self.errors.append(f"{reason} [json-pointer:{pointer}]")

    def text(
        self,
        obj: Any,
        pointer: str,
        *,
        limit: int,
        types: tuple[str, ...] = ANY_TEXT,
        required: bool = True,
    ) -> None:
        if obj is None:
            if required:
                self.err("missing required field: text", pointer)
            return
        if not isinstance(obj, dict):
            self.err("must be an object", pointer)
            return
        kind = obj.get("type")
        if kind not in ANY_TEXT:
            self.err("must be a text object of type plain_text or mrkdwn", pointer + "/type")
            return
        if kind not in types:
            self.err(f"must be {' or '.join(types)}", pointer + "/type")
        value = obj.get("text")
        if not isinstance(value, str) or not value:
            self.err("must be a non-empty string", pointer + "/text")
        elif len(value) > limit:
            self.err(f"must be less than {limit + 1} characters", pointer + "/text")

    def length(self, value: Any, limit: int, pointer: str) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.err(f"must be less than {limit + 1} characters", pointer)

    def confirm(self, obj: Any, pointer: str) -> None:
        if obj is None:
            return
        self.text(obj.get("title"), pointer + "/title", limit=100, types=PLAIN)
        self.text(obj.get("text"), pointer + "/text", limit=300)
        self.text(obj.get("confirm"), pointer + "/confirm", limit=30, types=PLAIN)
        self.text(obj.get("deny"), pointer + "/deny", limit=30, types=PLAIN)

    def option(self, obj: Any, pointer: str, *, text_types: tuple[str, ...]) -> None:
        if not isinstance(obj, dict):
            self.err("must be an object", pointer)
            return
        self.text(obj.get("text"), pointer + "/text", limit=75, types=text_types)
        value = obj.get("value")
        if not isinstance(value, str) or not value:
            self.err("missing required field: value", pointer + "/value")
        else:
            self.length(value, 150, pointer + "/value")
        if obj.get("description") is not None:
            self.text(obj["description"], pointer + "/description", limit=75, types=text_types)

    def element(self, el: Any, pointer: str) -> None:
        if not isinstance(el, dict):
            self.err("must be an object", pointer)
            return
        kind = el.get("type")
        if kind not in ELEMENT_TYPES:
            self.err(f"unsupported type: {kind}", pointer + "/type")
            return
        self.length(el.get("action_id"), 255, pointer + "/action_id")
        if el.get("placeholder") is not None:
            self.text(el["placeholder"], pointer + "/placeholder", limit=150, types=PLAIN)
        self.confirm(el.get("confirm"), pointer + "/confirm")
        if kind == "button":
            self.text(el.get("text"), pointer + "/text", limit=75, types=PLAIN)
            self.length(el.get("value"), 2000, pointer + "/value")
            self.length(el.get("url"), 3000, pointer + "/url")
            if el.get("style") not in (None, "primary", "danger"):
                self.err("must be primary or danger", pointer + "/style")
        elif kind == "image":
            self.length(el.get("alt_text"), 2000, pointer + "/alt_text")
        elif kind == "plain_text_input":
            max_length = el.get("max_length")
            if isinstance(max_length, int) and not 1 <= max_length <= 3000:
                self.err("must be between 1 and 3000", pointer + "/max_length")
            min_length = el.get("min_length")
            if isinstance(min_length, int) and not 0 <= min_length <= 3000:
                self.err("must be between 0 and 3000", pointer + "/min_length")
            initial = el.get("initial_value")
            if isinstance(initial, str) and len(initial) > (max_length or 3000):
                self.err("initial_value longer than max_length", pointer + "/initial_value")
        if kind in OPTION_LIMITS:
            low, high = OPTION_LIMITS[kind]
            options = el.get("options")
            groups = el.get("option_groups")
            if options is None and groups is None:
                self.err("missing required field: options", pointer + "/options")
            all_options = list(options or []) + [
                o for g in groups or [] for o in g.get("options", [])
            ]
            if not low <= len(all_options) <= high:
                self.err(f"must provide between {low} and {high} options", pointer + "/options")
            text_types = ANY_TEXT if kind in ("radio_buttons", "checkboxes") else PLAIN
            for i, opt in enumerate(options or []):
                self.option(opt, f"{pointer}/options/{i}", text_types=text_types)
            values = {o.get("value") for o in all_options if isinstance(o, dict)}
            for key in ("initial_option",):
                if el.get(key) is not None and el[key].get("value") not in values:
                    self.err("initial_option must be one of the options", f"{pointer}/{key}")
            for opt in el.get("initial_options") or []:
                if opt.get("value") not in values:
                    self.err(
                        "initial_options must be among the options", pointer + "/initial_options"
                    )

    def block(self, block: Any, pointer: str, *, in_view: bool) -> None:
        if not isinstance(block, dict):
            self.err("must be an object", pointer)
            return
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            self.err(f"unsupported type: {kind}", pointer + "/type")
            return
        self.length(block.get("block_id"), 255, pointer + "/block_id")
        if kind == "section":
            text, fields = block.get("text"), block.get("fields")
            if text is None and not fields:
                self.err("must provide either text or fields", pointer)
            if text is not None:
                self.text(text, pointer + "/text", limit=3000)
            if fields is not None:
                if len(fields) > 10:
                    self.err("must be no more than 10 items", pointer + "/fields")
                for i, f in enumerate(fields):
                    self.text(f, f"{pointer}/fields/{i}", limit=2000)
            if block.get("accessory") is not None:
                self.element(block["accessory"], pointer + "/accessory")
        elif kind == "header":
            self.text(block.get("text"), pointer + "/text", limit=150, types=PLAIN)
        elif kind == "context":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 10:
                self.err("must provide between 1 and 10 elements", pointer + "/elements")
            for i, el in enumerate(elements):
                if isinstance(el, dict) and el.get("type") == "image":
                    self.length(el.get("alt_text"), 2000, f"{pointer}/elements/{i}/alt_text")
                else:
                    self.text(el, f"{pointer}/elements/{i}", limit=3000)
        elif kind == "actions":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 25:
                self.err("must provide between 1 and 25 elements", pointer + "/elements")
            seen: set[str] = set()
            for i, el in enumerate(elements):
                self.element(el, f"{pointer}/elements/{i}")
                action_id = el.get("action_id") if isinstance(el, dict) else None
                if action_id is not None:
                    if action_id in seen:
                        self.err("duplicate action_id", f"{pointer}/elements/{i}/action_id")
                    seen.add(action_id)
        elif kind == "input":
            if not in_view:
                self.err("input blocks are only allowed in views", pointer)
            self.text(block.get("label"), pointer + "/label", limit=150, types=PLAIN)
            if block.get("hint") is not None:
                self.text(block["hint"], pointer + "/hint", limit=150, types=PLAIN)
            element = block.get("element")
            if element is None:
                self.err("missing required field: element", pointer + "/element")
            else:
                self.element(element, pointer + "/element")
                if isinstance(element, dict) and element.get("type") not in INPUT_ELEMENTS:
                    self.err("unsupported element in an input block", pointer + "/element/type")
        elif kind == "image":
            self.length(block.get("alt_text"), 2000, pointer + "/alt_text")
            if block.get("title") is not None:
                self.text(block["title"], pointer + "/title", limit=2000, types=PLAIN)

    def blocks(self, blocks: Any, pointer: str, *, limit: int, in_view: bool) -> None:
        if not isinstance(blocks, list):
            self.err("must be an array", pointer)
            return
        if len(blocks) > limit:
            self.err(f"no more than {limit} items allowed", pointer)
        ids: set[str] = set()
        for i, block in enumerate(blocks):
            self.block(block, f"{pointer}/{i}", in_view=in_view)
            block_id = block.get("block_id") if isinstance(block, dict) else None
            if block_id is not None:
                if block_id in ids:
                    self.err("duplicate block_id", f"{pointer}/{i}/block_id")
                ids.add(block_id)


def check_message(blocks: list[dict[str, Any]] | None, text: str | None) -> list[str]:
    checker = _Checker()
    if blocks is not None:
        checker.blocks(blocks, "/blocks", limit=MESSAGE_BLOCKS, in_view=False)
    if text is not None:
        checker.length(text, MESSAGE_TEXT, "/text")
    return checker.errors


def check_view(view: dict[str, Any]) -> list[str]:
    checker = _Checker()
    if not isinstance(view, dict):
        return ["must be an object [json-pointer:/view]"]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.err("must be modal or home", "/view/type")
    if kind == "modal":
        checker.text(view.get("title"), "/view/title", limit=24, types=PLAIN)
        for key in ("submit", "close"):
            if view.get(key) is not None:
                checker.text(view[key], f"/view/{key}", limit=24, types=PLAIN)
        has_inputs = any(
            isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or []
        )
        if has_inputs and view.get("submit") is None:
            checker.err("a view with input blocks must have a submit button", "/view/submit")
    checker.length(view.get("private_metadata"), 3000, "/view/private_metadata")
    checker.length(view.get("callback_id"), 255, "/view/callback_id")
    checker.length(view.get("external_id"), 255, "/view/external_id")
    checker.blocks(view.get("blocks", []), "/view/blocks", limit=VIEW_BLOCKS, in_view=True)
    return checker.errors


def walk_text(blocks: list[dict[str, Any]]) -> Iterator[str]:
    """Every string under ``blocks`` (for tests that look for leaked text)."""
    stack: list[Any] = [blocks]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
