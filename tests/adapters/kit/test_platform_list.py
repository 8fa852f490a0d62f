"""The server hosts whatever platforms are configured from one list: a third platform is one entry.

The third platform is ``tests/adapters/kit/echo_platform.py``: settings, a route, a transport, and the
``configure``/``SETTINGS_HINT`` pair every platform package exposes; nothing in the server names it.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from alembic import command

from adapters.kit import ConfigError
from adapters.server import PLATFORMS, build_app, configured_mounts, pump
from bot.core import Coachbot
from tests.adapters.kit.echo_platform import EchoMount

WITH_ECHO = (*PLATFORMS, "tests.adapters.kit.echo_platform")  # the one line a new platform needs


@pytest.fixture
async def served(core: Coachbot) -> AsyncIterator[tuple[EchoMount, str]]:
    mounts = configured_mounts(core, {"ECHO_TOKEN": "secret", "PORT": "3000"}, platforms=WITH_ECHO)
    assert [type(m) for m in mounts] == [EchoMount]  # Slack and Teams are not configured here
    runner = web.AppRunner(build_app(core, mounts, tick_seconds=None))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    [mount] = mounts
    assert isinstance(mount, EchoMount) and mount.lifecycle == ["start"]
    yield mount, f"http://127.0.0.1:{port}"
    await runner.cleanup()
    assert mount.lifecycle == ["start", "stop"]


async def test_a_third_platform_in_the_list_is_served_and_pumped(
    served: tuple[EchoMount, str], core: Coachbot
) -> None:
    mount, url = served
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{url}/healthz") as response:
            assert (await response.json()) == {"ok": True, "adapters": ["echo"]}
        unsigned = {"id": "e1", "person": "ann", "text": "help"}
        async with http.post(f"{url}/echo/commands", json=unsigned) as refused:
            assert refused.status == 401
        headers = {"Authorization": "Bearer secret"}
        setup = [
            "team create atlas --manager @ann",
            'cadence add reflect --team atlas --audience manager --every "weekly mon" --at 09:00',
            "cadence run reflect",
        ]
        answers: list[str] = []
        for number, line in enumerate(setup):
            body = {"id": f"e{number}", "person": "ann", "admin": True, "text": line}
            async with http.post(f"{url}/echo/commands", json=body, headers=headers) as response:
                assert response.status == 200
                answers.extend((await response.json())["replies"])
    assert "atlas" in answers[0] and "reflect" in answers[1], answers
    # The scheduler drains the outbox through every mounted transport, the new one included.
    assert await pump(core, [mount.transport]) == 2
    assert [(m.kind, m.person) for m in mount.transport.sent] == [("nudge", "ann"), ("question", "ann")]


def test_no_platform_configured_names_every_platform_in_the_list(core: Coachbot) -> None:
    with pytest.raises(ConfigError) as raised:
        configured_mounts(core, {"PORT": "3000"}, platforms=WITH_ECHO)
    message = str(raised.value)
    assert "SLACK_BOT_TOKEN" in message and "MICROSOFT_APP_ID" in message and "ECHO_TOKEN (Echo)" in message


def test_a_bad_setting_of_any_platform_stops_startup(core: Coachbot) -> None:
    with pytest.raises(ConfigError, match=r"^ECHO_TOKEN is missing"):
        configured_mounts(core, {"ECHO_WORKSPACE": "acme"}, platforms=WITH_ECHO)


def test_a_database_behind_this_release_is_refused_with_the_command_to_run(core: Coachbot) -> None:
    """Adapter tables come from migrations now, not from startup: an old database must be upgraded."""
    command.downgrade(core.database.alembic_config(), "0006")
    with pytest.raises(ConfigError, match=r"coachbot db upgrade"):
        configured_mounts(core, {"ECHO_TOKEN": "secret"}, platforms=WITH_ECHO)
    core.database.upgrade()
    assert len(configured_mounts(core, {"ECHO_TOKEN": "secret"}, platforms=WITH_ECHO)) == 1


@pytest.mark.parametrize("name", WITH_ECHO)
def test_every_listed_platform_is_off_without_its_settings(name: str, core: Coachbot) -> None:
    package = importlib.import_module(name)
    assert package.SETTINGS_HINT.strip()
    assert package.configure(core, {"PORT": "3000", "DATABASE_URL": "sqlite://"}) is None
