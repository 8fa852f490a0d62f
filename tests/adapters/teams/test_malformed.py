"""The token comes before the body, and a malformed activity is a 400 (issue 8, item 4).

Real aiohttp app on 127.0.0.1, real tokens signed by the fake Microsoft's key: without a
valid token every body is a 401 (the activity is never deserialised); with one, a body that
is not an activity is a 400. Nothing is stored, nothing is sent, one log line each.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.models import InboundEvent, InboundQueueItem, OutboxMessage, Person
from tests.adapters.teams.conftest import ADA
from tests.adapters.teams.fakes import new_key
from tests.adapters.teams.harness import TeamsHarness

Body = Callable[[dict[str, Any]], bytes]


def _with(**fields: Any) -> Body:
    return lambda activity: json.dumps({**activity, **fields}).encode()


MALFORMED: list[Any] = [
    pytest.param(_with(timestamp="garbage"), id="timestamp-garbage"),
    pytest.param(_with(**{"from": "x"}), id="from-a-string"),
    pytest.param(_with(entities="x"), id="entities-a-string"),
    pytest.param(_with(attachments=5), id="attachments-a-number"),
    pytest.param(_with(conversation=[1]), id="conversation-a-list"),
    pytest.param(_with(recipient=1), id="recipient-a-number"),
    pytest.param(_with(membersAdded="x"), id="members-added-a-string"),
    pytest.param(_with(entities=[5]), id="entity-a-number"),
    pytest.param(_with(type=None), id="no-type"),
    pytest.param(_with(serviceUrl=5), id="service-url-a-number"),
    pytest.param(lambda _a: b"{not json", id="not-json"),
    pytest.param(lambda _a: b"\xff\xfe\x00", id="not-utf8"),
    pytest.param(lambda _a: b"[1, 2]", id="a-list"),
    pytest.param(lambda _a: b"null", id="null"),
    pytest.param(lambda _a: b'"activity"', id="a-string"),
    pytest.param(lambda _a: b"[" * 100_000, id="deeply-nested"),
]


def _nothing_stored(teams: TeamsHarness) -> None:
    assert teams.fake.state.calls == []
    with teams.core.database.session() as session:
        for model in (InboundEvent, Person, OutboxMessage, InboundQueueItem):
            table = model.__table__  # type: ignore[attr-defined]
            assert session.scalar(select(func.count()).select_from(table)) == 0, table.name


async def _post(teams: TeamsHarness, body: bytes, authorization: str | None) -> int:
    assert teams.http is not None
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    async with teams.http.post(teams.url, data=body, headers=headers) as response:
        status = response.status
    await teams.mount.drain()
    return status


def _one_refusal(caplog: pytest.LogCaptureFixture) -> None:
    lines = [r for r in caplog.records if r.name != "aiohttp.access" and r.levelno >= logging.INFO]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    assert lines[0].exc_info is None and "refused" in lines[0].getMessage()


@pytest.mark.parametrize("make_body", MALFORMED)
@pytest.mark.parametrize("token", ["none", "garbage", "wrongly-signed", "expired"])
async def test_without_a_valid_token_every_body_is_a_401(
    teams: TeamsHarness, caplog: pytest.LogCaptureFixture, make_body: Body, token: str
) -> None:
    authorization = {
        "none": None,
        "garbage": "Bearer not-a-jwt",
        "wrongly-signed": f"Bearer {teams.fake.mint(key=new_key())}",
        "expired": f"Bearer {teams.fake.mint(expires_in=-3600)}",
    }[token]
    body = make_body(teams.activities.message(ADA, "coach threshold 3"))
    with caplog.at_level(logging.INFO):
        assert await _post(teams, body, authorization) == 401
    _nothing_stored(teams)
    _one_refusal(caplog)


@pytest.mark.parametrize("make_body", MALFORMED)
async def test_with_a_valid_token_a_malformed_activity_is_a_400(
    teams: TeamsHarness, caplog: pytest.LogCaptureFixture, make_body: Body
) -> None:
    body = make_body(teams.activities.message(ADA, "coach threshold 3"))
    token = teams.fake.mint(service_url=teams.fake.service_url)
    with caplog.at_level(logging.INFO):
        assert await _post(teams, body, f"Bearer {token}") == 400
    _nothing_stored(teams)
    _one_refusal(caplog)


async def test_a_token_for_another_service_url_is_a_401_even_with_a_good_body(teams: TeamsHarness) -> None:
    body = json.dumps(teams.activities.message(ADA, "help")).encode()
    token = teams.fake.mint(service_url="https://elsewhere.example/")
    assert await _post(teams, body, f"Bearer {token}") == 401
    _nothing_stored(teams)


async def test_a_well_formed_activity_still_works(teams: TeamsHarness) -> None:
    status, _ = await teams.post(teams.activities.message(ADA, "help"))
    assert status == 200
    [reply] = teams.fake.state.posts(ADA.id)
    assert "what I can do" in reply.body["text"]
