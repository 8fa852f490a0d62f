"""Schedules never lose an occurrence: a command between a nudge's due time and the next tick.

The cadence is due at 09:00 New York time on Monday 2026-11-23; the commands run at 09:00:05,
before the scheduler's next tick. Whatever they recompute, everyone still due that day is nudged
that day — unless the change really takes the date away from them (vacation on it, left the team).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from adapters.local import LocalChat
from adapters.server import Scheduler
from bot.clock import ManualClock
from bot.core import Coachbot
from bot.messages import Delivery, OutboundMessage
from storage.models import ScheduleSlot
from tests.bot.test_engine_helpers import checkins, nudge_times, org, run

NY = "America/New_York"
MONDAY_0900 = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo(NY))
MONDAY_090005 = datetime(2026, 11, 23, 9, 0, 5, tzinfo=ZoneInfo(NY))


def _team(chat: LocalChat, clock: ManualClock, *, stop: datetime = MONDAY_090005) -> None:
    org(chat, {"mo": NY, "bo": NY, "cy": NY, "dee": NY}, extra=("team create t --manager @mo",))
    run(chat, "team add t @bo @cy")
    run(chat, 'cadence add p --team t --audience both --every "weekly mon" --at 09:00 --window 2h')
    run(chat, ":advance to 2026-11-23 08:59 America/New_York")
    # The tick at 09:00 has not come yet: time moves without one, as while a long send-out runs.
    clock.set(stop)


def _nudged_monday(chat: LocalChat, who: str) -> bool:
    return any(t.date() == MONDAY_0900.date() for t in nudge_times(chat, who, NY))


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param((":as ada", "team add t @dee"), id="team-add"),
        pytest.param((":as ada", "quiet-hours 21:00-06:00"), id="quiet-hours"),
        pytest.param((":as ada", "workdays mon-fri"), id="workdays-unchanged"),
        pytest.param((":as bo", "vacation 2027-11-22 2027-11-26"), id="vacation-next-year"),
        pytest.param((":person bo tz=America/Toronto",), id="zone-refresh"),
        pytest.param((":as bo", "vacation clear"), id="vacation-clear"),
    ],
)
def test_a_refresh_at_090005_loses_nobody(
    chat: LocalChat, clock: ManualClock, lines: tuple[str, ...]
) -> None:
    _team(chat, clock)
    run(chat, *lines)
    run(chat, ":advance 1h")
    for who in ("mo", "bo", "cy"):
        assert _nudged_monday(chat, who), (lines, who)


def test_quiet_hours_that_now_cover_the_time_defer_the_nudge_to_the_same_day(
    chat: LocalChat, clock: ManualClock
) -> None:
    _team(chat, clock)
    run(chat, ":as ada", "quiet-hours 20:00-09:30")
    run(chat, ":advance 2h")
    assert [f"{t:%a %d %H:%M}" for t in nudge_times(chat, "bo", NY)] == ["Mon 23 09:30"]


def test_vacation_today_still_removes_the_due_nudge(chat: LocalChat, clock: ManualClock) -> None:
    _team(chat, clock)
    run(chat, ":as bo", "vacation 2026-11-23 2026-11-23")
    run(chat, ":advance 1h")
    assert not _nudged_monday(chat, "bo")
    assert _nudged_monday(chat, "cy")


def test_leaving_the_team_still_removes_the_due_nudge(chat: LocalChat, clock: ManualClock) -> None:
    _team(chat, clock)
    run(chat, ":as ada", "team remove t @bo")
    run(chat, ":advance 1h")
    assert not _nudged_monday(chat, "bo")
    assert _nudged_monday(chat, "cy")


def test_a_resumed_cadence_does_not_send_what_fell_due_while_paused(
    chat: LocalChat, clock: ManualClock
) -> None:
    _team(chat, clock, stop=datetime(2026, 11, 23, 8, 59, 30, tzinfo=ZoneInfo(NY)))
    run(chat, ":as ada", "cadence pause p")
    clock.set(MONDAY_090005)
    run(chat, "cadence resume p")
    run(chat, ":advance 1h")
    assert not _nudged_monday(chat, "bo")


def test_a_skip_still_skips_the_due_occurrence(chat: LocalChat, clock: ManualClock) -> None:
    _team(chat, clock)
    run(chat, ":as bo", "skip p")
    run(chat, ":advance 1h")
    assert not _nudged_monday(chat, "bo")
    assert _nudged_monday(chat, "cy")


def test_the_kept_occurrence_keeps_its_due_time(chat: LocalChat, clock: ManualClock, core: Coachbot) -> None:
    _team(chat, clock)
    run(chat, ":as ada", "workdays mon-fri")
    with core.database.session() as session:
        dues = {slot.next_due_at for slot in session.query(ScheduleSlot)}
    assert dues == {MONDAY_0900}


# -- the scheduler keeps ticking while a send-out runs ---------------------------------------------


class _StuckTransport:
    """A platform that takes every message but answers only once released (a long send-out)."""

    platform = "local"

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.waiting = 0

    async def send(self, message: OutboundMessage) -> Delivery:
        self.waiting += 1
        await self.release.wait()
        return Delivery(message_id=f"m{message.id}")


def test_ticks_go_on_while_the_sender_is_stuck(chat: LocalChat, clock: ManualClock, core: Coachbot) -> None:
    org(chat, {"mo": NY, "bo": NY}, extra=("team create t --manager @mo", "quiet-hours off"))
    run(chat, "team add t @bo")
    run(chat, 'cadence add a --team t --audience manager --every "weekly mon" --at 09:00')
    run(chat, 'cadence add b --team t --audience members --every "weekly mon" --at 09:05')
    run(chat, ":advance to 2026-11-23 08:59 America/New_York")

    async def scenario() -> None:
        transport = _StuckTransport()
        scheduler = Scheduler(core, [transport], seconds=0.05)
        task = asyncio.create_task(scheduler.run())
        try:
            clock.set(MONDAY_0900)
            await _until(lambda: transport.waiting > 0)  # cadence a's nudge is being sent, and stuck
            clock.set(datetime(2026, 11, 23, 9, 5, tzinfo=ZoneInfo(NY)))
            await _until(lambda: len(checkins(core)) == 2)  # cadence b opened meanwhile
            transport.release.set()
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    asyncio.run(scenario())


async def _until(condition: Callable[[], bool], *, seconds: float = 10.0) -> None:
    """Wait (bounded) for something the scheduler's tasks do in the background."""
    for _ in range(int(seconds / 0.01)):
        if await asyncio.to_thread(condition):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the scheduler did not get there in time")
