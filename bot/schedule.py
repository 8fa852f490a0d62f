"""When does a person's next nudge go out?  Pure scheduling policy: no database, no I/O.

Recurrence maths is delegated to APScheduler 3's triggers, but never in the person's real zone:
a ``CronTrigger`` with a DST zone fires *twice* in the repeated hour when clocks go back, and for a
wall time inside the spring-forward gap it returns a datetime that does not exist.  So the trigger
runs in "wall-clock space" (``timezone=UTC``, fed the local wall time as if it were UTC), which has
no transitions; it yields the next local wall datetime, and only then does :func:`to_instant` map
that wall time to a real instant with ``zoneinfo`` (fold=0).  Every occurrence is keyed by the
person's local date, so one local date can never produce two nudges.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.domain import WEEKDAY_NAMES, Recurrence
from bot.public_holidays import is_public_holiday

MAX_WALL_OCCURRENCES = 400
"""How many wall occurrences :func:`next_occurrence` inspects before giving up (> a year of dailies)."""

DEFAULT_OFF_HOURS = (time(18, 0), time(9, 0))
"""Evenings and nights do not count as working time for reminders when no quiet hours are set."""

HOLIDAY_LOOKBACK = timedelta(days=31)
"""How far back :func:`next_occurrence` looks for an occurrence that a public holiday moved later:
longer than any run of holidays, weekends and vacation it would have to wait out."""

_ONE_SECOND = timedelta(seconds=1)
_MAX_WORKING_STEPS = 100_000


def _zone(tz: str) -> ZoneInfo:
    """Load an IANA zone, turning zoneinfo's KeyError/OSError zoo into one ValueError."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone: {tz!r}") from exc


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


@dataclass(frozen=True)
class LocalPolicy:
    """A person's local rules: zone, working days, quiet hours, vacations and one-off skips, and the
    country whose public holidays they have off (None: no holidays)."""

    timezone: str
    workdays: frozenset[int] = frozenset(range(5))
    quiet_start: time | None = None
    quiet_end: time | None = None
    vacations: tuple[tuple[date, date], ...] = ()
    skip_dates: frozenset[date] = frozenset()
    holiday_country: str | None = None

    def __post_init__(self) -> None:
        _zone(self.timezone)
        if not self.workdays <= frozenset(range(7)):
            raise ValueError("workdays must be weekday numbers 0 (Monday) to 6 (Sunday)")
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ValueError("quiet hours need both a start and an end")
        if any(first > last for first, last in self.vacations):
            raise ValueError("a vacation must not end before it starts")

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.timezone)


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of a cadence for one person, keyed by their local date."""

    local_date: date
    due_at: datetime
    skipped: str | None


class _Trigger(Protocol):
    """The slice of APScheduler's (untyped) trigger interface that we use."""

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None: ...


def _cron_fields(recurrence: Recurrence) -> dict[str, str]:
    """The date part of a cron expression for the calendar-shaped recurrence kinds."""
    kind, weekday = recurrence.kind, recurrence.weekday
    if kind == "daily":
        return {}
    if kind == "weekdays":
        return {"day_of_week": "mon-fri"}
    if kind == "weekly" and weekday in range(7) and recurrence.interval_weeks == 1:
        return {"day_of_week": WEEKDAY_NAMES[weekday or 0]}
    if kind == "monthly_day" and (recurrence.day == -1 or recurrence.day in range(1, 29)):
        return {"day": "last" if recurrence.day == -1 else str(recurrence.day)}
    if kind == "monthly_nth" and weekday in range(7) and recurrence.nth in ("first", "last"):
        position = "1st" if recurrence.nth == "first" else "last"
        return {"day": f"{position} {WEEKDAY_NAMES[weekday or 0]}"}
    raise ValueError(f"invalid recurrence: {recurrence!r}")


def _wall_trigger(recurrence: Recurrence, at: time, anchor: date) -> _Trigger:
    """Build the APScheduler trigger for ``recurrence`` in wall space (UTC stands in for local)."""
    trigger: _Trigger
    if recurrence.kind == "weekly" and recurrence.interval_weeks != 1:
        if recurrence.weekday not in range(7) or recurrence.interval_weeks < 1:
            raise ValueError(f"invalid recurrence: {recurrence!r}")
        # Every N weeks: anchor on the first matching weekday on/after the cadence's creation
        # date, so everyone on the cadence shares the same weeks whenever they are asked.
        first = anchor + timedelta(days=((recurrence.weekday or 0) - anchor.weekday()) % 7)
        start = datetime.combine(first, at.replace(microsecond=0), tzinfo=UTC)
        trigger = IntervalTrigger(weeks=recurrence.interval_weeks, start_date=start, timezone=UTC)
    else:
        fields = _cron_fields(recurrence)
        trigger = CronTrigger(hour=at.hour, minute=at.minute, second=at.second, timezone=UTC, **fields)
    return trigger


