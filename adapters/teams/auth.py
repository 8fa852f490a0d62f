"""Bot Framework authentication, built from :class:`TeamsSettings`.

Production uses the SDK's own public-cloud configuration untouched (inbound
token validation against the Bot Framework OpenID metadata, outbound tokens from
Entra ID through MSAL). Two settings replace those endpoints for tests and
private clouds:

* ``openid_metadata_url`` - where inbound token signing keys are discovered; the
  SDK still checks issuer, audience (our app id), expiry and the serviceUrl claim.
* ``token_url`` - a plain OAuth2 client-credentials endpoint for outbound calls.
  MSAL only accepts ``https`` authorities it can discover on Entra ID, so this
  path uses a small credentials class of our own instead.

:func:`authenticate` turns every validation failure (bad signature, expired, wrong
audience, unknown key, malformed header) into :class:`PermissionError`, which the
HTTP layer answers with 401; the SDK itself lets some of them escape as 500s.
"""

from __future__ import annotations

import logging
import threading
import time
from types import SimpleNamespace
from typing import Any

import requests
from botbuilder.integration.aiohttp import (
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)
from botbuilder.schema import Activity, CallerIdConstants
from botframework.connector.auth import (
    AppCredentials,
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    BotFrameworkAuthenticationFactory,
    MicrosoftAppCredentials,
    ServiceClientCredentialsFactory,
)

from adapters.teams.settings import TeamsSettings

log = logging.getLogger(__name__)


class TokenEndpointCredentials(AppCredentials):  # type: ignore[misc]
    """Client-credentials tokens from a fixed token URL, cached until shortly before expiry.

    ``get_access_token`` is called synchronously by the SDK's HTTP pipeline, as
    MSAL's is; the cache keeps that to one request per token lifetime.
    """

    def __init__(self, *, app_id: str, password: str, token_url: str, oauth_scope: str) -> None:
        super().__init__(app_id=app_id, oauth_scope=oauth_scope)
        self._password = password
        self._token_url = token_url
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def get_access_token(self, force_refresh: bool = False) -> str:
        with self._lock:
            if self._token and not force_refresh and time.monotonic() < self._expires_at:
                return self._token
            scope = (
                self.oauth_scope if self.oauth_scope.endswith("/.default") else self.oauth_scope + "/.default"
            )
            response = requests.post(
                self._token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.microsoft_app_id,
                    "client_secret": self._password,
                    "scope": scope,
                },
                timeout=10,
            )
            body: dict[str, Any] = response.json() if response.content else {}
            if response.status_code != 200 or "access_token" not in body:
                reason = body.get("error", response.status_code)
                raise PermissionError(f"token endpoint refused the client credentials: {reason}")
            self._token = str(body["access_token"])
            self._expires_at = time.monotonic() + max(0, int(body.get("expires_in", 3600)) - 300)
            return self._token


class TokenEndpointCredentialFactory(ServiceClientCredentialsFactory):  # type: ignore[misc]
    """A credentials factory for :class:`TokenEndpointCredentials` (one per scope, so tokens are reused)."""

    def __init__(self, *, app_id: str | None, password: str | None, token_url: str) -> None:
        self._app_id = app_id
        self._password = password or ""
        self._token_url = token_url
        self._cache: dict[str, TokenEndpointCredentials] = {}

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == self._app_id

    async def is_authentication_disabled(self) -> bool:
        return not self._app_id

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> AppCredentials:
        if not self._app_id:
            return MicrosoftAppCredentials.empty()
        if app_id != self._app_id:
            raise PermissionError("credentials requested for another app id")
        scope = oauth_scope or AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
        if scope not in self._cache:
            self._cache[scope] = TokenEndpointCredentials(
                app_id=self._app_id, password=self._password, token_url=self._token_url, oauth_scope=scope
            )
        return self._cache[scope]


def sdk_configuration(settings: TeamsSettings) -> SimpleNamespace:
    """The attribute bag the SDK's ``Configuration*`` classes read (``APP_ID``, ``APP_TYPE``, ...)."""
    return SimpleNamespace(
        APP_ID=settings.app_id or "",
        APP_PASSWORD=settings.app_password or "",
        APP_TYPE=settings.app_type,
        APP_TENANTID=settings.tenant_id or "",
    )


def build_authentication(settings: TeamsSettings) -> BotFrameworkAuthentication:
    """The SDK authentication object for these settings (see the module docstring)."""
    config = sdk_configuration(settings)
    credentials: ServiceClientCredentialsFactory
    if settings.token_url:
        credentials = TokenEndpointCredentialFactory(
            app_id=settings.app_id, password=settings.app_password, token_url=settings.token_url
        )
    else:
        credentials = ConfigurationServiceClientCredentialFactory(config)
    if not (settings.openid_metadata_url or settings.token_url):
        return ConfigurationBotFrameworkAuthentication(config, credentials_factory=credentials)
    # Parameterised: every endpoint must be given, so start from the public-cloud values.
    metadata = settings.openid_metadata_url or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
    return BotFrameworkAuthenticationFactory.create(
        validate_authority=True,
        to_channel_from_bot_login_url=settings.token_url
        or AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL,
        to_channel_from_bot_oauth_scope=AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
        to_bot_from_channel_token_issuer=AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
        oauth_url=AuthenticationConstants.OAUTH_URL,
        to_bot_from_channel_open_id_metadata_url=metadata,
        to_bot_from_emulator_open_id_metadata_url=metadata,
        caller_id=CallerIdConstants.public_azure_channel,
        credential_factory=credentials,
    )


async def authenticate(
    auth: BotFrameworkAuthentication, *, activity: Activity, header: str | None
) -> AuthenticateRequestResult:
    """Validate one inbound request; any failure becomes :class:`PermissionError`.

    The token validator fetches signing keys with blocking ``requests`` calls (at
    most once a day); that is the SDK's behaviour and is kept as is.
    """
    try:
        # An empty header must read as "no header" (the parameterised validator only checks None).
        return await auth.authenticate_request(activity, header or None)
    except PermissionError:
        raise
    except Exception as exc:  # jwt errors, unknown key ids, malformed headers; the caller logs the refusal
        raise PermissionError(f"{type(exc).__name__}: {exc}"[:200]) from exc
