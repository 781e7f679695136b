"""The fake's Block Kit rules: each limit, in Slack's error shape.

``MESSAGE_CASES`` and ``VIEW_CASES`` are also sent through the fake's HTTP API by
test_fakeslack_server, so every rule is seen the way an app sees it.
"""

from __future__ import annotations

from typing import Any

import pytest

from fakeslack.blockkit import check_message, check_view, walk_text


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def section(text: str = "hi", **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text), **extra}


def button(text: str = "Go", action_id: str = "a", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "text": plain(text), "action_id": action_id, **extra}


def actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


def option(value: str = "v", text: str = "Option", **extra: Any) -> dict[str, Any]:
    return {"text": plain(text), "value": value, **extra}


def options(n: int) -> list[dict[str, Any]]:
    return [option(f"v{i}", f"o{i}") for i in range(n)]


def select(opts: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "static_select", "action_id": "s", "options": opts, **extra}


def confirm(**texts: str) -> dict[str, Any]:
    parts = {"title": "Sure?", "text": "Really?", "confirm": "Yes", "deny": "No", **texts}
    return {
        "title": plain(parts["title"]),
        "text": mrkdwn(parts["text"]),
        "confirm": plain(parts["confirm"]),
        "deny": plain(parts["deny"]),
    }


def text_input(**extra: Any) -> dict[str, Any]:
    return {"type": "plain_text_input", "action_id": "t", **extra}


def input_block(element: dict[str, Any], label: str = "Label", **extra: Any) -> dict[str, Any]:
    return {"type": "input", "block_id": "b", "label": plain(label), "element": element, **extra}


def modal(blocks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "cb",
        "title": plain("Title"),
        "submit": plain("Save"),
        "blocks": blocks,
        **extra,
    }


VALID_BLOCKS: list[dict[str, Any]] = [
    {"type": "header", "text": plain("A header")},
    section(
        "hello *world*", block_id="intro", accessory=button("Open", value="1", url="https://x")
    ),
    {"type": "section", "fields": [mrkdwn("*a*"), plain("b")]},
    {"type": "divider"},
    {
        "type": "context",
        "elements": [mrkdwn("ctx"), {"type": "image", "image_url": "https://i", "alt_text": "i"}],
    },
    actions(
        button("Yes", "yes", style="primary", confirm=confirm()),
        button("No", "no", style="danger"),
        {"type": "overflow", "action_id": "more", "options": options(3)},
        {"type": "datepicker", "action_id": "d", "initial_date": "2026-03-02"},
        {"type": "users_select", "action_id": "u", "placeholder": plain("Who?")},
    ),
    section("pick", accessory=select(options(2), initial_option=option("v1", "o1"))),
    section(
        "grouped",
        accessory={
            "type": "static_select",
            "action_id": "g",
            "option_groups": [{"label": plain("G"), "options": options(2)}],
        },
    ),
    {"type": "image", "image_url": "https://i", "alt_text": "pic", "title": plain("t")},
]

VALID_MODAL = modal(
    [
        section("intro"),
        input_block(text_input(max_length=10, min_length=1, initial_value="ok"), block_id="name"),
        input_block(
            {
                "type": "radio_buttons",
                "action_id": "r",
                "options": [option("a", "A", description=mrkdwn("*d*")), option("b", "B")],
                "initial_option": option("a", "A", description=mrkdwn("*d*")),
            },
            block_id="radio",
        ),
        input_block(
            {
                "type": "checkboxes",
                "action_id": "c",
                "options": options(3),
                "initial_options": options(1),
            },
            block_id="checks",
            optional=True,
            hint=plain("hint"),
        ),
        input_block({"type": "multi_users_select", "action_id": "m"}, block_id="people"),
        input_block({"type": "timepicker", "action_id": "tp"}, block_id="time"),
        input_block(
            {"type": "number_input", "action_id": "n", "is_decimal_allowed": False}, block_id="n"
        ),
        actions(button()),
    ],
    close=plain("Cancel"),
    private_metadata="x" * 3000,
)


def test_valid_payloads_pass() -> None:
    assert check_message(VALID_BLOCKS, "fallback") == []
    assert check_message(None, "just text") == []
    assert check_view(VALID_MODAL) == []
    assert check_view({"type": "home", "blocks": [*VALID_BLOCKS, input_block(text_input())]}) == []


def test_limits_are_inclusive() -> None:
    assert check_message([section()] * 50, None) == []
    assert check_view(modal([section()] * 100, title=plain("x" * 24))) == []
    assert check_message([section("x" * 3000)], "x" * 40_000) == []


def sel(accessory: dict[str, Any]) -> list[dict[str, Any]]:
    return [section("s", accessory=accessory)]


