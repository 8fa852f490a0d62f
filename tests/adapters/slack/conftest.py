"""Slack test harness: the real aiohttp app on 127.0.0.1, a fake Slack Web API, signed requests.

Nothing here sleeps on wall time: after each request the harness awaits the
adapter's background work (``mount.idle()``), and the 429 retry handler gets a
sleep that only records how long it was asked to wait.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
import pytest
from aiohttp import web

from adapters.server import build_app, pump
from adapters.slack.mount import SlackMount
from adapters.slack.settings import from_env
from bot.core import Coachbot
from tests.adapters.slack.corpus import OPENAPI, spec_problems
from tests.adapters.slack.fake_slack import FakeSlack, Posted
from tests.adapters.slack.fake_socket import FakeSocketSlack

SECRET = "test-signing-secret"
TEAM = "T1"


def sign(body: bytes, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + digest}


class Sleeps(list[float]):
    """A sleep that costs no wall time and remembers what it was asked for."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


class Harness:
    """Talks to the running bot as Slack would, and waits for what each request started."""

    def __init__(self, *, mount: SlackMount, fake: FakeSlack, url: str, core: Coachbot) -> None:
        self.mount = mount
        self.fake = fake
        self.url = url
        self.core = core
        self.session = aiohttp.ClientSession()
        self._ids = itertools.count(1)

    async def post(
        self, body: bytes, *, content_type: str, headers: dict[str, str] | None = None, signed: bool = True
    ) -> tuple[int, str]:
        all_headers = {"Content-Type": content_type, **(sign(body) if signed else {}), **(headers or {})}
        async with self.session.post(self.url + "/slack/events", data=body, headers=all_headers) as response:
            text = await response.text()
        await self.mount.idle()
        return response.status, text

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, headers: dict[str, str] | None = None
    ) -> int:
        envelope = {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):06d}",
            "event_time": 1764000000,
            "event": event,
        }
        status, _ = await self.post(
            json.dumps(envelope).encode(), content_type="application/json", headers=headers
        )
        return status

    async def dm(self, user: str, text: str, *, thread: str | None = None, ts: str | None = None) -> str:
        """A person writes in their DM with the bot (in a thread when ``thread`` is given); returns its ts."""
        ts = ts or f"1764100000.{next(self._ids):06d}"
        event = {
            "type": "message",
            "channel": "D" + user,
            "channel_type": "im",
            "user": user,
            "text": text,
            "ts": ts,
            "event_ts": ts,
        }
        if thread:
            event["thread_ts"] = thread
        assert await self.event(event) == 200
        return ts

    async def edit(self, user: str, ts: str, old: str, new: str, *, thread: str | None = None) -> None:
        message = {"type": "message", "user": user, "text": new, "ts": ts, "edited": {"user": user, "ts": ts}}
        previous = {"type": "message", "user": user, "text": old, "ts": ts}
        if thread:
            message["thread_ts"] = previous["thread_ts"] = thread
        event = {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": "D" + user,
            "channel_type": "im",
            "message": message,
            "previous_message": previous,
            "ts": "1764200000.000001",
        }
        assert await self.event(event) == 200

    async def command(self, user: str, text: str, *, command: str = "/coach") -> tuple[int, dict[str, Any]]:
        """``/coach <text>`` as Slack sends it; returns the HTTP status and the command's answer.

        The answer is what the bot POSTed to the command's ``response_url`` once the ingress worker
        has run (``post`` waits for it); a command handled in the request (the modal path, a
        refusal) answers in the acknowledgement itself, which is returned then.
        """
        before = len(self.fake.responses)
        status, body = await self.post(
            self.command_form(user, text, command=command), content_type="application/x-www-form-urlencoded"
        )
        answers = self.fake.responses[before:]
        assert len(answers) <= 1, f"one command, one answer: {answers}"
        if answers:
            assert body in ("", "{}"), f"a queued command is acknowledged with an empty body: {body!r}"
            return status, answers[0]
        return status, (json.loads(body) if body.startswith("{") else {"raw": body})

    def command_form(
        self, user: str, text: str, *, command: str = "/coach", response_url: bool = True
    ) -> bytes:
        """The form body Slack POSTs for ``/coach <text>`` (``response_url`` left out if asked)."""
        form = {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "acme",
            "channel_id": "C0GENERAL",
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A1",
            "response_url": self.fake.response_url,
            "trigger_id": f"{next(self._ids)}.1.trigger",
        }
        if not response_url:
            del form["response_url"]
        return urlencode(form).encode()

    async def interact(self, payload: dict[str, Any]) -> tuple[int, str]:
        body = ("payload=" + quote(json.dumps(payload))).encode()
        return await self.post(body, content_type="application/x-www-form-urlencoded")

    async def click(self, user: str, message: Posted, *, label: str) -> int:
        """Press the button labelled ``label`` on a message the bot posted."""
        for block in message.blocks:
            for element in block.get("elements") or []:
                if element.get("type") == "button" and element["text"]["text"] == label:
                    payload = {
                        "type": "block_actions",
                        "user": {"id": user, "team_id": TEAM},
                        "api_app_id": "A1",
                        "team": {"id": TEAM, "domain": "acme"},
                        "trigger_id": f"{next(self._ids)}.2.trigger",
                        "container": {
                            "type": "message",
                            "message_ts": message.ts,
                            "channel_id": message.channel,
                        },
                        "channel": {"id": message.channel},
                        "response_url": self.fake.response_url,
                        "message": {
                            "type": "message",
                            "ts": message.ts,
                            "text": message.text,
                            "blocks": message.blocks,
                            "thread_ts": message.thread_ts,
                        },
                        "actions": [{**element, "block_id": block["block_id"], "action_ts": "1764300000.1"}],
                    }
                    status, _ = await self.interact(payload)
                    return status
        raise AssertionError(f"no button {label!r} in {message.blocks}")

    async def pump(self) -> int:
        sent = await pump(self.core, [self.mount.transport])
        await self.mount.idle()
        return sent

    async def close(self) -> None:
        await self.session.close()


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """The fake Web API; afterwards every call the bot made is checked against Slack's OpenAPI spec."""
    fake = FakeSlack(team=TEAM)
    await fake.start()
    yield fake
    await fake.stop()
    if OPENAPI.exists():
        problems = spec_problems(fake.calls)
        assert not problems, problems


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def slack_env(fake: FakeSlack, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.url,
        "SLACK_MAX_MESSAGES_PER_SECOND": "1000",
        **extra,
    }


