"""The business cycle (issue 10, section 2): `cycle`, `cycle set`, `cycle clear`.

A cycle changes nothing already scheduled: each run reads the phase in force on its own date when
its questions are chosen (:mod:`bot.rotation`), so setting or clearing one only says what it means.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot import cycles, relationships
from bot.business_cycle import CycleRule, Explicit, Quarterly, Sprints, next_change, span_on
from bot.commands import ast as A
from bot.context import Context
from bot.domain import Phase
from bot.handlers.org import find_team, no_team
from bot.i18n import N_, Tr
from bot.messages import Para, Reply
from bot.schedule import local_today
from bot.working_hours import workdays_of
from storage.models import Team

PHASE_NAMES = {Phase.PLAN: N_("plan"), Phase.EXECUTE: N_("execute"), Phase.REVIEW: N_("review")}


def _say(*lines: str) -> list[Reply]:
    return [Reply(tuple(Para(line) for line in lines))]


def _today(ctx: Context) -> date:
    return local_today(ctx.now, ctx.person.timezone)


def _length(t: Tr, days: int) -> str:
    if days % 7 == 0:
        return t.n_("{count} week", "{count} weeks", days // 7)
    return t.n_("{count} day", "{count} days", days)


def describe(t: Tr, rule: CycleRule) -> str:
    """One line saying what a rule is, in the reader's language."""
    if isinstance(rule, Quarterly):
        return t._(
            "quarterly ({plan} of plan at the start of each quarter, {review} of review at its end,"
            " execute in between)",
            plan=_length(t, rule.plan_days),
            review=_length(t, rule.review_days),
        )
    if isinstance(rule, Sprints):
        return t._(
            "sprints of {length} from {start} (plan on the first two working days, review on the last two)",
            length=_length(t, rule.length_days),
            start=t.date(rule.start),
        )
    assert isinstance(rule, Explicit)
    return t._(
        "plan from {plan}, execute from {execute}, review from {review} to {end}",
        plan=t.date(rule.plan),
        execute=t.date(rule.execute),
        review=t.date(rule.review),
        end=t.date(rule.end),
    )


def phase_now(ctx: Context, rule: CycleRule) -> str:
    """Which phase holds today (in the reader's zone), until when, and what comes next."""
    t, today = ctx.t, _today(ctx)
    workdays = workdays_of(ctx.workspace)
    span = span_on(rule, today, workdays=workdays)
    following = next_change(rule, today, workdays=workdays)
    if span.phase is None and following is None:
        assert span.start is not None
        ended = span.start - timedelta(days=1)
        return t._("The cycle ended on {date}; no phase is in force.", date=t.date(ended))
    if span.phase is None:
        assert following is not None and following.phase is not None and following.start is not None
        return t._(
            "No phase is in force yet; {phase} starts on {date}.",
            phase=t._(PHASE_NAMES[following.phase]),
            date=t.day(following.start),
        )
    now = t._(PHASE_NAMES[span.phase])
    if following is None or span.end is None:
        return t._("Now: *{phase}*.", phase=now)
    if following.phase is None:
        return t._("Now: *{phase}* until {end}; then the cycle ends.", phase=now, end=t.day(span.end))
    return t._(
        "Now: *{phase}* until {end}; then *{next}*.",
        phase=now,
        end=t.day(span.end),
        next=t._(PHASE_NAMES[following.phase]),
    )


def show(ctx: Context, _cmd: A.CycleShow) -> list[Reply]:
    t = ctx.t
    teams = {team.id: team for team in relationships.teams_led_by(ctx.session, ctx.person)}
    teams.update({team.id: team for team in relationships.teams_of(ctx.session, ctx.person)})
    lines: list[str] = []
    workspace_rule = cycles.workspace_rule(ctx.session, ctx.workspace)
    if workspace_rule is not None:
        lines.append(t._("The business cycle is {rule}.", rule=describe(t, workspace_rule)))
    for team in sorted(teams.values(), key=lambda team: team.name_key):
        in_force = cycles.in_force(ctx.session, team)
        if in_force is None:
            lines.append(
                t._(
                    "*{team}*: no business cycle, so questions come from the whole prompt set.",
                    team=team.name,
                )
            )
        elif in_force.team is None:
            lines.append(t._("*{team}*: {now}", team=team.name, now=phase_now(ctx, in_force.rule)))
        else:
            lines.append(
                t._(
                    "*{team}* has its own cycle: {rule}. {now}",
                    team=team.name,
                    rule=describe(t, in_force.rule),
                    now=phase_now(ctx, in_force.rule),
                )
            )
    if not teams and workspace_rule is not None:
        lines.append(phase_now(ctx, workspace_rule))
    if ctx.person.is_admin:
        lines += _overrides(ctx, exclude=set(teams))
    if not lines:
        lines.append(t._("No business cycle is set, so check-ins draw from their whole prompt set."))
        if ctx.person.is_admin:
            lines.append(t._("Set one with `cycle set quarterly` (see `help cycle set`)."))
    return _say(*lines)


def _overrides(ctx: Context, *, exclude: set[int]) -> list[str]:
    """For an admin: the teams with a cycle of their own, beyond the reader's teams already shown."""
    t = ctx.t
    lines = []
    for team in cycles.teams_with_own_cycle(ctx.session, ctx.workspace):
        if team.id not in exclude:
            rule = cycles.own_rule(ctx.session, workspace=ctx.workspace, team=team)
            assert rule is not None
            lines.append(t._("*{team}* has its own cycle: {rule}.", team=team.name, rule=describe(t, rule)))
    return lines


def _scope(ctx: Context, name: str | None) -> Team | list[Reply] | None:
    if name is None:
        return None
    team = find_team(ctx, name)
    return no_team(ctx.t, name) if team is None else team


def _apply(ctx: Context, rule: CycleRule, team_name: str | None) -> list[Reply]:
    t = ctx.t
    team = _scope(ctx, team_name)
    if isinstance(team, list):
        return team
    changed = cycles.set_rule(ctx.session, workspace=ctx.workspace, team=team, rule=rule, now=ctx.now)
    if not changed:
        return _say(t._("The cycle is already {rule}.", rule=describe(t, rule)))
    if team is None:
        first = t._(
            "The business cycle is now {rule}. Teams with a cycle of their own keep it.",
            rule=describe(t, rule),
        )
    else:
        first = t._("*{team}* now has its own cycle: {rule}.", team=team.name, rule=describe(t, rule))
    return _say(
        first,
        phase_now(ctx, rule),
        t._("Check-ins from now on ask questions for the phase in force on their day."),
    )


def set_cycle(ctx: Context, cmd: A.CycleSet) -> list[Reply]:
    return _apply(ctx, cmd.rule, cmd.team)


def set_sprints(ctx: Context, cmd: A.CycleSetSprints) -> list[Reply]:
    start = cmd.start if cmd.start is not None else _today(ctx)
    return _apply(ctx, Sprints(length_days=cmd.length_days, start=start), cmd.team)


def clear(ctx: Context, cmd: A.CycleClear) -> list[Reply]:
    t = ctx.t
    team = _scope(ctx, cmd.team)
    if isinstance(team, list):
        return team
    if not cycles.clear_rule(ctx.session, workspace=ctx.workspace, team=team):
        if team is None:
            return _say(t._("There is no business cycle to clear."))
        return _say(t._("*{team}* has no cycle of its own.", team=team.name))
    if team is None:
        return _say(
            t._(
                "The business cycle is cleared: check-ins draw from their whole prompt set again."
                " Teams with a cycle of their own keep it."
            )
        )
    return _say(t._("*{team}* follows the workspace's cycle again.", team=team.name))
