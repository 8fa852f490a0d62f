"""Conformance with real Slack payloads from the shared corpus (skipped, visibly, when it is absent).

Every Events API callback, slash command and interactivity body in the corpus is
signed and POSTed to the running bot: none may get a 5xx; events and commands get
a 2xx, interactivity a 2xx or bolt's deliberate 404 for an action that is not
Coachbot's. Slack's signature test vector is accepted at its timestamp and
rejected after any change. Every Web API call the bot makes is checked against
Slack's OpenAPI spec (here, and after every test by the ``fake_slack`` fixture).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from adapters.slack.mount import SlackMount
from adapters.slack.settings import from_env
from tests.adapters.slack.conftest import Harness, Sleeps, run_bot, slack_env
from tests.adapters.slack.corpus import ABSENT, CORPUS, spec_problems
from tests.adapters.slack.fake_slack import Call, FakeSlack

if not CORPUS.exists():
    pytest.skip(ABSENT, allow_module_level=True)

INTERACTIVE = {
    "block_actions",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
    "block_suggestion",
    "interactive_message",
    "dialog_submission",
    "dialog_cancellation",
    "dialog_suggestion",
    "workflow_step_edit",
}
SOURCES = (
    "bolt-python-extracted/scenario_tests",
    "python-slack-events-api",
    "opsdroid",
    "vercel-chat-replay",
)


def _payloads(value: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Payload-shaped dicts anywhere in a JSON document, with their kind."""
    if isinstance(value, list):
        for item in value:
            yield from _payloads(item)
        return
    if not isinstance(value, dict):
        return
    kind = value.get("type")
    if kind in ("event_callback", "url_verification"):
        yield "event", value
    elif kind in INTERACTIVE:
        yield "interactive", value
    elif "command" in value and "user_id" in value:
        yield "command", value
    else:
        for item in value.values():
            yield from _payloads(item)


def corpus_bodies() -> list[tuple[str, str, bytes, str]]:
    """(id, kind, raw body, content type) for every Slack request body in the corpus."""
    found: list[tuple[str, str, bytes, str]] = []
    for source in SOURCES:
        for path in sorted((CORPUS / source).rglob("*")):
            rel = str(path.relative_to(CORPUS))
            if path.suffix == ".json" and "teams" not in path.parts:
                if path.parent.name in ("mock_handler",) or "response" in path.name:
                    continue
                for i, (kind, payload) in enumerate(_payloads(json.loads(path.read_text()))):
                    found.append((f"{rel}#{i}", kind, *_encode(kind, payload)))
            elif path.suffix == ".txt" and "LICENSE" not in path.name:
                raw = path.read_bytes().strip()
                kind = "interactive" if raw.startswith(b"payload") else "command"
                if b"ssl_check=1" in raw:
                    kind = "ssl_check"
                found.append((rel, kind, raw, "application/x-www-form-urlencoded"))
    return found


def _encode(kind: str, payload: dict[str, Any]) -> tuple[bytes, str]:
    if kind == "event":
        return json.dumps(payload).encode(), "application/json"
    if kind == "interactive":
        return ("payload=" + quote(json.dumps(payload))).encode(), "application/x-www-form-urlencoded"
    return urlencode({k: str(v) for k, v in payload.items()}).encode(), "application/x-www-form-urlencoded"


BODIES = corpus_bodies()


def test_the_corpus_has_enough_to_say_something() -> None:
    kinds = [kind for _, kind, _, _ in BODIES]
    assert kinds.count("event") >= 60 and kinds.count("interactive") >= 15 and kinds.count("command") >= 3


@pytest.fixture
async def corpus_bot(core, fake_slack: FakeSlack, sleeps: Sleeps) -> Any:  # type: ignore[no-untyped-def]
    settings = from_env(slack_env(fake_slack))
    assert settings is not None
    mount = SlackMount(core=core, settings=settings, sleep=sleeps)
    runner, url = await run_bot(core, mount)
    harness = Harness(mount=mount, fake=fake_slack, url=url, core=core)
    yield harness
    await harness.close()
    await runner.cleanup()


async def test_every_corpus_body_is_acknowledged_without_a_server_error(corpus_bot: Harness) -> None:
    # Corpus response_urls point at hooks.slack.com; the bot answers commands in the ack, never there.
    outcomes: dict[str, int] = {}
    for name, kind, raw, content_type in BODIES:
        status, _ = await corpus_bot.post(raw, content_type=content_type)
        outcomes[name] = status
        assert status < 500, f"{name}: {status}"
        if kind in ("event", "command", "ssl_check"):
            assert 200 <= status < 300, f"{name}: {status}"
        elif name.endswith("payload_view_submission.urlencoded.txt"):
            assert status in (200, 400, 404), f"{name}: {status}"  # 'payload%3D…' carries no payload key
        else:
            assert status in (200, 404) or 200 <= status < 300, f"{name}: {status}"
    assert sum(1 for s in outcomes.values() if s == 200) > len(outcomes) // 2
    problems = spec_problems(corpus_bot.fake.calls)
    assert not problems, problems
    # Bots' and the app's own messages never reached the core as answers or commands.
    assert not [
        c for c in corpus_bot.fake.calls if c.method == "chat.postMessage" and c.args.get("channel") == "B"
    ]


def test_spec_check_is_not_vacuous() -> None:
    bad = [
        Call("chat.postMessage", {"text": "no channel"}, "xoxb-1"),
        Call("chat.sendCarrierPigeon", {}, "x"),
    ]
    assert len(spec_problems(bad)) == 2
    assert spec_problems([Call("chat.postMessage", {"channel": "D1"}, "xoxb-1")]) == []


def _vector() -> dict[str, Any]:
    path = CORPUS / "python-slack-sdk-extracted" / "signature" / "signature_test_vector.json"
    data: dict[str, Any] = json.loads(path.read_text())
    return data


class PinnedClock:
    def __init__(self, at: float) -> None:
        self.at = at

    def now(self) -> float:
        return self.at


async def test_signature_test_vector(core, fake_slack: FakeSlack) -> None:  # type: ignore[no-untyped-def]
    vector = _vector()
    env = {**slack_env(fake_slack), "SLACK_SIGNING_SECRET": vector["signing_secret"]}
    settings = from_env(env)
    assert settings is not None
    mount = SlackMount(core=core, settings=settings, signature_clock=PinnedClock(float(vector["timestamp"])))
    runner, url = await run_bot(core, mount)
    harness = Harness(mount=mount, fake=fake_slack, url=url, core=core)
    try:
        body = vector["body"].encode()
        headers = dict(vector["headers"])
        status, _ = await harness.post(
            body, content_type=vector["content_type"], headers=headers, signed=False
        )
        assert status == 200
        for changed in (body + b"&x=1", body.replace(b"roadrunner", b"roadrunnex"), body[:-1], b" " + body):
            status, _ = await harness.post(
                changed, content_type=vector["content_type"], headers=headers, signed=False
            )
            assert status == 401
        late = SlackMount(
            core=core, settings=settings, signature_clock=PinnedClock(float(vector["timestamp"]) + 301)
        )
        assert not late.signed_by_slack(body, headers)
        assert mount.signed_by_slack(body, headers)
    finally:
        await harness.close()
        await runner.cleanup()


def test_corpus_files_are_not_copied_into_the_repo() -> None:
    repo = Path(__file__).resolve().parents[3]
    ours = {p.name for p in (repo / "tests" / "adapters" / "slack").iterdir()}
    assert not ours & {
        "signature_test_vector.json",
        "slack_web_openapi_v2.json",
        "manifest.schema.1.0.0.json",
    }
