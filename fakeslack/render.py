"""Show Block Kit the way a person sees it in Slack: in a terminal (rich) or as Markdown.

``mentorbot demo`` prints what each simulated person receives, and the docs show every message
a user can get. Both pass the plain dicts the Web API was sent (``chat.postMessage`` arguments,
``views.*`` view objects). Text is parsed once into :class:`_Line` s of :class:`_Node` s and two
back ends draw them, so the terminal and the docs never disagree.

Rendering is forgiving on purpose: a half-built block from a buggy builder is exactly what a
demo should make visible, so odd input becomes a placeholder, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from types import MappingProxyType
from typing import Any

from rich import box
from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

Names = Mapping[str, str]
Block = Mapping[str, Any]
_NO_NAMES: Names = MappingProxyType({})

# Calm: Slack's own colours, used sparingly. Broadcasts are loud on purpose.
BOLD, ITALIC, STRIKE, CODE = "bold", "italic", "strike", "cyan"
MENTION, CHANNEL, BROADCAST = "bold blue", "blue", "bold yellow"
LINK, DIM, PLACEHOLDER = "underline blue", "dim", "dim italic"
BUTTON_STYLES: Mapping[str, str] = {"primary": "bold green", "danger": "bold red"}
MODAL_WIDTH = 80  # Slack modals are narrow; a full-width box would not read as one

EMOJI: Mapping[str, str] = {
    "wave": "👋", "white_check_mark": "✅", "warning": "⚠️", "tada": "🎉", "calendar": "📆",
    "memo": "📝", "thinking_face": "🤔", "inbox_tray": "📥", "lock": "🔒", "pencil2": "✏️",
    "rocket": "🚀", "bulb": "💡", "handshake": "🤝", "seedling": "🌱", "alarm_clock": "⏰",
    "dart": "🎯", "sparkles": "✨", "bell": "🔔", "hourglass": "⌛", "star": "⭐",
    "clipboard": "📋", "speech_balloon": "💬", "raised_hands": "🙌", "eyes": "👀", "x": "❌",
    "heavy_check_mark": "✔️", "point_right": "👉", "calendar_spiral": "🗓️", "bar_chart": "📊",
    "chart_with_upwards_trend": "📈", "red_circle": "🔴", "large_yellow_circle": "🟡",
    "large_green_circle": "🟢", "white_circle": "⚪", "zzz": "💤", "spiral_note_pad": "🗒️",
    "hourglass_flowing_sand": "⏳", "heavy_plus_sign": "➕", "trophy": "🏆",
}  # fmt: skip

# Slack decodes exactly these three entities (``&quot;`` shows as typed). Control characters
# are dropped so that user text cannot drive the demo's terminal.
_ENTITY_OR_CONTROL = re.compile(r"&(amp|lt|gt);|[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_PRE = re.compile(r"```(.*?)```", re.DOTALL)
_QUOTE = re.compile(r"(?:>|&gt;) ?")
_BULLET = re.compile(r"(\s*)[•◦▪-] +")
# Inside an emphasis a control sequence or code span is one unit: `*a <u|b*c> d*` is all bold.
_UNIT = r"(?:<[^<>\n]*>|`[^`\n]*`|<(?![^<>\n]*>)|`(?![^`\n]*`)|[^\n<`])"
_EMPHASIS = {BOLD: "*", ITALIC: "_", STRIKE: "~"}
_INLINE = re.compile(
    r"`(?P<code>[^`\n]+)`|<(?P<ctrl>[^<>\n]+)>|"
    + "|".join(
        rf"(?<![\w{m}]){m}(?=\S)(?P<{name}>{_UNIT}+?)(?<=\S){m}(?![\w{m}])"
        for name, m in ((name, re.escape(mark)) for name, mark in _EMPHASIS.items())
    )
)
_MAX_NESTING = 6  # `*_~*_~…` nests; real messages never go deep, hostile ones could recurse


@dataclass(frozen=True, slots=True)
class _Node:
    """Inline content. ``kind`` is a style name (bold, a mention…), "text", "link" or "url"."""

    kind: str
    text: str = ""
    children: tuple[_Node, ...] = ()
    url: str = ""


@dataclass(frozen=True, slots=True)
class _Line:
    """A displayed line: "line", "quote", "bullet" (nested by ``indent``), "pre" or "blank"."""

    kind: str
    nodes: tuple[_Node, ...] = ()
    text: str = ""  # the whole content of a "pre" line, which has no nodes
    indent: str = ""


def _dict(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _unescape(text: str) -> str:
    return _ENTITY_OR_CONTROL.sub(lambda m: _ENTITIES.get(m.group(1) or "", ""), text)


def _emojify(text: str) -> str:
    return re.sub(r":([a-z0-9_+-]+):", lambda m: EMOJI.get(m.group(1), m.group(0)), text)


# ---------------------------------------------------------------- parsing


def _control(body: str, names: Names) -> _Node:
    """``<@U1>``, ``<#C1|x>``, ``<!here>``, ``<!date^…|fallback>``, ``<url|label>``."""
    target, _, label = body.partition("|")
    label, sigil, ident = _unescape(label), target[:1], target[1:].partition("^")[0]
    if sigil in ("@", "#"):
        style = MENTION if sigil == "@" else CHANNEL
        return _Node(style, sigil + (names.get(ident) or label or ident))
    if sigil == "!" and ident in ("here", "channel", "everyone"):
        return _Node(BROADCAST, "@" + ident)
    if sigil == "!" and ident == "subteam":
        group = target.partition("^")[2]
        return _Node(MENTION, "@" + (names.get(group) or label.lstrip("@") or group))
    if sigil == "!":
        return _Node("text", label or _date(target) or _unescape(target))
    if label:
        return _Node("link", label, url=_unescape(target))
    if re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
        return _Node("url", _unescape(target), url=_unescape(target))
    return _Node("text", _unescape(f"<{body}>"))  # not a control sequence: show what was sent


