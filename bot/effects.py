"""What a command changed, said as data, beside the replies people read.

Adapters react to these (a Slack roster sync after a binding, a form field highlighted for a
refused option) instead of reading meaning back out of the command's text. A handler reports
an effect on its context (:meth:`bot.context.Context.report`) once the change is made; the core
returns the effects with the replies (:class:`Outcome`, from :meth:`bot.core.Coachbot.apply`).

Names in effects are as stored (a team's or cadence's own spelling); people and workspaces are
platform ids, so an adapter can act on them without asking the core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.commands.errors import Msg
from bot.messages import Reply


@dataclass(frozen=True)
class BindingChanged:
    """A team's membership now follows ``binding`` (an opaque platform reference, as typed)."""

    workspace: str
    team: str
    binding: str


@dataclass(frozen=True)
class PeopleAdded:
    """People (platform ids) became members of a team by a command."""

    workspace: str
    team: str
    people: tuple[str, ...]


CadenceChange = Literal["added", "paused", "resumed", "removed"]


@dataclass(frozen=True)
class CadenceChanged:
    workspace: str
    cadence: str
    change: CadenceChange


@dataclass(frozen=True)
class CommandRefused:
    """A command line was not run because it could not be read as written.

    ``option`` names the option the problem is about ("every", "at", or "name" for the name
    ``cadence add`` gives), None when it is about none; ``message`` renders in any language.
    This is how an invalid option reaches a form: the form shows ``message`` under its field.
    """

    option: str | None
    message: Msg


Effect = BindingChanged | PeopleAdded | CadenceChanged | CommandRefused


@dataclass(frozen=True)
class Outcome:
    """What handling one event gave: replies for the person, effects for the adapter."""

    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = field(default_factory=tuple)
