import io
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console, RenderableType
from rich.text import Text

from fakeslack.render import (
    BOLD,
    BROADCAST,
    CODE,
    EMOJI,
    ITALIC,
    MENTION,
    STRIKE,
    mrkdwn_to_rich,
    plain_to_rich,
    render_blocks,
    render_message,
    render_view,
    to_markdown,
    view_to_markdown,
)

NAMES = {"U1": "Mia Mentee", "U2": "Max Mentor", "C42": "mentoring-leads"}


def show(renderable: RenderableType) -> str:
    console = Console(
        file=io.StringIO(), record=True, width=100, force_terminal=False, color_system=None
    )
    console.print(renderable)
    return console.export_text()


def show_ansi(renderable: RenderableType) -> str:
    """The same, with the styles kept as ANSI codes, to check colours."""
    console = Console(
        file=io.StringIO(), record=True, width=100, force_terminal=True, color_system="standard"
    )
    console.print(renderable)
    return console.export_text(styles=True)


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def button(label: str, style: str | None = None) -> dict[str, Any]:
    return {"type": "button", "text": plain(label), "action_id": label.lower(), "style": style}


def styled(text: Text, style: str) -> list[str]:
    """The pieces of ``text`` that carry ``style`` (possibly combined with others)."""
    return [text.plain[s.start : s.end] for s in text.spans if style in str(s.style).split(" ")]


def styles_of(text: Text, fragment: str) -> set[str]:
    start = text.plain.index(fragment)
    end = start + len(fragment)
    return {str(s.style) for s in text.spans if s.start < end and s.end > start}


# ---------------------------------------------------------------- mrkdwn


def test_mentions_and_channels_resolve_to_names() -> None:
    text = mrkdwn_to_rich(
        "<@U1> meets <@U2|max> in <#C42>; <@U9|someone> <@U8> <#C9|general>", NAMES
    )
    assert text.plain == "@Mia Mentee meets @Max Mentor in #mentoring-leads; @someone @U8 #general"
    assert styled(text, "blue") == [
        "@Mia Mentee",
        "@Max Mentor",
        "#mentoring-leads",
        "@someone",
        "@U8",
        "#general",
    ]
    assert styles_of(text, "@Mia Mentee") == {MENTION}


def test_escaped_broadcast_shows_literally_and_inert() -> None:
    escaped = mrkdwn_to_rich("Agenda: &lt;!channel&gt; &lt;@U1&gt; &amp;lt;b&amp;gt;", NAMES)
    assert escaped.plain == "Agenda: <!channel> <@U1> &lt;b&gt;"
    assert escaped.spans == []  # nothing styled: not a broadcast, not a mention
    shown = show(render_message({"text": "Agenda: &lt;!channel&gt; please"}))
    assert "Agenda: <!channel> please" in shown and "@channel" not in shown

    real = mrkdwn_to_rich("<!channel> and <!here|@here> and <!everyone>")
    assert real.plain == "@channel and @here and @everyone"
    assert [real.plain[s.start : s.end] for s in real.spans if s.style == BROADCAST] == [
        "@channel",
        "@here",
        "@everyone",
    ]


def test_emphasis_spans() -> None:
    text = mrkdwn_to_rich("a *bold* b _slanted_ c ~gone~ d `x *y*` e *_both_*")
    assert text.plain == "a bold b slanted c gone d x *y* e both"
    assert styled(text, BOLD) == ["bold", "both"]
    assert styled(text, ITALIC) == ["slanted", "both"]
    assert styled(text, STRIKE) == ["gone"]
    assert styled(text, CODE) == ["x *y*"]


def test_markers_inside_words_are_literal() -> None:
    text = mrkdwn_to_rich("snake_case_name 2*3*4 * not bold * file_")
    assert text.plain == "snake_case_name 2*3*4 * not bold * file_"
    assert text.spans == []


def test_emphasis_treats_links_as_one_unit() -> None:
    text = mrkdwn_to_rich("*see <https://x.example/a*b|the a*b page> now*")
    assert text.plain == "see the a*b page (https://x.example/a*b) now"
    assert "the a*b page" in styled(text, BOLD)


def test_links_dates_and_emoji() -> None:
    text = mrkdwn_to_rich(
        "<https://x.example/guide|the guide> or <https://x.example> "
        "<mailto:a@b.example|mail> on <!date^1700000000^{date_short}|Nov 14> :wave: :nope:"
    )
    assert text.plain == (
        "the guide (https://x.example/guide) or https://x.example "
        "mail (mailto:a@b.example) on Nov 14 👋 :nope:"
    )
    assert styles_of(text, "the guide") == {"underline blue"}
    assert styles_of(text, "(https://x.example/guide)") == {"dim"}


