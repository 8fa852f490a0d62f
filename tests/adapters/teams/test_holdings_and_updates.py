"""What the Teams adapter keeps about people (the 1:1 address) under `privacy`, and messages
rewritten in place (Bot Connector activity updates), through the running app and fake connector."""

from __future__ import annotations

import json
from typing import Any

from botbuilder.schema import ConversationAccount, ConversationReference
from sqlalchemy import select

from adapters.teams import references
from bot import outbox
from bot.events import Actor
from bot.messages import Delivery, OutboundMessage, Para, Quote
from storage.db import Database
from storage.models import OutboxMessage, Person
from tests.adapters.teams.fakes import TENANT
from tests.adapters.teams.harness import TeamsHarness, person
from tests.adapters.teams.test_conversation import text_of

BEN = person("ben", "America/New_York")
MARIA = person("maria", "America/New_York")


def stored(teams: TeamsHarness, who: Any) -> references.StoredReference | None:
    return references.load(teams.core.database.engine, tenant=TENANT, kind="person", subject=who.id)


def notice(who: Any, *parts: Any, replaces: Delivery | None = None) -> OutboundMessage:
    return OutboundMessage(
        id=0, platform="teams", workspace=TENANT, person=who.id, kind="notice", parts=parts, replaces=replaces
    )


# -- the conversation reference as a holding ------------------------------------------------------


async def test_the_mount_registers_the_conversation_address_as_a_holding(teams: TeamsHarness) -> None:
    await teams.say(BEN, "hello")
    [holding] = [h for h in teams.core.holdings if h.name == "teams_conversation"]
    exported = holding.export(teams.actor(BEN))
    assert exported is not None
    assert exported["conversation_id"] == BEN.chat
    assert exported["service_url"] == teams.fake.service_url
    assert exported["updated_at"].startswith("20")  # an ISO instant
    json.dumps(exported)  # JSON-ready as it is
    assert holding.export(teams.actor(MARIA)) is None  # Maria never wrote: nothing kept
    assert "Teams" in holding.describe("en") and "Teams" in holding.describe("de-DE")
    assert holding.describe("de-DE") != holding.describe("en")


async def test_erase_inside_the_core_transaction_removes_the_row_once_it_commits(teams: TeamsHarness) -> None:
    """`privacy delete` calls erase while the core's transaction holds SQLite's one write lock."""
    await teams.say(BEN, "hello")
    holding = teams.mount.holding
    with teams.core.database.session() as session:
        session.add(
            OutboxMessage(
                dedupe_key="takes-the-write-lock",
                person_id=session.scalars(select(Person.id)).first(),
                kind="notice",
                parts=[],
                not_before=teams.clock.now(),
                created_at=teams.clock.now(),
                status="sent",
            )
        )
        session.flush()
        assert holding.erase(teams.actor(BEN), session=session) == 1
    assert stored(teams, BEN) is None
    assert holding.export(teams.actor(BEN)) is None
    with teams.core.database.session() as session:
        assert holding.erase(teams.actor(BEN), session=session) == 0
    # The next message stores a fresh address (the memo of what was written was forgotten too).
    await teams.say(BEN, "hello again")
    assert stored(teams, BEN) is not None


def test_the_holding_exports_and_erases_on_every_database(any_database: Database) -> None:
    """Inside a writing transaction, as `privacy delete` calls it: SQLite's one write lock and
    PostgreSQL's separate connections both end with the row gone once that transaction commits."""
    engine = any_database.engine
    ben = Actor("teams", TENANT, BEN.id)

    def reference(conversation: str) -> ConversationReference:
        return ConversationReference(
            service_url="https://smba.example/", conversation=ConversationAccount(id=conversation)
        )

    references.save(engine, tenant=TENANT, kind="person", subject=BEN.id, reference=reference(BEN.chat))
    references.save(engine, tenant=TENANT, kind="person", subject=MARIA.id, reference=reference(MARIA.chat))
    forgotten: list[tuple[str, str]] = []
    holding = references.ConversationHolding(engine, on_erase=lambda *key: forgotten.append(key))
    exported = holding.export(ben)
    assert exported is not None
    assert (exported["service_url"], exported["conversation_id"]) == ("https://smba.example/", BEN.chat)
    with any_database.session() as session:
        session.execute(references.references.update().values(service_url="https://smba.example/"))
        assert holding.erase(ben, session=session) == 1
    assert holding.export(ben) is None
    assert forgotten == [(TENANT, BEN.id)]
    assert references.load(engine, tenant=TENANT, kind="person", subject=MARIA.id) is not None
    with any_database.session() as session:  # someone else's platform: not ours
        assert holding.erase(Actor("slack", TENANT, BEN.id), session=session) == 0


