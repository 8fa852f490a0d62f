"""Inbound authentication for real: tokens signed by a local key whose OpenID metadata is served locally."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from adapters.teams import references
from adapters.teams.settings import TeamsSettings
from bot.clock import ManualClock
from storage.models import InboundEvent, Person
from tests.adapters.teams.conftest import ADA
from tests.adapters.teams.fakes import APP_ID, FakeMicrosoft, new_key
from tests.adapters.teams.harness import TeamsHarness


def _nothing_changed(teams: TeamsHarness) -> None:
    assert teams.fake.state.calls == []
    with teams.core.database.session() as session:
        assert session.scalar(select(func.count()).select_from(InboundEvent)) == 0
        assert session.scalar(select(func.count()).select_from(Person)) == 0
    engine = teams.core.database.engine
    assert (
        references.load(engine, tenant="72f988bf-0000-4000-8000-000000000001", kind="person", subject=ADA.id)
        is None
    )


async def test_a_valid_token_is_accepted_and_the_reply_carries_an_outbound_token(teams: TeamsHarness) -> None:
    status, _ = await teams.post(teams.activities.message(ADA, "help"))
    assert status == 200
    [reply] = teams.fake.state.posts(ADA.id)
    assert reply.authorization.startswith("Bearer outbound-")
    assert "what I can do" in reply.body["text"]


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda fake: fake.unsigned(), id="unsigned"),
        pytest.param(lambda fake: fake.mint(expires_in=-3600), id="expired"),
        pytest.param(lambda fake: fake.mint(key=new_key()), id="wrongly-signed"),
        pytest.param(lambda fake: fake.mint(key=new_key(), kid="unknown-kid"), id="unknown-key"),
        pytest.param(lambda fake: fake.mint(audience="another-bot-app-id"), id="wrong-audience"),
        pytest.param(lambda fake: fake.mint(issuer="https://evil.example"), id="wrong-issuer"),
        pytest.param(lambda fake: fake.mint(service_url="https://elsewhere.example/"), id="wrong-serviceurl"),
        pytest.param(lambda fake: "not-a-jwt", id="garbage"),
    ],
)
async def test_forged_requests_get_401_and_change_nothing(teams: TeamsHarness, forge) -> None:  # type: ignore[no-untyped-def]
    status, _ = await teams.post(teams.activities.message(ADA, "coach threshold 3"), token=forge(teams.fake))
    assert status == 401
    _nothing_changed(teams)


async def test_a_request_without_authorization_gets_401(teams: TeamsHarness) -> None:
    status, _ = await teams.post(teams.activities.message(ADA, "help"), token=None)
    assert status == 401
    _nothing_changed(teams)


async def test_a_non_bearer_scheme_gets_401(teams: TeamsHarness) -> None:
    token = teams.fake.mint()
    status, _ = await teams.post(
        teams.activities.message(ADA, "help"), token=None, headers={"Authorization": f"Basic {token}"}
    )
    assert status == 401
    _nothing_changed(teams)


async def test_malformed_bodies_are_refused_without_a_5xx(teams: TeamsHarness) -> None:
    assert teams.http is not None
    token = teams.fake.mint()
    headers = {"Authorization": f"Bearer {token}"}
    async with teams.http.post(
        teams.url, data="{not json", headers={**headers, "Content-Type": "application/json"}
    ) as r:
        assert r.status == 400
    async with teams.http.post(
        teams.url, data="hello", headers={**headers, "Content-Type": "text/plain"}
    ) as r:
        assert r.status == 415
    async with teams.http.post(teams.url, json=[1, 2], headers=headers) as r:
        assert r.status == 400
    _nothing_changed(teams)


async def test_outbound_calls_fail_cleanly_when_the_token_endpoint_refuses(
    fake: FakeMicrosoft, tmp_path: Path, clock: ManualClock
) -> None:
    """A wrong password never reaches the connector: the token request is refused first."""
    settings = TeamsSettings(
        app_id=APP_ID, app_password="wrong", openid_metadata_url=fake.openid_url, token_url=fake.token_url
    )
    async with TeamsHarness(fake=fake, tmp_path=tmp_path, clock=clock, settings=settings) as teams:
        status, _ = await teams.post(teams.activities.message(ADA, "help"))
        assert status == 200  # the turn error is handled; Teams must not retry forever
        assert teams.fake.state.posts() == []


async def test_insecure_dev_mode_accepts_requests_without_a_token_and_says_so(
    fake: FakeMicrosoft, tmp_path: Path, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    settings = TeamsSettings(app_id=None, insecure_dev=True)
    fake.state.require_token = False
    with caplog.at_level(logging.WARNING):
        async with TeamsHarness(fake=fake, tmp_path=tmp_path, clock=clock, settings=settings) as teams:
            assert any("WITHOUT authentication" in r.message for r in caplog.records)
            status, _ = await teams.post(teams.activities.message(ADA, "help"), token=None)
            assert status == 200
            [reply] = teams.fake.state.posts(ADA.id)
            assert reply.authorization == ""  # no credentials, no token
