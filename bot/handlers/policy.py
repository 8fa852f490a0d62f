"""Workspace policy: the privacy threshold, quiet hours and working days.

A change says "already" when nothing changes, and what it means for the cadences that exist:
a lowered threshold keeps the K already promised; quiet hours may move or squeeze nudges;
working days may stop a cadence for good.
"""

from __future__ import annotations

from bot import planner, visibility, working_hours
from bot.cadence_text import weekday_names
from bot.commands import ast as A
from bot.commands.values import MAX_THRESHOLD
from bot.config_warnings import (
    at_in_quiet_text,
    live_cadences,
    never_fires,
    quiet_hours_warning,
    too_small,
    too_small_text,
)
from bot.context import Context
from bot.messages import Para, Reply
from bot.visibility import MIN_THRESHOLD


def _say(*lines: str) -> list[Reply]:
    return [Reply(tuple(Para(line) for line in lines))]


def threshold(ctx: Context, cmd: A.Threshold) -> list[Reply]:
    t = ctx.t
    if cmd.k < MIN_THRESHOLD:
        return _say(
            t._(
                "The threshold cannot go below {min}: smaller groups are too easy to de-anonymise.",
                min=MIN_THRESHOLD,
            )
        )
    if cmd.k > MAX_THRESHOLD:
        return _say(
            t._(
                "A threshold of {k} would hide the results of nearly every team, so I stop at {max}. "
                "Most teams use 5.",
                k=cmd.k,
                max=MAX_THRESHOLD,
            )
        )
    old = visibility.workspace_threshold(ctx.workspace)
    if cmd.k == old:
        return _say(t._("The threshold is already {k}.", k=cmd.k))
    ctx.workspace.threshold = cmd.k
    ctx.session.flush()
    if cmd.k < old:
        lines = [
            t._(
                "Team results now need at least {k} answers before a manager sees anything, for check-ins"
                " sent from now on. Check-ins already sent keep the threshold of {old} they promised.",
                k=cmd.k,
                old=old,
            )
        ]
    else:
        lines = [
            t._(
                "Team results now need at least {k} answers before a manager sees anything. This applies"
                " at once, also to check-ins already sent.",
                k=cmd.k,
            )
        ]
    for cadence in live_cadences(ctx.session, ctx.workspace):  # teams the new K leaves without results
        small = too_small(ctx.session, cadence, ctx.workspace)
        if small is not None:
            lines.append(too_small_text(t, cadence, *small))
    return _say(*lines)


def quiet_hours(ctx: Context, cmd: A.QuietHours) -> list[Reply]:
    t = ctx.t
    ws = ctx.workspace
    if cmd.start is None or cmd.end is None:
        if ws.quiet_start is None:
            return _say(t._("Quiet hours are already off."))
        ws.quiet_start = ws.quiet_end = None
        _refresh_workspace(ctx)
        return _say(t._("Quiet hours are off."))
    start, end = f"{cmd.start:%H:%M}", f"{cmd.end:%H:%M}"
    if (ws.quiet_start, ws.quiet_end) == (start, end):
        return _say(
            t._("Quiet hours are already {start} to {end}.", start=t.time(cmd.start), end=t.time(cmd.end))
        )
    ws.quiet_start, ws.quiet_end = start, end
    _refresh_workspace(ctx)
    lines = [
        t._(
            "Nobody will be nudged between {start} and {end}, in their own time zone.",
            start=t.time(cmd.start),
            end=t.time(cmd.end),
        )
    ]
    squeezed = quiet_hours_warning(t, ws)
    if squeezed:
        lines.append(squeezed)
    for cadence in live_cadences(ctx.session, ws):
        moved = at_in_quiet_text(t, cadence, ws)
        if moved:
            lines.append(moved)
    return _say(*lines)


def workdays(ctx: Context, cmd: A.Workdays) -> list[Reply]:
    t = ctx.t
    days = frozenset(cmd.days)
    if working_hours.workdays_of(ctx.workspace) == days:
        return _say(t._("Working days are already {days}.", days=weekday_names(t, days)))
    ctx.workspace.workdays = ",".join(str(d) for d in sorted(days))
    _refresh_workspace(ctx)
    lines = [
        t._(
            "Working days are now {days}. Check-ins skip every other day.",
            days=weekday_names(t, days),
        )
    ]
    stopped = [c for c in live_cadences(ctx.session, ctx.workspace) if never_fires(c, days)]
    if stopped:
        lines.append(
            t.n_(
                "This cadence will never run on these days: {names}. Change its schedule or the working"
                " days.",
                "These cadences will never run on these days: {names}. Change their schedules or the"
                " working days.",
                len(stopped),
                names=t.list(f"*{c.label}*" for c in stopped),
            )
        )
    return _say(*lines)


def _refresh_workspace(ctx: Context) -> None:
    ctx.session.flush()
    for cadence in live_cadences(ctx.session, ctx.workspace):
        planner.refresh_slots(ctx.session, cadence=cadence, now=ctx.now)
