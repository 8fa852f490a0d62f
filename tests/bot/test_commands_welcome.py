"""Someone added to a team gets one short welcome: what will happen, when, who sees what (item 14)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from adapters.local import LocalChat
from bot import relationships
from bot.core import Coachbot
from bot.welcome import welcome
from storage.models import Person, Team
from tests.bot.test_engine_helpers import last_reply, local, org, outbox_rows, received, run
from tests.i18n_check import untranslated

NY = "America/New_York"
BERLIN = "Europe/Berlin"


def setup(chat: LocalChat) -> None:
    org(chat, {"mo": NY, "bo": NY, "cy": BERLIN})
    run(
        chat,
        "team create t --manager @mo",
        'cadence add sync --team t --audience members --every "weekly mon" --at 09:00',
        'cadence add open --team t --audience both --every "monthly first tue" --at 15:30 --anonymous no',
        "team add t @bo @cy",
    )


def welcomes(chat: LocalChat, person: str) -> list[str]:
    return [m.text for m in received(chat, person, "welcome")]


def test_team_add_welcomes_each_new_member_once_with_schedule_and_who_sees_what(chat: LocalChat) -> None:
    setup(chat)
    assert "Each gets a short welcome message saying what will happen and who sees what." in last_reply(chat)
    run(chat, ":advance to 2026-11-23 08:00 America/New_York")  # added on a Saturday: sent Monday
    [text] = welcomes(chat, "bo")
    assert "You're now in team *t*, managed by mo." in text
    assert "*sync*: every Monday at 9:00\u202fAM, your time; 3 questions, open for 2 days." in text
    assert (
        "Anonymous: mo sees only totals and unsigned comments, and only once enough people have answered"
        " (now 5;" in text
    )
    assert "*open*: on the first Tuesday of each month at 3:30\u202fPM" in text
    assert "Not anonymous: mo sees your written answers with your name" in text
    assert "fewer than 5 members for now, so nobody sees anything" in text  # a team of two
    assert "`skip`" in text and "`vacation <from> <to>`" in text and "`privacy`" in text
    assert welcomes(chat, "mo") == []  # the manager is never welcomed to their own team


def test_the_welcome_waits_for_a_working_moment_in_the_persons_zone(chat: LocalChat) -> None:
    setup(chat)  # Saturday 12:00 UTC
    run(chat, ":advance to 2026-11-23 12:00 America/New_York")
    [bo] = received(chat, "bo", "welcome")
    [cy] = received(chat, "cy", "welcome")
    assert local(bo.at, NY) == "2026-11-23 07:00"  # Monday, when quiet hours end
    assert local(cy.at, BERLIN) == "2026-11-23 07:00"


def test_nobody_is_welcomed_twice(chat: LocalChat, core: Coachbot) -> None:
    setup(chat)
    run(chat, "team remove t @bo", "team add t @bo")
    assert "Added bo to *t*" in last_reply(chat) and "welcome" not in last_reply(chat)
    run(chat, "team add t @bo")
    run(chat, ":advance to 2026-11-23 12:00 America/New_York")
    assert len(welcomes(chat, "bo")) == 1
    assert len([r for r in outbox_rows(core, welcomes=True) if r.kind == "welcome"]) == 2  # bo and cy


def test_welcome_function_for_the_roster_sync(core: Coachbot, chat: LocalChat) -> None:
    setup(chat)
    now = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)
    with core.database.session() as session:
        team = session.query(Team).one()
        manager = relationships.lead_of(session, team)
        bo = session.query(Person).filter_by(platform_id="bo").one()
        assert welcome(session, team=team, person=manager, now=now) is False
        assert welcome(session, team=team, person=bo, now=now) is False  # team add already did
        run(chat, ":person dd tz=UTC")
    with core.database.session() as session:
        team = session.query(Team).one()
        dd = session.query(Person).filter_by(platform_id="dd").one()
        assert welcome(session, team=team, person=dd, now=now) is True
        assert welcome(session, team=team, person=dd, now=now) is False


def test_nothing_to_welcome_to_without_checkins_for_members(chat: LocalChat) -> None:
    org(chat, {"mo": NY, "bo": NY, "cy": NY})
    run(chat, "team create t --manager @mo", "team add t @bo")
    run(chat, 'cadence add m --team t --audience manager --every "weekly mon" --at 09:00', "team add t @cy")
    run(chat, ":advance to 2026-11-23 12:00 America/New_York")
    assert welcomes(chat, "bo") == [] and welcomes(chat, "cy") == []


def test_a_german_member_is_welcomed_in_german(chat: LocalChat) -> None:
    org(chat, {"mo": NY})
    run(
        chat,
        ":person jo tz=Europe/Berlin locale=de",
        "team create t --manager @mo",
        'cadence add sync --team t --audience members --every "weekly mon" --at 09:00',
        "team add t @jo",
        ":advance to 2026-11-23 12:00 America/New_York",
    )
    [text] = welcomes(chat, "jo")
    assert "Du bist jetzt im Team *t*, Führungskraft ist mo." in text
    assert "*sync*: jeden Montag um 09:00 (deine Ortszeit); 3 Fragen, offen für 2 Tage." in text
    assert "erst, wenn genug Personen geantwortet haben (derzeit 5;" in text


def test_every_word_of_the_welcome_comes_from_the_catalogs(chat: LocalChat, pseudo_locale: str) -> None:
    org(chat, {"mo": NY})
    run(
        chat,
        f":person 42 tz=UTC locale={pseudo_locale}",
        "team create 7 --manager @mo",
        'cadence add 8 --team 7 --audience members --every "weekly mon" --at 09:00',
        "team add 7 @42",
        ":advance to 2026-11-23 12:00 America/New_York",
    )
    [message] = received(chat, "42", "welcome")
    assert untranslated_nested([message.text]) == []


def untranslated_nested(texts: list[str]) -> list[str]:
    """Like ``untranslated``, for sentences with translated phrases inside (⟦every ⟦Monday⟧⟧)."""
    found = []
    for text in texts:
        flat = text
        while (inner := re.sub(r"⟦[^⟦⟧]*⟧", "", flat)) != flat:
            flat = inner
        if untranslated([flat]):
            found.append(text)
    return found
