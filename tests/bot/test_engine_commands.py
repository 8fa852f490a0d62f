"""Commands through the core: roles, usage lines, unknown people, status and privacy."""

from __future__ import annotations

import json
from datetime import time

import pytest
from sqlalchemy import select

from adapters.local import LocalChat
from bot.core import Coachbot
from bot.events import Actor, CommandIssued
from bot.i18n import tr
from bot.messages import Quote
from storage.models import Cadence, Person, Team, Vacation, Workspace
from storage.relations import Membership
from tests.bot.test_engine_helpers import answers, checkins, last_reply, org, run

NY = "America/New_York"
NINE = tr("en").time(time(9, 0))  # "9:00 AM" as this Babel writes it
SYDNEY = "Australia/Sydney"


def setup(chat: LocalChat) -> None:
    org(chat, {"mo": NY, "bo": NY, "cy": SYDNEY})
    run(
        chat,
        "team create t --manager @mo",
        "team add t @bo @cy",
        'cadence add p --team t --audience both --every "weekly mon" --at 09:00',
    )


def snapshot(core: Coachbot) -> tuple[object, ...]:
    with core.database.session() as session:
        ws = session.scalars(select(Workspace)).one()
        return (
            (ws.threshold, ws.quiet_start, ws.quiet_end, ws.workdays),
            sorted(session.scalars(select(Team.name))),
            sorted((m.group_id, m.person_id, m.role) for m in session.scalars(select(Membership))),
            sorted((c.name, c.paused) for c in session.scalars(select(Cadence))),
            sorted((p.platform_id, p.is_admin) for p in session.scalars(select(Person))),
            len(checkins(core)),
        )


def command(core: Coachbot, who: str, text: str, event_id: str) -> list[str]:
    return [r.text for r in core.handle(CommandIssued(event_id, Actor("local", "acme", who), text))]


# -- roles ---------------------------------------------------------------------------------------------

ADMIN_COMMANDS = [
    "team create u --manager @bo",
    "team add t @mo",
    "team remove t @bo",
    "cadence add q --team t --audience manager --every daily --at 10:00",
    "cadence pause p",
    "cadence resume p",
    "cadence remove p",
    "cadence run p",
    "admin add @bo",
    "admin remove @ada",
    "threshold 7",
    "quiet-hours 22:00-06:00",
    "workdays sun-thu",
]


@pytest.mark.parametrize("text", ADMIN_COMMANDS)
def test_admin_commands_are_refused_to_others_and_change_nothing(
    chat: LocalChat, core: Coachbot, text: str
) -> None:
    setup(chat)
    before = snapshot(core)
    run(chat, ":as bo", text)
    assert "Only Coachbot admins can do that." in last_reply(chat)
    assert snapshot(core) == before


def test_admins_can_make_admins_who_can_then_administer(chat: LocalChat) -> None:
    setup(chat)
    run(chat, "admin add @bo", ":as bo", "threshold 4")
    assert "at least 4 answers" in last_reply(chat)


def test_the_last_admin_cannot_be_removed(chat: LocalChat, core: Coachbot) -> None:
    org(chat, {"mo": NY})
    run(chat, "admin remove @ada")
    assert "leave nobody able to administer" in last_reply(chat)
    run(chat, "admin add @mo", "admin remove @mo")
    assert "mo is no longer a Coachbot admin" in last_reply(chat)


# -- malformed commands ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "usage"),
    [
        ("team create", "team create <team> --manager @user"),
        ("team add t", "team add <team> @user"),
        ("cadence add q --team t", "cadence add <name> --team <team>"),
        ('cadence add q --team t --audience manager --every "fortnightly" --at 09:00', "cadence add"),
        ("cadence pause", "cadence pause <name>"),
        ("vacation 2026-13-01 2026-13-02", "vacation <from> <to>"),
        ("threshold many", "threshold"),
        ("quiet-hours 25:00-07:00", "quiet-hours"),
        ("workdays funday", "workdays"),
        ("skip a b", "skip <cadence>"),
        ("threshold 51", "threshold <K>"),
        ("privacy shred", "privacy"),
    ],
)
def test_malformed_commands_get_a_usage_line_and_change_nothing(
    chat: LocalChat, core: Coachbot, text: str, usage: str
) -> None:
    setup(chat)
    before = snapshot(core)
    run(chat, text)
    reply = last_reply(chat)
    assert "Usage: " in reply, reply
    assert usage in reply, reply
    assert "Traceback" not in reply
    assert snapshot(core) == before


def test_unknown_commands_are_answered_not_ignored(chat: LocalChat) -> None:
    setup(chat)
    run(chat, "teem list")
    assert "Did you mean `team`?" in last_reply(chat)


# -- unknown people --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "team create u --manager @ghost",
        "team add t @ghost",
        "team add t @mo @ghost",
        "team remove t @bo @ghost",
        "admin add @ghost",
    ],
)
def test_unknown_people_in_mentions_change_nothing(chat: LocalChat, core: Coachbot, text: str) -> None:
    setup(chat)
    before = snapshot(core)
    run(chat, text)
    assert "I don't know ghost yet" in last_reply(chat)
    assert "nothing was changed" in last_reply(chat)
    assert snapshot(core) == before


# -- status ---------------------------------------------------------------------------------------------


