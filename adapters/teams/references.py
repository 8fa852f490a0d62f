"""Stored ConversationReferences: the only way to message someone in Teams proactively.

Teams lets a bot start or continue a conversation only with the ``serviceUrl``,
conversation id and tenant it learnt from an inbound activity. Every inbound
activity refreshes the sender's reference (1:1 chats) or the team's reference
(channels), stored as the SDK's own JSON serialisation - never pickle, so a row
can be read by a later SDK (or the Microsoft 365 Agents SDK) and by people.

The table lives in its own ``MetaData`` so the core's models stay platform-free; the
Alembic migration ``0007`` creates it like every other table (a test compares the two).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from botbuilder.schema import ConversationReference
from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, Text, and_, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adapters.teams.activities import PLATFORM
from bot.events import Actor
from bot.i18n import tr

log = logging.getLogger(__name__)

metadata = MetaData()

Kind = Literal["person", "team"]

references = Table(
    "teams_conversation_references",
    metadata,
    Column("tenant", String(128), primary_key=True),
    Column("kind", String(8), primary_key=True),  # "person" (1:1 chat) or "team" (a team's general channel)
    Column("subject", String(200), primary_key=True),  # person id (29:...) or team id (19:...)
    Column("service_url", String(500), nullable=False),
    Column("conversation_id", String(500), nullable=False),
    Column("reference", Text, nullable=False),  # ConversationReference().serialize() as JSON
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class StoredReference:
    tenant: str
    kind: Kind
    subject: str
    service_url: str
    reference: ConversationReference


def save(
    engine: Engine,
    *,
    tenant: str,
    kind: Kind,
    subject: str,
    reference: ConversationReference,
    now: datetime | None = None,
) -> None:
    """Insert or refresh one reference; a concurrent insert of the same key becomes an update."""
    row = {
        "service_url": reference.service_url or "",
        "conversation_id": reference.conversation.id if reference.conversation else "",
        "reference": json.dumps(reference.serialize(), sort_keys=True),
        "updated_at": now or datetime.now(UTC),
    }
    key = and_(references.c.tenant == tenant, references.c.kind == kind, references.c.subject == subject)
    for _attempt in range(2):
        try:
            with engine.begin() as conn:
                if conn.execute(update(references).where(key).values(**row)).rowcount == 0:
                    conn.execute(insert(references).values(tenant=tenant, kind=kind, subject=subject, **row))
            return
        except IntegrityError:
            continue
    raise RuntimeError(f"could not store the conversation reference for {kind} {subject}")


def load(engine: Engine, *, tenant: str, kind: Kind, subject: str) -> StoredReference | None:
    with engine.connect() as conn:
        found = conn.execute(
            select(references.c.service_url, references.c.reference).where(
                references.c.tenant == tenant, references.c.kind == kind, references.c.subject == subject
            )
        ).first()
    if found is None:
        return None
    reference = ConversationReference().deserialize(json.loads(found.reference))
    return StoredReference(
        tenant=tenant, kind=kind, subject=subject, service_url=found.service_url, reference=reference
    )


def any_for_tenant(engine: Engine, *, tenant: str) -> StoredReference | None:
    """Some reference in this tenant, for its serviceUrl when starting a brand-new 1:1 chat."""
    with engine.connect() as conn:
        found = conn.execute(
            select(references.c.kind, references.c.subject, references.c.service_url, references.c.reference)
            .where(references.c.tenant == tenant)
            .order_by(references.c.updated_at.desc())
            .limit(1)
        ).first()
    if found is None:
        return None
    reference = ConversationReference().deserialize(json.loads(found.reference))
    return StoredReference(
        tenant=tenant,
        kind=found.kind,
        subject=found.subject,
        service_url=found.service_url,
        reference=reference,
    )


def forget(engine: Engine, *, tenant: str, kind: Kind, subject: str) -> None:
    """Drop a reference the platform no longer honours (app uninstalled, bot removed)."""
    with engine.begin() as conn:
        conn.execute(
            references.delete().where(
                references.c.tenant == tenant, references.c.kind == kind, references.c.subject == subject
            )
        )


class ConversationHolding:
    """The people's 1:1 references as a :class:`bot.holdings.Holding`, so `privacy` names,
    exports and erases them like the core's own data.

    ``erase`` runs in the core's session, so the address goes in the same transaction as the rest
    of `privacy delete` (and SQLite's one write lock, which that transaction holds, is no obstacle).
    """

    name = "teams_conversation"

    def __init__(self, engine: Engine, *, on_erase: Callable[[str, str], None] | None = None) -> None:
        self._engine = engine
        self._on_erase = on_erase or (lambda _tenant, _person: None)

    def describe(self, locale: str) -> str:
        return tr(locale)._(
            "Coachbot keeps the address Teams gave it for your chat with Coachbot; "
            "it needs it to message you."
        )

    def export(self, actor: Actor) -> dict[str, Any] | None:
        if actor.platform != PLATFORM:
            return None
        with self._engine.connect() as conn:
            found = conn.execute(
                select(references.c.service_url, references.c.conversation_id, references.c.updated_at).where(
                    *self._mine(actor)
                )
            ).first()
        if found is None:
            return None
        return {
            "service_url": found.service_url,
            "conversation_id": found.conversation_id,
            "updated_at": _aware(found.updated_at).isoformat(),
        }

    def erase(self, actor: Actor, *, session: Session) -> int:
        if actor.platform != PLATFORM:
            return 0
        self._on_erase(actor.workspace, actor.person)  # the next message stores a fresh reference
        statement = references.delete().where(*self._mine(actor))
        return int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]

    @staticmethod
    def _mine(actor: Actor) -> tuple[Any, ...]:
        return (
            references.c.tenant == actor.workspace,
            references.c.kind == "person",
            references.c.subject == actor.person,
        )


def _aware(value: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