def test_every_known_emoji_becomes_unicode() -> None:
    codes = " ".join(f":{name}:" for name in EMOJI)
    assert mrkdwn_to_rich(codes).plain == " ".join(EMOJI.values())
    assert ":" not in plain_to_rich(plain(codes)).plain


def test_quotes_bullets_and_preformatted() -> None:
    text = mrkdwn_to_rich(
        "Intro\n> quoted\n&gt; also quoted\n• one\n- two\n```\ncode *x*\n```\nend"
    )
    assert text.plain.split("\n") == [
        "Intro",
        "▌ quoted",
        "▌ also quoted",
        "  • one",
        "  • two",
        "  code *x*",
        "end",
    ]


def test_plain_text_objects() -> None:
    assert plain_to_rich(plain("Tom &amp; Jerry :tada: *not bold*")).plain == (
        "Tom & Jerry 🎉 *not bold*"
    )
    assert plain_to_rich({"type": "plain_text", "text": ":tada:", "emoji": False}).plain == ":tada:"
    assert plain_to_rich(mrkdwn("*hi* <@U1>"), NAMES).plain == "hi @Mia Mentee"
    assert plain_to_rich("just a string").plain == "just a string"


# ---------------------------------------------------------------- blocks in a terminal

INTRO: list[dict[str, Any]] = [
    {"type": "header", "text": plain(":handshake: Meet your mentor")},
    {
        "type": "section",
        "text": mrkdwn(
            "Hi <@U1>! You're matched with <@U2> in *Spring Mentoring*.\n"
            "Say hello in <#C42> or read <https://example.com/guide|the mentee guide>."
        ),
    },
    {
        "type": "section",
        "fields": [
            mrkdwn("*Mentor*\n<@U2>"),
            mrkdwn("*Department*\nEngineering"),
            mrkdwn("*Timezone*\nEurope/Berlin"),
            mrkdwn("*Goals*\nPublic speaking &amp; _system design_"),
        ],
        "accessory": button("Edit"),
    },
    {"type": "divider"},
    {"type": "context", "elements": [mrkdwn(":bulb: Mentees lead: book the first meeting.")]},
    {
        "type": "actions",
        "elements": [
            button("Accept", "primary"),
            button("Decline", "danger"),
            button("Later"),
            {"type": "static_select", "placeholder": plain("Choose…"), "action_id": "pick"},
            {"type": "overflow", "options": [], "action_id": "more"},
        ],
    },
]


def test_message_with_fields_buttons_and_context() -> None:
    out = show(render_message({"text": "fallback", "blocks": INTRO}, title="Mia", names=NAMES))
    lines = out.splitlines()
    assert lines[0].startswith("╭─ Mia ─")
    assert "🤝 Meet your mentor" in out
    assert "Hi @Mia Mentee! You're matched with @Max Mentor in Spring Mentoring." in out
    assert "the mentee guide (https://example.com/guide)" in out
    assert "fallback" not in out  # blocks win over the notification text
    field_row = next(line for line in lines if "Mentor " in line and "Department" in line)
    assert field_row.rstrip(" │").endswith("[ Edit ]")  # the accessory sits at the right
    assert "Public speaking & system design" in out
    assert "💡 Mentees lead: book the first meeting." in out
    assert "[ Accept ]  [ Decline ]  [ Later ]  [ Choose… ▾ ]  [ ⋯ ]" in out
    assert max(len(line) for line in lines) == 100


def test_button_styles() -> None:
    out = show_ansi(render_blocks(INTRO[-1:]))
    assert "\x1b[1;32m[ Accept ]" in out  # primary: bold green
    assert "\x1b[1;31m[ Decline ]" in out  # danger: bold red
    assert "\x1b[1m[ Later ]" in out


def test_text_only_thread_and_ephemeral_messages() -> None:
    out = show(
        render_message({"text": "Hi <@U1>", "thread_ts": "1.2", "ephemeral": True}, names=NAMES)
    )
    assert "↳ in thread" in out
    assert "Hi @Mia Mentee" in out
    assert "Only visible to you" in out.splitlines()[-1]


def option(value: str, label: str) -> dict[str, Any]:
    return {"value": value, "text": plain(label)}


def input_block(label: str, element: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "input", "label": plain(label), "element": element, **extra}