def test_status_shows_next_nudge_in_my_own_zone(chat: LocalChat) -> None:
    setup(chat)
    run(chat, ":as cy", "status")
    reply = last_reply(chat)
    assert "times in Australia/Sydney" in reply
    assert f"Next: *p* on Mon, Nov 23, {NINE}" in reply
    run(chat, ":as bo", "status")
    assert f"Next: *p* on Mon, Nov 23, {NINE}" in last_reply(chat)
    assert "times in America/New_York" in last_reply(chat)


def test_status_shows_open_checkins_with_progress_and_closing_time(chat: LocalChat) -> None:
    setup(chat)
    run(chat, ":advance to 2026-11-23 09:00 America/New_York", ":as bo", "> 4", "status")
    reply = last_reply(chat)
    assert f"Open: *p* — 1/3 answered, until Wed, Nov 25, {NINE}" in reply
    assert f"Next: *p* on Mon, Nov 30, {NINE}" in reply


def test_status_shows_vacation_and_skip_moves_next(chat: LocalChat) -> None:
    setup(chat)
    run(chat, ":as bo", "vacation 2026-11-23 2026-11-24", "status")
    reply = last_reply(chat)
    assert "Vacation: Nov 23 – Nov 24, 2026" in reply
    assert f"Next: *p* on Mon, Nov 30, {NINE}" in reply


def test_status_of_someone_with_nothing(chat: LocalChat) -> None:
    org(chat, {"zed": NY})
    run(chat, ":as zed", "status")
    assert "Nothing open and nothing scheduled for you." in last_reply(chat)


def test_admin_status_shows_participation_only_for_big_enough_groups(chat: LocalChat) -> None:
    setup(chat)
    run(chat, ":advance to 2026-11-24 12:00 America/New_York", ":as ada", "status")
    assert f"*p* (t, every Monday at {NINE}): no finished run yet" in last_reply(chat)
    run(chat, ":advance to 2026-11-26 12:00 America/New_York", "status")
    assert f"*p* (t, every Monday at {NINE}): group too small to show" in last_reply(chat)


# -- privacy ----------------------------------------------------------------------------------------------


def answered(chat: LocalChat) -> None:
    setup(chat)
    run(chat, ":advance to 2026-11-23 09:00 America/New_York")
    run(chat, ":as bo", "> 4", "> my own words", "> 2", ":as mo", "> manager words")
    run(chat, ":as bo", "vacation 2026-12-24 2026-12-31")


def test_privacy_says_what_is_stored(chat: LocalChat) -> None:
    answered(chat)
    run(chat, ":as bo", "privacy")
    reply = last_reply(chat)
    assert "What Coachbot stores about you" in reply
    assert "Teams: t." in reply
    assert "Yours: 1 check-in, 3 answers, 1 vacation." in reply
    assert "at least 5 people answered" in reply


def test_privacy_export_contains_my_answers_and_only_mine(chat: LocalChat, core: Coachbot) -> None:
    answered(chat)
    replies = core.handle(CommandIssued("exp-1", Actor("local", "acme", "bo"), "privacy export"))
    quote = next(p for p in replies[0].parts if isinstance(p, Quote))
    data = json.loads(quote.text)
    assert data["profile"]["id"] == "bo"
    assert data["profile"]["timezone"] == NY
    assert data["vacations"] == [{"from": "2026-12-24", "to": "2026-12-31"}]
    [checkin] = data["checkins"]
    assert checkin["cadence"] == "p"
    assert [(a["answer"], a["rating"]) for a in checkin["answers"]] == [
        ("4", 4),
        ("my own words", None),
        ("2", 2),
    ]
    assert "manager words" not in quote.text


def test_privacy_delete_erases_mine_and_leaves_others(chat: LocalChat, core: Coachbot) -> None:
    answered(chat)
    run(chat, ":as bo", "privacy delete")
    assert "Deleted 1 check-in and 3 answers" in last_reply(chat)
    assert answers(core, "bo") == []
    assert checkins(core, "bo") == []
    assert [a.text for a in answers(core, "mo")] == ["manager words"]
    assert len(checkins(core, "cy")) == 1
    with core.database.session() as session:
        assert session.scalars(select(Vacation)).all() == []
        assert session.scalar(select(Person).where(Person.platform_id == "bo")) is not None
    run(chat, "privacy")
    assert "Yours: 0 check-ins, 0 answers, 0 vacations." in last_reply(chat)
    # Next week bo is asked again as usual.
    run(chat, ":advance to 2026-11-30 09:00 America/New_York")
    assert len(checkins(core, "bo")) == 1


def test_removing_a_cadence_keeps_the_answers_people_gave(chat: LocalChat, core: Coachbot) -> None:
    org(chat, {"mo": NY, "bo": NY})
    run(
        chat,
        "team create t --manager @mo",
        "team add t @bo",
        'cadence add p --team t --audience members --every "weekly mon" --at 09:00',
        ":advance to 2026-11-23 09:00 America/New_York",
        ":as bo",
        "> 4",
        ":as ada",
        "cadence remove p",
    )
    assert "keeps the answers" in last_reply(chat)
    run(chat, "cadence list")
    assert "*p*" not in last_reply(chat)
    run(chat, ":advance to 2026-12-01 12:00 America/New_York")
    assert len([m for m in chat.transport.inbox("bo") if m.kind == "nudge"]) == 1  # no further nudges
    run(chat, ":as bo", "privacy export")
    assert '"cadence": "p"' in last_reply(chat) and '"answer": "4"' in last_reply(chat)
    run(chat, ":as ada", 'cadence add p --team t --audience members --every "weekly mon" --at 09:00')
    assert "Added cadence *p*" in last_reply(chat)
