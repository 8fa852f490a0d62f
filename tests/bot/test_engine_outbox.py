"""The outbox across restarts and refusals: recorded before sent, sent once, held while unreachable."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from adapters.local import LocalChat
from adapters.local.transport import LocalTransport
from bot.clock import ManualClock
from bot.core import OUTBOX_LEASE, Coachbot
from bot.dispatch import deliver_due
from bot.events import Actor, ProfileSeen
from bot.prompts import PromptLibrary
from tests.bot.test_engine_helpers import last_reply, local, org, outbox_rows, received, run

NY = "America/New_York"
MONDAY_9 = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 09:00 in New York
WELCOMED = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # 07:00 in New York, when quiet hours end


def setup(chat: LocalChat, members: str = "bo cy") -> None:
    org(chat, {"mo": NY, **dict.fromkeys(members.split(), NY)})
    run(
        chat,
        "team create t --manager @mo",
        "team add t " + " ".join(f"@{m}" for m in members.split()),
        'cadence add p --team t --audience both --every "weekly mon" --at 09:00',
    )
    # The team welcome leaves at the members' first working moment (Monday 07:00); these tests are
    # about what follows it.
    chat.advance_to(WELCOMED)


def fresh_process(
    core: Coachbot, clock: ManualClock, library: PromptLibrary
) -> tuple[Coachbot, LocalTransport]:
    """What a restart gives: a new core and a new transport on the same database."""
    return Coachbot(database=core.database, clock=clock, library=library), LocalTransport(now=clock.now)


def deliver(core: Coachbot, transport: LocalTransport) -> int:
    return asyncio.run(deliver_due(core, transport))


def kinds(transport: LocalTransport) -> list[tuple[str, str]]:
    return sorted((m.person, m.kind) for m in transport.messages)


def test_tick_records_before_anything_is_sent(chat: LocalChat, core: Coachbot, clock: ManualClock) -> None:
    setup(chat)
    clock.set(MONDAY_9)
    core.tick()
    rows = outbox_rows(core)
    assert sorted(r.kind for r in rows) == ["nudge"] * 3 + ["question"] * 3
    assert {r.status for r in rows} == {"pending"}
    assert received(chat, "mo") == []


def test_restart_between_recorded_and_sent_delivers_each_once(
    chat: LocalChat, core: Coachbot, clock: ManualClock, library: PromptLibrary
) -> None:
    setup(chat)
    clock.set(MONDAY_9)
    core.tick()  # recorded; then the process dies before sending
    core2, transport2 = fresh_process(core, clock, library)
    core2.tick()  # the new process ticks again: nothing new is recorded
    assert len(outbox_rows(core2)) == 6
    assert deliver(core2, transport2) == 6
    assert kinds(transport2) == sorted(
        [(p, "nudge") for p in ("bo", "cy", "mo")] + [(p, "question") for p in ("bo", "cy", "mo")]
    )
    # Each question went into its person's nudge thread.
    for person in ("mo", "bo", "cy"):
        nudge = next(m for m in transport2.messages if m.person == person and m.kind == "nudge")
        question = next(m for m in transport2.messages if m.person == person and m.kind == "question")
        assert question.thread == nudge.id
    # A third process finds nothing left to send.
    core3, transport3 = fresh_process(core, clock, library)
    core3.tick()
    assert deliver(core3, transport3) == 0
    assert {r.status for r in outbox_rows(core3)} == {"sent"}


def test_a_message_leased_by_a_dead_process_is_sent_once_after_the_lease(
    chat: LocalChat, core: Coachbot, clock: ManualClock, library: PromptLibrary
) -> None:
    setup(chat, members="bo")
    clock.set(MONDAY_9)
    core.tick()
    claimed = core.claim_due(platform="local")  # the process that claims these dies now
    assert sorted((m.person, m.kind) for m in claimed) == [("bo", "nudge"), ("mo", "nudge")]

    core2, transport2 = fresh_process(core, clock, library)
    assert deliver(core2, transport2) == 0  # leased nudges wait, their questions wait behind them
    clock.advance(OUTBOX_LEASE / 2)
    assert deliver(core2, transport2) == 0

    clock.advance(OUTBOX_LEASE)
    assert deliver(core2, transport2) == 4
    assert kinds(transport2) == [("bo", "nudge"), ("bo", "question"), ("mo", "nudge"), ("mo", "question")]
    assert deliver(core2, transport2) == 0
    clock.advance(OUTBOX_LEASE * 3)
    assert deliver(core2, transport2) == 0


def test_sent_is_recorded_once_even_if_reported_twice(
    chat: LocalChat, core: Coachbot, clock: ManualClock
) -> None:
    setup(chat, members="bo")
    clock.set(MONDAY_9)
    core.tick()
    transport = LocalTransport(now=clock.now)
    assert deliver(core, transport) == 4
    rows = [r for r in outbox_rows(core) if r.kind == "nudge"]
    from bot.messages import Delivery

    core.message_sent(rows[0].id, Delivery(message_id="other", channel="x", thread="other"))
    after = [r for r in outbox_rows(core) if r.kind == "nudge"]
    assert after[0].platform_message_id == rows[0].platform_message_id


# -- unreachable people ------------------------------------------------------------------------------


def test_unreachable_person_is_held_shown_to_admins_and_released_once(
    chat: LocalChat, core: Coachbot
) -> None:
    setup(chat)
    chat.transport.unreachable.add("bo")
    run(chat, ":advance to 2026-11-23 09:30 America/New_York")
    assert received(chat, "bo") == []
    assert len(received(chat, "cy", "nudge")) == 1
    held = [r for r in outbox_rows(core) if r.status == "held"]
    assert sorted(r.kind for r in held) == ["nudge", "question"]

    run(chat, "status")  # as ada, the admin
    assert "*Can't be reached yet* (they need to install the app): bo" in last_reply(chat)
    run(chat, ":as cy", "status")
    assert "Can't be reached" not in last_reply(chat)

    chat.transport.unreachable.discard("bo")
    core.handle(ProfileSeen(Actor("local", "acme", "bo"), reachable=True))
    chat.deliver()
    chat.deliver()
    assert [m.kind for m in received(chat, "bo")] == ["nudge", "question"]
    assert received(chat, "bo")[1].thread == received(chat, "bo")[0].id
    run(chat, ":as ada", "status")
    assert "Can't be reached" not in last_reply(chat)
    core.handle(ProfileSeen(Actor("local", "acme", "bo"), reachable=True))
    chat.deliver()
    assert len(received(chat, "bo")) == 2


def test_messages_for_an_unreachable_person_wait_instead_of_failing(chat: LocalChat, core: Coachbot) -> None:
    setup(chat, members="bo")
    chat.transport.unreachable.add("bo")
    run(chat, ":advance to 2026-11-24 12:00 America/New_York")
    assert received(chat, "bo") == []
    bo = [r for r in outbox_rows(core) if r.status != "sent"]
    assert sorted(r.kind for r in bo) == ["nudge", "question", "reminder"]
    assert {r.status for r in bo} == {"held"}
    assert {r.attempts for r in bo} <= {0, 1}  # refused once, not retried in a loop


def test_released_messages_still_respect_quiet_hours(chat: LocalChat, core: Coachbot) -> None:
    setup(chat, members="bo")
    run(chat, "quiet-hours 20:00-07:00")
    chat.transport.unreachable.add("bo")
    run(chat, ":advance to 2026-11-23 09:30 America/New_York")  # bo's nudge is held
    run(chat, ":advance to 2026-11-24 04:00 America/New_York")  # the middle of bo's night
    chat.transport.unreachable.discard("bo")
    core.handle(ProfileSeen(Actor("local", "acme", "bo"), reachable=True))
    run(chat, ":advance 30m")
    assert received(chat, "bo") == []  # not at 04:30
    run(chat, ":advance to 2026-11-24 08:00 America/New_York")
    assert [(m.kind, local(m.at, NY)) for m in received(chat, "bo")][:2] == [
        ("nudge", "2026-11-24 07:00"),
        ("question", "2026-11-24 07:00"),
    ]


def test_release_after_the_window_closed_drops_the_stale_prompts(chat: LocalChat, core: Coachbot) -> None:
    setup(chat, members="bo")
    chat.transport.unreachable.add("bo")
    run(chat, ":advance to 2026-11-26 12:00 America/New_York")  # bo's two-day window has closed
    chat.transport.unreachable.discard("bo")
    core.handle(ProfileSeen(Actor("local", "acme", "bo"), reachable=True))
    run(chat, ":advance 1h")
    assert received(chat, "bo") == []  # no nudge for a check-in that can no longer be answered
    assert {r.status for r in outbox_rows(core) if r.kind in ("nudge", "question")} >= {"expired"}
