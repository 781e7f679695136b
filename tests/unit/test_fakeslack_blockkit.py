"""The fake's Block Kit rules: each limit, in Slack's error shape."""

import pytest

from tests.fakeslack.blockkit import check_message, check_view


def section(text: str = "hi", **extra: object) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(text: str = "Go", **extra: object) -> dict:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": "a",
        **extra,
    }


def modal(blocks: list, **extra: object) -> dict:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Title"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": blocks,
        **extra,
    }


def input_block(element: dict, label: str = "Label", **extra: object) -> dict:
    return {
        "type": "input",
        "block_id": "b",
        "label": {"type": "plain_text", "text": label},
        "element": element,
        **extra,
    }


def options(n: int) -> list:
    return [{"text": {"type": "plain_text", "text": f"o{i}"}, "value": f"v{i}"} for i in range(n)]


def test_valid_payloads_pass() -> None:
    assert (
        check_message(
            [section(), {"type": "divider"}, {"type": "actions", "elements": [button()]}], "hi"
        )
        == []
    )
    assert check_view(modal([input_block({"type": "plain_text_input", "action_id": "x"})])) == []


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([section()] * 51, "/blocks]"),
        ([section("x" * 3001)], "/blocks/0/text/text"),
        ([{"type": "section"}], "/blocks/0]"),
        (
            [{"type": "section", "fields": [{"type": "mrkdwn", "text": "x"}] * 11}],
            "/blocks/0/fields",
        ),
        (
            [{"type": "section", "fields": [{"type": "mrkdwn", "text": "x" * 2001}]}],
            "/blocks/0/fields/0/text",
        ),
        (
            [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],
            "/blocks/0/text/text",
        ),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}], "/blocks/0/text/type"),
        (
            [{"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11}],
            "/blocks/0/elements",
        ),
        ([{"type": "actions", "elements": [button("x" * 76)]}], "/blocks/0/elements/0/text/text"),
        (
            [{"type": "actions", "elements": [button(value="x" * 2001)]}],
            "/blocks/0/elements/0/value",
        ),
        ([{"type": "actions", "elements": [button(), button()]}], "/blocks/0/elements/1/action_id"),
        ([{"type": "actions", "elements": [button()] * 26}], "/blocks/0/elements"),
        ([section(block_id="x"), section(block_id="x")], "/blocks/1/block_id"),
        ([section(block_id="x" * 256)], "/blocks/0/block_id"),
        ([{"type": "carousel"}], "/blocks/0/type"),
        ([input_block({"type": "plain_text_input"})], "/blocks/0]"),
        (
            [
                section(
                    accessory={"type": "static_select", "action_id": "s", "options": options(101)}
                )
            ],
            "/blocks/0/accessory/options",
        ),
        (
            [
                section(
                    accessory={
                        "type": "static_select",
                        "action_id": "s",
                        "options": [
                            {"text": {"type": "plain_text", "text": "x" * 76}, "value": "v"}
                        ],
                    }
                )
            ],
            "/blocks/0/accessory/options/0/text/text",
        ),
        (
            [section(accessory={"type": "overflow", "action_id": "s", "options": options(6)})],
            "/blocks/0/accessory/options",
        ),
        (
            [
                section(
                    accessory=button(
                        confirm={
                            "title": {"type": "plain_text", "text": "x" * 101},
                            "text": {"type": "mrkdwn", "text": "t"},
                            "confirm": {"type": "plain_text", "text": "y"},
                            "deny": {"type": "plain_text", "text": "n"},
                        }
                    )
                )
            ],
            "/blocks/0/accessory/confirm/title/text",
        ),
    ],
)
def test_message_limits(blocks: list, pointer: str) -> None:
    errors = check_message(blocks, "fallback")
    assert errors and any(pointer in e for e in errors), errors


def test_message_text_limit() -> None:
    assert check_message(None, "x" * 40_001)


@pytest.mark.parametrize(
    ("view", "pointer"),
    [
        (modal([section()] * 101), "/view/blocks]"),
        (modal([], title={"type": "plain_text", "text": "x" * 25}), "/view/title/text"),
        (modal([], submit={"type": "plain_text", "text": "x" * 25}), "/view/submit/text"),
        (modal([], private_metadata="x" * 3001), "/view/private_metadata"),
        (
            modal([input_block({"type": "plain_text_input", "action_id": "x"}, label="x" * 151)]),
            "/view/blocks/0/label/text",
        ),
        (
            modal(
                [
                    input_block(
                        {"type": "plain_text_input", "action_id": "x"},
                        hint={"type": "plain_text", "text": "x" * 151},
                    )
                ]
            ),
            "/view/blocks/0/hint/text",
        ),
        (
            modal(
                [input_block({"type": "plain_text_input", "action_id": "x", "max_length": 3001})]
            ),
            "/view/blocks/0/element/max_length",
        ),
        (
            modal(
                [
                    input_block(
                        {
                            "type": "plain_text_input",
                            "action_id": "x",
                            "max_length": 5,
                            "initial_value": "toolong",
                        }
                    )
                ]
            ),
            "/view/blocks/0/element/initial_value",
        ),
        (
            modal(
                [
                    input_block(
                        {
                            "type": "plain_text_input",
                            "action_id": "x",
                            "placeholder": {"type": "plain_text", "text": "x" * 151},
                        }
                    )
                ]
            ),
            "/view/blocks/0/element/placeholder/text",
        ),
        (
            modal(
                [input_block({"type": "radio_buttons", "action_id": "x", "options": options(11)})]
            ),
            "/view/blocks/0/element/options",
        ),
        (
            modal(
                [
                    input_block(
                        {
                            "type": "static_select",
                            "action_id": "x",
                            "options": options(2),
                            "initial_option": {
                                "text": {"type": "plain_text", "text": "z"},
                                "value": "zz",
                            },
                        }
                    )
                ]
            ),
            "/view/blocks/0/element/initial_option",
        ),
        (
            modal(
                [
                    input_block(
                        {
                            "type": "button",
                            "action_id": "x",
                            "text": {"type": "plain_text", "text": "b"},
                        }
                    )
                ]
            ),
            "/view/blocks/0/element/type",
        ),
        (
            {
                "type": "modal",
                "title": {"type": "plain_text", "text": "t"},
                "blocks": [input_block({"type": "plain_text_input"})],
            },
            "/view/submit",
        ),
        ({"type": "page", "blocks": []}, "/view/type"),
    ],
)
def test_view_limits(view: dict, pointer: str) -> None:
    errors = check_view(view)
    assert errors and any(pointer in e for e in errors), errors


def test_home_allows_100_blocks() -> None:
    assert check_view({"type": "home", "blocks": [section()] * 100}) == []
    assert check_view({"type": "home", "blocks": [section()] * 101})
