"""Business-cycle phase maths (pure): quarters and their boundaries, sprints on working days, dated
cycles, and the next change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.business_cycle import (
    Explicit,
    PhaseSpan,
    Quarterly,
    Sprints,
    default_explicit_end,
    next_change,
    phase_on,
    span_on,
)
from bot.domain import Phase

PLAN, EXECUTE, REVIEW = Phase.PLAN, Phase.EXECUTE, Phase.REVIEW
QUARTERLY = Quarterly(plan_days=14, review_days=14)


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        (date(2027, 1, 1), PLAN),  # first day of Q1
        (date(2027, 1, 14), PLAN),  # 14th day: still plan
        (date(2027, 1, 15), EXECUTE),
        (date(2027, 3, 17), EXECUTE),
        (date(2027, 3, 18), REVIEW),  # the last 14 days of March
        (date(2027, 3, 31), REVIEW),  # last day of Q1
        (date(2027, 4, 1), PLAN),  # Q2 starts over
        (date(2026, 12, 31), REVIEW),  # across the year boundary
        (date(2026, 10, 1), PLAN),
        (date(2028, 2, 29), EXECUTE),  # a leap day
    ],
)
def test_quarterly_phases(day: date, phase: Phase) -> None:
    assert phase_on(QUARTERLY, day) is phase


def test_quarterly_spans_and_next_change_cross_the_quarter() -> None:
    assert span_on(QUARTERLY, date(2027, 2, 1)) == PhaseSpan(EXECUTE, date(2027, 1, 15), date(2027, 3, 17))
    assert next_change(QUARTERLY, date(2027, 2, 1)) == PhaseSpan(REVIEW, date(2027, 3, 18), date(2027, 3, 31))
    assert next_change(QUARTERLY, date(2027, 3, 20)) == PhaseSpan(PLAN, date(2027, 4, 1), date(2027, 4, 14))
    assert next_change(QUARTERLY, date(2026, 12, 20)) == PhaseSpan(PLAN, date(2027, 1, 1), date(2027, 1, 14))


def test_quarterly_with_uneven_phases_covers_every_day_of_a_year_once() -> None:
    rule = Quarterly(plan_days=3, review_days=10)
    day, seen = date(2027, 1, 1), []
    while day.year == 2027:
        span = span_on(rule, day)
        assert span.holds(day) and span.phase is not None
        seen.append(span.phase)
        day += timedelta(days=1)
    assert seen.count(PLAN) == 4 * 3 and seen.count(REVIEW) == 4 * 10
    assert seen.count(EXECUTE) == 365 - 4 * 13


SPRINTS = Sprints(length_days=14, start=date(2026, 11, 23))  # a Monday


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        (date(2026, 11, 22), None),  # before the first sprint
        (date(2026, 11, 23), PLAN),  # day 1
        (date(2026, 11, 24), PLAN),  # day 2
        (date(2026, 11, 25), EXECUTE),
        (date(2026, 12, 2), EXECUTE),
        (date(2026, 12, 3), REVIEW),  # second-to-last working day (Thursday)
        (date(2026, 12, 4), REVIEW),  # last working day
        (date(2026, 12, 6), REVIEW),  # the weekend that ends the sprint stays review
        (date(2026, 12, 7), PLAN),  # the next sprint
        (date(2027, 3, 1), PLAN),  # many sprints later (14 weeks)
    ],
)
def test_sprints_plan_on_the_first_two_and_review_on_the_last_two_working_days(
    day: date, phase: Phase | None
) -> None:
    assert phase_on(SPRINTS, day) is phase


def test_sprints_follow_the_working_days_given() -> None:
    sun_thu = frozenset({6, 0, 1, 2, 3})
    rule = Sprints(length_days=7, start=date(2026, 11, 22))  # Sunday to Saturday
    phases = [phase_on(rule, date(2026, 11, 22) + timedelta(days=n), workdays=sun_thu) for n in range(7)]
    assert phases == [PLAN, PLAN, EXECUTE, REVIEW, REVIEW, REVIEW, REVIEW]


def test_sprints_next_change_before_the_start_and_at_a_sprint_end() -> None:
    assert next_change(SPRINTS, date(2026, 11, 1)) == PhaseSpan(PLAN, date(2026, 11, 23), date(2026, 11, 24))
    assert next_change(SPRINTS, date(2026, 12, 5)) == PhaseSpan(PLAN, date(2026, 12, 7), date(2026, 12, 8))


EXPLICIT = Explicit(
    plan=date(2027, 1, 4),
    execute=date(2027, 1, 18),
    review=date(2027, 3, 22),
    end=default_explicit_end(plan=date(2027, 1, 4), execute=date(2027, 1, 18), review=date(2027, 3, 22)),
)


def test_explicit_review_lasts_as_long_as_plan_unless_an_end_is_given() -> None:
    assert EXPLICIT.end == date(2027, 4, 4)
    assert [phase_on(EXPLICIT, d) for d in (date(2027, 1, 3), date(2027, 1, 4), date(2027, 1, 17))] == [
        None,
        PLAN,
        PLAN,
    ]
    assert phase_on(EXPLICIT, date(2027, 1, 18)) is EXECUTE
    assert phase_on(EXPLICIT, date(2027, 3, 22)) is REVIEW
    assert phase_on(EXPLICIT, date(2027, 4, 4)) is REVIEW
    assert phase_on(EXPLICIT, date(2027, 4, 5)) is None
    assert next_change(EXPLICIT, date(2027, 3, 30)) == PhaseSpan(None, date(2027, 4, 5), None)
    assert next_change(EXPLICIT, date(2027, 5, 1)) is None


def test_no_cycle_means_no_phase() -> None:
    assert phase_on(None, date(2027, 1, 1)) is None