def _date(target: str) -> str:
    """Slack requires a date fallback; without one, show the UTC time rather than nothing."""
    parts = target.split("^")
    try:
        return datetime.fromtimestamp(int(parts[1]), UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (IndexError, OverflowError, OSError, ValueError):
        return ""


def _inline(text: str, names: Names, depth: int = 0) -> tuple[_Node, ...]:
    nodes: list[_Node] = []
    pos = 0
    for m in _INLINE.finditer(text) if depth < _MAX_NESTING else ():
        nodes.append(_Node("text", _emojify(_unescape(text[pos : m.start()]))))
        pos, kind = m.end(), m.lastgroup or ""
        if kind == "code":
            nodes.append(_Node(CODE, _unescape(m.group(kind))))  # code is shown as sent
        elif kind == "ctrl":
            nodes.append(_control(m.group(kind), names))
        else:
            nodes.append(_Node(kind, children=_inline(m.group(kind), names, depth + 1)))
    nodes.append(_Node("text", _emojify(_unescape(text[pos:]))))
    return tuple(node for node in nodes if node.text or node.children or node.kind != "text")


def _lines(mrkdwn: str, names: Names) -> list[_Line]:
    chunks = _PRE.split(mrkdwn)  # the odd chunks are the insides of ``` fences
    lines: list[_Line] = []
    for i, chunk in enumerate(chunks):
        if i % 2:
            lines.append(_Line("pre", text=_unescape(chunk.strip("\n"))))
            continue
        # A fence on its own line should not leave an empty line behind.
        chunk = chunk.removeprefix("\n") if i else chunk
        chunk = chunk.removesuffix("\n") if i < len(chunks) - 1 else chunk
        for raw in chunk.split("\n") if chunk or len(chunks) == 1 else ():
            if quote := _QUOTE.match(raw):
                lines.append(_Line("quote", _inline(raw[quote.end() :], names)))
            elif bullet := _BULLET.match(raw):
                body = _inline(raw[bullet.end() :], names)
                lines.append(_Line("bullet", body, indent=bullet.group(1)))
            else:
                lines.append(_Line("line" if raw.strip() else "blank", _inline(raw, names)))
    return lines


def _user(uid: object, names: Names) -> str:
    return "@" + names.get(_str(uid), _str(uid))


def _conversation(cid: object, names: Names) -> str:
    return "#" + names.get(_str(cid), _str(cid))


# rich_text (best effort): each leaf as plain text, each section/quote/list item one line.
_RICH_LEAVES: Mapping[str, Callable[[Mapping[str, Any], Names], str]] = {
    "text": lambda e, n: _str(e.get("text")),
    "link": lambda e, n: _str(e.get("text")) or _str(e.get("url")),
    "user": lambda e, n: _user(e.get("user_id"), n),
    "usergroup": lambda e, n: _user(e.get("usergroup_id"), n),
    "channel": lambda e, n: _conversation(e.get("channel_id"), n),
    "emoji": lambda e, n: EMOJI.get(_str(e.get("name")), f":{_str(e.get('name'))}:"),
    "broadcast": lambda e, n: "@" + _str(e.get("range")),
    "date": lambda e, n: _str(e.get("fallback")),
}
_RICH_LINES = {
    "rich_text_list": "bullet",
    "rich_text_quote": "quote",
    "rich_text_preformatted": "pre",
}


def _leaves(leaves: object, names: Names) -> str:
    found = ((_str(leaf.get("type")), leaf) for leaf in map(_dict, _list(leaves)))
    return "".join(_RICH_LEAVES[kind](leaf, names) for kind, leaf in found if kind in _RICH_LEAVES)


def _rich_text_lines(block: Block, names: Names) -> list[_Line]:
    lines: list[_Line] = []
    for part in map(_dict, _list(block.get("elements"))):
        kind = _RICH_LINES.get(_str(part.get("type")), "line")
        items = _list(part.get("elements"))
        texts = (
            [_leaves(_dict(i).get("elements"), names) for i in items] if kind == "bullet" else []
        )
        for text in texts or [_leaves(items, names)]:
            lines.append(_Line(kind, () if kind == "pre" else (_Node("text", text),), text=text))
    return lines


# ---------------------------------------------------------------- rich


def _append(out: Text, nodes: Sequence[_Node], style: str = "") -> None:
    for node in nodes:
        if node.kind in ("link", "url"):
            out.append(node.text, style=f"{style} {LINK}".strip())
            out.append(f" ({node.url})" if node.kind == "link" else "", style=DIM)
        else:
            inner = style if node.kind == "text" else f"{style} {node.kind}".strip()
            out.append(node.text, style=inner)
            _append(out, node.children, inner)


def _lines_to_rich(lines: Sequence[_Line]) -> Text:
    out = Text()
    for i, line in enumerate(lines):
        out.append("\n" if i else "")
        if line.kind == "pre":
            out.append("\n".join("  " + row for row in line.text.split("\n")), style=CODE)
        out.append({"quote": "▌ ", "bullet": f"  {line.indent}• "}.get(line.kind, ""), style=DIM)
        _append(out, line.nodes)
    return out


def mrkdwn_to_rich(text: str, names: Names = _NO_NAMES) -> Text:
    """Slack mrkdwn as styled text: mentions resolved through ``names``, links followed by their
    URL, emoji shortcodes as unicode. Entities are decoded last, so escaped user text such as
    ``&lt;!channel&gt;`` shows as the literal ``<!channel>`` and is never styled as a broadcast."""
    return _lines_to_rich(_lines(_str(text), names))


def plain_to_rich(text_obj: Mapping[str, Any] | str, names: Names = _NO_NAMES) -> Text:
    """A ``plain_text`` or ``mrkdwn`` text object; a bare string counts as plain text."""
    obj = {"text": text_obj} if isinstance(text_obj, str) else _dict(text_obj)
    if obj.get("type") == "mrkdwn":
        return mrkdwn_to_rich(_str(obj.get("text")), names)
    text = _unescape(_str(obj.get("text")))
    return Text(text if obj.get("emoji") is False else _emojify(text))


def _text(obj: object, names: Names) -> str:
    return plain_to_rich(_dict(obj), names).plain


# ---------------------------------------------------------------- interactive elements


def _option(option: object, names: Names) -> str:
    return _text(_dict(option).get("text"), names)


def _scalar(value: object, names: Names) -> str:
    if isinstance(value, Mapping):  # a rich_text_input holds a rich_text block
        return " ".join(line.text for line in _rich_text_lines(value, names))
    if isinstance(value, int) and not isinstance(value, bool):  # a datetimepicker's epoch
        return _date(f"date^{value}") or str(value)
    return _unescape(str(value)) if isinstance(value, str | float) else ""


# Block Kit's ``initial_<key>`` fields (``initial_<key>s`` holds a list) and how to show each.
_INITIAL: Mapping[str, Callable[[object, Names], str]] = {
    "value": _scalar, "date": _scalar, "time": _scalar, "date_time": _scalar, "option": _option,
    "user": _user, "conversation": _conversation, "channel": _conversation,
}  # fmt: skip
_ICONS = {"datepicker": "📅", "timepicker": "🕒", "datetimepicker": "📅"}


def _initial(element: Mapping[str, Any], names: Names) -> list[str]:
    found: list[str] = []
    for key, show in _INITIAL.items():
        one, many = element.get(f"initial_{key}"), _list(element.get(f"initial_{key}s"))
        found += [show(value, names) for value in ([one] if one is not None else []) + many]
    return [value for value in found if value]


def _icon(element: Mapping[str, Any]) -> str:
    kind = _str(element.get("type"))
    return _ICONS.get(kind, "▾" if "select" in kind else "")


def _choices(element: Mapping[str, Any], names: Names) -> list[str]:
    """Checkboxes and radio buttons list every option, marked the way Slack draws them."""
    picked = [
        _dict(element.get("initial_option")),
        *map(_dict, _list(element.get("initial_options"))),
    ]
    chosen = {_str(o.get("value")) for o in picked} - {""}
    on, off = ("☑", "☐") if element.get("type") == "checkboxes" else ("◉", "○")
    options = map(_dict, _list(element.get("options")))
    return [f"{on if _str(o.get('value')) in chosen else off} {_option(o, names)}" for o in options]


@dataclass(frozen=True, slots=True)
class _Control:
    label: str
    style: str = ""
    boxed: bool = True  # buttons and menus are drawn as "[ label ]"


def _control_of(element: Mapping[str, Any], names: Names) -> _Control:
    kind = _str(element.get("type"))
    if kind in ("button", "workflow_button"):
        arrow = " ↗" if element.get("url") else ""  # a link button leaves Slack
        style = BUTTON_STYLES.get(_str(element.get("style")), BOLD)
        return _Control(_text(element.get("text"), names) + arrow, style)
    if kind in ("checkboxes", "radio_buttons"):
        return _Control("   ".join(_choices(element, names)), boxed=False)
    if kind == "image":
        return _Control("🖼 " + _str(element.get("alt_text")), DIM, boxed=False)
    if kind == "overflow":
        return _Control("⋯")
    shown = ", ".join(_initial(element, names)) or _text(element.get("placeholder"), names)
    return _Control(f"{shown or 'Choose…'} {_icon(element)}".strip())


def _chip(control: _Control) -> Text:
    return Text(f"[ {control.label} ]" if control.boxed else control.label, style=control.style)


def _modal_buttons(view: Mapping[str, Any], names: Names) -> list[_Control]:
    close = _Control(_text(view.get("close"), names) or "Cancel")
    submit = _Control(_text(view.get("submit"), names), BUTTON_STYLES["primary"])
    return [close, submit] if view.get("submit") else [close]


# ---------------------------------------------------------------- blocks, in a terminal


def _header(block: Block, names: Names) -> RenderableType:
    title = Text(_text(block.get("text"), names), style=BOLD)
    underline = Text("━" * min(title.cell_len, 200), style=DIM, no_wrap=True, overflow="crop")
    return Group(title, underline)


def _section(block: Block, names: Names) -> RenderableType:
    body: list[RenderableType] = [plain_to_rich(block["text"], names)] if block.get("text") else []
    fields = [plain_to_rich(_dict(field), names) for field in _list(block.get("fields"))]
    if fields:
        grid = Table.grid(expand=True, padding=(0, 2))
        grid.add_column(ratio=1)
        grid.add_column(ratio=1)
        for left, right in zip(fields[::2], [*fields[1::2], Text()], strict=False):
            grid.add_row(left, right)
        body.append(grid)
    if not block.get("accessory"):
        return Group(*body)
    row = Table.grid(expand=True, padding=(0, 0, 0, 2))
    row.add_column(ratio=1)
    row.add_column(justify="right", no_wrap=True)
    row.add_row(Group(*body), _chip(_control_of(_dict(block.get("accessory")), names)))
    return row


def _input(block: Block, names: Names) -> RenderableType:
    label = Text(_text(block.get("label"), names), style=BOLD)
    label.append(" (optional)" if block.get("optional") else "", style=DIM)
    element = _dict(block.get("element"))
    parts: list[RenderableType] = [label]
    if element.get("type") in ("checkboxes", "radio_buttons"):
        parts.append(Text("\n".join("  " + choice for choice in _choices(element, names))))
    else:
        shown = ", ".join(_initial(element, names))
        value = Text(
            shown or _text(element.get("placeholder"), names), "" if shown else PLACEHOLDER
        )
        value.append("\n" if element.get("multiline") else "")  # a text area is taller
        field = Table.grid(expand=True)
        field.add_column(ratio=1)
        field.add_column(justify="right")
        field.add_row(value, Text(_icon(element), style=DIM))
        parts.append(Panel(field, box=box.ROUNDED, border_style=DIM, padding=(0, 1)))
    if block.get("hint"):
        parts.append(Text(_text(block.get("hint"), names), style=DIM))
    return Group(*parts)


def _context(block: Block, names: Names) -> RenderableType:
    out = Text(style=DIM)
    for i, element in enumerate(map(_dict, _list(block.get("elements")))):
        image = element.get("type") == "image"
        out.append("  " if i else "")
        out.append(_chip(_control_of(element, names)) if image else plain_to_rich(element, names))
    return out


def _stub(block: Block) -> str:
    """The one-line stand-in for media, and for blocks this module does not know."""
    kind = _str(block.get("type")) or "?"
    if kind not in ("image", "file", "video"):
        return f"[unsupported block: {kind}]"
    title = _str(_dict(block.get("title")).get("text"))
    return f"[{kind}: {_str(block.get('alt_text')) or title or _str(block.get('external_id'))}]"


_RENDERERS: Mapping[str, Callable[[Block, Names], RenderableType]] = {
    "header": _header,
    "section": _section,
    "divider": lambda b, n: Rule(style=DIM),
    "context": _context,
    "actions": lambda b, n: Columns(
        [_chip(_control_of(_dict(e), n)) for e in _list(b.get("elements"))], padding=(0, 2)
    ),
    "input": _input,
    "rich_text": lambda b, n: _lines_to_rich(_rich_text_lines(b, n)),
}


def render_blocks(blocks: Sequence[Block], names: Names = _NO_NAMES) -> RenderableType:
    """Blocks stacked as Slack stacks them, a blank line apart (a divider needs no extra air).
    Never raises on odd input; unknown types show as "[unsupported block: type]"."""
    parts: list[RenderableType] = []
    previous = ""
    for block in map(_dict, _list(blocks)):
        kind = _str(block.get("type"))
        if parts and "divider" not in (kind, previous):
            parts.append(Text())
        render = _RENDERERS.get(kind)
        parts.append(render(block, names) if render else Text(_stub(block), style=DIM))
        previous = kind
    return Group(*parts)


def _panel(body: RenderableType, title: str, **options: Any) -> Panel:
    # Titles go in as Text: a str would be parsed as rich markup, and "[/]" in it would raise.
    heading = Text(title, style=BOLD) if title else None
    return Panel(body, title=heading, title_align="left", box=box.ROUNDED, **options)


def render_message(
    message: Mapping[str, Any], *, title: str | None = None, names: Names = _NO_NAMES
) -> Panel:
    """A posted message in a box: its blocks, or its ``text`` when it has none."""
    blocks = _list(message.get("blocks"))
    text = mrkdwn_to_rich(_str(message.get("text")), names)
    body = render_blocks(blocks, names) if blocks else text
    if message.get("thread_ts"):
        body = Group(Text("↳ in thread", style=PLACEHOLDER), body)
    hidden = Text("Only visible to you", style=PLACEHOLDER) if message.get("ephemeral") else None
    return _panel(body, title or "", subtitle=hidden, subtitle_align="right")


def render_view(view: Mapping[str, Any], *, names: Names = _NO_NAMES) -> Panel:
    """A modal (its title, blocks, then the close and submit buttons) or the App Home tab."""
    body = render_blocks(_list(view.get("blocks")), names)
    if view.get("type") == "home":
        return _panel(body, "App Home")
    footer = Text("  ").join(_chip(button) for button in _modal_buttons(view, names))
    footer.justify = "right"
    title = _text(view.get("title"), names) or "Modal"
    return _panel(Group(body, Rule(style=DIM), footer), title, width=MODAL_WIDTH)


# ---------------------------------------------------------------- blocks, as Markdown

# Only what would start Markdown syntax: "<" before a tag, "&" before an entity, "_" at a word
# edge (GitHub leaves snake_case alone), and the emphasis, code and link characters.
_MD_SPECIAL = re.compile(r"[\\`*\[\]~]|(?<!\w)_|_(?!\w)|<(?=[A-Za-z/!?])|&(?=#?\w+;)")
_MD_LINE_START = re.compile(r"\A(#{1,6}|[>+-]|\d+[.)])(?=\s|\Z)")
_MD_WRAP = {BOLD: "**", ITALIC: "*", STRIKE: "~~"}


def _md_escape(text: str) -> str:
    swaps = {"<": "&lt;", "&": "&amp;"}
    return _MD_SPECIAL.sub(lambda m: swaps.get(m.group(0), "\\" + m.group(0)), text)


def _ticks(text: str, least: int) -> str:
    """A backtick fence longer than any run of backticks inside ``text``."""
    return "`" * max(least, max(map(len, re.findall("`+", text)), default=0) + 1)


def _md_code(text: str) -> str:
    ticks = _ticks(text, 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _md_inline(nodes: Sequence[_Node]) -> str:
    out: list[str] = []
    for node in nodes:
        if node.kind in _MD_WRAP:
            inner, mark = _md_inline(node.children), _MD_WRAP[node.kind]
            out.append(f"{mark}{inner}{mark}" if inner.strip() else inner)
        elif node.kind == CODE:
            out.append(_md_code(node.text))
        elif node.kind in ("link", "url"):
            url = node.url.replace(" ", "%20").replace(")", "%29")
            out.append(f"[{_md_escape(node.text)}]({url})")

        else:
            out.append(_md_escape(node.text))
    return "".join(out)


def _md_line(nodes: Sequence[_Node]) -> str:
    # A line that merely starts like a heading, quote or list item must stay a paragraph.
    return _MD_LINE_START.sub(lambda m: f"{m.group(0)[:-1]}\\{m.group(0)[-1]}", _md_inline(nodes))


def _lines_to_md(lines: Sequence[_Line]) -> str:
    """Runs of like lines, a blank line apart; Slack's newlines become hard line breaks."""
    out: list[str] = []
    for kind, group in groupby(lines, key=lambda line: line.kind):
        run = list(group)
        if kind == "pre":
            out.extend(f"{_ticks(x.text, 3)}\n{x.text}\n{_ticks(x.text, 3)}" for x in run)
        elif kind == "bullet":
            out.append("\n".join(f"{line.indent}- {_md_line(line.nodes)}" for line in run))
        elif kind != "blank":
            prefix = "> " if kind == "quote" else ""
            out.append(prefix + f"\\\n{prefix}".join(_md_line(line.nodes) for line in run))
    return "\n\n".join(out)


def _md_text(obj: object, names: Names, *, joiner: str | None = None) -> str:
    """A text object as Markdown; with ``joiner``, its lines joined into one line (for a
    field, a hint or a context)."""
    obj = _dict(obj)
    if obj.get("type") == "mrkdwn":
        text = _lines_to_md(_lines(_str(obj.get("text")), names))
    else:
        text = _md_escape(_text(obj, names))
    return re.sub(r"\\?\n+", joiner, text) if joiner is not None else text


def _md_chip(control: _Control) -> str:
    return _md_code(f"[ {control.label} ]" if control.boxed else control.label)


def _md_section(block: Block, names: Names) -> str:
    parts = [_md_text(block.get("text"), names)] if block.get("text") else []
    # Fields are written "*Label*\nvalue"; in docs that reads best as "- **Label**: value".
    fields = (_md_text(field, names, joiner=": ") for field in _list(block.get("fields")))
    parts.append("\n".join(f"- {field}" for field in fields))
    if block.get("accessory"):
        parts.append(_md_chip(_control_of(_dict(block.get("accessory")), names)))
    return "\n\n".join(part for part in parts if part)


def _md_input(block: Block, names: Names) -> str:
    element = _dict(block.get("element"))
    if element.get("type") in ("checkboxes", "radio_buttons"):
        shown = " ".join(map(_md_code, _choices(element, names)))
    else:
        values = _initial(element, names) or [_text(element.get("placeholder"), names) or " "]
        shown = ", ".join(map(_md_code, values))
    optional = " *(optional)*" if block.get("optional") else ""
    hint = _md_text(block.get("hint"), names, joiner=" ")
    hint = f"\\\n<sub>{hint}</sub>" if hint else ""
    return f"**{_md_text(block.get('label'), names, joiner=' ')}**{optional}: {shown}{hint}"


def _md_context(block: Block, names: Names) -> str:
    parts = (
        _md_escape(_control_of(element, names).label)
        if element.get("type") == "image"
        else _md_text(element, names, joiner=" ")
        for element in map(_dict, _list(block.get("elements")))
    )
    return "<sub>" + " · ".join(parts) + "</sub>"


_MD_RENDERERS: Mapping[str, Callable[[Block, Names], str]] = {
    "header": lambda b, n: "### " + _md_text(b.get("text"), n, joiner=" "),
    "section": _md_section,
    "divider": lambda b, n: "---",
    "context": _md_context,
    "actions": lambda b, n: " ".join(
        _md_chip(_control_of(_dict(e), n)) for e in _list(b.get("elements"))
    ),
    "input": _md_input,
    "rich_text": lambda b, n: _lines_to_md(_rich_text_lines(b, n)),
}


def to_markdown(blocks: Sequence[Block], names: Names = _NO_NAMES) -> str:
    """GitHub-flavoured Markdown that reads like the message: for docs, not for round trips."""
    parts: list[str] = []
    for block in map(_dict, _list(blocks)):
        render = _MD_RENDERERS.get(_str(block.get("type")))
        parts.append(render(block, names) if render else f"*{_md_escape(_stub(block))}*")
    return "\n\n".join(part for part in parts if part) + "\n"


def view_to_markdown(view: Mapping[str, Any], names: Names = _NO_NAMES) -> str:
    """A modal or home tab: its title as a heading, its blocks, then a modal's buttons."""
    if view.get("type") == "home":
        return "## App Home\n\n" + to_markdown(_list(view.get("blocks")), names)
    title = _md_escape(_text(view.get("title"), names).replace("\n", " ") or "Modal")
    buttons = " ".join(map(_md_chip, _modal_buttons(view, names)))
    return f"## {title}\n\n{to_markdown(_list(view.get('blocks')), names)}\n{buttons}\n"