MESSAGE_CASES: list[Any] = [
    pytest.param([section()] * 51, "/blocks]", id="more-than-50-blocks"),
    pytest.param([section("x" * 3001)], "/blocks/0/text/text", id="section-text-3000"),
    pytest.param([{"type": "section"}], "/blocks/0]", id="section-needs-text-or-fields"),
    pytest.param(
        [{"type": "section", "fields": [mrkdwn("x")] * 11}], "/blocks/0/fields]", id="fields-10"
    ),
    pytest.param(
        [{"type": "section", "fields": [mrkdwn("x" * 2001)]}],
        "/blocks/0/fields/0/text",
        id="field-2000",
    ),
    pytest.param(
        [{"type": "header", "text": plain("x" * 151)}], "/blocks/0/text/text", id="header-150"
    ),
    pytest.param(
        [{"type": "header", "text": mrkdwn("x")}], "/blocks/0/text/type", id="header-plain-only"
    ),
    pytest.param(
        [{"type": "context", "elements": [mrkdwn("x")] * 11}],
        "/blocks/0/elements]",
        id="context-10-elements",
    ),
    pytest.param(
        [actions(*[button(action_id=f"a{i}") for i in range(26)])],
        "/blocks/0/elements]",
        id="actions-25",
    ),
    pytest.param(
        [actions(button(), button())], "/blocks/0/elements/1/action_id", id="duplicate-action-id"
    ),
    pytest.param(
        [section(block_id="x"), section(block_id="x")],
        "/blocks/1/block_id",
        id="duplicate-block-id",
    ),
    pytest.param([section(block_id="x" * 256)], "/blocks/0/block_id", id="block-id-255"),
    pytest.param(
        [actions(button(action_id="x" * 256))], "/blocks/0/elements/0/action_id", id="action-id-255"
    ),
    pytest.param([{"type": "carousel"}], "/blocks/0/type", id="unknown-block-type"),
    pytest.param([input_block(text_input())], "/blocks/0]", id="input-only-in-views"),
    pytest.param(
        [actions(button("x" * 76))], "/blocks/0/elements/0/text/text", id="button-text-75"
    ),
    pytest.param(
        [actions({**button(), "text": mrkdwn("x")})],
        "/blocks/0/elements/0/text/type",
        id="button-text-plain-only",
    ),
    pytest.param(
        [actions(button(value="x" * 2001))], "/blocks/0/elements/0/value", id="button-value-2000"
    ),
    pytest.param(
        [actions(button(url="x" * 3001))], "/blocks/0/elements/0/url", id="button-url-3000"
    ),
    pytest.param(
        sel(select(options(101))), "/blocks/0/accessory/options]", id="select-100-options"
    ),
    pytest.param(
        sel(select([option(text="x" * 76)])),
        "/blocks/0/accessory/options/0/text/text",
        id="option-text-75",
    ),
    pytest.param(
        sel(select([option(value="x" * 151)])),
        "/blocks/0/accessory/options/0/value",
        id="option-value-150",
    ),
    pytest.param(
        sel(select([option(description=plain("x" * 76))])),
        "/blocks/0/accessory/options/0/description/text",
        id="option-description-75",
    ),
    pytest.param(
        sel({"type": "overflow", "action_id": "o", "options": options(1)}),
        "/blocks/0/accessory/options]",
        id="overflow-at-least-2",
    ),
    pytest.param(
        sel({"type": "overflow", "action_id": "o", "options": options(6)}),
        "/blocks/0/accessory/options]",
        id="overflow-at-most-5",
    ),
    pytest.param(
        sel(select(options(2), placeholder=plain("x" * 151))),
        "/blocks/0/accessory/placeholder/text",
        id="placeholder-150",
    ),
    pytest.param(
        sel(select(options(2), initial_option=option("zz"))),
        "/blocks/0/accessory/initial_option]",
        id="initial-option-offered",
    ),
    pytest.param(
        sel(select(options(2), option_groups=[{"label": plain("g"), "options": options(1)}])),
        "/blocks/0/accessory]",
        id="options-xor-groups",
    ),
    pytest.param(
        sel(button(confirm=confirm(title="x" * 101))),
        "/blocks/0/accessory/confirm/title/text",
        id="confirm-title-100",
    ),
    pytest.param(
        sel(button(confirm=confirm(text="x" * 301))),
        "/blocks/0/accessory/confirm/text/text",
        id="confirm-text-300",
    ),
    pytest.param(
        sel(button(confirm=confirm(confirm="x" * 31))),
        "/blocks/0/accessory/confirm/confirm/text",
        id="confirm-button-30",
    ),
    pytest.param(
        sel(button(confirm=confirm(deny="x" * 31))),
        "/blocks/0/accessory/confirm/deny/text",
        id="deny-button-30",
    ),
    pytest.param(
        [{"type": "section", "text": {"type": "markdown", "text": "x"}}],
        "/blocks/0/text/type",
        id="text-object-type",
    ),
    pytest.param([section("")], "/blocks/0/text/text", id="text-non-empty"),
    pytest.param(
        [{"type": "image", "image_url": "https://i", "alt_text": "x" * 2001}],
        "/blocks/0/alt_text",
        id="image-alt-text-2000",
    ),
    pytest.param(
        [
            {
                "type": "context",
                "elements": [{"type": "image", "image_url": "i", "alt_text": "x" * 2001}],
            }
        ],
        "/blocks/0/elements/0/alt_text",
        id="context-image-alt-text-2000",
    ),
    pytest.param(
        [actions({"type": "datepicker", "action_id": "d", "initial_date": "02/03/2026"})],
        "/blocks/0/elements/0/initial_date",
        id="datepicker-format",
    ),
]


