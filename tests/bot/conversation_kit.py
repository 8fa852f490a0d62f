"""Helpers for the conversation tests (no tests here): a members' cadence, and sending a message
straight to the core so a test can read the immediate replies as parts."""

from __future__ import annotations

from itertools import count

import pytest
from sqlalchemy import select

from adapters.local import LocalChat
from bot.clock import ManualClock
from bot.core import Coachbot
from bot.events import Actor, MessageEdited, MessagePosted
from bot.messages import Part, Reply
from bot.outbox import decode_parts
from bot.prompts import PromptLibrary
from storage.db import Database
from storage.models import Person
from tests.bot.test_engine_helpers import org, outbox_rows, received, run

NY = "America/New_York"
MONDAY_9 = ":advance to 2026-11-23 09:00 America/New_York"
_ids = count(1)


def pulse(
    chat: LocalChat,
    members: str = "bo",
    *,
    window: str = "2d",
    extra: tuple[str, ...] = (),
    zones: dict[str, str] | None = None,
    locale: str | None = None,
) -> None:
    """A members' cadence `p` on Mondays at 09:00 for team `t` managed by `mo`."""
    people = {"mo": NY, **{m: NY for m in members.split()}, **(zones or {})}
    org(chat, people, extra=extra)
    if locale:
        run(chat, *(f":person {m} tz={people[m]} locale={locale}" for m in members.split()))
        run(chat, ":as ada")
    run(
        chat,
        "team create t --manager @mo",
        "team add t " + " ".join(f"@{m}" for m in members.split()),
        f'cadence add p --team t --audience members --every "weekly mon" --at 09:00 --window {window}',
    )


def post(chat: LocalChat, who: str, text: str, *, thread: str | None = None) -> tuple[str, list[Reply]]:
    """A direct message (or a reply in the thread of the shown message id ``thread``) straight to
    the core; returns the message's platform id and the immediate replies."""
    n = next(_ids)
    message_id = f"conv-u{n}"
    event = MessagePosted(
        f"conv-{n}",
        Actor("local", chat.org, who),
        text,
        f"dm:{who}",
        message_id,
        thread=chat.transport.ref(thread) if thread else None,
    )
    replies = chat.core.handle(event)
    chat.deliver()
    return message_id, replies


def send(chat: LocalChat, who: str, text: str, *, thread: str | None = None) -> list[Reply]:
    return post(chat, who, text, thread=thread)[1]


def edit(chat: LocalChat, who: str, message_id: str, text: str) -> list[Reply]:
    """The person edits a message sent with :func:`post`."""
    n = next(_ids)
    replies = chat.core.handle(
        MessageEdited(f"conv-{n}", Actor("local", chat.org, who), f"dm:{who}", message_id, text)
    )
    chat.deliver()
    return replies


def nudge_thread(chat: LocalChat, who: str, index: int = -1) -> str:
    return received(chat, who, "nudge")[index].id


def said(replies: list[Reply]) -> list[str]:
    return [r.text for r in replies]


def notices(chat: LocalChat, who: str) -> list[str]:
    return [m.text for m in received(chat, who, "notice")]


def parts_received(core: Coachbot, who: str) -> list[tuple[str, tuple[Part, ...]]]:
    """Every message the outbox holds for a person, as (kind, parts)."""
    with core.database.session() as session:
        person_id = session.scalar(select(Person.id).where(Person.platform_id == who))
    return [(row.kind, decode_parts(row.parts)) for row in outbox_rows(core) if row.person_id == person_id]


@pytest.fixture
def on_both_backends(any_database: Database, clock: ManualClock, library: PromptLibrary) -> Coachbot:
    """Use as ``core = on_both_backends`` in a test module: its tests run on SQLite and PostgreSQL."""
    return Coachbot(database=any_database, clock=clock, library=library)