def wall_occurrences(
    recurrence: Recurrence, at: time, *, anchor: date, after_local: datetime
) -> Iterator[datetime]:
    """Naive local wall datetimes of the recurrence strictly after the naive wall datetime `after_local`,
    via APScheduler in wall space.

    Wall space has no DST, so each local date appears at most once and no date is skipped.  Times of
    day have one-second resolution (cron has no microseconds).
    """
    if after_local.tzinfo is not None or at.tzinfo is not None:
        raise ValueError("wall_occurrences works on naive local wall times")
    trigger = _wall_trigger(recurrence, at, anchor)
    # All fire times are whole seconds, so "strictly after" == "at or after the next whole second";
    # this sidesteps both cron's inclusive start and IntervalTrigger's float timestamps.
    cursor = after_local.replace(microsecond=0, tzinfo=UTC) + _ONE_SECOND
    while True:
        fire = trigger.get_next_fire_time(None, cursor)
        if fire is None:
            return
        yield fire.replace(tzinfo=None)
        cursor = fire + _ONE_SECOND


def to_instant(wall: datetime, tz: str) -> datetime:
    """Naive wall time in zone -> aware UTC instant (fold=0; gap times move forward by the gap).

    fold=0 takes the first of a repeated wall time; for a wall time that does not exist zoneinfo
    uses the pre-transition offset, e.g. 02:30 on a spring-forward day becomes 03:30 EDT.
    """
    if wall.tzinfo is not None:
        raise ValueError("to_instant expects a naive wall time")
    return wall.replace(tzinfo=_zone(tz), fold=0).astimezone(UTC)


def local_today(instant: datetime, tz: str) -> date:
    """The person's local calendar date at ``instant``."""
    _require_aware(instant, "instant")
    return instant.astimezone(_zone(tz)).date()


def is_day_off(local_date: date, policy: LocalPolicy) -> bool:
    """Not a working day for the person: outside the working days, or a public holiday there."""
    return local_date.weekday() not in policy.workdays or is_public_holiday(
        policy.holiday_country, local_date
    )


def _on_vacation(local_date: date, policy: LocalPolicy) -> bool:
    return any(first <= local_date <= last for first, last in policy.vacations)


def _skip_reason(local_date: date, policy: LocalPolicy) -> str | None:
    """Why an occurrence is not sent; the most structural reason wins."""
    if local_date.weekday() not in policy.workdays:
        return "non-working day"
    if _on_vacation(local_date, policy):
        return "vacation"
    if local_date in policy.skip_dates:
        return "skipped"
    return None


def next_occurrence(
    recurrence: Recurrence,
    at: time,
    *,
    policy: LocalPolicy,
    anchor: date,
    after: datetime,
    last_local_date: date | None = None,
) -> Occurrence:
    """The first occurrence whose local date is later than `last_local_date` (if given) and whose
    *scheduled* wall time is strictly after `after` (aware UTC) in the person's zone.

    Skipped days (non-working, vacation, chosen skips) are returned with ``skipped`` set rather than
    silently passed over, so the caller can record and show them; it then asks again with
    ``last_local_date`` = that date.  A scheduled time in quiet hours is deferred to the end of those
    quiet hours but keeps its local date as key.  Besides the wall-time comparison the scheduled
    instant must also be after ``after``: in the repeated hour of a fall-back night, a wall time can
    be later than ``after``'s wall time while its (first, fold=0) instant has already passed.
    """
    _require_aware(after, "after")
    after_local = after.astimezone(policy.zone).replace(tzinfo=None)
    if last_local_date is not None:
        after_local = max(after_local, datetime.combine(last_local_date, time.max))
    if policy.holiday_country:
        # An occurrence on a holiday before `after` may have moved to a day after it: look back.
        after_local -= HOLIDAY_LOOKBACK
    walls = wall_occurrences(recurrence, at, anchor=anchor, after_local=after_local)
    for count, wall in enumerate(walls):
        if count >= MAX_WALL_OCCURRENCES:
            break
        occurrence, scheduled = _occurrence_at(recurrence, at, wall, policy=policy, anchor=anchor)
        if last_local_date is not None and occurrence.local_date <= last_local_date:
            continue
        if scheduled <= after:
            continue
        return occurrence
    raise ValueError("no occurrence within a year")


def _occurrence_at(
    recurrence: Recurrence, at: time, wall: datetime, *, policy: LocalPolicy, anchor: date
) -> tuple[Occurrence, datetime]:
    """The occurrence the recurrence's wall time ``wall`` becomes, and its scheduled instant.

    A working day that is a public holiday moves the nudge to the next day that is neither off nor
    on vacation, at the same wall time, unless the cadence comes round again by then (a daily
    one): then the holiday is passed over like any day off.
    """
    day = wall.date()
    reason = _skip_reason(day, policy)
    if reason is None and is_public_holiday(policy.holiday_country, day):
        target = day + timedelta(days=1)
        while is_day_off(target, policy) or _on_vacation(target, policy):
            if target - day > HOLIDAY_LOOKBACK:
                break
            target += timedelta(days=1)
        following = next(wall_occurrences(recurrence, at, anchor=anchor, after_local=wall), None)
        if following is not None and following.date() > target and target - day <= HOLIDAY_LOOKBACK:
            wall, reason = datetime.combine(target, wall.time()), _skip_reason(target, policy)
        else:
            reason = "public holiday"
    scheduled = to_instant(wall, policy.timezone)
    due = end_of_quiet_hours(scheduled, policy)
    return Occurrence(local_date=wall.date(), due_at=due, skipped=reason), scheduled


