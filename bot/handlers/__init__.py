"""Command handlers: one function per command, all returning replies for the caller.

Which function runs a command, and who may run it, is part of the command's declaration
(:mod:`bot.commands.registry`); :func:`run_command` checks the permission, once, before any
handler runs, so a refused command cannot have changed anything. A handler reports what it
changed with :meth:`bot.context.Context.report`.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from bot import checkins
from bot.commands import Parsed
from bot.context import Context
from bot.handlers import cadences, commitments, cycle, hr, library, org, pathways, personal, policy
from bot.messages import Para, Reply

Handler = Callable[[Context, Any], list[Reply]]

MODULES: dict[str, ModuleType] = {
    "cadences": cadences,
    "checkins": checkins,
    "commitments": commitments,
    "cycle": cycle,
    "hr": hr,
    "library": library,
    "org": org,
    "pathways": pathways,
    "personal": personal,
    "policy": policy,
}
"""Where the handlers a declaration names (``"org.team_bind"``) live."""


def handler_for(name: str) -> Handler:
    """The function a declaration names as ``"<module>.<function>"``."""
    module, _, function = name.partition(".")
    found: Handler = getattr(MODULES[module], function)
    return found


def run_command(ctx: Context, parsed: Parsed) -> list[Reply]:
    command, value = parsed.command, parsed.value
    if not command.permission.allows(is_admin=ctx.person.is_admin):
        text = ctx.t._("Only Coachbot admins can do that. Ask an admin, or see `help` for what you can do.")
        return [Reply((Para(text),))]
    return handler_for(command.handlers[type(value)])(ctx, value)
