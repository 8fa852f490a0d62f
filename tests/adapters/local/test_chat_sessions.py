"""The local chat across sessions, its clock stops, free-text chat commands and in-place edits."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from adapters.local import LocalChat
from bot.clock import ManualClock
from bot.core import Coachbot
from bot.messages import Delivery, OutboundMessage, Para
from bot.prompts import PromptLibrary
from storage.db import open_database
from storage.models import Answer, Checkin
from tests.adapters.local.test_scenario import MEMBER_ANSWERS, SETUP, ZONES, member_turn, run
from tests.conftest import SATURDAY


def _session(path: Path, clock: ManualClock, library: PromptLibrary, out: list[str]) -> LocalChat:
    """One `coachbot chat` process: its own core and transport on the shared database file."""
    core = Coachbot(database=open_database(f"sqlite:///{path}"), clock=clock, library=library)
    return LocalChat(core=core, clock=clock, org="acme", output=out.append)


def test_a_second_chat_on_the_same_database_answers_every_line(
    tmp_path: Path, library: PromptLibrary
) -> None:
    clock = ManualClock(SATURDAY)
    first_out: list[str] = []
    first = _session(tmp_path / "c.db", clock, library, first_out)
    run(first, [*SETUP, "team list", ":as ben", "status"])
    run(first, member_turn("liam", "Australia/Sydney"))
    first.core.database.dispose()

    second_out: list[str] = []
    second = _session(tmp_path / "c.db", clock, library, second_out)
    run(second, [":as ada", "team list"])
    assert any("atlas" in line for line in second_out), second_out  # not swallowed as a repeated event
    run(second, [":as ben", "status"])
    assert len(second_out) >= 3, second_out
    # Message ids restart at m1/u1 on screen, yet an answer in this session's thread lands in this
    # session's check-in, and the next question follows (the outbox key of `u1` is not taken).
    run(second, member_turn("hana", "Asia/Tokyo"))
    hana_nudge = next(m for m in second.transport.inbox("hana") if m.kind == "nudge")
    assert hana_nudge.id.startswith("m") and "." not in hana_nudge.id
    with second.core.database.session() as session:
        thread = second.transport.ref(hana_nudge.id)
        hana = session.scalars(select(Answer).join(Checkin).where(Checkin.thread == thread)).all()
    assert len(hana) == 3
    questions = [m for m in second.transport.inbox("hana") if m.kind == "question"]
    assert len(questions) == 3, [m.text for m in second.transport.inbox("hana")]


def test_advance_next_stops_at_every_window_close_and_the_digest(chat: LocalChat) -> None:
    run(chat, SETUP)
    for who in ("liam", "hana", "emma"):
        run(chat, member_turn(who, ZONES[who]))
    run(chat, [":advance to 2026-11-23 09:00 America/New_York", ":as maria", "> A", "> B", "> 4"])
    for who in ("ben", "farid"):
        run(chat, [f":as {who}", *MEMBER_ANSWERS])
    run(chat, member_turn("chloe", "America/Chicago"))
    # Everyone answered everything: no reminder is due, only the windows' ends remain before next week.
    with chat.core.database.session() as session:
        closes = sorted({c.closes_at for c in session.scalars(select(Checkin))})
    start = chat.clock.now()
    stops: list[datetime] = []
    while chat.clock.now() < closes[-1]:
        run(chat, [":advance next"])
        stops.append(chat.clock.now())
    assert [c for c in closes if c > start] == [s for s in stops if s in closes]
    assert stops[-1] == closes[-1]  # the last stop is the last window's end, not next week's nudge
    digests = [m for m in chat.transport.messages if m.kind == "digest"]
    assert len(digests) == 1
    # The digest went out at the moment the last member window closed (Tuesday 09:00 in Chicago).
    assert digests[0].at == datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("America/Chicago"))


def test_reply_and_edit_take_apostrophes_and_quotes_as_typed(chat: LocalChat, transcript) -> None:  # type: ignore[no-untyped-def]
    run(chat, SETUP)
    run(chat, [":advance to 2026-11-23 09:00 America/New_York", ":as maria"])
    nudge = next(m for m in chat.transport.inbox("maria") if m.kind == "nudge")
    run(chat, [f':reply {nudge.id} I don\'t know yet — "the hiring plan", maybe'])
    assert "Could not read" not in transcript.text()
    mine = next(m for m in chat.transport.inbox("maria") if m.author == "maria")
    run(chat, [f":edit {mine.id} It's the 'reporting' rework"])
    with chat.core.database.session() as session:
        texts = [a.text for a in session.scalars(select(Answer))]
    assert texts == ["It's the 'reporting' rework"]
    assert mine.text == "It's the 'reporting' rework"


def test_an_update_rewrites_the_local_message_in_place(chat: LocalChat, transcript) -> None:  # type: ignore[no-untyped-def]
    transport = chat.transport
    first = asyncio.run(
        transport.send(OutboundMessage(1, "local", "acme", "maria", "digest", (Para("Ben: loves Fridays"),)))
    )
    assert first.message_id.startswith("m1.")
    chat.clock.advance(datetime(2026, 11, 22, tzinfo=UTC) - chat.clock.now())
    update = OutboundMessage(
        2, "local", "acme", "maria", "update", (Para("(removed at the author's request)"),), replaces=first
    )
    delivery = asyncio.run(transport.send(update))
    assert isinstance(delivery, Delivery) and delivery.message_id == first.message_id
    assert len(transport.messages) == 1  # nothing new was posted
    message = transport.messages[0]
    assert message.text == "(removed at the author's request)" and message.edits == 1
    assert message.kind == "digest"
    assert "[m1 to maria edited," in transcript.text()
    assert transcript.text().rstrip().endswith("(removed at the author's request)")
