"""Scheduling policy: recurrences via APScheduler in wall space, DST, working days, quiet hours."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot import schedule
from bot.domain import Recurrence
from bot.schedule import (
    LocalPolicy,
    Occurrence,
    add_working_time,
    end_of_quiet_hours,
    in_quiet_hours,
    is_working_time,
    local_today,
    next_occurrence,
    to_instant,
    wall_occurrences,
)

NY = "America/New_York"
BERLIN = "Europe/Berlin"
SYDNEY = "Australia/Sydney"
ALL_DAYS = frozenset(range(7))
DAILY = Recurrence(kind="daily")
ANCHOR = date(2025, 1, 1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(tz: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware instant given as local wall time (fold=0)."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


def run(
    recurrence: Recurrence,
    at: time,
    policy: LocalPolicy,
    start: datetime,
    until: date,
    *,
    anchor: date = ANCHOR,
    feed_last_date: bool = True,
) -> Iterator[Occurrence]:
    """Drive next_occurrence the way the scheduler does: feed back due_at and the local date."""
    after, last = start, None
    for _ in range(500):
        occ = next_occurrence(recurrence, at, policy=policy, anchor=anchor, after=after, last_local_date=last)
        if occ.local_date > until:
            return
        yield occ
        after = occ.due_at
        last = occ.local_date if feed_last_date else None
    raise AssertionError("runaway loop")


def dates(occurrences: Iterator[Occurrence]) -> list[date]:
    return [o.local_date for o in occurrences]


def consecutive(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# --- the APScheduler trap we avoid ------------------------------------------------------------


def test_plain_cron_trigger_fires_twice_when_clocks_go_back() -> None:
    """Documents why we never run CronTrigger in the real zone: on 2026-11-01 the wall time 01:30
    happens twice in New York, and APScheduler 3.11 fires on both (05:30 and 06:30 UTC)."""
    trigger = CronTrigger(hour=1, minute=30, timezone=NY)
    now = local(NY, 2026, 10, 31, 12)
    previous = None
    fires = []
    for _ in range(4):
        previous = trigger.get_next_fire_time(previous, now)
        now = previous
        fires.append(previous)
    on_the_day = [f for f in fires if f.date() == date(2026, 11, 1)]
    assert len(on_the_day) == 2
    assert [f.astimezone(UTC) for f in on_the_day] == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)]


def test_plain_cron_trigger_returns_nonexistent_time_when_clocks_go_forward() -> None:
    """APScheduler 3.11 does not skip the spring-forward day: it returns 02:30 with the EST offset,
    a wall time that never appears on a New York clock (it is 03:30 EDT)."""
    trigger = CronTrigger(hour=2, minute=30, timezone=NY)
    fire = trigger.get_next_fire_time(None, local(NY, 2026, 3, 8, 0))
    assert (fire.hour, fire.minute, fire.utcoffset()) == (2, 30, timedelta(hours=-5))
    assert fire.astimezone(UTC) == utc(2026, 3, 8, 7, 30)
    assert fire.astimezone(UTC).astimezone(ZoneInfo(NY)).hour == 3


# --- DST ----------------------------------------------------------------------------------


@pytest.mark.parametrize("feed_last_date", [True, False])
def test_fall_back_new_york_one_occurrence_per_local_date(feed_last_date: bool) -> None:
    policy = LocalPolicy(NY, workdays=ALL_DAYS)
    occs = list(
        run(
            DAILY,
            time(1, 30),
            policy,
            local(NY, 2026, 10, 30, 0),
            date(2026, 11, 3),
            feed_last_date=feed_last_date,
        )
    )
    assert dates(iter(occs)) == consecutive(date(2026, 10, 30), date(2026, 11, 3))
    by_date = {o.local_date: o.due_at for o in occs}
    assert by_date[date(2026, 10, 31)] == utc(2026, 10, 31, 5, 30)  # EDT
    assert by_date[date(2026, 11, 1)] == utc(2026, 11, 1, 5, 30)  # first 01:30, still EDT
    assert by_date[date(2026, 11, 2)] == utc(2026, 11, 2, 6, 30)  # EST
    assert all(o.skipped is None for o in occs)


def test_fall_back_with_default_workdays_marks_weekend_but_keeps_one_per_date() -> None:
    occs = list(run(DAILY, time(1, 30), LocalPolicy(NY), local(NY, 2026, 10, 30, 0), date(2026, 11, 3)))
    assert dates(iter(occs)) == consecutive(date(2026, 10, 30), date(2026, 11, 3))
    assert [o.skipped for o in occs] == [None, "non-working day", "non-working day", None, None]


def test_after_in_second_pass_of_repeated_hour_does_not_return_past_instant() -> None:
    # 06:15 UTC is 01:15 EST, the second pass; today's 01:30 (first pass, 05:30 UTC) is already past.
    occ = next_occurrence(
        DAILY,
        time(1, 30),
        policy=LocalPolicy(NY, workdays=ALL_DAYS),
        anchor=ANCHOR,
        after=utc(2026, 11, 1, 6, 15),
    )
    assert occ.local_date == date(2026, 11, 2)
    assert occ.due_at == utc(2026, 11, 2, 6, 30)


TRANSITIONS = [
    # zone, transition local date, wall time, expected UTC instant of that day's occurrence
    pytest.param(NY, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 30), id="new-york-spring-gap"),
    pytest.param(NY, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30), id="new-york-fall-repeat"),
    pytest.param(BERLIN, date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 30), id="berlin-spring-gap"),
    pytest.param(BERLIN, date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30), id="berlin-fall-repeat"),
    pytest.param(SYDNEY, date(2026, 10, 4), time(2, 30), utc(2026, 10, 3, 16, 30), id="sydney-spring-gap"),
    pytest.param(SYDNEY, date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 15, 30), id="sydney-fall-repeat"),
]


@pytest.mark.parametrize(("tz", "day", "at", "expected"), TRANSITIONS)
def test_transition_day_has_exactly_one_occurrence(tz: str, day: date, at: time, expected: datetime) -> None:
    policy = LocalPolicy(tz, workdays=ALL_DAYS)
    start = to_instant(datetime.combine(day - timedelta(days=3), time(0)), tz)
    occs = list(run(DAILY, at, policy, start, day + timedelta(days=3)))
    assert dates(iter(occs)) == consecutive(day - timedelta(days=3), day + timedelta(days=3))
    (on_day,) = [o for o in occs if o.local_date == day]
    assert on_day.due_at == expected
    # Every due instant is strictly increasing: nothing fires twice, nothing goes backwards.
    dues = [o.due_at for o in occs]
    assert dues == sorted(set(dues))


@pytest.mark.parametrize(("tz", "day", "at", "expected"), TRANSITIONS)
def test_transition_wall_time_to_instant(tz: str, day: date, at: time, expected: datetime) -> None:
    instant = to_instant(datetime.combine(day, at), tz)
    assert instant == expected
    shown = instant.astimezone(ZoneInfo(tz))
    assert shown.date() == day
    # A repeated 02:30 (or 01:30) keeps its wall time; one inside the gap is shown an hour later.
    assert (shown.hour, shown.minute) in {(at.hour, at.minute), (at.hour + 1, at.minute)}


@pytest.mark.parametrize(
    ("tz", "before", "after"),
    [
        (NY, date(2026, 3, 6), date(2026, 3, 9)),
        (NY, date(2026, 10, 30), date(2026, 11, 2)),
        (BERLIN, date(2026, 3, 27), date(2026, 3, 30)),
        (BERLIN, date(2026, 10, 23), date(2026, 10, 26)),
        (SYDNEY, date(2026, 4, 3), date(2026, 4, 6)),
        (SYDNEY, date(2026, 10, 2), date(2026, 10, 5)),
    ],
)
def test_nine_oclock_stays_nine_oclock_across_transitions(tz: str, before: date, after: date) -> None:
    policy = LocalPolicy(tz, workdays=ALL_DAYS)
    occs = {
        o.local_date: o
        for o in run(DAILY, time(9), policy, to_instant(datetime.combine(before, time(0)), tz), after)
    }
    assert set(occs) == set(consecutive(before, after))
    for occ in occs.values():
        shown = occ.due_at.astimezone(ZoneInfo(tz))
        assert (shown.date(), shown.hour, shown.minute) == (occ.local_date, 9, 0)
    # The UTC instant moved by exactly one hour relative to whole days.
    drift = occs[after].due_at - occs[before].due_at - (after - before)
    assert abs(drift) == timedelta(hours=1)


@pytest.mark.parametrize(
    ("wall", "tz", "expected"),
    [
        (datetime(2026, 3, 8, 2, 30), NY, utc(2026, 3, 8, 7, 30)),  # gap -> 03:30 EDT
        (datetime(2026, 3, 8, 3, 30), NY, utc(2026, 3, 8, 7, 30)),  # the same instant, named properly
        (datetime(2026, 11, 1, 1, 30), NY, utc(2026, 11, 1, 5, 30)),  # repeat -> first (EDT)
        (datetime(2026, 7, 1, 12, 0), NY, utc(2026, 7, 1, 16, 0)),
        (datetime(2026, 1, 1, 12, 0), SYDNEY, utc(2026, 1, 1, 1, 0)),
        (datetime(2026, 1, 1, 12, 0), "UTC", utc(2026, 1, 1, 12, 0)),
    ],
)
def test_to_instant(wall: datetime, tz: str, expected: datetime) -> None:
    result = to_instant(wall, tz)
    assert result == expected
    assert result.tzinfo is UTC


def test_to_instant_rejects_aware_input() -> None:
    with pytest.raises(ValueError):
        to_instant(utc(2026, 1, 1), NY)


# --- recurrence kinds -----------------------------------------------------------------------


def window(
    recurrence: Recurrence, first: date, last: date, *, anchor: date = ANCHOR, tz: str = NY
) -> list[date]:
    policy = LocalPolicy(tz, workdays=ALL_DAYS)
    start = to_instant(datetime.combine(first, time(0)), tz)
    return dates(run(recurrence, time(9), policy, start, last, anchor=anchor))


@pytest.mark.parametrize(
    ("recurrence", "first", "last", "expected"),
    [
        pytest.param(
            Recurrence(kind="weekdays"),
            date(2026, 1, 1),
            date(2026, 1, 11),
            [date(2026, 1, d) for d in (1, 2, 5, 6, 7, 8, 9)],
            id="weekdays",
        ),
        pytest.param(
            Recurrence(kind="weekly", weekday=0),
            date(2026, 1, 1),
            date(2026, 2, 1),
            [date(2026, 1, d) for d in (5, 12, 19, 26)],
            id="weekly-mon",
        ),
        pytest.param(
            Recurrence(kind="monthly_day", day=15),
            date(2026, 1, 1),
            date(2026, 4, 30),
            [date(2026, m, 15) for m in (1, 2, 3, 4)],
            id="monthly-15",
        ),
        pytest.param(
            Recurrence(kind="monthly_day", day=-1),
            date(2026, 1, 1),
            date(2026, 6, 30),
            [
                date(2026, 1, 31),
                date(2026, 2, 28),
                date(2026, 3, 31),
                date(2026, 4, 30),
                date(2026, 5, 31),
                date(2026, 6, 30),
            ],
            id="monthly-last",
        ),
        pytest.param(
            Recurrence(kind="monthly_day", day=-1),
            date(2028, 2, 1),
            date(2028, 3, 1),
            [date(2028, 2, 29)],
            id="monthly-last-leap-year",
        ),
        pytest.param(
            Recurrence(kind="monthly_nth", nth="first", weekday=0),
            date(2026, 1, 1),
            date(2026, 6, 30),
            [
                date(2026, 1, 5),
                date(2026, 2, 2),
                date(2026, 3, 2),
                date(2026, 4, 6),
                date(2026, 5, 4),
                date(2026, 6, 1),
            ],
            id="monthly-first-mon",
        ),
        pytest.param(
            Recurrence(kind="monthly_nth", nth="last", weekday=4),
            date(2026, 10, 1),
            date(2027, 2, 28),
            [
                date(2026, 10, 30),
                date(2026, 11, 27),
                date(2026, 12, 25),
                date(2027, 1, 29),
                date(2027, 2, 26),
            ],
            id="monthly-last-fri",
        ),
        pytest.param(
            Recurrence(kind="weekly", weekday=1, interval_weeks=2),
            date(2025, 12, 20),
            date(2026, 2, 5),
            [date(2025, 12, 23), date(2026, 1, 6), date(2026, 1, 20), date(2026, 2, 3)],
            id="every-2-weeks-tue-across-new-year",
        ),
        pytest.param(
            Recurrence(kind="weekly", weekday=1, interval_weeks=2),
            date(2026, 2, 25),
            date(2026, 4, 15),
            [date(2026, 3, 3), date(2026, 3, 17), date(2026, 3, 31), date(2026, 4, 14)],
            id="every-2-weeks-tue-across-dst",
        ),
        pytest.param(
            Recurrence(kind="weekly", weekday=4, interval_weeks=3),
            date(2026, 1, 1),
            date(2026, 2, 28),
            [date(2026, 1, 16), date(2026, 2, 6), date(2026, 2, 27)],
            id="every-3-weeks-fri",
        ),
    ],
)
def test_recurrence_kinds(recurrence: Recurrence, first: date, last: date, expected: list[date]) -> None:
    assert window(recurrence, first, last, anchor=date(2025, 12, 20)) == expected


def test_every_two_weeks_keeps_local_time_across_dst() -> None:
    policy = LocalPolicy(NY, workdays=ALL_DAYS)
    rec = Recurrence(kind="weekly", weekday=1, interval_weeks=2)
    occs = list(
        run(rec, time(9), policy, local(NY, 2026, 2, 25), date(2026, 4, 15), anchor=date(2025, 12, 20))
    )
    assert [o.due_at.astimezone(ZoneInfo(NY)).hour for o in occs] == [9, 9, 9, 9]
    assert [o.due_at.hour for o in occs] == [14, 13, 13, 13]  # EST then EDT


@pytest.mark.parametrize(
    ("anchor", "expected_first"),
    [
        (date(2025, 12, 20), date(2026, 1, 6)),  # first Tue on/after is 12-23
        (date(2025, 12, 23), date(2026, 1, 6)),  # the anchor itself is a Tuesday
        (date(2025, 12, 9), date(2026, 1, 6)),  # two weeks earlier: same weeks
        (date(2025, 12, 24), date(2026, 1, 13)),  # first Tue on/after is 12-30: the other weeks
        (date(2026, 1, 12), date(2026, 1, 13)),
    ],
)
def test_every_two_weeks_is_anchored(anchor: date, expected_first: date) -> None:
    rec = Recurrence(kind="weekly", weekday=1, interval_weeks=2)
    got = window(rec, date(2026, 1, 1), date(2026, 1, 31), anchor=anchor)
    assert got[0] == expected_first
    assert all((b - a).days == 14 for a, b in pairwise(got))


def test_every_two_weeks_asked_mid_cycle() -> None:
    rec = Recurrence(kind="weekly", weekday=1, interval_weeks=2)
    occ = next_occurrence(
        rec,
        time(9),
        policy=LocalPolicy(NY),
        anchor=date(2025, 12, 23),
        after=local(NY, 2026, 1, 7, 12),
    )
    assert occ.local_date == date(2026, 1, 20)


def test_wall_occurrences_is_strictly_after() -> None:
    walls = wall_occurrences(DAILY, time(9), anchor=ANCHOR, after_local=datetime(2026, 1, 1, 9, 0))
    assert next(walls) == datetime(2026, 1, 2, 9, 0)
    assert next(walls) == datetime(2026, 1, 3, 9, 0)
    walls = wall_occurrences(
        DAILY, time(9), anchor=ANCHOR, after_local=datetime(2026, 1, 1, 8, 59, 59, 999999)
    )
    assert next(walls) == datetime(2026, 1, 1, 9, 0)


def test_wall_occurrences_interval_before_anchor_starts_at_anchor() -> None:
    rec = Recurrence(kind="weekly", weekday=2, interval_weeks=2)
    walls = wall_occurrences(rec, time(8, 15), anchor=date(2026, 5, 1), after_local=datetime(2026, 1, 1))
    assert [next(walls) for _ in range(2)] == [datetime(2026, 5, 6, 8, 15), datetime(2026, 5, 20, 8, 15)]


def test_wall_occurrences_rejects_aware() -> None:
    with pytest.raises(ValueError):
        next(wall_occurrences(DAILY, time(9), anchor=ANCHOR, after_local=utc(2026, 1, 1)))


@pytest.mark.parametrize(
    "recurrence",
    [
        Recurrence(kind="weekly"),
        Recurrence(kind="weekly", weekday=7),
        Recurrence(kind="weekly", weekday=1, interval_weeks=0),
        Recurrence(kind="monthly_day"),
        Recurrence(kind="monthly_day", day=29),
        Recurrence(kind="monthly_day", day=0),
        Recurrence(kind="monthly_nth", weekday=1),
        Recurrence(kind="monthly_nth", nth="first"),
    ],
)
def test_invalid_recurrence_raises(recurrence: Recurrence) -> None:
    with pytest.raises(ValueError):
        next(wall_occurrences(recurrence, time(9), anchor=ANCHOR, after_local=datetime(2026, 1, 1)))


# --- working days, vacations, skips ----------------------------------------------------------


def test_default_workdays_mark_weekend() -> None:
    occs = list(run(DAILY, time(9), LocalPolicy(NY), local(NY, 2026, 1, 5), date(2026, 1, 11)))
    assert dates(iter(occs)) == consecutive(date(2026, 1, 5), date(2026, 1, 11))
    assert [o.skipped for o in occs] == [None] * 5 + ["non-working day"] * 2


def test_custom_sunday_to_thursday_week() -> None:
    policy = LocalPolicy("Asia/Jerusalem", workdays=frozenset({6, 0, 1, 2, 3}))
    occs = list(run(DAILY, time(9), policy, local("Asia/Jerusalem", 2026, 1, 4), date(2026, 1, 10)))
    reasons = {o.local_date.strftime("%a"): o.skipped for o in occs}
    assert reasons == {
        "Sun": None,
        "Mon": None,
        "Tue": None,
        "Wed": None,
        "Thu": None,
        "Fri": "non-working day",
        "Sat": "non-working day",
    }


def test_vacation_range_is_inclusive_and_skip_dates() -> None:
    policy = LocalPolicy(
        NY,
        vacations=((date(2026, 1, 7), date(2026, 1, 9)),),
        skip_dates=frozenset({date(2026, 1, 13)}),
    )
    occs = list(run(Recurrence(kind="weekdays"), time(9), policy, local(NY, 2026, 1, 5), date(2026, 1, 14)))
    assert {o.local_date.day: o.skipped for o in occs} == {
        5: None,
        6: None,
        7: "vacation",
        8: "vacation",
        9: "vacation",
        12: None,
        13: "skipped",
        14: None,
    }


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2026, 1, 10), "non-working day"),  # Saturday, also on vacation and skipped
        (date(2026, 1, 12), "vacation"),  # Monday, on vacation and skipped
        (date(2026, 1, 19), "skipped"),
        (date(2026, 1, 20), None),
    ],
)
def test_skip_reason_priority(day: date, reason: str | None) -> None:
    policy = LocalPolicy(
        NY,
        vacations=((date(2026, 1, 10), date(2026, 1, 12)),),
        skip_dates=frozenset({date(2026, 1, 10), date(2026, 1, 12), date(2026, 1, 19)}),
    )
    occ = next_occurrence(
        DAILY, time(9), policy=policy, anchor=ANCHOR, after=to_instant(datetime.combine(day, time(0)), NY)
    )
    assert occ.local_date == day
    assert occ.skipped == reason


# --- quiet hours and working time ------------------------------------------------------------

NIGHT = LocalPolicy(NY, quiet_start=time(20), quiet_end=time(7))


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [
        (19, 59, False),
        (20, 0, True),
        (23, 0, True),
        (0, 0, True),
        (6, 59, True),
        (7, 0, False),
        (12, 0, False),
    ],
)
def test_quiet_hours_wrap_midnight(hour: int, minute: int, quiet: bool) -> None:
    assert in_quiet_hours(local(NY, 2026, 1, 6, hour, minute), NIGHT) is quiet


@pytest.mark.parametrize(("hour", "quiet"), [(11, False), (12, True), (12, True), (13, False)])
def test_quiet_hours_same_day_window(hour: int, quiet: bool) -> None:
    policy = LocalPolicy(BERLIN, quiet_start=time(12), quiet_end=time(13))
    assert in_quiet_hours(local(BERLIN, 2026, 1, 6, hour), policy) is quiet


def test_no_quiet_hours() -> None:
    assert not in_quiet_hours(utc(2026, 1, 6, 3), LocalPolicy(NY))
    assert end_of_quiet_hours(utc(2026, 1, 6, 3), LocalPolicy(NY)) == utc(2026, 1, 6, 3)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (local(NY, 2026, 1, 6, 23), local(NY, 2026, 1, 7, 7)),
        (local(NY, 2026, 1, 6, 6), local(NY, 2026, 1, 6, 7)),
        (local(NY, 2026, 1, 6, 12), local(NY, 2026, 1, 6, 12)),
        (local(NY, 2026, 3, 7, 22), local(NY, 2026, 3, 8, 7)),  # a 23-hour night, still 07:00 local
        (local(NY, 2026, 10, 31, 22), local(NY, 2026, 11, 1, 7)),  # a 25-hour night
    ],
)
def test_end_of_quiet_hours(instant: datetime, expected: datetime) -> None:
    result = end_of_quiet_hours(instant, NIGHT)
    assert result == expected
    assert result.tzinfo is UTC


def test_end_of_quiet_hours_in_second_pass_of_repeated_hour() -> None:
    policy = LocalPolicy(NY, quiet_start=time(0), quiet_end=time(1, 30))
    second_pass = utc(2026, 11, 1, 6, 15)  # 01:15 EST, after the first 01:30 EDT has gone by
    assert in_quiet_hours(second_pass, policy)
    assert end_of_quiet_hours(second_pass, policy) == utc(2026, 11, 1, 6, 30)


def test_early_cadence_deferred_to_end_of_quiet_hours_same_key() -> None:
    occ = next_occurrence(DAILY, time(6, 30), policy=NIGHT, anchor=ANCHOR, after=local(NY, 2026, 1, 5))
    assert occ.local_date == date(2026, 1, 5)
    assert occ.due_at == local(NY, 2026, 1, 5, 7)


def test_late_cadence_deferred_to_next_morning_keeps_its_date() -> None:
    occs = list(run(DAILY, time(21), NIGHT, local(NY, 2026, 1, 5), date(2026, 1, 9)))
    assert dates(iter(occs)) == consecutive(date(2026, 1, 5), date(2026, 1, 9))
    assert [o.due_at for o in occs] == [local(NY, 2026, 1, d + 1, 7) for d in range(5, 10)]


def test_deferred_cadence_repeats_daily_without_gaps() -> None:
    occs = list(run(DAILY, time(6, 30), NIGHT, local(NY, 2026, 1, 4), date(2026, 1, 9)))
    assert dates(iter(occs)) == consecutive(date(2026, 1, 4), date(2026, 1, 9))
    assert all(o.due_at.astimezone(ZoneInfo(NY)).time() == time(7) for o in occs)


OFFICE = LocalPolicy(NY, quiet_start=time(18), quiet_end=time(9))


@pytest.mark.parametrize(
    ("policy", "start", "amount", "expected"),
    [
        pytest.param(
            OFFICE, local(NY, 2026, 1, 9, 16), timedelta(hours=4), local(NY, 2026, 1, 12, 11), id="friday"
        ),
        pytest.param(
            LocalPolicy(NY),
            local(NY, 2026, 1, 9, 16),
            timedelta(hours=4),
            local(NY, 2026, 1, 12, 11),
            id="default-off-hours",
        ),
        pytest.param(
            OFFICE, local(NY, 2026, 1, 6, 10), timedelta(hours=4), local(NY, 2026, 1, 6, 14), id="same-day"
        ),
        pytest.param(
            OFFICE,
            local(NY, 2026, 1, 6, 14),
            timedelta(hours=4),
            local(NY, 2026, 1, 6, 18),
            id="ends-at-close",
        ),
        pytest.param(
            OFFICE, local(NY, 2026, 1, 6, 14), timedelta(hours=5), local(NY, 2026, 1, 7, 10), id="overnight"
        ),
        pytest.param(
            OFFICE, local(NY, 2026, 1, 10, 12), timedelta(hours=1), local(NY, 2026, 1, 12, 10), id="saturday"
        ),
        pytest.param(
            OFFICE, local(NY, 2026, 1, 6, 22), timedelta(hours=1), local(NY, 2026, 1, 7, 10), id="night"
        ),
        pytest.param(
            OFFICE, local(NY, 2026, 1, 5, 9), timedelta(hours=27), local(NY, 2026, 1, 7, 18), id="three-days"
        ),
        pytest.param(
            OFFICE,
            local(NY, 2026, 3, 6, 16),
            timedelta(hours=4),
            local(NY, 2026, 3, 9, 11),
            id="spring-weekend",
        ),
        pytest.param(
            OFFICE,
            local(NY, 2026, 10, 30, 16),
            timedelta(hours=4),
            local(NY, 2026, 11, 2, 11),
            id="fall-weekend",
        ),
        pytest.param(
            LocalPolicy(SYDNEY, quiet_start=time(18), quiet_end=time(9)),
            local(SYDNEY, 2026, 10, 2, 16),
            timedelta(hours=4),
            local(SYDNEY, 2026, 10, 5, 11),
            id="sydney-spring-weekend",
        ),
        pytest.param(
            # Working through the spring-forward night: 23:00 EST + 4 real hours = 04:00 EDT, where wall
            # arithmetic would say 03:00. Quiet 04:00-05:00 starts right then, so we stop exactly there.
            LocalPolicy(NY, workdays=ALL_DAYS, quiet_start=time(4), quiet_end=time(5)),
            local(NY, 2026, 3, 7, 23),
            timedelta(hours=4),
            utc(2026, 3, 8, 8, 0),
            id="through-the-gap",
        ),
        pytest.param(
            # And the 25-hour night: 23:00 EDT + 4 real hours = 02:00 EST.
            LocalPolicy(NY, workdays=ALL_DAYS, quiet_start=time(4), quiet_end=time(5)),
            local(NY, 2026, 10, 31, 23),
            timedelta(hours=4),
            local(NY, 2026, 11, 1, 2),
            id="through-the-repeat",
        ),
        pytest.param(OFFICE, local(NY, 2026, 1, 10, 12), timedelta(0), local(NY, 2026, 1, 10, 12), id="zero"),
    ],
)
def test_add_working_time(
    policy: LocalPolicy, start: datetime, amount: timedelta, expected: datetime
) -> None:
    result = add_working_time(start, amount, policy)
    assert result == expected
    assert result.tzinfo is UTC


def test_add_working_time_rejects_negative_and_impossible() -> None:
    with pytest.raises(ValueError):
        add_working_time(utc(2026, 1, 5), timedelta(hours=-1), OFFICE)
    with pytest.raises(ValueError):
        add_working_time(utc(2026, 1, 5), timedelta(hours=1), LocalPolicy(NY, workdays=frozenset()))


@pytest.mark.parametrize(
    ("instant", "working"),
    [
        (local(NY, 2026, 1, 9, 10), True),  # Friday morning
        (local(NY, 2026, 1, 9, 19), False),  # Friday evening, quiet
        (local(NY, 2026, 1, 10, 10), False),  # Saturday
        (local(NY, 2026, 1, 12, 8, 59), False),
        (local(NY, 2026, 1, 12, 9), True),
        (utc(2026, 1, 12, 14), True),  # any aware instant works
    ],
)
def test_is_working_time(instant: datetime, working: bool) -> None:
    assert is_working_time(instant, OFFICE) is working


@pytest.mark.parametrize(
    ("instant", "tz", "expected"),
    [
        (utc(2026, 1, 1, 3), NY, date(2025, 12, 31)),
        (utc(2026, 1, 1, 3), SYDNEY, date(2026, 1, 1)),
        (utc(2025, 12, 31, 14), SYDNEY, date(2026, 1, 1)),
        (utc(2026, 1, 1, 3), "UTC", date(2026, 1, 1)),
    ],
)
def test_local_today(instant: datetime, tz: str, expected: date) -> None:
    assert local_today(instant, tz) == expected


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize("tz", ["Not/AZone", "", "../etc/passwd", "utc", "America"])
def test_invalid_timezone_raises_value_error(tz: str) -> None:
    with pytest.raises(ValueError):
        LocalPolicy(tz)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"workdays": frozenset({7})},
        {"quiet_start": time(20)},
        {"quiet_end": time(7)},
        {"vacations": ((date(2026, 1, 9), date(2026, 1, 7)),)},
    ],
)
def test_invalid_policy_raises(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        LocalPolicy(NY, **kwargs)  # type: ignore[arg-type]


def test_naive_after_raises() -> None:
    with pytest.raises(ValueError):
        next_occurrence(DAILY, time(9), policy=LocalPolicy(NY), anchor=ANCHOR, after=datetime(2026, 1, 1))


def test_search_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0

    def stuck(*_args: object, **_kwargs: object) -> Iterator[datetime]:
        nonlocal calls
        while True:
            calls += 1
            yield datetime(2026, 1, 1, 9)

    monkeypatch.setattr(schedule, "wall_occurrences", stuck)
    with pytest.raises(ValueError, match="no occurrence within a year"):
        next_occurrence(
            DAILY,
            time(9),
            policy=LocalPolicy(NY),
            anchor=ANCHOR,
            after=utc(2026, 1, 1),
            last_local_date=date(2026, 1, 1),
        )
    assert calls <= schedule.MAX_WALL_OCCURRENCES + 1
