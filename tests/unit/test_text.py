from hypothesis import assume, given
from hypothesis import strategies as st

from infra.text import (
    escape,
    escape_truncated,
    from_slack,
    human_list,
    mention,
    mentioned_users,
    truncate,
)


def test_escape_neutralises_broadcasts_mentions_and_links() -> None:
    raw = "<!channel> hi <@U123> see <https://evil.example|click> & @here @Everyone"
    out = escape(raw)
    assert "<" not in out and ">" not in out
    assert "&lt;!channel&gt;" in out
    assert "&lt;@U123&gt;" in out
    assert "&amp;" in out
    assert "@here" not in out and "@Everyone" not in out


def test_escape_keeps_typed_mentions_readable_and_inert() -> None:
    out = escape("ask @Sam (@here) me@example.com\n@channel")
    assert out == "ask @\u200bSam (@\u200bhere) me@example.com\n@\u200bchannel"


def test_from_slack_reads_slacks_markup_once_into_what_was_typed() -> None:
    slack = (
        "claims &amp; &lt;risky&gt; &amp;lt; <@UAA1> <@UBB2|bob> <@UCC3> <!channel> <!here|here> "
        "<!everyone> <!subteam^S1|@design> <!subteam^S2> <#C1|general> <#C2> "
        "<https://x.example/a?b=1&amp;c=2> <https://x.example|the &lt;plan&gt;> "
        "<http://example.com|example.com> <mailto:a@b.co|a@b.co> <!date^1^{date}|Mon 1 Jan>"
    )
    assert mentioned_users(slack) == ["UAA1", "UBB2", "UCC3"]
    assert from_slack(slack, {"UAA1": "Sam Jones"}) == (
        "claims & <risky> &lt; @Sam Jones @bob @someone @channel @here @everyone @design "
        "@group #general #channel https://x.example/a?b=1&c=2 "
        "the <plan> (https://x.example) example.com a@b.co Mon 1 Jan"
    )
    assert from_slack("plain words") == "plain words"


@given(st.text())
def test_typed_text_survives_slacks_encoding_and_our_escape(typed: str) -> None:
    assume("\u200b" not in typed)
    slack = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert from_slack(slack) == typed
    assert escape(from_slack(slack)).replace("\u200b", "") == slack


@given(st.text())
def test_escape_never_leaves_control_characters(raw: str) -> None:
    out = escape(raw)
    assert "<" not in out and ">" not in out
    # every & starts one of the three entities we emit
    for i, ch in enumerate(out):
        if ch == "&":
            assert out.startswith(("&amp;", "&lt;", "&gt;"), i)


@given(st.text(), st.integers(min_value=2, max_value=300))
def test_escape_truncated_fits_and_keeps_entities_whole(raw: str, limit: int) -> None:
    out = escape_truncated(raw, limit)
    assert len(out) <= limit
    body = out.removesuffix("…")
    amp = body.rfind("&")
    if amp != -1:
        assert ";" in body[amp:]


def test_truncate() -> None:
    assert truncate("hello", 10) == "hello"
    assert truncate("hello world", 6) == "hello…"
    assert len(truncate("x" * 500, 150)) == 150


def test_mention_refuses_anything_but_an_id() -> None:
    assert mention("U0123ABC") == "<@U0123ABC>"
    for bad in ("!channel", "U1>", "<@U1>", "hello"):
        try:
            mention(bad)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad!r}")


def test_an_erased_person_is_mentioned_as_someone_who_left() -> None:
    """An erased person's row keeps an anonymous id (bot.privacy): a message about an old
    pair says "someone who left" rather than failing or naming them."""
    assert mention("erased-0123456789abcdef") == "someone who left"
    assert "erased" not in mention("erased-x")


def test_human_list() -> None:
    assert human_list([]) == ""
    assert human_list(["a"]) == "a"
    assert human_list(["a", "b"]) == "a and b"
    assert human_list(["a", "b", "c"]) == "a, b and c"


def test_hours_round_to_the_half_hour() -> None:
    from infra.text import hours

    assert [hours(v) for v in (0, 0.2, 0.5, 3, 5.5, -3.5, 7.9)] == [
        "0 h",
        "0 h",
        "½ h",
        "3 h",
        "5½ h",
        "3½ h",
        "8 h",
    ]
