"""Small builders shared by every surface (the ``fields.py`` of this app)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, time
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    InputInteractiveElement,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.ids import Action
from infra.hours import WEEKDAYS
from infra.text import chunks, truncate

SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000
HEADER_MAX = 150
BUTTON_TEXT_MAX = 75
OPTION_TEXT_MAX = 75
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
TITLE_MAX = 24


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=truncate(text, HEADER_MAX), emoji=True))


def section(mrkdwn: str, *, block_id: str | None = None, accessory: Any = None) -> SectionBlock:
    """A mrkdwn section. ``mrkdwn`` must already be escaped where it holds user text."""
    return SectionBlock(
        text=MarkdownTextObject(text=truncate(mrkdwn, SECTION_TEXT_MAX)),
        block_id=block_id,
        accessory=accessory,
    )


def long_text(label: str, escaped: str) -> list[SectionBlock]:
    """A labelled run of (already escaped) text as one section or, when it is too long for
    one, several: nothing is cut off and nothing breaks Slack's limits."""
    parts = chunks(escaped, SECTION_TEXT_MAX - len(label) - 10)
    return [section(f"*{label}*\n{parts[0]}"), *(section(p) for p in parts[1:])]


def fields_section(pairs: Sequence[tuple[str, str]], *, text: str | None = None) -> SectionBlock:
    """Label/value pairs side by side (values must already be escaped)."""
    return SectionBlock(
        text=MarkdownTextObject(text=truncate(text, SECTION_TEXT_MAX)) if text else None,
        fields=[
            MarkdownTextObject(text=truncate(f"*{label}*\n{value}", FIELD_TEXT_MAX))
            for label, value in pairs[:10]
        ],
    )


def context(*mrkdwn: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(t, 3000)) for t in mrkdwn[:10]])


def divider() -> DividerBlock:
    return DividerBlock()


def button(
    text: str,
    action_id: str,
    *,
    value: str | None = None,
    style: str | None = None,
    confirm: ConfirmObject | None = None,
    url: str | None = None,
) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=truncate(text, BUTTON_TEXT_MAX), emoji=True),
        action_id=action_id,
        value=value,
        style=style,
        confirm=confirm,
        url=url,
    )


def actions(*elements: ButtonElement, block_id: str | None = None) -> ActionsBlock:
    return ActionsBlock(elements=list(elements), block_id=block_id)


def confirm(title: str, text: str, *, yes: str, no: str = "Cancel") -> ConfirmObject:
    return ConfirmObject(
        title=PlainTextObject(text=truncate(title, 100)),
        text=MarkdownTextObject(text=truncate(text, 300)),
        confirm=PlainTextObject(text=truncate(yes, 30)),
        deny=PlainTextObject(text=truncate(no, 30)),
        style="danger",
    )


def option(value: str, label: str, description: str | None = None) -> Option:
    return Option(
        value=value,
        text=PlainTextObject(text=truncate(label, OPTION_TEXT_MAX), emoji=True),
        description=PlainTextObject(text=truncate(description, 75)) if description else None,
    )


def options(pairs: Iterable[tuple[str, str]]) -> list[Option]:
    return [option(value, label) for value, label in pairs]


def input_block(
    block_id: str,
    label: str,
    element: InputInteractiveElement,
    *,
    hint: str | None = None,
    optional: bool = False,
    dispatch_action: bool = False,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=PlainTextObject(text=truncate(label, 150), emoji=True),
        element=element,
        hint=PlainTextObject(text=truncate(hint, 150)) if hint else None,
        optional=optional or None,
        dispatch_action=dispatch_action or None,
    )


def pick(opts: Sequence[Option], value: str | None) -> Option | None:
    """The option whose value is ``value``, if any."""
    return next((o for o in opts if o.value == value), None)


# --- Form fields: an input block with one element (``Action.FIELD``), read back by block id
# with ``bot.forms.FormState``.


