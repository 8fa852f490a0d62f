"""Privacy promises through the core and the local chat, on SQLite and PostgreSQL.

K and anonymity fixed per run, one rule for every figure and comment, `privacy delete` erasing the
person's words wherever they were quoted, `privacy`/`export` covering manager data and adapter
holdings, and digests waiting for the manager's working hours.
"""

from __future__ import annotations

import json
from datetime import time
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.local import LocalChat
from bot.clock import ManualClock
from bot.core import Coachbot
from bot.events import Actor, CommandIssued
from bot.i18n import tr
from bot.messages import Quote
from bot.prompts import PromptLibrary
from storage.db import Database
from storage.models import CadenceRun, Digest, OutboxMessage, Person
from tests.bot.test_engine_digest import AFTER_CLOSE, MEMBERS, MONDAY_9, answer, digest, team
from tests.bot.test_engine_helpers import answers, checkins, last_reply, outbox_rows, received, run
from tests.conftest import Transcript

NINE = tr("en").time(time(9, 0))  # "9:00 AM" as this Babel writes it
SYDNEY = "Australia/Sydney"


@pytest.fixture
def world(any_database: Database, clock: ManualClock, library: PromptLibrary) -> tuple[LocalChat, Coachbot]:
    core = Coachbot(database=any_database, clock=clock, library=library)
    transcript = Transcript()
    return LocalChat(core=core, clock=clock, org="acme", output=transcript.append), core


# -- 1. K fixed per run ----------------------------------------------------------------------------


def test_lowering_k_never_releases_answers_given_under_a_higher_k(world: tuple[LocalChat, Coachbot]) -> None:
    chat, core = world
    team(chat)
    run(chat, MONDAY_9)
    assert "at least 5 people" in received(chat, "bo", "nudge")[0].text
    for n, who in enumerate(MEMBERS[:3]):
        answer(chat, who, 4, f"said under five {n}")
    run(chat, ":as ada", "threshold 3")
    run(chat, AFTER_CLOSE)
    body = digest(chat)
    assert "Fewer than 5 people answered" in body
    assert "said under five" not in body and "Average" not in body and " of 6 " not in body
    with core.database.session() as session:
        assert session.scalars(select(CadenceRun.threshold)).one() == 5


def test_raising_k_applies_at_once(world: tuple[LocalChat, Coachbot]) -> None:
    chat, _core = world
    team(chat)
    run(chat, MONDAY_9)
    for n, who in enumerate(MEMBERS):
        answer(chat, who, 3, f"six of us {n}")
    run(chat, ":as ada", "threshold 7", AFTER_CLOSE)
    body = digest(chat)
    assert "Fewer than 7 people answered" in body
    assert "six of us" not in body and "Average" not in body


# -- 2. one rule: what counts, and when participation may be shown ----------------------------------------


def test_skipped_questions_never_count_toward_k(world: tuple[LocalChat, Coachbot]) -> None:
    chat, core = world
    team(chat, "threshold 3")
    run(chat, MONDAY_9)
    answer(chat, "bo", 4, "first")
    answer(chat, "cy", 4, "second")
    run(chat, ":as di", "skip", "skip", "skip")  # invited and "done", but nothing given
    assert [a.skipped for a in answers(core, "di")] == [True, True, True]
    run(chat, AFTER_CLOSE)
    body = digest(chat)
    assert "Fewer than 3 people answered" in body
    assert "first" not in body and "Average" not in body


def test_participation_waits_for_the_window_to_close_and_for_k(world: tuple[LocalChat, Coachbot]) -> None:
    chat, core = world
    team(chat, "threshold 3")
    run(chat, MONDAY_9)
    for who in MEMBERS[:4]:
        answer(chat, who, 4, "fine")
    run(chat, ":as ada", "status")
    assert "4 of 6" not in last_reply(chat)
    assert f"*p* (t, every Monday at {NINE}): no finished run yet" in last_reply(chat)
    glance = core.home(Actor("local", "acme", "ada")).cadences
    assert [(g.answered, g.invited, g.last_run) for g in glance] == [(None, None, None)]
    run(chat, AFTER_CLOSE, ":as ada", "status")
    assert f"*p* (t, every Monday at {NINE}): 4 of 6 answered" in last_reply(chat)
    [g] = core.home(Actor("local", "acme", "ada")).cadences
    assert (g.answered, g.invited) == (4, 6)


