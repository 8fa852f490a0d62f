"""Promises a check-in makes (issue 7): the threshold named in a nudge holds for its run (item 1),
a team smaller than K is told so (item 11), `cadence run` and the schedule never open a second
check-in of one cadence (item 7), reminders keep to working days (item 8).

The clock starts on Saturday 2026-11-21 12:00 UTC; the first Monday is 2026-11-23.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from adapters.local import LocalChat
from bot.core import Coachbot
from storage.models import CadenceRun, ScheduleSlot
from tests.bot.conversation_kit import MONDAY_9, NY, on_both_backends, pulse
from tests.bot.test_engine_helpers import checkins, local, received, run

SYDNEY = "Australia/Sydney"
FIVE = "bo cy di ed fi"

core = on_both_backends  # every test here runs on SQLite and, when configured, PostgreSQL


def runs(core: Coachbot) -> list[CadenceRun]:
    with core.database.session() as session:
        return list(session.scalars(select(CadenceRun).order_by(CadenceRun.id)))


def promise(chat: LocalChat, who: str) -> str:
    return received(chat, who, "nudge")[-1].text.splitlines()[1]


# -- item 1: the K a nudge names is the K its run keeps -------------------------------------------------


def test_the_run_keeps_the_threshold_its_nudges_named(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat, FIVE, extra=("threshold 4",))
    run(chat, MONDAY_9)
    assert promise(chat, "bo") == (
        "Your answers are anonymous: mo only sees totals, and only when at least 4 people have answered."
    )
    assert [r.threshold for r in runs(core)] == [4]


def test_a_stricter_k_raises_the_run_and_a_looser_one_never_lowers_it(
    chat: LocalChat, core: Coachbot
) -> None:
    # Sydney is nudged first (Monday 09:00 Sydney is Sunday evening in New York).
    pulse(chat, FIVE + " syd", zones={"syd": SYDNEY}, extra=("threshold 3",))
    run(chat, ":advance to 2026-11-23 09:00 Australia/Sydney")
    assert "at least 3 people" in promise(chat, "syd")
    assert [r.threshold for r in runs(core)] == [3]
    run(
        chat, ":as ada", "threshold 5", MONDAY_9
    )  # stricter: New York's nudges promise 5, and so does the run
    assert "at least 5 people" in promise(chat, "bo")
    assert [r.threshold for r in runs(core)] == [5]
    run(chat, ":as ada", "threshold 3")  # looser: the run stays at 5
    assert [r.threshold for r in runs(core)] == [5]


def test_a_team_smaller_than_k_is_told_nobody_will_see_figures(chat: LocalChat) -> None:
    pulse(chat, "bo cy", extra=("threshold 5",))
    run(chat, MONDAY_9)
    assert promise(chat, "bo") == (
        "This team has fewer than 5 people, so mo will not see any figures from it — "
        "your answers stay with you."
    )


# -- item 7: one open check-in per cadence, whoever starts it ----------------------------------------------


def test_a_scheduled_run_folds_into_a_check_in_started_by_hand(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat, window="3d")
    run(chat, ":advance to 2026-11-22 10:00 America/New_York", ":as ada", "cadence run p")  # Sunday
    assert [c.occurrence_date.isoformat() for c in checkins(core, "bo")] == ["2026-11-22"]
    run(chat, ":advance to 2026-11-23 12:00 America/New_York")  # Monday's 09:00 occurrence came and went
    assert [(c.occurrence_date.isoformat(), c.state) for c in checkins(core, "bo")] == [
        ("2026-11-22", "open")
    ]
    assert len(received(chat, "bo", "nudge")) == 1
    with core.database.session() as session:
        slot = session.scalars(select(ScheduleSlot)).one()
        assert slot.last_local_date is not None and slot.last_local_date.isoformat() == "2026-11-23"
        assert slot.next_local_date is not None and slot.next_local_date.isoformat() == "2026-11-30"


def test_cadence_run_while_the_scheduled_check_in_is_open_starts_nothing(
    chat: LocalChat, core: Coachbot
) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":advance to 2026-11-24 10:00 America/New_York", ":as ada", "cadence run p")
    assert [c.occurrence_date.isoformat() for c in checkins(core, "bo")] == ["2026-11-23"]
    assert len(received(chat, "bo", "nudge")) == 1
    # Once it is answered (no longer open), a hand-started run may open a new one.
    run(chat, ":as bo", "> 4", "> ok", "> 4", ":as ada", "cadence run p")
    assert [c.occurrence_date.isoformat() for c in checkins(core, "bo")] == ["2026-11-23", "2026-11-24"]


# -- item 8: reminders keep to working days ------------------------------------------------------------


def test_a_reminder_due_over_the_weekend_waits_for_monday(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat, window="4d")
    run(chat, ":as ada", "cadence remove p")
    run(chat, 'cadence add f --team t --audience members --every "weekly fri" --at 16:00 --window 4d')
    run(chat, ":advance to 2026-11-27 16:00 America/New_York")
    # The bot is down from Friday 16:00 until Saturday noon, when the reminder is long overdue.
    chat.clock.set(datetime(2026, 11, 28, 17, 0, tzinfo=UTC))
    core.tick()
    chat.deliver()
    assert received(chat, "bo", "reminder") == []
    run(chat, ":advance to 2026-11-30 12:00 America/New_York")
    assert [local(m.at, NY) for m in received(chat, "bo", "reminder")] == ["2026-11-30 07:00"]
