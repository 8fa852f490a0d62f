"""Teams settings, read once from the environment.

Everything the Teams adapter needs to know about its deployment lives here, so
that ``configure`` can refuse a half-configured bot with one clear line instead
of failing on the first request. Names follow the Bot Framework samples
(``MICROSOFT_APP_*``) so an Azure Bot registration's values can be pasted as is.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from adapters.kit import ConfigError, EnvReader

log = logging.getLogger(__name__)

APP_TYPES = {
    "multitenant": "MultiTenant",
    "singletenant": "SingleTenant",
    "userassignedmsi": "UserAssignedMSI",
}

# Every variable this module reads; `configure` returns None when none of them is set.
TEAMS_VARIABLES = (
    "MICROSOFT_APP_ID",
    "MICROSOFT_APP_PASSWORD",
    "MICROSOFT_APP_TYPE",
    "MICROSOFT_APP_TENANT_ID",
    "COACHBOT_TEAMS_INSECURE_DEV",
)


@dataclass(frozen=True, kw_only=True)
class TeamsSettings:
    """What the Teams adapter runs with.

    ``openid_metadata_url`` and ``token_url`` replace the Bot Framework's public
    endpoints (inbound token keys, outbound client-credentials tokens). They exist
    for tests and private clouds; production leaves them unset and the SDK uses
    its public-cloud constants.
    """

    app_id: str | None
    app_password: str | None = None
    app_type: str = "MultiTenant"
    tenant_id: str | None = None
    admins: frozenset[str] = frozenset()
    insecure_dev: bool = False
    openid_metadata_url: str | None = None
    token_url: str | None = None
    bot_name: str = "Coachbot"
    short_description: str = "Short coaching check-ins and anonymous team feedback."
    long_description: str = (
        "Coachbot nudges managers with coaching prompts on a steady cadence, gathers asynchronous "
        "feedback from their teams in chat, and shows leaders anonymised, aggregated signals - "
        "never surveillance of individuals."
    )
    developer_name: str = "Coachbot"
    website_url: str = "https://example.invalid/coachbot"
    privacy_url: str = "https://example.invalid/coachbot/privacy"
    terms_url: str = "https://example.invalid/coachbot/terms"
    app_version: str = "0.1.0"
    package_id: str = field(default="")

    @property
    def auth_enabled(self) -> bool:
        """Inbound requests need a valid Bot Framework token whenever an app id is set."""
        return bool(self.app_id)

    @property
    def manifest_id(self) -> str:
        """The Teams app id in the manifest: explicit, else a UUID derived from the bot's app id."""
        if self.package_id:
            return self.package_id
        seed = self.app_id or "coachbot-dev"
        return str(uuid.UUID(bytes=hashlib.sha256(seed.encode()).digest()[:16], version=5))


def is_configured(env: Mapping[str, str]) -> bool:
    """Whether the environment mentions Teams at all (any of the Teams variables set)."""
    return EnvReader(env).any_set(TEAMS_VARIABLES)


def from_env(env: Mapping[str, str]) -> TeamsSettings | None:
    """Settings from environment variables; ``None`` when Teams is not configured at all.

    Raises :class:`~adapters.kit.ConfigError` for an inconsistent combination, e.g. a
    password without an app id, or no app id without the explicit dev flag.
    """
    read = EnvReader(env)
    if not read.any_set(TEAMS_VARIABLES):
        return None
    app_id = read.text("MICROSOFT_APP_ID")
    password = read.text("MICROSOFT_APP_PASSWORD")
    app_type = read.choice("MICROSOFT_APP_TYPE", APP_TYPES, default="MultiTenant")
    tenant_id = read.text("MICROSOFT_APP_TENANT_ID")
    insecure_dev = read.flag("COACHBOT_TEAMS_INSECURE_DEV")
    if app_id is None:
        if password:
            raise ConfigError("MICROSOFT_APP_PASSWORD is set but MICROSOFT_APP_ID is not")
        if not insecure_dev:
            raise ConfigError(
                "MICROSOFT_APP_ID is not set: set it (and MICROSOFT_APP_PASSWORD), or set "
                "COACHBOT_TEAMS_INSECURE_DEV=1 to accept unauthenticated requests for local testing"
            )
    else:
        if app_type != "UserAssignedMSI" and not password:
            raise ConfigError(f"MICROSOFT_APP_PASSWORD is required with MICROSOFT_APP_TYPE={app_type}")
        if app_type in ("SingleTenant", "UserAssignedMSI") and not tenant_id:
            raise ConfigError(f"MICROSOFT_APP_TENANT_ID is required with MICROSOFT_APP_TYPE={app_type}")
        if insecure_dev:
            log.warning("COACHBOT_TEAMS_INSECURE_DEV is ignored because MICROSOFT_APP_ID is set")
            insecure_dev = False
    return TeamsSettings(
        app_id=app_id,
        app_password=password,
        app_type=app_type,
        tenant_id=tenant_id,
        admins=read.ids("COACHBOT_ADMINS"),
        insecure_dev=insecure_dev,
        openid_metadata_url=read.url("TEAMS_OPENID_METADATA_URL"),
        token_url=read.url("TEAMS_TOKEN_URL"),
        bot_name=read.text_or("TEAMS_BOT_NAME", TeamsSettings.bot_name),
        developer_name=read.text_or("TEAMS_DEVELOPER_NAME", TeamsSettings.developer_name),
        website_url=read.url("TEAMS_WEBSITE_URL") or TeamsSettings.website_url,
        privacy_url=read.url("TEAMS_PRIVACY_URL") or TeamsSettings.privacy_url,
        terms_url=read.url("TEAMS_TERMS_URL") or TeamsSettings.terms_url,
        app_version=read.text_or("TEAMS_APP_VERSION", TeamsSettings.app_version),
        package_id=read.text_or("TEAMS_APP_PACKAGE_ID", ""),
    )
