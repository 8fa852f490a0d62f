"""Slack adapter: Coachbot as a Slack app (HTTP or Socket Mode, one or many workspaces).

``coachbot serve`` calls :func:`configure` (see :class:`adapters.kit.Platform`); everything
else is internal. README.md, "Install in Slack", explains installing the app from ``manifest.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.slack.settings import from_env

if TYPE_CHECKING:
    from adapters.slack.mount import SlackMount
    from bot.core import Coachbot

MANIFEST = Path(__file__).with_name("manifest.yaml")
SETTINGS_HINT = "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (Slack)"


def configure(core: Coachbot, env: Mapping[str, str]) -> SlackMount | None:
    """The Slack mount, or None when no Slack setting is present; ConfigError when they don't fit together."""
    settings = from_env(env)
    if settings is None:
        return None
    from adapters.slack.mount import SlackMount

    return SlackMount(core=core, settings=settings)


__all__ = ["MANIFEST", "SETTINGS_HINT", "configure"]
