"""Where the shared Slack corpus lives and how to read its Web API spec (never copied into the repo)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tests.adapters.slack.fake_slack import Call

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "slack"
OPENAPI = CORPUS / "specs" / "slack-api-specs" / "web-api" / "slack_web_openapi_v2.json"
ABSENT = f"Slack corpus not found at {CORPUS} (CI provides ../shared/corpus; skipping conformance)"

NOT_IN_SPEC = {"apps.connections.open": "Socket Mode's method is newer than the 2021 OpenAPI snapshot"}


@cache
def _spec() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(OPENAPI.read_text())
    return data


def spec_problems(calls: list[Call]) -> list[str]:
    """Calls whose method is unknown to Slack's OpenAPI spec or that lack a required argument."""
    paths = _spec()["paths"]
    problems: list[str] = []
    for call in calls:
        if call.method in NOT_IN_SPEC:
            continue
        operations = paths.get("/" + call.method)
        if not operations:
            problems.append(f"{call.method}: not a Slack Web API method")
            continue
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if not parameter.get("required"):
                    continue
                name = parameter["name"]
                present = bool(call.token) if name == "token" else call.args.get(name) not in (None, "")
                if not present:
                    problems.append(f"{call.method}: missing required argument {name!r}")
    return problems
