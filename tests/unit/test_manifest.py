"""manifest.yml is checked against Slack's own published manifest schema, and against what
the code actually does."""

import json
from pathlib import Path

import jsonschema
import yaml

from infra.config import BOT_SCOPES

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT.parent / "shared" / "slack"


def _manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def _schema(manifest: dict) -> dict:
    major = manifest.get("_metadata", {}).get("major_version", 1)
    local = ROOT / "tests" / "data" / f"manifest.schema.{major}.0.0.json"
    path = SCHEMAS / f"manifest.schema.{major}.0.0.json"
    return json.loads((path if path.exists() else local).read_text())


def test_manifest_is_valid_for_slack() -> None:
    manifest = _manifest()
    validator = jsonschema.Draft7Validator(_schema(manifest))
    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_manifest_scopes_are_exactly_the_ones_the_code_needs() -> None:
    assert sorted(_manifest()["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)


def test_manifest_surfaces() -> None:
    manifest = _manifest()
    features = manifest["features"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["app_home"]["messages_tab_enabled"] is True
    (command,) = features["slash_commands"]
    assert command["command"] == "/mentor"
    assert command["usage_hint"]
    settings = manifest["settings"]
    for url in (
        command["url"],
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    ):
        assert url.endswith("/slack/events")
    redirects = manifest["oauth_config"]["redirect_urls"]
    assert redirects[0].endswith("/slack/oauth_redirect")
    # Sign in with Slack, for the managers' dashboard (handlers/dashboard/signin.py).
    assert redirects[1].endswith("/dashboard/oauth/callback")
    events = set(settings["event_subscriptions"]["bot_events"])
    # app_uninstalled and tokens_revoked tell us a workspace is gone (bot/workspaces/service.py).
    assert events == {
        "app_home_opened",
        "message.im",
        "user_change",
        "app_uninstalled",
        "tokens_revoked",
    }