def test_digest_waits_for_the_managers_working_hours(world: tuple[LocalChat, Coachbot]) -> None:
    # The window closes Tuesday 09:00 New York = Wednesday 01:00 in Sydney, inside mo's quiet hours.
    chat, core = world
    team(chat, manager_zone=SYDNEY)
    run(chat, MONDAY_9, AFTER_CLOSE)
    assert received(chat, "mo", "digest") == []
    [row] = [r for r in outbox_rows(core) if r.kind == "digest"]
    assert row.not_before.isoformat() == "2026-11-24T20:00:00+00:00"  # Wed 07:00 in Sydney
    run(chat, ":advance to 2026-11-25 08:00 Australia/Sydney")
    [sent] = received(chat, "mo", "digest")
    assert sent.at.isoformat() == "2026-11-24T20:00:00+00:00"


def test_digest_on_a_weekend_waits_for_monday(world: tuple[LocalChat, Coachbot]) -> None:
    chat, _core = world
    team(chat)
    run(
        chat,
        ":as ada",
        'cadence add f --team t --audience members --every "weekly fri" --at 09:00 --window 1d',
    )
    run(
        chat, ":advance to 2026-11-27 09:00 America/New_York", ":advance to 2026-11-30 06:00 America/New_York"
    )
    assert [m for m in received(chat, "mo", "digest") if "*f*" in m.text] == []
    run(chat, ":advance to 2026-11-30 09:00 America/New_York")
    [sent] = [m for m in received(chat, "mo", "digest") if "*f*" in m.text]
    assert sent.at.isoformat() == "2026-11-30T12:00:00+00:00"  # Monday 07:00 New York


# -- 3. privacy delete ---------------------------------------------------------------------------------


def named_digest(chat: LocalChat) -> None:
    team(chat, "threshold 3", anonymous="no")
    run(chat, MONDAY_9)
    answer(chat, "bo", 2, "bo wrote this")
    answer(chat, "cy", 4, "cy wrote that")
    answer(chat, "di", 3, "di too")
    run(chat, AFTER_CLOSE)
    assert "> bo: bo wrote this" in digest(chat)


def test_delete_removes_my_named_quote_everywhere_and_rewrites_the_sent_digest(
    world: tuple[LocalChat, Coachbot],
) -> None:
    chat, core = world
    named_digest(chat)
    [original] = [r for r in outbox_rows(core) if r.kind == "digest"]
    assert original.platform_channel == "dm:mo"  # where the platform put it, to update it later
    run(chat, ":as bo", "privacy delete")
    reply = last_reply(chat)
    assert "Deleted 1 check-in and 3 answers" in reply
    assert "Removed 1 quote of your words" in reply
    assert "1 digest message that quoted you by name is being rewritten" in reply
    assert "Team totals and averages already shared stay" in reply
    with core.database.session() as session:
        [stored] = session.scalars(select(Digest)).all()
        bo = session.scalars(select(Person).where(Person.platform_id == "bo")).one()
        assert stored.aggregate is not None
        prompts = stored.aggregate["prompts"]
        assert bo.id not in [c["author"] for p in prompts for c in p["comments"] or ()]
        text = json.dumps(stored.aggregate)
        assert "bo wrote this" not in text and "cy wrote that" in text
        assert "bo wrote this" not in json.dumps([r.parts for r in session.scalars(select(OutboxMessage))])
        assert 3.0 in [p["mean"] for p in prompts]  # totals stay
    [update] = [r for r in outbox_rows(core) if r.kind == "update"]
    assert update.replaces_id == original.id
    assert update.person_id == original.person_id
    # App Home reads the stored digest.
    [shown] = core.home(Actor("local", "acme", "mo")).digests
    assert not any("bo wrote this" in p.text for p in shown.parts if isinstance(p, Quote))
    assert any("cy wrote that" in p.text for p in shown.parts if isinstance(p, Quote))


def test_the_update_names_the_message_it_rewrites(world: tuple[LocalChat, Coachbot]) -> None:
    chat, core = world
    named_digest(chat)
    [original] = [r for r in outbox_rows(core) if r.kind == "digest"]
    # Record the delete without delivering, then claim the update as an adapter would.
    core.handle(CommandIssued("del-1", Actor("local", "acme", "bo"), "privacy delete"))
    [message] = core.claim_due(platform="local")
    assert message.kind == "update" and message.person == "mo"
    assert message.replaces is not None
    assert (message.replaces.message_id, message.replaces.channel) == (
        original.platform_message_id,
        "dm:mo",
    )
    assert "bo wrote this" not in message.text and "cy wrote that" in message.text


