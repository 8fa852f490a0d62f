"""Command handlers: one function per command, all returning replies for the caller.

Role checks happen here, once, before any handler runs, so a refused command
cannot have changed anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot import checkins
from bot.commands import ADMIN_ONLY, Command, CommandError, help_text
from bot.commands import ast as A
from bot.context import Context
from bot.handlers import cadences, org, personal, policy
from bot.messages import Para, Reply

Handler = Callable[[Context, Any], list[Reply]]

HANDLERS: dict[type, Handler] = {
    A.TeamCreate: org.team_create,
    A.TeamAdd: org.team_add,
    A.TeamRemove: org.team_remove,
    A.TeamList: org.team_list,
    A.TeamShow: org.team_show,
    A.TeamBind: org.team_bind,
    A.AdminAdd: org.admin_add,
    A.AdminRemove: org.admin_remove,
    A.Threshold: policy.threshold,
    A.QuietHours: policy.quiet_hours,
    A.Workdays: policy.workdays,
    A.CadenceAdd: cadences.add,
    A.CadenceList: cadences.list_all,
    A.CadenceShow: cadences.show,
    A.CadencePause: cadences.pause,
    A.CadenceResume: cadences.resume,
    A.CadenceRemove: cadences.remove,
    A.CadenceRun: cadences.run_now,
    A.Prompts: personal.prompts,
    A.Vacation: personal.vacation,
    A.VacationClear: personal.vacation_clear,
    A.Skip: personal.skip,
    A.SkipQuestion: checkins.skip_question,
    A.Decline: checkins.decline,
    A.Snooze: checkins.snooze,
    A.History: personal.history,
    A.Status: personal.status,
    A.Privacy: personal.privacy,
}


def say(*lines: str) -> list[Reply]:
    return [Reply(tuple(Para(line) for line in lines))]


def run_command(ctx: Context, command: Command) -> list[Reply]:
    if isinstance(command, A.Help):
        try:
            return say(help_text(command.topic, ctx.t))
        except CommandError as exc:
            return say(exc.render(ctx.t))
    if type(command) in ADMIN_ONLY and not ctx.person.is_admin:
        return say(
            ctx.t._("Only Coachbot admins can do that. Ask an admin, or see `help` for what you can do.")
        )
    return HANDLERS[type(command)](ctx, command)