def _in_window(clock: time, start: time, end: time) -> bool:
    """Is a local time of day inside [start, end)?  Windows may wrap midnight; start == end is empty."""
    if start <= end:
        return start <= clock < end
    return clock >= start or clock < end


def _next_instant_at(instant: datetime, clock: time, zone: ZoneInfo) -> datetime:
    """The first real instant strictly after ``instant`` whose local wall time is ``clock``.

    Both passes of a repeated wall time are candidates (so a boundary in the second pass is found);
    a wall time in a gap maps forward as in :func:`to_instant`.
    """
    start_day = instant.astimezone(zone).date()
    candidates: list[datetime] = []
    for offset in range(3):
        wall = datetime.combine(start_day + timedelta(days=offset), clock.replace(tzinfo=None))
        first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
        second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
        candidates.append(first)
        if second > first:  # a genuinely repeated time, not a gap
            candidates.append(second)
    return min(c for c in candidates if c > instant)


def _quiet_window(policy: LocalPolicy) -> tuple[time, time] | None:
    if policy.quiet_start is None or policy.quiet_end is None:
        return None
    return policy.quiet_start, policy.quiet_end


def in_quiet_hours(instant: datetime, policy: LocalPolicy) -> bool:
    """Is it quiet time for the person at ``instant`` (judged on their local wall clock)?"""
    _require_aware(instant, "instant")
    window = _quiet_window(policy)
    if window is None:
        return False
    return _in_window(instant.astimezone(policy.zone).time(), *window)


def end_of_quiet_hours(instant: datetime, policy: LocalPolicy) -> datetime:
    """The instant the current quiet hours end (aware UTC); ``instant`` itself if not quiet."""
    _require_aware(instant, "instant")
    window = _quiet_window(policy)
    if window is None or not in_quiet_hours(instant, policy):
        return instant.astimezone(UTC)
    # Quiet windows are shorter than a day, so the next time the clock shows quiet_end is the end.
    return _next_instant_at(instant.astimezone(UTC), window[1], policy.zone)


def is_working_time(instant: datetime, policy: LocalPolicy) -> bool:
    """A local workday and not quiet hours."""
    _require_aware(instant, "instant")
    local = instant.astimezone(policy.zone)
    return not is_day_off(local.date(), policy) and not in_quiet_hours(instant, policy)


def add_working_time(start: datetime, amount: timedelta, policy: LocalPolicy) -> datetime:
    """Reminders are 'after N working hours': count only time that is on a local workday and outside
    quiet hours (if no quiet hours are set, treat 18:00-09:00 as off-hours for this count).

    Instead of fixed slices this walks whole working segments, bounded by the next local midnight
    (the weekday may change) and the next start of off-hours.  Durations are real elapsed time, so a
    working span containing a DST jump counts 23 or 25 wall hours correctly.  Result is aware UTC.
    """
    _require_aware(start, "start")
    if amount < timedelta(0):
        raise ValueError("amount must not be negative")
    zone = policy.zone
    off_start, off_end = _quiet_window(policy) or DEFAULT_OFF_HOURS
    midnight = time(0, 0)
    current = start.astimezone(UTC)
    remaining = amount
    if remaining == timedelta(0):
        return current
    for _ in range(_MAX_WORKING_STEPS):
        local = current.astimezone(zone)
        if is_day_off(local.date(), policy):
            current = _next_instant_at(current, midnight, zone)
            continue
        if _in_window(local.time(), off_start, off_end):
            current = _next_instant_at(current, off_end, zone)
            continue
        segment_end = min(
            _next_instant_at(current, off_start, zone), _next_instant_at(current, midnight, zone)
        )
        if current + remaining <= segment_end:
            return current + remaining
        remaining -= segment_end - current
        current = segment_end
    raise ValueError("working time cannot be reached (no workdays or no working hours?)")


def next_working_moment(instant: datetime, policy: LocalPolicy) -> datetime:
    """The first instant at or after ``instant`` on a local working day and outside quiet hours.

    Digests and other messages that are not tied to a cadence time wait for it, like nudges do.
    With no working day at all it gives up after a month (public holidays can make weeks without
    one) and returns the end of quiet hours.
    """
    _require_aware(instant, "instant")
    current = end_of_quiet_hours(instant, policy)
    zone = policy.zone
    for _ in range(HOLIDAY_LOOKBACK.days + 1):
        if not is_day_off(current.astimezone(zone).date(), policy):
            return end_of_quiet_hours(current, policy)
        current = end_of_quiet_hours(_next_instant_at(current, time(0, 0), zone), policy)
    return end_of_quiet_hours(instant, policy)
