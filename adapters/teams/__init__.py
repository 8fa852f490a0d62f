"""Microsoft Teams adapter: Coachbot as a Bot Framework bot served at ``POST /api/messages``.

Everything that knows about the Bot Framework SDK lives in this package (the SDK
for Python is in maintenance; moving to the Microsoft 365 Agents SDK must touch
only this folder). The server sees one function, :func:`configure`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from adapters.teams.settings import TeamsConfigError, TeamsSettings, from_env

if TYPE_CHECKING:
    from adapters.teams.mount import TeamsMount
    from bot.core import Coachbot

__all__ = ["TeamsSettings", "configure"]


def configure(core: Coachbot, env: Mapping[str, str]) -> TeamsMount | None:
    """The Teams mount for these settings, ``None`` when no Teams variable is set.

    Raises :class:`adapters.server.ConfigError` naming the setting that is wrong.
    """
    from adapters.server import ConfigError

    try:
        settings = from_env(env)
    except TeamsConfigError as exc:
        raise ConfigError(str(exc)) from None
    if settings is None:
        return None
    from adapters.teams.mount import TeamsMount

    return TeamsMount(core=core, settings=settings)
