"""Slack adapter: Coachbot as a Slack app (HTTP or Socket Mode, one or many workspaces).

``coachbot serve`` calls :func:`configure`; everything else is internal. See
``README-section.md`` for installing the app from ``manifest.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.slack.settings import load_settings

if TYPE_CHECKING:
    from adapters.slack.mount import SlackMount
    from bot.core import Coachbot

MANIFEST = Path(__file__).with_name("manifest.yaml")


def configure(
    core: Coachbot, env: Mapping[str, str], *, env_file: Path | str | None = ".env"
) -> SlackMount | None:
    """The Slack mount, or None when no Slack setting is present; ConfigError when they don't fit together."""
    settings = load_settings(env, env_file=env_file)
    if settings is None:
        return None
    from adapters.slack.mount import SlackMount

    return SlackMount(core=core, settings=settings)


__all__ = ["MANIFEST", "configure"]
