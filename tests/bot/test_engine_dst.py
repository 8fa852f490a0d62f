"""Daylight-saving changes at core level: one nudge per local day, none skipped, wall time kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.local import LocalChat
from bot.clock import ManualClock
from tests.bot.test_engine_helpers import nudge_times, org, run


@pytest.fixture
def clock() -> ManualClock:
    # Early in 2026, so that every transition of the year is still ahead.
    return ManualClock(datetime(2026, 1, 2, 12, 0, tzinfo=UTC))


def daily_for(chat: LocalChat, zone: str, at: str, start: str) -> None:
    """Every day counts, no quiet hours: only DST decides when the nudge goes."""
    run(chat, f":advance to {start} {zone}")
    org(chat, {"mo": zone}, extra=("workdays mon-sun", "quiet-hours off", "team create t --manager @mo"))
    run(chat, f"cadence add c --team t --audience manager --every daily --at {at} --window 2h")


def by_day(times: list[datetime]) -> dict[str, list[str]]:
    days: dict[str, list[str]] = {}
    for t in times:
        days.setdefault(f"{t:%Y-%m-%d}", []).append(f"{t:%H:%M}")
    return days


def test_new_york_fall_back_at_0130_nudges_once(chat: LocalChat) -> None:
    # 2026-11-01: 01:00–02:00 happens twice in New York.
    daily_for(chat, "America/New_York", "01:30", "2026-10-30 12:00")
    run(chat, ":advance to 2026-11-03 12:00 America/New_York")
    times = nudge_times(chat, "mo", "America/New_York")
    assert by_day(times) == {
        "2026-10-31": ["01:30"],
        "2026-11-01": ["01:30"],
        "2026-11-02": ["01:30"],
        "2026-11-03": ["01:30"],
    }
    # The one on the transition day is the first 01:30 (EDT, UTC-4).
    nov1 = next(t for t in times if t.day == 1)
    assert nov1.utcoffset() == timedelta(hours=-4)


def test_berlin_spring_forward_at_0230_is_not_skipped(chat: LocalChat) -> None:
    # 2026-03-29: 02:00–03:00 does not exist in Berlin; the nudge goes at 03:30 CEST instead.
    daily_for(chat, "Europe/Berlin", "02:30", "2026-03-27 12:00")
    run(chat, ":advance to 2026-03-31 12:00 Europe/Berlin")
    assert by_day(nudge_times(chat, "mo", "Europe/Berlin")) == {
        "2026-03-28": ["02:30"],
        "2026-03-29": ["03:30"],
        "2026-03-30": ["02:30"],
        "2026-03-31": ["02:30"],
    }


def test_sydney_autumn_fall_back_at_0230_nudges_once(chat: LocalChat) -> None:
    # 2026-04-05: 02:00–03:00 happens twice in Sydney.
    daily_for(chat, "Australia/Sydney", "02:30", "2026-04-03 12:00")
    run(chat, ":advance to 2026-04-07 12:00 Australia/Sydney")
    times = nudge_times(chat, "mo", "Australia/Sydney")
    assert by_day(times) == {
        "2026-04-04": ["02:30"],
        "2026-04-05": ["02:30"],
        "2026-04-06": ["02:30"],
        "2026-04-07": ["02:30"],
    }
    assert next(t for t in times if t.day == 5).utcoffset() == timedelta(hours=11)


def test_sydney_spring_forward_at_0230_is_not_skipped(chat: LocalChat) -> None:
    # 2026-10-04: 02:00–03:00 does not exist in Sydney.
    daily_for(chat, "Australia/Sydney", "02:30", "2026-10-02 12:00")
    run(chat, ":advance to 2026-10-06 12:00 Australia/Sydney")
    assert by_day(nudge_times(chat, "mo", "Australia/Sydney")) == {
        "2026-10-03": ["02:30"],
        "2026-10-04": ["03:30"],
        "2026-10-05": ["02:30"],
        "2026-10-06": ["02:30"],
    }


@pytest.mark.parametrize(
    ("zone", "before", "after", "offsets"),
    [
        ("America/New_York", "2026-03-06", "2026-03-10", (-5, -4)),
        ("America/New_York", "2026-10-30", "2026-11-03", (-4, -5)),
        ("Europe/Berlin", "2026-03-27", "2026-03-31", (1, 2)),
        ("Europe/Berlin", "2026-10-23", "2026-10-27", (2, 1)),
        ("Australia/Sydney", "2026-04-03", "2026-04-07", (11, 10)),
        ("Australia/Sydney", "2026-10-02", "2026-10-06", (10, 11)),
    ],
)
def test_nine_oclock_stays_nine_oclock_across_each_change(
    chat: LocalChat, zone: str, before: str, after: str, offsets: tuple[int, int]
) -> None:
    daily_for(chat, zone, "09:00", f"{before} 00:00")
    run(chat, f":advance to {after} 23:00 {zone}")
    times = nudge_times(chat, "mo", zone)
    assert len(times) == 5  # one per local day, both ends included
    assert {f"{t:%H:%M}" for t in times} == {"09:00"}
    assert len({t.date() for t in times}) == 5
    assert times[0].utcoffset() == timedelta(hours=offsets[0])
    assert times[-1].utcoffset() == timedelta(hours=offsets[1])
