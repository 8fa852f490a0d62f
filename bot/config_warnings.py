"""Configurations that cannot work, said when they are made and wherever a cadence is shown.

A cadence whose day is never a working day never fires; a members cadence on a team smaller
than the threshold never shows anyone a figure; a cadence due inside quiet hours is nudged when
they end; quiet hours may leave almost no time to nudge at all. None of these is an error — an
admin may be about to fix the other half — so they are warnings, in the reader's language.

Used by ``cadence add``/``cadence show``, ``workdays``, ``quiet-hours`` and ``threshold``;
:func:`workspace_warnings` is for an admin's ``status``.
"""

from __future__ import annotations

from datetime import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import relationships, visibility, working_hours
from bot.cadence_text import weekday_name, weekday_names
from bot.commands import CommandError, parse_recurrence
from bot.domain import Audience, Recurrence
from bot.i18n import Tr
from storage.models import Cadence, Workspace

MIN_NUDGE_MINUTES = 60
"""Quiet hours that leave less than this much of a day are warned about."""


def live_cadences(session: Session, workspace: Workspace) -> list[Cadence]:
    return list(
        session.scalars(
            select(Cadence)
            .where(Cadence.workspace_id == workspace.id, Cadence.removed_at.is_(None))
            .order_by(Cadence.name)
        )
    )


def _days_of(recurrence: Recurrence) -> frozenset[int]:
    """The weekdays an occurrence can fall on (a day of the month can fall on any)."""
    if recurrence.kind == "weekdays":
        return frozenset(range(5))
    if recurrence.kind in ("weekly", "monthly_nth") and recurrence.weekday is not None:
        return frozenset({recurrence.weekday})
    return frozenset(range(7))


def never_fires(cadence: Cadence, workdays: frozenset[int]) -> bool:
    """True when no occurrence of the cadence can ever land on a working day."""
    try:
        recurrence = parse_recurrence(cadence.recurrence)
    except CommandError:
        return False
    return not _days_of(recurrence) & workdays


def _never_fires_text(t: Tr, cadence: Cadence, workdays: frozenset[int]) -> str:
    recurrence = parse_recurrence(cadence.recurrence)
    days = weekday_names(t, workdays)
    if recurrence.weekday is not None:
        return t._(
            "*{cadence}* will never run: it falls on {day}, which is not a working day"
            " (working days: {days}).",
            cadence=cadence.label,
            day=weekday_name(t, recurrence.weekday),
            days=days,
        )
    return t._(
        "*{cadence}* will never run: none of its days is a working day (working days: {days}).",
        cadence=cadence.label,
        days=days,
    )


def too_small(session: Session, cadence: Cadence, workspace: Workspace) -> tuple[int, int] | None:
    """``(members, k)`` when a members cadence's team can never reach the threshold; else None."""
    if cadence.audience not in (Audience.MEMBERS, Audience.BOTH):
        return None
    k = visibility.workspace_threshold(workspace)
    count = relationships.member_count(session, cadence.team)
    return None if visibility.enough(count, k) else (count, k)


def too_small_text(t: Tr, cadence: Cadence, count: int, k: int) -> str:
    return t.n_(
        "Team {team} has {count} member, fewer than the threshold of {k}: nobody will ever see a figure"
        " or comment from *{cadence}* until the team has {k}. Members are told so when they are asked.",
        "Team {team} has {count} members, fewer than the threshold of {k}: nobody will ever see a figure"
        " or comment from *{cadence}* until the team has {k}. Members are told so when they are asked.",
        count,
        team=cadence.team.name,
        k=t.number(k),
        cadence=cadence.label,
    )


def _quiet(workspace: Workspace) -> tuple[time, time] | None:
    start, end = (
        working_hours.parse_hhmm(workspace.quiet_start),
        working_hours.parse_hhmm(workspace.quiet_end),
    )
    return (start, end) if start is not None and end is not None else None


def _inside(clock: time, start: time, end: time) -> bool:
    return start <= clock < end if start <= end else (clock >= start or clock < end)


def at_in_quiet_text(t: Tr, cadence: Cadence, workspace: Workspace) -> str | None:
    window = _quiet(workspace)
    at = working_hours.parse_hhmm(cadence.at_time)
    if window is None or at is None or not _inside(at, *window):
        return None
    return t._(
        "*{cadence}* is due at {time}, inside quiet hours ({start}–{end}): its nudges go out when quiet"
        " hours end, at {end} in each person's zone.",
        cadence=cadence.label,
        time=t.time(at),
        start=t.time(window[0]),
        end=t.time(window[1]),
    )


def quiet_minutes_left(workspace: Workspace) -> int | None:
    """Minutes of a day outside quiet hours; None when there are no quiet hours."""
    window = _quiet(workspace)
    if window is None:
        return None
    start, end = (w.hour * 60 + w.minute for w in window)
    quiet = end - start if start < end else 24 * 60 - (start - end)
    return 24 * 60 - quiet


def quiet_hours_warning(t: Tr, workspace: Workspace) -> str | None:
    """Quiet hours that leave (almost) no time in a day to nudge anyone."""
    left = quiet_minutes_left(workspace)
    window = _quiet(workspace)
    if left is None or window is None or left >= MIN_NUDGE_MINUTES:
        return None
    return t.n_(
        "Quiet hours from {start} to {end} leave only {count} minute a day to nudge anyone: every nudge,"
        " reminder and digest is squeezed into it.",
        "Quiet hours from {start} to {end} leave only {count} minutes a day to nudge anyone: every nudge,"
        " reminder and digest is squeezed into it.",
        left,
        start=t.time(window[0]),
        end=t.time(window[1]),
    )


def warnings_for(session: Session, cadence: Cadence, t: Tr) -> list[str]:
    """Everything about one cadence that will not work as its admin probably expects."""
    workspace = cadence.team.workspace
    found: list[str] = []
    workdays = working_hours.workdays_of(workspace)
    if never_fires(cadence, workdays):
        found.append(_never_fires_text(t, cadence, workdays))
    small = too_small(session, cadence, workspace)
    if small is not None:
        found.append(too_small_text(t, cadence, *small))
    quiet = at_in_quiet_text(t, cadence, workspace)
    if quiet is not None:
        found.append(quiet)
    return found


def workspace_warnings(session: Session, workspace: Workspace, t: Tr) -> list[str]:
    """For an admin's overview (``status``): the workspace's quiet hours and every live cadence."""
    found: list[str] = []
    quiet = quiet_hours_warning(t, workspace)
    if quiet is not None:
        found.append(quiet)
    for cadence in live_cadences(session, workspace):
        found.extend(warnings_for(session, cadence, t))
    return found