BOOKING = {
    "type": "modal",
    "title": plain("Book a meeting"),
    "submit": plain("Create"),
    "blocks": [
        input_block(
            "Agenda",
            {"type": "plain_text_input", "multiline": True, "placeholder": plain("Topics…")},
            optional=True,
            hint=plain("Mentees bring the agenda."),
        ),
        input_block("Title", {"type": "plain_text_input", "initial_value": "Career &amp; growth"}),
        input_block("Date", {"type": "datepicker", "initial_date": "2024-05-02"}),
        input_block("Time", {"type": "timepicker", "initial_time": "14:30"}),
        input_block("With", {"type": "multi_users_select", "initial_users": ["U1", "U2"]}),
        input_block("Where", {"type": "conversations_select", "initial_conversation": "C42"}),
        input_block(
            "Program",
            {"type": "static_select", "initial_option": option("p1", "Spring"), "options": []},
        ),
        input_block(
            "Topics",
            {
                "type": "checkboxes",
                "options": [option("a", "Career"), option("b", "Craft"), option("c", "Life")],
                "initial_options": [option("a", "Career"), option("c", "Life")],
            },
        ),
        input_block("Mentor", {"type": "users_select", "placeholder": plain("Pick someone")}),
    ],
}


def test_modal_inputs_show_initial_values_and_placeholders() -> None:
    out = show(render_view(BOOKING, names=NAMES))
    assert out.startswith("╭─ Book a meeting ─")
    assert "Agenda (optional)" in out
    assert "Topics…" in out
    assert "Mentees bring the agenda." in out
    for value in (
        "Career & growth",
        "2024-05-02",
        "14:30",
        "@Mia Mentee, @Max Mentor",
        "#mentoring-leads",
        "Spring",
        "☑ Career",
        "☐ Craft",
        "☑ Life",
        "Pick someone",
    ):
        assert value in out, value
    footer = out.splitlines()[-2]
    assert footer.rstrip(" │").endswith("[ Cancel ]  [ Create ]")


def test_modal_without_submit_and_custom_close_and_home() -> None:
    view = {"type": "modal", "title": plain("[/bold] oops"), "close": plain("Done"), "blocks": []}
    out = show(render_view(view))
    assert "[/bold] oops" in out  # titles are never parsed as rich markup
    assert "[ Done ]" in out and "Cancel" not in out
    home = show(render_view({"type": "home", "blocks": INTRO[:1]}))
    assert home.startswith("╭─ App Home ─")


def test_media_rich_text_and_unknown_blocks() -> None:
    blocks: list[Any] = [
        {"type": "image", "image_url": "https://x.example/a.png", "alt_text": "a chart"},
        {"type": "video", "title": plain("Welcome"), "alt_text": ""},
        {"type": "file", "external_id": "F1", "source": "remote"},
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "text", "text": "Hi ", "style": {"bold": True}},
                        {"type": "user", "user_id": "U1"},
                        {"type": "emoji", "name": "wave"},
                    ],
                },
                {
                    "type": "rich_text_list",
                    "elements": [
                        {"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]}
                    ],
                },
            ],
        },
        {"type": "carousel"},
    ]
    out = show(render_blocks(blocks, NAMES))
    for expected in (
        "[image: a chart]",
        "[video: Welcome]",
        "[file: F1]",
        "Hi @Mia Mentee👋",
        "  • one",
        "[unsupported block: carousel]",
    ):
        assert expected in out, expected


ODD_BLOCKS: list[Any] = [
    "not a block",
    None,
    {},
    {"type": None},
    {"type": "section"},
    {"type": "section", "text": 5, "fields": "x", "accessory": []},
    {"type": "section", "text": {"type": "mrkdwn"}, "fields": [None, 3], "accessory": {"x": 1}},
    {"type": "header", "text": "bare string"},
    {"type": "actions", "elements": [None, {"type": "button"}, {"type": "mystery_select"}]},
    {"type": "input"},
    {"type": "input", "element": {"type": "checkboxes", "options": [None]}},
    {"type": "input", "element": {"type": "datetimepicker", "initial_date_time": 10**30}},
    {"type": "context", "elements": {"not": "a list"}},
    {"type": "rich_text", "elements": [{"type": "rich_text_list", "indent": 10**9}]},
]


def test_odd_input_never_crashes() -> None:
    assert "[unsupported block: ?]" in show(render_blocks(ODD_BLOCKS))
    assert to_markdown(ODD_BLOCKS)
    show(render_message({"blocks": "nope", "text": None}))
    show(render_view({"blocks": None, "title": 3, "submit": {}}))
    view_to_markdown({"blocks": None, "title": 3})


