"""The app manifest declares everything the adapter listens to and calls, and fits Slack's schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from adapters.slack import MANIFEST
from adapters.slack.settings import DEFAULT_SCOPES

SCHEMAS = (
    Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "slack" / "manifest-schema" / "schemas"
)

EVENT_SCOPES = {
    "app_mention": "app_mentions:read",
    "message.im": "im:history",
    "user_change": "users:read",
    "member_joined_channel": "channels:read",
    "member_left_channel": "channels:read",
    "subteam_members_changed": "usergroups:read",
}
METHOD_SCOPES = {
    "chat.postMessage": "chat:write",
    "conversations.open": "im:write",
    "users.info": "users:read",
    "users.lookupByEmail": "users:read.email",  # coachbot import
    "conversations.members": "channels:read",
    "usergroups.users.list": "usergroups:read",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "conversations.replies": "im:history",  # finding a long DM's continuations in its thread
}


def manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text())
    assert isinstance(data, dict)
    return data


def test_manifest_has_what_the_adapter_needs() -> None:
    m = manifest()
    assert m["display_information"]["name"] == "Coachbot"
    features, settings = m["features"], m["settings"]
    assert features["app_home"]["home_tab_enabled"] is True
    [command] = features["slash_commands"]
    assert command["command"] == "/coach" and command["should_escape"] is True
    assert command["url"].endswith("/slack/events")
    assert settings["event_subscriptions"]["request_url"].endswith("/slack/events")
    assert settings["interactivity"]["is_enabled"] and settings["interactivity"]["request_url"].endswith(
        "/slack/events"
    )
    assert m["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")
    assert [s["callback_id"] for s in features["shortcuts"]] == ["coach_status"]
    scopes = set(m["oauth_config"]["scopes"]["bot"])
    assert scopes == set(DEFAULT_SCOPES)
    events = set(settings["event_subscriptions"]["bot_events"])
    assert {"app_home_opened", "message.im", "user_change", "app_uninstalled", "tokens_revoked"} <= events
    for event, scope in EVENT_SCOPES.items():
        assert event in events and scope in scopes, event
    assert set(METHOD_SCOPES.values()) <= scopes


def test_manifest_ships_with_the_package() -> None:
    assert MANIFEST.name == "manifest.yaml" and MANIFEST.parent.name == "slack"


def test_manifest_validates_against_slacks_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    m = manifest()
    schema_file = SCHEMAS / f"manifest.schema.{m['_metadata']['major_version']}.0.0.json"
    if not schema_file.exists():
        pytest.skip(f"Slack manifest schema not found at {schema_file} (the shared corpus is absent)")
    schema = json.loads(schema_file.read_text())
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(m), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    # The validator is not vacuous: an unknown event subscription key is rejected.
    broken = {**m, "settings": {**m["settings"], "event_subscriptions": {"bot_events": "not-a-list"}}}
    assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))
