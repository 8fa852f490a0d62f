"""Reading what follows the command words: positionals, ``--options``, names and mentions.

Every refusal is a :class:`~bot.commands.errors.CommandError` carrying the command's usage,
with its sentence as a msgid so it can be shown in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn, TypeVar

from bot.commands import ast as A
from bot.commands.errors import CommandError, Msg
from bot.commands.usage import USAGE
from bot.commands.values import OPTION_NEEDS, clip, read_mention, read_name
from bot.i18n import N_

_T = TypeVar("_T")


@dataclass
class Args:
    """What followed the command words, split into positionals and ``--options``."""

    path: str
    pos: list[str]
    opts: dict[str, str]

    def fail(self, message: str, *, field: str | None = None, **values: object) -> NoReturn:
        """Refuse the command: ``message`` is a msgid (marked with ``N_``) with named ``values``."""
        raise CommandError(message, USAGE[self.path], field=field, **values)

    def exactly(self, *what: str) -> list[str]:
        """The positionals, insisting on one per description in ``what`` (msgids, used in the message)."""
        if len(self.pos) < len(what):
            self.fail(N_("`{command}` needs {what}."), command=self.path, what=Msg(what[len(self.pos)]))
        if len(self.pos) > len(what):
            self.fail(N_("I didn't expect `{word}` there."), word=clip(self.pos[len(what)]))
        return self.pos

    def option(self, name: str, convert: Callable[[str], _T | None]) -> _T | None:
        """Convert an optional ``--name`` value; an empty or bad value fails saying what it needs."""
        if name not in self.opts:
            return None
        value = self.opts[name]
        result = convert(value) if value else None
        if result is None and value:
            self.fail(
                N_("`--{option}` needs {what} (got `{value}`)."),
                field=name,
                option=name,
                what=OPTION_NEEDS[name],
                value=clip(value),
            )
        if result is None:
            self.fail(N_("`--{option}` needs {what}."), field=name, option=name, what=OPTION_NEEDS[name])
        return result

    def need(self, name: str, convert: Callable[[str], _T | None]) -> _T:
        """Like :meth:`option`, for an option the command cannot do without."""
        if name not in self.opts:
            self.fail(
                N_("Please add `--{option}`: it needs {what}."),
                field=name,
                option=name,
                what=OPTION_NEEDS[name],
            )
        result = self.option(name, convert)
        assert result is not None  # option() fails rather than returning None for a given value
        return result


NAME_KINDS: dict[str, tuple[str, str]] = {  # kind -> (what is missing, why a text is no such name)
    "team": (
        N_("a team name"),
        N_("`{text}` can't be a team name: use letters, digits, -, _ or . (64 at most)."),
    ),
    "cadence": (
        N_("a cadence name"),
        N_("`{text}` can't be a cadence name: use letters, digits, -, _ or . (64 at most)."),
    ),
    "prompt set": (
        N_("a prompt set"),
        N_("`{text}` can't be a prompt set name: use letters, digits, -, _ or . (64 at most)."),
    ),
}


def name_arg(a: Args, text: str, kind: str) -> str:
    if read_name(text) is None:
        a.fail(NAME_KINDS[kind][1], field="name" if a.path == "cadence add" else None, text=clip(text))
    return text


def mention_arg(a: Args, token: str) -> A.Mention:
    found = read_mention(token)
    if found is None:
        a.fail(N_("`{text}` doesn't look like a person; mention them like @alice."), text=clip(token))
    return found