# ---------------------------------------------------------------- Markdown


def test_introduction_as_markdown() -> None:
    assert to_markdown(INTRO, NAMES) == (
        "### 🤝 Meet your mentor\n"
        "\n"
        "Hi @Mia Mentee! You're matched with @Max Mentor in **Spring Mentoring**.\\\n"
        "Say hello in #mentoring-leads or read [the mentee guide](https://example.com/guide).\n"
        "\n"
        "- **Mentor**: @Max Mentor\n"
        "- **Department**: Engineering\n"
        "- **Timezone**: Europe/Berlin\n"
        "- **Goals**: Public speaking & *system design*\n"
        "\n"
        "`[ Edit ]`\n"
        "\n"
        "---\n"
        "\n"
        "<sub>💡 Mentees lead: book the first meeting.</sub>\n"
        "\n"
        "`[ Accept ]` `[ Decline ]` `[ Later ]` `[ Choose… ▾ ]` `[ ⋯ ]`\n"
    )


def test_markdown_escapes_only_what_markdown_would_read() -> None:
    md = to_markdown(
        [
            {
                "type": "section",
                "text": mrkdwn(
                    "&lt;!channel&gt; &lt;script&gt; a &lt; b, snake_case, 2*3, [x], &amp;amp;\n"
                    "# not a heading\n1. not a list\n> a quote ~gone~\n• item"
                ),
            }
        ]
    )
    assert md == (
        "&lt;!channel> &lt;script> a < b, snake_case, 2\\*3, \\[x\\], &amp;amp;\\\n"
        "\\# not a heading\\\n"
        "1\\. not a list\n"
        "\n"
        "> a quote ~~gone~~\n"
        "\n"
        "- item\n"
    )


def test_modal_as_markdown() -> None:
    md = view_to_markdown(BOOKING, NAMES)
    assert md.startswith("## Book a meeting\n\n")
    assert "**Agenda** *(optional)*: `Topics…`\\\n<sub>Mentees bring the agenda.</sub>" in md
    assert "**With**: `@Mia Mentee`, `@Max Mentor`" in md
    assert "**Topics**: `☑ Career` `☐ Craft` `☑ Life`" in md
    assert "**Mentor**: `Pick someone`" in md
    assert md.endswith("\n`[ Cancel ]` `[ Create ]`\n")
    assert view_to_markdown({"type": "home", "blocks": INTRO[:1]}).startswith("## App Home\n")


# ---------------------------------------------------------------- never raise

text_blocks = st.text().flatmap(
    lambda text: st.sampled_from(
        [
            {"type": "section", "text": mrkdwn(text), "fields": [mrkdwn(text), plain(text)]},
            {"type": "context", "elements": [mrkdwn(text), plain(text)]},
            {"type": "header", "text": plain(text)},
        ]
    )
)
slack_tokens = [*"*_~`<>|@#!^&;:\n ab", "&lt;", "&amp;", ":wave:", "<@U1>", "```", "> ", "• "]
slackish_text = st.lists(st.sampled_from(slack_tokens)).map("".join)


@settings(deadline=None)
@given(st.lists(text_blocks, max_size=4), st.one_of(st.text(), slackish_text))
def test_rendering_arbitrary_text_never_raises(blocks: list[dict[str, Any]], text: str) -> None:
    show(render_blocks(blocks, NAMES))
    mrkdwn_to_rich(text, NAMES)
    assert to_markdown(blocks, NAMES).endswith("\n")
    show(render_message({"text": text, "blocks": [{"type": "section", "text": mrkdwn(text)}]}))


element_types = ["mrkdwn", "plain_text", "button", "static_select", "checkboxes", "image"]
json_values = st.recursive(
    st.none() | st.integers() | st.text(max_size=8) | st.sampled_from(element_types),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["type", "text", "elements", "options", "initial_options", "value"]),
            children,
            max_size=3,
        )
    ),
    max_leaves=12,
)
block_keys = ["text", "fields", "elements", "element", "accessory", "label", "hint"]
malformed_blocks = st.builds(
    lambda kind, extra: {"type": kind, **extra},
    st.sampled_from(["section", "context", "header", "actions", "input", "rich_text", "image"]),
    st.dictionaries(st.sampled_from(block_keys), json_values, max_size=4),
)


@settings(deadline=None)
@given(st.lists(malformed_blocks, max_size=3))
def test_rendering_malformed_blocks_never_raises(blocks: list[dict[str, Any]]) -> None:
    show(render_blocks(blocks, NAMES))
    to_markdown(blocks, NAMES)
