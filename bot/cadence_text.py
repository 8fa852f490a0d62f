"""Schedules said the reader's way: "every Monday at 09:00", "jeden Montag um 09:00".

The command language writes recurrences in English syntax (``weekly mon``); people reading a
reply, a welcome or a status line get a sentence in their own language instead, with day names
and times from Babel for their locale.
"""

from __future__ import annotations

from datetime import time

from babel.dates import get_day_names

from bot.commands import parse_recurrence
from bot.commands.errors import CommandError
from bot.domain import Recurrence
from bot.i18n import Tr
from storage.models import Cadence


def weekday_name(t: Tr, weekday: int) -> str:
    """Full day name, 0 = Monday: "Monday" / "Montag"."""
    return str(get_day_names("wide", locale=t._babel)[weekday])


def weekday_names(t: Tr, days: set[int] | frozenset[int]) -> str:
    """Several days as a list in week order: "Monday, Tuesday and Friday"."""
    return t.list(weekday_name(t, d) for d in sorted(days))


def recurrence_phrase(t: Tr, recurrence: Recurrence) -> str:
    """How often, as a phrase: "every Monday", "every 2 weeks on Tuesday", "on the 15th of each month"."""
    if recurrence.kind == "daily":
        return t._("every day")
    if recurrence.kind == "weekdays":
        return t._("every weekday")
    if recurrence.kind == "weekly":
        assert recurrence.weekday is not None
        day = weekday_name(t, recurrence.weekday)
        if recurrence.interval_weeks == 1:
            return t._("every {day}", day=day)
        return t.n_("every week on {day}", "every {count} weeks on {day}", recurrence.interval_weeks, day=day)
    if recurrence.kind == "monthly_day":
        assert recurrence.day is not None
        if recurrence.day == -1:
            return t._("on the last day of each month")
        return t._("on day {day} of each month", day=recurrence.day)
    assert recurrence.weekday is not None
    day = weekday_name(t, recurrence.weekday)
    if recurrence.nth == "first":
        return t._("on the first {day} of each month", day=day)
    return t._("on the last {day} of each month", day=day)


def schedule_phrase(t: Tr, cadence: Cadence) -> str:
    """ "every Monday at 09:00" — the time is the same wall time in every recipient's own zone."""
    try:
        how_often = recurrence_phrase(t, parse_recurrence(cadence.recurrence))
    except CommandError:  # a stored value the parser no longer reads: show it as it is
        how_often = cadence.recurrence
    hours, minutes = (int(x) for x in cadence.at_time.split(":"))
    return t._("{recurrence} at {time}", recurrence=how_often, time=t.time(time(hours, minutes)))


def duration_phrase(t: Tr, minutes: int) -> str:
    """An answer window: "2 days", "12 hours", "90 minutes"."""
    if minutes % (24 * 60) == 0:
        return t.n_("{count} day", "{count} days", minutes // (24 * 60))
    if minutes % 60 == 0:
        return t.n_("{count} hour", "{count} hours", minutes // 60)
    return t.n_("{count} minute", "{count} minutes", minutes)