def test_delete_in_an_anonymous_cadence_cleans_stored_digests_without_rewriting(
    world: tuple[LocalChat, Coachbot],
) -> None:
    chat, core = world
    team(chat, "threshold 3")
    run(chat, MONDAY_9)
    for who in MEMBERS[:3]:
        answer(chat, who, 4, f"anonymous words of {who}")
    run(chat, AFTER_CLOSE)
    assert "> anonymous words of bo" in digest(chat)
    run(chat, ":as bo", "privacy delete")
    reply = last_reply(chat)
    assert "Removed 1 quote of your words" in reply
    assert "rewritten" not in reply
    assert "never carried your name" in reply
    assert [r for r in outbox_rows(core) if r.kind == "update"] == []
    with core.database.session() as session:
        stored = json.dumps(session.scalars(select(Digest.aggregate)).one())
        assert "anonymous words of bo" not in stored and "anonymous words of cy" in stored


def test_delete_during_an_open_checkin_closes_it_cleanly(world: tuple[LocalChat, Coachbot]) -> None:
    chat, core = world
    team(chat)
    chat.transport.unreachable.add("bo")
    run(chat, MONDAY_9)
    assert {r.status for r in outbox_rows(core) if r.person_id and r.kind in ("nudge", "question")} >= {
        "held"
    }
    run(chat, ":as cy", "> 4", ":as bo", "privacy delete")
    assert "Your open check-in is closed" in last_reply(chat)
    assert checkins(core, "bo") == []
    with core.database.session() as session:
        bo = session.scalars(select(Person).where(Person.platform_id == "bo")).one()
        left = session.scalars(select(OutboxMessage).where(OutboxMessage.person_id == bo.id)).all()
        waiting = [r.kind for r in left if r.status in ("pending", "held")]
        assert not {"nudge", "question", "reminder"} & set(waiting), waiting
    # cy's delivered nudge thread is unaffected, and cy's check-in goes on.
    assert len(checkins(core, "cy")) == 1


def test_reply_in_an_erased_checkins_thread_is_not_run_as_a_command(
    world: tuple[LocalChat, Coachbot],
) -> None:
    chat, core = world
    team(chat)
    run(chat, MONDAY_9, ":as bo", "> 4", "privacy delete")
    nudge = received(chat, "bo", "nudge")[0]
    run(chat, f":reply {nudge.id} 4")
    reply = last_reply(chat)
    assert "I don't know" not in reply
    assert answers(core, "bo") == []


class Kept:
    """An adapter's own store, as the Teams adapter keeps conversation references."""

    name = "test_address"

    def __init__(self) -> None:
        self.data: dict[Actor, dict[str, Any]] = {}

    def describe(self, locale: str) -> str:
        return "Kept: the address to reach you." if locale == "en" else "⟦Kept⟧"

    def export(self, actor: Actor) -> dict[str, Any] | None:
        return self.data.get(actor)

    def erase(self, actor: Actor, *, session: Session) -> int:
        return 1 if self.data.pop(actor, None) is not None else 0


def test_holdings_are_described_exported_and_erased(world: tuple[LocalChat, Coachbot]) -> None:
    chat, core = world
    kept = Kept()
    core.register_holding(kept)
    bo = Actor("local", "acme", "bo")
    kept.data[bo] = {"conversation": "c-42"}
    team(chat)
    run(chat, ":as bo", "privacy")
    assert "Kept: the address to reach you." in last_reply(chat)
    [reply] = core.handle(CommandIssued("exp", bo, "privacy export"))
    data = json.loads(next(p for p in reply.parts if isinstance(p, Quote)).text)
    assert data["kept_by_adapters"] == {"test_address": {"conversation": "c-42"}}
    run(chat, "privacy delete")
    assert "Erased 1 record the chat connection kept about you." in last_reply(chat)
    assert kept.data == {}


# -- 4. a manager's own data ------------------------------------------------------------------------------


def test_a_managers_privacy_and_export_include_teams_and_digests(world: tuple[LocalChat, Coachbot]) -> None:
    chat, core = world
    named_digest(chat)
    run(chat, ":as mo", "privacy")
    assert "Teams you manage: t. Digests you received: 1" in last_reply(chat)
    [reply] = core.handle(CommandIssued("exp-mo", Actor("local", "acme", "mo"), "privacy export"))
    data = json.loads(next(p for p in reply.parts if isinstance(p, Quote)).text)
    assert data["manages"] == ["t"]
    [received_digest] = data["digests_received"]
    assert received_digest["cadence"] == "p" and received_digest["date"] == "2026-11-23"
    assert "bo: bo wrote this" in received_digest["text"]
    run(chat, ":as bo", "privacy")
    assert "Teams you manage" not in last_reply(chat)


def test_a_rating_typed_after_a_delete_is_not_read_as_a_command(world: tuple[LocalChat, Coachbot]) -> None:
    chat, core = world
    team(chat)
    run(chat, MONDAY_9, ":as bo", "> 4", "privacy delete", "4")
    reply = last_reply(chat)
    assert "I don't know" not in reply
    assert "You have no open check-in, so I did not keep that as an answer." in reply
    assert answers(core, "bo") == []
