from hypothesis import given
from hypothesis import strategies as st

from bot.text import escape, escape_truncated, human_list, mention, truncate


def test_escape_neutralises_broadcasts_mentions_and_links() -> None:
    raw = "<!channel> hi <@U123> see <https://evil.example|click> & @here @Everyone"
    out = escape(raw)
    assert "<" not in out and ">" not in out
    assert "&lt;!channel&gt;" in out
    assert "&lt;@U123&gt;" in out
    assert "&amp;" in out
    assert "@here" not in out and "@Everyone" not in out


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


def test_human_list() -> None:
    assert human_list([]) == ""
    assert human_list(["a"]) == "a"
    assert human_list(["a", "b"]) == "a and b"
    assert human_list(["a", "b", "c"]) == "a, b and c"


def test_hours_round_to_the_half_hour() -> None:
    from bot.text import hours

    assert [hours(v) for v in (0, 0.2, 0.5, 3, 5.5, -3.5, 7.9)] == [
        "0 h",
        "0 h",
        "½ h",
        "3 h",
        "5½ h",
        "3½ h",
        "8 h",
    ]
