"""Business-cycle phase maths: which phase (plan, execute, review) a date falls in, and when it changes.

Pure functions on dates, like :mod:`bot.schedule`: no database, no clock. A cycle is one of three
rules an admin sets with `cycle set`:

* :class:`Quarterly` — calendar quarters; the first ``plan_days`` are plan, the last ``review_days``
  review, the days between execute.
* :class:`Sprints` — back-to-back sprints of ``length_days`` from ``start``; the first two working
  days are plan, the last two working days review (with any days off after them, so a sprint that
  ends on a weekend does not flip to execute for its last two days).
* :class:`Explicit` — three dates: plan from ``plan``, execute from ``execute``, review from
  ``review`` until ``end``; outside them no phase is in force.

Every phase is a :class:`PhaseSpan` of whole local dates; callers pass the date a run occurs on (the
recipient's local date), so one run has one phase for everyone in it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain import Phase

SPRINT_PLAN_DAYS = 2
"""Working days at the start of a sprint that are its plan phase."""
SPRINT_REVIEW_DAYS = 2
"""Working days at the end of a sprint that are its review phase."""

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Quarterly:
    plan_days: int
    review_days: int


@dataclass(frozen=True)
class Sprints:
    length_days: int
    start: date


@dataclass(frozen=True)
class Explicit:
    plan: date
    execute: date
    review: date
    end: date  # the last day of review, included


CycleRule = Quarterly | Sprints | Explicit


@dataclass(frozen=True)
class PhaseSpan:
    """A run of days with one phase; ``phase`` None means no phase is in force (outside the cycle).

    ``start`` None: since ever; ``end`` None: for good (both included when given).
    """

    phase: Phase | None
    start: date | None
    end: date | None

    def holds(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def default_explicit_end(*, plan: date, execute: date, review: date) -> date:
    """Review lasts as long as plan did, unless an end is given."""
    return review + (execute - plan) - _DAY


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter_start(day: date) -> date:
    start = quarter_start(day)
    return date(start.year + 1, 1, 1) if start.month == 10 else date(start.year, start.month + 3, 1)


def _split(first: date, last: date, *, plan_until: date, review_from: date) -> list[PhaseSpan]:
    """[first, last] cut into plan up to ``plan_until``, review from ``review_from``, execute between;
    plan wins where they overlap, and empty parts are left out."""
    review_from = max(review_from, plan_until + _DAY)
    parts = [
        PhaseSpan(Phase.PLAN, first, min(plan_until, last)),
        PhaseSpan(Phase.EXECUTE, plan_until + _DAY, min(review_from - _DAY, last)),
        PhaseSpan(Phase.REVIEW, review_from, last),
    ]
    return [p for p in parts if p.start is not None and p.end is not None and p.start <= p.end]


def _period(rule: CycleRule, day: date, workdays: Collection[int]) -> list[PhaseSpan]:
    """The spans of the period holding ``day``, in order and covering it without gaps."""
    if isinstance(rule, Quarterly):
        first, last = quarter_start(day), next_quarter_start(day) - _DAY
        return _split(
            first,
            last,
            plan_until=first + timedelta(days=rule.plan_days - 1),
            review_from=last - timedelta(days=rule.review_days - 1),
        )
    if isinstance(rule, Sprints):
        if day < rule.start:
            return [PhaseSpan(None, None, rule.start - _DAY)]
        number = (day - rule.start).days // rule.length_days
        first = rule.start + timedelta(days=number * rule.length_days)
        last = first + timedelta(days=rule.length_days - 1)
        working = [d for d in _days(first, last) if d.weekday() in workdays] or [first, last]
        return _split(
            first,
            last,
            plan_until=working[min(SPRINT_PLAN_DAYS, len(working)) - 1],
            review_from=working[-min(SPRINT_REVIEW_DAYS, len(working))],
        )
    return [
        PhaseSpan(None, None, rule.plan - _DAY),
        PhaseSpan(Phase.PLAN, rule.plan, rule.execute - _DAY),
        PhaseSpan(Phase.EXECUTE, rule.execute, rule.review - _DAY),
        PhaseSpan(Phase.REVIEW, rule.review, rule.end),
        PhaseSpan(None, rule.end + _DAY, None),
    ]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def span_on(rule: CycleRule, day: date, *, workdays: Collection[int] = range(5)) -> PhaseSpan:
    """The phase in force on ``day`` and the days it lasts (within its quarter or sprint)."""
    return next(span for span in _period(rule, day, workdays) if span.holds(day))


def phase_on(rule: CycleRule | None, day: date, *, workdays: Collection[int] = range(5)) -> Phase | None:
    """The phase in force on ``day``; None without a cycle, or outside an explicit one."""
    return None if rule is None else span_on(rule, day, workdays=workdays).phase


def next_change(rule: CycleRule, day: date, *, workdays: Collection[int] = range(5)) -> PhaseSpan | None:
    """The span that follows the one holding ``day``; None if the phase in force never changes."""
    current = span_on(rule, day, workdays=workdays)
    if current.end is None:
        return None
    return span_on(rule, current.end + _DAY, workdays=workdays)