def text_field(
    block_id: str,
    label: str,
    *,
    max_length: int,
    initial: str | None = None,
    multiline: bool = False,
    placeholder: str | None = None,
    hint: str | None = None,
    optional: bool = False,
) -> InputBlock:
    """Typed text, at most ``max_length`` characters (Slack enforces it; the service checks
    again)."""
    element = PlainTextInputElement(
        action_id=Action.FIELD,
        initial_value=initial or None,
        multiline=multiline or None,
        max_length=max_length,
        placeholder=plain(placeholder) if placeholder else None,
    )
    return input_block(block_id, label, element, hint=hint, optional=optional)


def number_field(
    block_id: str,
    label: str,
    *,
    initial: int | None,
    min_value: int | str,
    max_value: int | str | None = None,
    hint: str | None = None,
) -> InputBlock:
    """A whole number between ``min_value`` and ``max_value``."""
    element = NumberInputElement(
        action_id=Action.FIELD,
        is_decimal_allowed=False,
        min_value=min_value,
        max_value=max_value,
        initial_value=initial,
    )
    return input_block(block_id, label, element, hint=hint)


def select_field(
    block_id: str,
    label: str,
    opts: list[Option],
    *,
    initial: str | None = None,
    hint: str | None = None,
    optional: bool = False,
) -> InputBlock:
    """One of ``opts``, the one whose value is ``initial`` chosen to start with."""
    element = StaticSelectElement(
        action_id=Action.FIELD, options=opts, initial_option=pick(opts, initial)
    )
    return input_block(block_id, label, element, hint=hint, optional=optional)


def time_field(block_id: str, label: str, initial: time, *, hint: str | None = None) -> InputBlock:
    """A wall time, to the minute."""
    element = TimePickerElement(action_id=Action.FIELD, initial_time=f"{initial:%H:%M}")
    return input_block(block_id, label, element, hint=hint)


def days_field(block_id: str, label: str, days: Iterable[int]) -> InputBlock:
    """Days of the week (0 = Monday) as ticks, ``days`` ticked."""
    opts = options((str(d), name) for d, name in enumerate(WEEKDAYS))
    element = CheckboxesElement(
        action_id=Action.FIELD, options=opts, initial_options=[opts[d] for d in sorted(days)]
    )
    return input_block(block_id, label, element)


def channel_field(
    block_id: str,
    label: str,
    *,
    initial: str | None,
    private: bool,
    hint: str | None = None,
    optional: bool = False,
) -> InputBlock:
    """A channel of this workspace (public, or also private ones), never a DM."""
    element = ConversationSelectElement(
        action_id=Action.FIELD,
        initial_conversation=initial,
        filter=ConversationFilter(
            include=["public", "private"] if private else ["public"],
            exclude_bot_users=True,
            exclude_external_shared_channels=True,
        ),
    )
    return input_block(block_id, label, element, hint=hint, optional=optional)


def form(
    callback_id: str,
    heading: str,
    blocks: Sequence[Block],
    *,
    submit: str,
    close: str = "Cancel",
    private_metadata: dict[str, Any] | None = None,
) -> View:
    """A modal form: its callback id routes the submission; ``private_metadata`` (ids the
    handler re-checks) rides along, as :func:`metadata`."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=title(heading),
        submit=plain(submit),
        close=plain(close),
        private_metadata=metadata(**private_metadata) if private_metadata is not None else None,
        blocks=list(blocks),
    )


def plain(text: str) -> PlainTextObject:
    return PlainTextObject(text=text, emoji=True)


def title(text: str) -> PlainTextObject:
    return PlainTextObject(text=truncate(text, TITLE_MAX), emoji=True)


def metadata(**values: Any) -> str:
    """Compact JSON for a view's ``private_metadata``. It is echoed back by Slack, so handlers
    treat it as untrusted input and re-check every id in it."""
    return json.dumps(values, separators=(",", ":"), sort_keys=True)


def fit(blocks: list[Block], limit: int, *, overflow_note: str) -> list[Block]:
    """Keep a block list within ``limit``, replacing the tail with a note when it overflows."""
    if len(blocks) <= limit:
        return blocks
    return [*blocks[: limit - 1], context(overflow_note)]


def when(moment: datetime, *, style: str = "{date_long_pretty} at {time}") -> str:
    """A time every reader sees in their own Slack time zone."""
    fallback = moment.strftime("%a %d %b %Y %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{style}|{fallback}>"
