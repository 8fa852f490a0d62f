"""The one roster loop (`bot.roster.sync_bound_teams`) as every adapter uses it, on a real core.

Teams are bound with the real `team bind` command in the local chat; the "platform roster" is a
dictionary read by the fetch function an adapter would supply.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy import select

from adapters.local import LocalChat
from bot.events import Actor, ProfileSeen
from bot.roster import Binding, RosterMember, SyncReport, sync_bound_teams
from storage.models import OutboxMessage, Person
from tests.bot.test_engine_helpers import team_member_ids

SETUP = [
    ":person ada admin",
    *(f":person {who}" for who in ("maria", "ben", "kenji", "hana")),
    ":as ada",
    "team create atlas --manager @maria",
    "team add atlas @ben",
    'cadence add pulse --team atlas --audience members --every "weekly mon" --at 09:00',
    "team create harbor --manager @kenji",
    "team add harbor @hana",
    "team bind atlas #atlas",
    "team link harbor #harbor",  # any name of the command binds
]


def sync(chat: LocalChat, rosters: dict[str, Sequence[RosterMember] | Exception | None]) -> SyncReport:
    async def fetch(binding: Binding) -> Sequence[RosterMember] | None:
        found = rosters[binding.source]
        if isinstance(found, Exception):
            raise found
        return found

    return asyncio.run(sync_bound_teams(chat.core, platform="local", fetch=fetch))


def test_bound_teams_follow_their_rosters_and_newcomers_are_welcomed(chat: LocalChat) -> None:
    for line in SETUP:
        chat.run_line(line)
    zoe = ProfileSeen(Actor("local", "acme", "zoe"), display_name="Zoe", timezone="Asia/Tokyo", locale="de")
    report = sync(chat, {"#atlas": [RosterMember("ben"), RosterMember("zoe", profile=zoe)], "#harbor": None})
    assert [b.team for b in report.synced] == ["atlas"]
    assert team_member_ids(chat.core, "atlas") == {"ben", "zoe"}
    with chat.core.database.session() as session:
        zoe_row = session.scalars(select(Person).where(Person.platform_id == "zoe")).one()
        assert (zoe_row.timezone, zoe_row.locale) == ("Asia/Tokyo", "de")  # profile before enrolment
        welcomes = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.kind == "welcome", OutboxMessage.person_id == zoe_row.id
            )
        ).all()
    assert len(welcomes) == 1
    sync(chat, {"#atlas": [RosterMember("ben"), RosterMember("zoe")], "#harbor": None})
    with chat.core.database.session() as session:
        assert (
            session.scalar(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "welcome")
                .where(OutboxMessage.person_id == zoe_row.id, OutboxMessage.id != welcomes[0].id)
            )
            is None
        )  # once


def test_an_empty_or_failed_roster_never_empties_a_team_and_one_failure_stops_nothing(
    chat: LocalChat,
) -> None:
    for line in SETUP:
        chat.run_line(line)
    report = sync(chat, {"#atlas": [], "#harbor": [RosterMember("hana"), RosterMember("liam")]})
    assert team_member_ids(chat.core, "atlas") == {"ben"}
    assert [b.team for b, _ in report.left_alone] == ["atlas"]
    assert team_member_ids(chat.core, "harbor") == {"hana", "liam"}
    report = sync(chat, {"#atlas": RuntimeError("channel_not_found"), "#harbor": [RosterMember("liam")]})
    assert team_member_ids(chat.core, "atlas") == {"ben"}
    assert [(b.team, why) for b, why in report.failed] == [("atlas", "channel_not_found")]
    assert team_member_ids(chat.core, "harbor") == {"liam"}  # the binding after the failing one still synced


def test_a_bot_is_never_enrolled(chat: LocalChat) -> None:
    for line in SETUP:
        chat.run_line(line)
    sync(chat, {"#atlas": [RosterMember("ben"), RosterMember("helperbot", is_bot=True)], "#harbor": None})
    assert team_member_ids(chat.core, "atlas") == {"ben"}
    # A roster of nothing but bots is an empty roster: the team stays as it was.
    report = sync(chat, {"#atlas": [RosterMember("helperbot", is_bot=True)], "#harbor": None})
    assert team_member_ids(chat.core, "atlas") == {"ben"} and report.left_alone
    assert not chat.core.knows(Actor("local", "acme", "helperbot"))
