"""Slack settings from the environment, checked as a whole.

A Slack app can run in three shapes — one workspace over HTTP, one workspace over
Socket Mode, many workspaces through the OAuth install flow — and most startup
mistakes are a mix of two shapes. :func:`from_env` turns every such mix into a
one-line :class:`~adapters.kit.ConfigError` naming the setting to fix, so the
operator never meets a traceback from deep inside slack-bolt. ``coachbot serve``
passes the process environment over a ``.env`` file (:func:`adapters.server.load_env`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from adapters.kit import ConfigError, EnvReader

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
    "users:read.email",  # `coachbot import` finds people from an HR file by email
)
"""Bot scopes the app needs; kept equal to ``manifest.yaml`` by a test."""

CREDENTIALS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
)
"""Slack is configured when any of these is set; the other SLACK_ settings only refine it."""


class Mode(StrEnum):
    HTTP = "http"  # one workspace, Events API over HTTP
    SOCKET = "socket"  # one workspace, Socket Mode (no public URL)
    OAUTH = "oauth"  # many workspaces, tokens from the OAuth install flow


@dataclass(frozen=True, kw_only=True)
class SlackSettings:
    """What the Slack adapter runs with; build it with :func:`from_env`, which checks the combination."""

    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scopes: tuple[str, ...] | None = None
    redirect_uri: str | None = None
    api_url: str = DEFAULT_API_URL
    max_messages_per_second: float = 20.0

    @property
    def mode(self) -> Mode:
        if self.app_token:
            return Mode.SOCKET
        if self.client_id:
            return Mode.OAUTH
        return Mode.HTTP

    @property
    def scope_list(self) -> list[str]:
        return list(self.scopes or DEFAULT_SCOPES)


def from_env(env: Mapping[str, str]) -> SlackSettings | None:
    """Settings from ``env``, or None when Slack is not configured at all."""
    read = EnvReader(env)
    api_url = read.url("SLACK_API_URL", default=DEFAULT_API_URL) or DEFAULT_API_URL
    settings = SlackSettings(
        bot_token=read.text("SLACK_BOT_TOKEN"),
        signing_secret=read.text("SLACK_SIGNING_SECRET"),
        app_token=read.text("SLACK_APP_TOKEN"),
        client_id=read.text("SLACK_CLIENT_ID"),
        client_secret=read.text("SLACK_CLIENT_SECRET"),
        scopes=read.items("SLACK_SCOPES"),
        redirect_uri=read.url("SLACK_REDIRECT_URI"),
        api_url=api_url if api_url.endswith("/") else api_url + "/",
        max_messages_per_second=read.number("SLACK_MAX_MESSAGES_PER_SECOND", default=20.0, above=0),
    )
    if not read.any_set(CREDENTIALS):
        return None  # Slack is simply not configured; other adapters may be
    check(settings)
    return settings


def check(settings: SlackSettings) -> None:
    """Raise ConfigError for the first inconsistent combination, naming the setting."""
    s = settings
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
