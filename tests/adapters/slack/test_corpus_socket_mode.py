"""Socket Mode conformance: the corpus's real WebSocket frames, replayed through a fake Socket Mode server.

Every ``events_api``, ``slash_commands`` and ``interactive`` envelope must be
acknowledged with its ``envelope_id`` (with a ``payload`` only where the envelope
accepts one) and none may make the bot fail; ``hello`` is taken in stride and
``disconnect`` makes the bot open a new connection and carry on. Skipped, with the
reason shown, when the shared corpus is not there.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from tests.adapters.slack.conftest import Sleeps, socket_mode_bot
from tests.adapters.slack.corpus import ABSENT, CORPUS
from tests.adapters.slack.fake_slack import FakeSlack

SOURCES = (
    CORPUS / "bolt-python-extracted" / "socket_mode",
    CORPUS / "python-slack-sdk-extracted" / "socket_mode",
)
ENVELOPE_TYPES = ("events_api", "slash_commands", "interactive")
ACK_EXAMPLE = "test_response"  # an ack as the SDK builds it, not a frame Slack sends

if not CORPUS.exists():
    pytest.skip(ABSENT, allow_module_level=True)
if not any(source.is_dir() for source in SOURCES):
    pytest.skip(
        f"no Socket Mode frames in the Slack corpus ({', '.join(map(str, SOURCES))})", allow_module_level=True
    )


def _frames() -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for source in SOURCES:
        for path in sorted(source.rglob("*.json")) if source.is_dir() else []:
            found.append((str(path.relative_to(CORPUS)), json.loads(path.read_text())))
    return found


FRAMES = _frames()
ENVELOPES = [(rel, f) for rel, f in FRAMES if f.get("type") in ENVELOPE_TYPES]
HELLOS = [f for _rel, f in FRAMES if f.get("type") == "hello"]
DISCONNECTS = [f for _rel, f in FRAMES if f.get("type") == "disconnect"]
ACK_KEYS = {key for rel, f in FRAMES if f"/{ACK_EXAMPLE}/" in rel for key in f} or {"envelope_id", "payload"}


def test_the_corpus_has_every_kind_of_frame() -> None:
    kinds = {f["type"] for _rel, f in ENVELOPES}
    assert kinds == set(ENVELOPE_TYPES), kinds
    assert HELLOS and DISCONNECTS
    assert all(f.get("envelope_id") for _rel, f in ENVELOPES)
    assert {"envelope_id", "payload"} == ACK_KEYS


@pytest.fixture
async def socket_bot(core, fake_slack: FakeSlack, sleeps: Sleeps):  # type: ignore[no-untyped-def]
    async with socket_mode_bot(core, fake_slack, sleeps, hello=HELLOS[0]) as connected:
        yield connected


def _failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Errors anywhere, and any envelope the adapter left for Slack to retry."""
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.ERROR
        or (r.name == "adapters.slack.socket_mode" and r.levelno >= logging.WARNING)
    ]


async def test_every_corpus_envelope_is_acknowledged_with_its_envelope_id(  # type: ignore[no-untyped-def]
    socket_bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    socket, mount = socket_bot
    caplog.set_level(logging.WARNING)
    fake_slack.add_user("U111", name="Seratch", tz="Asia/Tokyo")
    for rel, envelope in ENVELOPES:
        ack = await socket.exchange(envelope)  # one at a time: the corpus reuses envelope ids across files
        assert ack.get("envelope_id") == envelope["envelope_id"], rel
        assert set(ack) <= ACK_KEYS, (rel, ack)
        if "payload" in ack:
            assert envelope.get("accepts_response_payload"), (rel, ack)
        await mount.idle()
    assert _failures(caplog) == []
    assert socket.acks.empty(), "hello got no ack and no envelope was acknowledged twice"
    assert len(socket.connections) == 1, "no envelope broke the connection"


async def test_disconnect_makes_the_bot_reconnect_and_carry_on(  # type: ignore[no-untyped-def]
    socket_bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    socket, mount = socket_bot
    caplog.set_level(logging.WARNING)
    opened = len(fake_slack.called("apps.connections.open"))
    await socket.send(DISCONNECTS[0])  # e.g. too_many_websockets, or Slack rotating its servers
    await socket.next_connection()
    assert len(fake_slack.called("apps.connections.open")) == opened + 1, "a fresh URL for the new connection"
    assert len(socket.connections) == 2
    for rel, envelope in ENVELOPES:
        ack = await socket.exchange(envelope)
        assert ack.get("envelope_id") == envelope["envelope_id"], rel
        await mount.idle()
    assert _failures(caplog) == []
    assert socket.acks.empty()
