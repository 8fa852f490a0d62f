"""Every bad request is a 4xx, the signature comes first, and nothing is stored (issue 8, item 4).

Requests go to the real aiohttp app on 127.0.0.1, signed like Slack signs them (or not).
"""

from __future__ import annotations

import json
import logging
from urllib.parse import quote, urlencode

import pytest
from sqlalchemy import func, select

from bot.core import Coachbot
from storage.models import Base, InboundEvent, InboundQueueItem, OutboxMessage
from tests.adapters.slack.conftest import Harness, Sleeps, sign, socket_mode_bot
from tests.adapters.slack.fake_slack import FakeSlack

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def _payload(value: object) -> bytes:
    return ("payload=" + quote(json.dumps(value))).encode()


def _command(**fields: str) -> bytes:
    return urlencode(fields).encode()


VIEW_AS_STRING = {"type": "view_submission", "user": {"id": "UADA", "team_id": "T1"}, "view": "x"}
DEEP = b'{"type": "event_callback", "event": ' + b'{"a": ' * 3000 + b"1" + b"}" * 3001
DEEP_BUT_PARSEABLE = (
    b'{"type": "event_callback", "event_id": "Ev1", "event": {"type": "message", "x": '
    + b"[" * 200
    + b"]" * 200
    + b"}}"
)
SIGNED_BUT_MALFORMED = [
    pytest.param(b"[]", JSON, id="empty-list"),
    pytest.param(b"null", JSON, id="null"),
    pytest.param(b"{", JSON, id="truncated-json"),
    pytest.param(b"", JSON, id="empty-json-body"),
    pytest.param(b'"text"', JSON, id="json-string"),
    pytest.param(b"{}", JSON, id="empty-object"),
    pytest.param(b"[" * 100_000, JSON, id="deep-list"),
    pytest.param(DEEP, JSON, id="deep-object"),
    pytest.param(DEEP_BUT_PARSEABLE, JSON, id="deep-but-parseable"),
    pytest.param(b'{"type": "event_callback", "event": "x"}', JSON, id="event-is-a-string"),
    pytest.param(b'{"type": "event_callback", "event": {"text": "hi"}}', JSON, id="event-without-type"),
    pytest.param(
        b'{"type": "event_callback", "event": {"type": "message"}, "authorizations": "x"}',
        JSON,
        id="authorizations-a-string",
    ),
    pytest.param(
        b'{"type": "event_callback", "event": {"type": "message", "user": 5, "text": "hi"}}',
        JSON,
        id="event-user-a-number",
    ),
    pytest.param(
        b'{"type": "event_callback", "event": {"type": "tokens_revoked", "tokens": {"oauth": 5}}}',
        JSON,
        id="tokens-not-a-list",
    ),
    pytest.param(b'{"type": "url_verification"}', JSON, id="challenge-missing"),
    pytest.param(b'{"type": "nonsense"}', JSON, id="unknown-type"),
    pytest.param(b"payload=notjson", FORM, id="payload-notjson"),
    pytest.param(b"payload=", FORM, id="payload-empty"),
    pytest.param(_payload([1, 2]), FORM, id="payload-a-list"),
    pytest.param(_payload(VIEW_AS_STRING), FORM, id="view-a-string"),
    pytest.param(
        _payload({"type": "view_submission", "user": {"id": "U"}, "view": {"state": {"values": "x"}}}),
        FORM,
        id="view-state-a-string",
    ),
    pytest.param(
        _payload({"type": "block_actions", "user": {"id": "UADA"}, "actions": "x"}),
        FORM,
        id="actions-a-string",
    ),
    pytest.param(
        _payload({"type": "block_actions", "user": {"id": "UADA"}, "actions": [{"text": "x"}]}),
        FORM,
        id="action-text-a-string",
    ),
    pytest.param(_payload({"type": "block_actions", "user": "UADA"}), FORM, id="actions-missing"),
    pytest.param(_payload({"type": "shortcut", "user": 7, "callback_id": "x"}), FORM, id="user-a-number"),
    pytest.param(_payload({"type": "wat"}), FORM, id="payload-unknown-type"),
    pytest.param(_command(team_id="T1", user_id="UADA", text="status"), FORM, id="command-missing-name"),
    pytest.param(_command(command="/coach", team_id="T1", text="status"), FORM, id="command-missing-user"),
    pytest.param(_command(command="/coach", user_id="UADA", text="status"), FORM, id="command-missing-team"),
    pytest.param(_command(command="coach", team_id="T1", user_id="U", text="x"), FORM, id="command-no-slash"),
    pytest.param(b"", FORM, id="empty-form"),
    pytest.param(b"text=status&command=%2Fcoach&team_id=T1&user_id=\xff\xfe", FORM, id="non-utf8-form"),
    pytest.param(b'{"type": "event_callback", "event": {"type": "\xff"}}', JSON, id="non-utf8-json"),
]


