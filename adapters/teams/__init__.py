"""Microsoft Teams adapter: Coachbot as a Bot Framework bot served at ``POST /api/messages``.

Everything that knows about the Bot Framework SDK lives in this package (the SDK
for Python is in maintenance; moving to the Microsoft 365 Agents SDK must touch
only this folder). The server sees one function, :func:`configure` (see :class:`adapters.kit.Platform`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from adapters.teams.settings import TeamsSettings, from_env

if TYPE_CHECKING:
    from adapters.teams.mount import TeamsMount
    from bot.core import Coachbot

__all__ = ["SETTINGS_HINT", "TeamsSettings", "configure"]

SETTINGS_HINT = "MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (Teams)"


def configure(core: Coachbot, env: Mapping[str, str]) -> TeamsMount | None:
    """The Teams mount for these settings, ``None`` when no Teams variable is set.

    Raises :class:`adapters.kit.ConfigError` naming the setting that is wrong.
    """
    settings = from_env(env)
    if settings is None:
        return None
    from adapters.teams.mount import TeamsMount

    return TeamsMount(core=core, settings=settings)