@pytest.mark.parametrize(("blocks", "pointer"), MESSAGE_CASES)
def test_message_limits(blocks: list[dict[str, Any]], pointer: str) -> None:
    errors = check_message(blocks, "fallback")
    assert any(pointer in e for e in errors), errors


def test_message_text_limit() -> None:
    [error] = check_message(None, "x" * 40_001)
    assert error == "must be less than 40001 characters [json-pointer:/text]"


def test_error_strings_have_slacks_shape() -> None:
    [error] = check_message([section("x" * 3001)], None)
    assert error == "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
    [missing] = check_view(modal([{"type": "input", "label": plain("L")}]))
    assert missing == "missing required field: element [json-pointer:/view/blocks/0]"


VIEW_CASES: list[Any] = [
    pytest.param(modal([section()] * 101), "/view/blocks]", id="modal-100-blocks"),
    pytest.param(
        {"type": "home", "blocks": [section()] * 101}, "/view/blocks]", id="home-100-blocks"
    ),
    pytest.param(modal([], title=plain("x" * 25)), "/view/title/text", id="title-24"),
    pytest.param(modal([], title=mrkdwn("x")), "/view/title/type", id="title-plain-only"),
    pytest.param(
        {"type": "modal", "blocks": []}, "missing required field: title", id="title-required"
    ),
    pytest.param(modal([], submit=plain("x" * 25)), "/view/submit/text", id="submit-24"),
    pytest.param(modal([], close=plain("x" * 25)), "/view/close/text", id="close-24"),
    pytest.param(
        modal([], private_metadata="x" * 3001), "/view/private_metadata", id="metadata-3000"
    ),
    pytest.param(modal([], callback_id="x" * 256), "/view/callback_id", id="callback-id-255"),
    pytest.param(
        modal([input_block(text_input(), label="x" * 151)]),
        "/view/blocks/0/label/text",
        id="label-150",
    ),
    pytest.param(
        modal([{**input_block(text_input()), "label": mrkdwn("x")}]),
        "/view/blocks/0/label/type",
        id="label-plain-only",
    ),
    pytest.param(
        modal([input_block(text_input(), hint=plain("x" * 151))]),
        "/view/blocks/0/hint/text",
        id="hint-150",
    ),
    pytest.param(
        modal([{"type": "input", "label": plain("L")}]),
        "missing required field: element [json-pointer:/view/blocks/0]",
        id="input-needs-element",
    ),
    pytest.param(
        modal([input_block(button())]), "/view/blocks/0/element/type", id="input-element-kind"
    ),
    pytest.param(
        modal([input_block(text_input(max_length=3001))]),
        "/view/blocks/0/element/max_length",
        id="max-length-3000",
    ),
    pytest.param(
        modal([input_block(text_input(min_length=3001))]),
        "/view/blocks/0/element/min_length",
        id="min-length-3000",
    ),
    pytest.param(
        modal([input_block(text_input(max_length=5, initial_value="toolong"))]),
        "/view/blocks/0/element/initial_value",
        id="initial-value-within-max-length",
    ),
    pytest.param(
        modal([input_block(text_input(min_length=9, max_length=5))]),
        "/view/blocks/0/element/min_length",
        id="min-length-within-max-length",
    ),
    pytest.param(
        modal([input_block({"type": "radio_buttons", "action_id": "r", "options": options(11)})]),
        "/view/blocks/0/element/options]",
        id="radio-10-options",
    ),
    pytest.param(
        modal([input_block({"type": "checkboxes", "action_id": "c", "options": options(11)})]),
        "/view/blocks/0/element/options]",
        id="checkboxes-10-options",
    ),
    pytest.param(
        modal([input_block(select(options(2), initial_option=option("nope")))]),
        "/view/blocks/0/element/initial_option]",
        id="initial-option-offered",
    ),
    pytest.param(
        {"type": "modal", "title": plain("t"), "blocks": [input_block(text_input())]},
        "/view/submit",
        id="inputs-need-submit",
    ),
    pytest.param(
        modal([section(block_id="x"), section(block_id="x")]),
        "/view/blocks/1/block_id",
        id="duplicate-block-id",
    ),
    pytest.param({"type": "page", "blocks": []}, "/view/type", id="view-type"),
]


@pytest.mark.parametrize(("view", "pointer"), VIEW_CASES)
def test_view_limits(view: dict[str, Any], pointer: str) -> None:
    errors = check_view(view)
    assert any(pointer in e for e in errors), errors


def test_walk_text_finds_every_string() -> None:
    found = set(walk_text([section("a", accessory=button("b", value="c"))]))
    assert {"a", "b", "c", "section", "button"} <= found