async def test_erase_in_the_callers_session_is_part_of_its_transaction(teams: TeamsHarness) -> None:
    await teams.say(BEN, "hello")
    with teams.core.database.session() as session:
        assert teams.mount.holding.erase(teams.actor(BEN), session=session) == 1
    assert stored(teams, BEN) is None


async def test_privacy_export_includes_the_teams_conversation_address(teams: TeamsHarness) -> None:
    await teams.say(BEN, "hello")
    await teams.say(BEN, "privacy export")
    shown = text_of(teams.fake.state.posts(BEN.id)[-1])
    assert "teams_conversation" in shown
    assert BEN.chat in shown


async def test_privacy_lists_the_teams_conversation_address(teams: TeamsHarness) -> None:
    await teams.say(BEN, "hello")
    await teams.say(BEN, "privacy")
    shown = text_of(teams.fake.state.posts(BEN.id)[-1])
    assert "address Teams gave it" in shown


async def test_privacy_delete_erases_the_teams_conversation_reference(teams: TeamsHarness) -> None:
    await teams.say(BEN, "hello")
    assert stored(teams, BEN) is not None
    await teams.say(BEN, "privacy delete")
    assert stored(teams, BEN) is None
    assert teams.fake.state.posts(BEN.id), "the reply still reached Ben in the chat he asked in"


# -- in-place updates -----------------------------------------------------------------------------------


async def test_a_sent_message_records_its_conversation_and_an_update_rewrites_it_in_place(
    teams: TeamsHarness,
) -> None:
    await teams.say(BEN, "hello")
    teams.fake.state.calls.clear()
    transport = teams.mount.teams_transport
    first = await transport.send(notice(BEN, Para("Ben: *shipped* it"), Quote("Ben wrote <at>this</at>")))
    assert first.channel == BEN.chat  # where a later update finds the message
    updated = await transport.send(notice(BEN, Para("Rewritten without the quote"), replaces=first))
    assert updated.message_id == first.message_id
    [post] = teams.fake.state.posts(BEN.id)
    [put] = teams.fake.state.updates()
    assert put.path == f"/v3/conversations/{BEN.chat}/activities/{first.message_id}"
    assert text_of(put) == "Rewritten without the quote"
    assert "Ben wrote" in text_of(post)


async def test_an_update_reaches_the_conversation_it_names_even_without_a_stored_address(
    teams: TeamsHarness,
) -> None:
    await teams.say(MARIA, "hello")  # some serviceUrl of the tenant is known
    teams.fake.state.calls.clear()
    earlier = Delivery(message_id="1:msg-old", channel=BEN.chat)
    await teams.mount.teams_transport.send(notice(BEN, Para("Rewritten"), replaces=earlier))
    [put] = teams.fake.state.updates()
    assert put.path == f"/v3/conversations/{BEN.chat}/activities/1:msg-old"
    assert teams.fake.state.posts() == []


async def test_an_update_of_a_message_deleted_in_teams_is_done_and_holds_nothing(teams: TeamsHarness) -> None:
    await teams.say(BEN, "hello")
    transport = teams.mount.teams_transport
    first = await transport.send(notice(BEN, Para("Original")))
    teams.fake.state.gone.add(first.message_id)
    teams.fake.state.calls.clear()
    assert await transport.send(notice(BEN, Para("Rewritten"), replaces=first)) == first
    assert teams.fake.state.calls == []  # the 404 is not recorded as a success; nothing was posted
    with teams.core.database.session() as session:
        ben = session.scalar(select(Person).where(Person.platform_id == BEN.id))
        assert ben is not None and ben.reachable is not False


async def test_an_outbox_update_row_becomes_an_activity_update(teams: TeamsHarness) -> None:
    """Through the core's outbox: the first row's delivery (id, conversation) is what the update rewrites."""
    await teams.say(BEN, "hello")
    with teams.core.database.session() as session:
        ben = session.scalar(select(Person).where(Person.platform_id == BEN.id))
        assert ben is not None
        outbox.enqueue(
            session, key="t:digest", person=ben, kind="digest", parts=(Para("Digest"),), now=teams.clock.now()
        )
    await teams.pump()
    with teams.core.database.session() as session:
        digest = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == "t:digest"))
        assert digest is not None and digest.platform_channel == BEN.chat
        ben = session.get(Person, digest.person_id)
        assert ben is not None
        outbox.enqueue(
            session,
            key="t:digest:update",
            person=ben,
            kind="update",
            parts=(Para("Digest, rewritten"),),
            now=teams.clock.now(),
            replaces=digest,
        )
        message_id = digest.platform_message_id
    teams.fake.state.calls.clear()
    await teams.pump()
    [put] = teams.fake.state.updates()
    assert put.path == f"/v3/conversations/{BEN.chat}/activities/{message_id}"
    assert text_of(put) == "Digest, rewritten"
    assert teams.fake.state.posts() == []
