"""The end-to-end check-in loop, replayed as a local chat script (the issue's "done when")."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from adapters.local import LocalChat
from bot.core import Coachbot
from storage.models import Answer


@pytest.fixture
def chat(any_database, clock, library, transcript) -> LocalChat:  # type: ignore[no-untyped-def]
    """The scenario runs on SQLite and, when configured, on PostgreSQL."""
    core = Coachbot(database=any_database, clock=clock, library=library)
    return LocalChat(core=core, clock=clock, org="acme", output=transcript.append)


ZONES = {
    "ada": "Europe/London",
    "maria": "America/New_York",
    "ben": "America/New_York",
    "farid": "America/New_York",
    "chloe": "America/Chicago",
    "emma": "Europe/Berlin",
    "liam": "Australia/Sydney",
    "hana": "Asia/Tokyo",
}

SETUP = [
    *(f":person {who} tz={zone}" + (" admin" if who == "ada" else "") for who, zone in ZONES.items()),
    ":person emma locale=de",
    ":as ada",
    "team create atlas --manager @maria",
    "team add atlas @ben @farid @chloe @emma @liam @hana",
    'cadence add lead --team atlas --audience manager --every "weekly mon" --at 09:00',
    'cadence add pulse --team atlas --audience members --every "weekly mon" --at 09:00 --window 1d',
]

MEMBER_ANSWERS = ["> 4", "> More focus time, fewer meetings", ":press last 5"]


def member_turn(who: str, zone: str) -> list[str]:
    return [f":advance to 2026-11-23 09:00 {zone}", f":as {who}", *MEMBER_ANSWERS]


def run(chat: LocalChat, lines: list[str]) -> None:
    for line in lines:
        assert chat.run_line(line)


def nudges(chat: LocalChat) -> dict[str, list[datetime]]:
    found: dict[str, list[datetime]] = {}
    for m in chat.transport.messages:
        if m.kind == "nudge":
            found.setdefault(m.person, []).append(m.at.astimezone(ZoneInfo(ZONES[m.person])))
    return found


def test_checkin_loop_end_to_end(chat: LocalChat, transcript) -> None:  # type: ignore[no-untyped-def]
    run(chat, SETUP)
    assert "Only Coachbot admins" not in transcript.text()
    run(chat, member_turn("liam", "Australia/Sydney"))
    run(chat, member_turn("hana", "Asia/Tokyo"))
    run(chat, member_turn("emma", "Europe/Berlin"))
    run(
        chat,
        [
            ":advance to 2026-11-23 09:00 America/New_York",
            ":as maria",
            "> Hiring plan for Q1",
            "> The reporting rework",
            "> 4",
            ":as ben",
            *MEMBER_ANSWERS,
        ],
    )
    ben_text = next(m for m in chat.transport.inbox("ben") if m.author == "ben" and "focus" in m.text)
    run(chat, [f":edit {ben_text.id} Fewer meetings on Fridays"])
    run(chat, member_turn("chloe", "America/Chicago"))
    # Farid never answers. Run the clock to Tuesday noon in New York: every window has closed.
    run(chat, [":advance to 2026-11-24 12:00 America/New_York"])

    # Exactly one nudge per recipient, at 09:00 on Monday in their own zone.
    sent = nudges(chat)
    assert set(sent) == {"maria", "ben", "farid", "chloe", "emma", "liam", "hana"}
    for person, times in sent.items():
        assert len(times) == 1, person
        assert (times[0].weekday(), times[0].hour, times[0].minute) == (0, 9, 0), person

    # Answers recorded from thread replies and a button; the edit replaced the text.
    with chat.core.database.session() as session:
        texts = [a.text for a in session.scalars(select(Answer))]
    assert texts.count("5") == 5  # five button presses
    assert "Fewer meetings on Fridays" in texts
    assert "More focus time, fewer meetings" in texts  # the others kept theirs
    assert "Hiring plan for Q1" in texts

    # One private reminder, to the one person who did not answer, in their thread.
    reminders = [m for m in chat.transport.messages if m.kind == "reminder"]
    assert [(r.person, r.at.astimezone(ZoneInfo(ZONES[r.person])).hour) for r in reminders] == [("farid", 13)]
    assert all(m.person == "farid" for m in reminders)
    farid_thread = next(m.thread for m in chat.transport.inbox("farid") if m.kind == "nudge")
    assert reminders[0].thread == farid_thread

    # One digest, to the manager, with aggregates (5 answered >= K=5) and no names.
    digests = [m for m in chat.transport.messages if m.kind == "digest"]
    assert [d.person for d in digests] == ["maria"]
    body = digests[0].text
    assert "5 of 6 people answered" in body
    assert "Average 4.0 / 5 from 5 answers" in body
    assert "Average 5.0 / 5 from 5 answers" in body
    assert "Fewer meetings on Fridays" in body
    for name in ("Ben", "ben", "Farid", "farid", "Chloe", "Emma", "Liam", "Hana"):
        assert name not in body


def test_digest_withheld_below_threshold(chat: LocalChat) -> None:
    run(chat, SETUP)
    run(chat, member_turn("liam", "Australia/Sydney"))
    run(chat, member_turn("hana", "Asia/Tokyo"))
    run(chat, member_turn("emma", "Europe/Berlin"))
    run(chat, [":advance to 2026-11-23 09:00 America/New_York", ":as ben", *MEMBER_ANSWERS])
    run(chat, [":advance to 2026-11-24 12:00 America/New_York"])
    digests = [m for m in chat.transport.messages if m.kind == "digest"]
    assert len(digests) == 1
    body = digests[0].text
    assert "Fewer than 5 people answered" in body
    assert "Average" not in body
    assert "fewer meetings" not in body.lower()
