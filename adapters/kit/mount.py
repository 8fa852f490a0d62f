"""What the server knows about a platform: the protocols every adapter package implements.

A platform is a package under ``adapters/`` (``adapters.slack``, ``adapters.teams``) named in
:data:`adapters.server.PLATFORMS`. The server imports it by name and calls its ``configure``; a
package that returns a :class:`Mount` is hosted in ``coachbot serve``:

* its routes are added to the one aiohttp application (a platform that connects out, such as
  Slack's Socket Mode, adds none);
* ``start`` runs once the application starts, before the first request, and ``stop`` when it shuts
  down, after the last one; a mount starts its background work in ``start`` and ends it in ``stop``;
* its ``transport`` is drained by the scheduler: every outbox message for ``transport.platform``
  leaves through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from aiohttp import web

    from bot.core import Coachbot
    from bot.messages import Transport


class Adapter(Protocol):
    """Anything that carries the core's messages to people on one platform (the local chat too)."""

    @property
    def name(self) -> str:
        """Short and stable (``"slack"``): shown in ``/healthz`` and in log lines."""
        ...

    @property
    def transport(self) -> Transport:
        """Sends the core's outbox messages of this platform."""
        ...


class Mount(Adapter, Protocol):
    """A platform adapter hosted by ``coachbot serve``."""

    def add_routes(self, app: web.Application) -> None:
        """Add the platform's HTTP endpoints (none for a platform that connects out)."""
        ...

    async def start(self) -> None:
        """Connect, start background work; called once, before the first request."""
        ...

    async def stop(self) -> None:
        """Disconnect and end background work; work that was not finished must be safe to redo."""
        ...


class Platform(Protocol):
    """A platform package, as :data:`adapters.server.PLATFORMS` names it."""

    SETTINGS_HINT: str
    """What to set to turn the platform on (``"SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (Slack)"``);
    the server lists every platform's hint when none is configured."""

    def configure(self, core: Coachbot, env: Mapping[str, str]) -> Mount | None:
        """The mount for these settings; None when none of the platform's settings is present.

        Raises :class:`adapters.kit.ConfigError` for a bad or contradictory setting.
        """
        ...