def stored(slack: Harness) -> dict[str, int]:
    counts: dict[str, int] = {}
    with slack.core.database.session() as session:
        for model in (InboundEvent, OutboxMessage, InboundQueueItem):
            table = model.__table__  # type: ignore[attr-defined]
            counts[table.name] = int(session.scalar(select(func.count()).select_from(table)) or 0)
    return counts


def rejection_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What a rejection wrote to the log (the per-request access line is not the rejection's)."""
    return [r for r in caplog.records if r.name != "aiohttp.access" and r.levelno >= logging.INFO]


EMPTY = {"inbound_events": 0, "outbox": 0, "inbound_queue": 0}


@pytest.fixture(autouse=True)
def _known_tables() -> None:
    assert {"inbound_events", "outbox", "inbound_queue"} <= set(Base.metadata.tables)


@pytest.mark.parametrize(("body", "content_type"), SIGNED_BUT_MALFORMED)
async def test_signed_bodies_that_are_not_slack_payloads_get_400_and_change_nothing(
    slack: Harness, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    slack.fake.add_user("UADA", name="Ada", tz="Europe/London", admin=True)
    with caplog.at_level(logging.INFO):
        status, text = await slack.post(body, content_type=content_type)
    assert status == 400, text
    assert stored(slack) == EMPTY
    assert slack.fake.calls == []
    [line] = rejection_lines(caplog)
    assert line.exc_info is None and "refused" in line.getMessage()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"\xff\xfe\x00garbage", id="binary"),
        pytest.param(b"text=\xc3(&command=%2Fcoach", id="broken-utf8-form"),
        pytest.param(b"[" * 100_000, id="deep"),
        pytest.param(_command(command="/coach", team_id="T1", user_id="UADA", text="status"), id="command"),
    ],
)
@pytest.mark.parametrize("forgery", ["wrong-secret", "no-signature", "stale", "bad-timestamp"])
async def test_forged_requests_get_401_whatever_the_body(
    slack: Harness, caplog: pytest.LogCaptureFixture, body: bytes, forgery: str
) -> None:
    headers = {
        "wrong-secret": sign(body, secret="not-the-secret"),
        "no-signature": {},
        "stale": sign(body, timestamp=1),
        "bad-timestamp": {**sign(body), "X-Slack-Request-Timestamp": "１２３"},  # digits, but not ASCII
    }[forgery]
    with caplog.at_level(logging.INFO):
        status, _ = await slack.post(body, content_type=FORM, headers=headers, signed=False)
    assert status == 401
    assert stored(slack) == EMPTY
    assert slack.fake.calls == []
    [line] = rejection_lines(caplog)
    assert line.exc_info is None


async def test_a_signed_command_that_mentions_payload_is_still_a_command(slack: Harness) -> None:
    """Bolt's own parser reads any form body containing ``payload`` as interactivity; ours does not."""
    slack.fake.add_user("UADA", name="Ada", tz="Europe/London", admin=True)
    status, reply = await slack.command("UADA", "help payload")
    assert status == 200
    assert reply.get("text") or reply.get("blocks"), reply


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        pytest.param("events_api", {"type": "event_callback", "event": "x"}, id="event-a-string"),
        pytest.param("interactive", VIEW_AS_STRING, id="view-a-string"),
        pytest.param("slash_commands", {"command": "/coach", "text": "status"}, id="command-without-user"),
        pytest.param("slash_commands", "text=status", id="command-a-string"),
        pytest.param("events_api", [{"type": "event_callback"}], id="payload-a-list"),
        pytest.param("interactive", 7, id="payload-a-number"),
    ],
)
async def test_socket_mode_acknowledges_and_drops_malformed_envelopes(
    core: Coachbot,
    fake_slack: FakeSlack,
    sleeps: Sleeps,
    caplog: pytest.LogCaptureFixture,
    kind: str,
    payload: object,
) -> None:
    """Over a socket there is no status code: the envelope is acked (a redelivery could never
    succeed), nothing is stored, and the log has one line."""
    async with socket_mode_bot(core, fake_slack, sleeps) as (socket, mount):
        caplog.clear()
        with caplog.at_level(logging.INFO):
            ack = await socket.exchange({"envelope_id": "env-bad", "type": kind, "payload": payload})
            await mount.idle()
        assert ack == {"envelope_id": "env-bad"}
        with core.database.session() as session:
            for model in (InboundEvent, OutboxMessage, InboundQueueItem):
                table = model.__table__  # type: ignore[attr-defined]
                assert session.scalar(select(func.count()).select_from(table)) == 0
        assert [c.method for c in fake_slack.calls if c.method != "apps.connections.open"] == []
        lines = [r for r in rejection_lines(caplog) if "refused" in r.getMessage()]
        assert len(lines) == 1 and lines[0].exc_info is None
