"""Slack settings from the environment (and a ``.env`` file), checked as a whole.

A Slack app can run in three shapes — one workspace over HTTP, one workspace over
Socket Mode, many workspaces through the OAuth install flow — and most startup
mistakes are a mix of two shapes. :func:`load_settings` turns every such mix into a
one-line :class:`~adapters.server.ConfigError` naming the setting to fix, so the
operator never meets a traceback from deep inside slack-bolt.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from adapters.server import ConfigError

DEFAULT_API_URL = "https://slack.com/api/"

DEFAULT_SCOPES: tuple[str, ...] = (
    "app_mentions:read",
    "channels:read",
    "chat:write",
    "commands",
    "groups:read",
    "im:history",
    "im:read",
    "im:write",
    "usergroups:read",
    "users:read",
)
"""Bot scopes the app needs; kept equal to ``manifest.yaml`` by a test."""


class Mode(StrEnum):
    HTTP = "http"  # one workspace, Events API over HTTP
    SOCKET = "socket"  # one workspace, Socket Mode (no public URL)
    OAUTH = "oauth"  # many workspaces, tokens from the OAuth install flow


class SlackSettings(BaseSettings):
    """Raw values; use :func:`load_settings`, which also checks that they fit together."""

    model_config = SettingsConfigDict(env_prefix="SLACK_", env_file=".env", extra="ignore")

    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scopes: str | None = None
    redirect_uri: str | None = None
    api_url: str = DEFAULT_API_URL
    max_messages_per_second: float = 20.0

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The server passes its environment explicitly (init values); ``.env`` fills the gaps.
        # Reading os.environ here too would make tests depend on the developer's shell.
        return (init_settings, dotenv_settings)

    @property
    def mode(self) -> Mode:
        if self.app_token:
            return Mode.SOCKET
        if self.client_id:
            return Mode.OAUTH
        return Mode.HTTP

    @property
    def scope_list(self) -> list[str]:
        if not self.scopes:
            return list(DEFAULT_SCOPES)
        return [s.strip() for s in self.scopes.split(",") if s.strip()]


_KEYS = tuple(f"SLACK_{name.upper()}" for name in SlackSettings.model_fields)


def load_settings(env: Mapping[str, str], *, env_file: Path | str | None = ".env") -> SlackSettings | None:
    """Settings from ``env`` (plus ``env_file``), or None when Slack is not configured at all."""
    values: dict[str, Any] = {
        key[len("SLACK_") :].lower(): value for key, value in env.items() if key in _KEYS and value
    }
    try:
        settings = SlackSettings(_env_file=env_file, **values)  # type: ignore[call-arg]
    except ValidationError as exc:
        error = exc.errors()[0]
        field = "SLACK_" + str(error["loc"][0]).upper() if error["loc"] else "a SLACK_ setting"
        raise ConfigError(f"{field}: {error['msg']}") from None
    credentials = ("bot_token", "signing_secret", "app_token", "client_id", "client_secret")
    if not any(getattr(settings, name) for name in credentials):
        return None  # Slack is simply not configured; other adapters may be
    check(settings)
    return settings


def check(settings: SlackSettings) -> None:
    """Raise ConfigError for the first inconsistent combination, naming the setting."""
    s = settings
    if not s.api_url.startswith(("http://", "https://")):
        raise ConfigError(f"SLACK_API_URL must be an http(s) URL ending in /api/, got {s.api_url!r}")
    if not s.api_url.endswith("/"):
        s.api_url += "/"
    if s.max_messages_per_second <= 0:
        raise ConfigError("SLACK_MAX_MESSAGES_PER_SECOND must be greater than 0")
    if s.bot_token and not s.bot_token.startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
    if s.app_token and not s.app_token.startswith("xapp-"):
        raise ConfigError(
            "SLACK_APP_TOKEN must be an app-level token starting with xapp- (connections:write)"
        )
    if bool(s.client_id) != bool(s.client_secret):
        missing = "SLACK_CLIENT_SECRET" if s.client_id else "SLACK_CLIENT_ID"
        raise ConfigError(
            f"{missing} is missing: the OAuth install flow needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"
        )
    if s.app_token:
        if s.client_id:
            raise ConfigError(
                "SLACK_CLIENT_ID is set with SLACK_APP_TOKEN: Socket Mode serves one workspace; unset one"
            )
        if not s.bot_token:
            raise ConfigError("SLACK_BOT_TOKEN is missing: Socket Mode needs it with SLACK_APP_TOKEN")
        return
    if not s.signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET is missing: HTTP mode verifies every request with it")
    if s.client_id and s.bot_token:
        raise ConfigError(
            "SLACK_BOT_TOKEN is set with SLACK_CLIENT_ID: use a fixed bot token (one workspace) "
            "or the OAuth install flow (many workspaces), not both"
        )
    if not s.client_id and not s.bot_token:
        raise ConfigError(
            "SLACK_BOT_TOKEN is missing: set it (one workspace) or SLACK_CLIENT_ID (OAuth install)"
        )
    if s.scopes is not None and not s.client_id:
        raise ConfigError("SLACK_SCOPES is only used with SLACK_CLIENT_ID (OAuth install); unset it")
