"""Every builder's output is valid Block Kit, twice over: slack_sdk's own models parse it back
to the same JSON and find nothing wrong (``validate_json`` checks Slack's limits), and the fake
Slack's checker (the one the scenario tests post through) accepts it. And it is safe: no
mrkdwn text carries a user's typed broadcast, mention or link, or is escaped twice, and every
time is a well-formed ``<!date^…>`` token each reader sees in their own zone."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

import bot
from bot import blocks as ui
from bot import notices
from fakeslack.blockkit import check_message, check_view
from tests.unit.views.cases import CASES, Case

MESSAGE_BLOCKS, VIEW_BLOCKS = 50, 100
DATE_TOKEN = re.compile(r"<!date\^(\d{9,11})\^(\{[a-z_]+\}[^|<>]*)\|([^<>|]+)>")


def as_json(output: Any) -> tuple[str, Any]:
    """("view", the view's dict) or ("message", its block dicts)."""
    if isinstance(output, View):
        return "view", output.to_dict()
    if isinstance(output, tuple):  # the digest: (blocks, whether a CSV goes along)
        output, overflow = output
        assert isinstance(overflow, bool)
    assert isinstance(output, list), type(output)
    return "message", [b if isinstance(b, dict) else b.to_dict() for b in output]


def mrkdwn(node: Any) -> Iterator[str]:
    """Every mrkdwn text under ``node``."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from mrkdwn(value)
    elif isinstance(node, list):
        for item in node:
            yield from mrkdwn(item)


@pytest.fixture(params=CASES, ids=[c.id for c in CASES])
def built(request: pytest.FixtureRequest) -> tuple[str, Any]:
    case: Case = request.param
    return as_json(case.make())


def test_slack_sdk_parses_it_back_unchanged_and_finds_it_valid(built: tuple[str, Any]) -> None:
    surface, payload = built
    if surface == "view":
        view = View(**payload)
        view.validate_json()
        assert view.to_dict() == payload
        assert 1 <= len(payload["blocks"]) <= VIEW_BLOCKS
        return
    assert 1 <= len(payload) <= MESSAGE_BLOCKS
    for block in payload:
        parsed = Block.parse(block)
        assert parsed is not None, block
        parsed.validate_json()
        assert parsed.to_dict() == block


def test_the_fake_slack_accepts_it(built: tuple[str, Any]) -> None:
    surface, payload = built
    errors = check_view(payload) if surface == "view" else check_message(payload, "fallback")
    assert errors == []


def test_typed_text_stays_inert(built: tuple[str, Any]) -> None:
    for text in mrkdwn(built[1]):
        for live in ("<!channel>", "<@U0EVIL>", "<https://evil", "<!here>"):
            assert live not in text, text
        assert "&amp;amp;" not in text and "&amp;lt;" not in text, f"escaped twice: {text}"


def test_times_are_tokens_each_reader_sees_in_their_own_zone(built: tuple[str, Any]) -> None:
    for text in mrkdwn(built[1]):
        assert text.count("<!date^") == len(DATE_TOKEN.findall(text)), text


# --- Every builder has a case ------------------------------------------------------------------


def views_modules() -> Iterator[ModuleType]:
    """``bot.<part>.views`` (and its submodules, should it become a package), for every part."""
    for part in pkgutil.iter_modules(bot.__path__):
        if not part.ispkg:
            continue
        try:
            module = importlib.import_module(f"bot.{part.name}.views")
        except ModuleNotFoundError:
            continue
        yield module
        for sub in pkgutil.iter_modules(getattr(module, "__path__", [])):
            yield importlib.import_module(f"{module.__name__}.{sub.name}")


def public_functions(module: ModuleType) -> dict[str, Any]:
    return {
        f"{module.__name__}.{name}": fn
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and fn.__module__ == module.__name__
    }


def builds_blocks(fn: Any) -> bool:
    """A builder returns blocks or a view (parsers return drafts; helpers return strings)."""
    returns = str(inspect.signature(fn).return_annotation)
    return any(word in returns for word in ("Block", "View", "dict[str, object]"))


def test_every_public_builder_has_a_case() -> None:
    builders: dict[str, Any] = {}
    for module in views_modules():
        builders |= {k: v for k, v in public_functions(module).items() if builds_blocks(v)}
    # Every public function of the shared builders and notices, whatever it returns.
    builders |= public_functions(ui) | public_functions(notices)
    assert len(builders) > 100  # the discovery itself works
    covered = {f"{c.builder.__module__}.{c.builder.__name__}" for c in CASES}
    missing = sorted(set(builders) - covered)
    assert not missing, f"builders without a case in tests/unit/views/cases.py: {missing}"