async def run_bot(core: Coachbot, mount: SlackMount) -> tuple[web.AppRunner, str]:
    app = build_app(core, [mount], tick_seconds=None)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


@contextlib.asynccontextmanager
async def socket_mode_bot(
    core: Coachbot, fake_slack: FakeSlack, sleeps: Sleeps, *, hello: dict[str, Any] | None = None
) -> AsyncIterator[tuple[FakeSocketSlack, SlackMount]]:
    """The bot in Socket Mode, connected to a fake Socket Mode endpoint; yields once it is connected."""
    socket = FakeSocketSlack(fake_slack, hello=hello)
    await socket.start()
    env = {"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_APP_TOKEN": "xapp-1-test"}
    settings = from_env({**env, "SLACK_API_URL": fake_slack.url})
    assert settings is not None
    mount = SlackMount(core=core, settings=settings, sleep=sleeps)
    runner, _url = await run_bot(core, mount)
    try:
        await socket.next_connection()
        yield socket, mount
    finally:
        await runner.cleanup()
        await socket.stop()


@pytest.fixture
async def slack(core: Coachbot, fake_slack: FakeSlack, sleeps: Sleeps) -> AsyncIterator[Harness]:
    settings = from_env(slack_env(fake_slack))
    assert settings is not None
    mount = SlackMount(core=core, settings=settings, sleep=sleeps)
    runner, url = await run_bot(core, mount)
    harness = Harness(mount=mount, fake=fake_slack, url=url, core=core)
    await mount.idle()
    yield harness
    await harness.close()
    await runner.cleanup()
