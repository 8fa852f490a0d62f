"""Many workspaces: the OAuth v2 install flow with installations kept in Coachbot's own database.

slack_sdk's SQLAlchemy stores are synchronous; bolt's async app wants async ones.
The wrappers below run each store call in a worker thread, like every other
database call of the adapter, so one database (and one backup) holds everything.
The stores' tables (``slack_installations``, ``slack_bots``, ``slack_oauth_states``) are
created by the Alembic migration ``0007`` like every other table, never at startup;
:func:`table_metadata` describes them as slack_sdk does, for the test that compares
the migrations with the models.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy import Engine, MetaData

from adapters.kit import ConfigError
from adapters.slack.settings import SlackSettings

try:  # slack_sdk's SQLAlchemy stores import sqlalchemy.ext.asyncio, which needs greenlet
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
except ImportError as exc:  # pragma: no cover - depends on the environment
    _MISSING: str | None = str(exc)
else:
    _MISSING = None

STATE_EXPIRATION_SECONDS = 600


class ThreadedInstallationStore(AsyncInstallationStore):
    """slack_sdk's SQLAlchemy installation store, awaited through ``asyncio.to_thread``."""

    def __init__(self, store: SQLAlchemyInstallationStore) -> None:
        self.store = store

    async def async_save(self, installation: Installation) -> None:
        await asyncio.to_thread(self.store.save, installation)

    async def async_save_bot(self, bot: Bot) -> None:
        await asyncio.to_thread(self.store.save_bot, bot)

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        return await asyncio.to_thread(
            self.store.find_bot,
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        return await asyncio.to_thread(
            self.store.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await asyncio.to_thread(self.store.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await asyncio.to_thread(
            self.store.delete_installation, enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )


class ThreadedStateStore(AsyncOAuthStateStore):
    """The OAuth ``state`` parameter store, in the same database."""

    def __init__(self, store: SQLAlchemyOAuthStateStore) -> None:
        self.store = store

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return await asyncio.to_thread(self.store.issue, *args, **kwargs)

    async def async_consume(self, state: str) -> bool:
        return await asyncio.to_thread(self.store.consume, state)


class InstallationTokens:
    """:class:`~adapters.slack.transport.TokenSource` reading bot tokens from the installation store."""

    def __init__(self, store: AsyncInstallationStore) -> None:
        self.store = store

    async def bot_token(self, workspace: str) -> str | None:
        bot = await self.store.async_find_bot(enterprise_id=None, team_id=workspace)
        return bot.bot_token if bot else None


def table_metadata() -> MetaData:
    """The OAuth stores' tables, defined by slack_sdk under their default names."""
    metadata = MetaData()
    store, states = SQLAlchemyInstallationStore, SQLAlchemyOAuthStateStore
    store.build_installations_table(metadata, store.default_installations_table_name)
    store.build_bots_table(metadata, store.default_bots_table_name)
    states.build_oauth_states_table(metadata, states.default_table_name)
    return metadata


def installation_store(*, engine: Engine, client_id: str) -> ThreadedInstallationStore:
    """The store, in Coachbot's database (its tables live beside Coachbot's own)."""
    if _MISSING is not None:
        raise ConfigError(
            "SLACK_CLIENT_ID: the OAuth install flow needs SQLAlchemy's asyncio extra "
            "(pip install 'SQLAlchemy[asyncio]'): " + _MISSING.splitlines()[0]
        )
    store = SQLAlchemyInstallationStore(client_id=client_id, engine=engine)
    return ThreadedInstallationStore(store)


def oauth_settings(
    *, settings: SlackSettings, engine: Engine, store: AsyncInstallationStore
) -> AsyncOAuthSettings:
    """Bolt's OAuth settings: ``GET /slack/install`` and ``GET /slack/oauth_redirect``."""
    state = SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine)
    return AsyncOAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=settings.scope_list,
        redirect_uri=settings.redirect_uri,
        installation_store=store,
        state_store=ThreadedStateStore(state),
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
    )
