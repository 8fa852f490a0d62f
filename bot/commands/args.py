"""Reading what follows the command words: positionals, ``--options``, names and mentions.

Every refusal is a :class:`~bot.commands.errors.CommandError` carrying the command's usage,
with its sentence as a msgid so it can be shown in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NoReturn, TypeVar

from bot.commands import ast as A
from bot.commands.errors import CommandError, Msg
from bot.commands.values import clip, read_mention, read_name
from bot.i18n import N_

_T = TypeVar("_T")


@dataclass
class Args:
    """What followed the command words, split into positionals and ``--options``.

    ``usage`` and ``needs`` (option -> what its value looks like) come from the command's
    declaration; ``find_topic`` is handed in by the parser for `help`, whose grammar needs the
    vocabulary of every command (the declarations cannot import what is built from them).
    """

    path: str
    usage: str
    pos: list[str] = field(default_factory=list)
    opts: dict[str, str] = field(default_factory=dict)
    needs: Mapping[str, str] = field(default_factory=dict)
    find_topic: Callable[[str], str | None] = lambda _topic: None

    def fail(self, message: str, *, option: str | None = None, **values: object) -> NoReturn:
        """Refuse the command: ``message`` is a msgid (marked with ``N_``) with named ``values``;
        ``option`` names the option the refusal is about, if any."""
        if option is not None:
            values.setdefault("option", option)  # most such sentences name it: "`--{option}` needs …"
        raise CommandError(Msg(message, values), self.usage, option=option)

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
                option=name,
                what=Msg(self.needs[name]),
                value=clip(value),
            )
        if result is None:
            self.fail(N_("`--{option}` needs {what}."), option=name, what=Msg(self.needs[name]))
        return result

    def need(self, name: str, convert: Callable[[str], _T | None]) -> _T:
        """Like :meth:`option`, for an option the command cannot do without."""
        if name not in self.opts:
            self.fail(
                N_("Please add `--{option}`: it needs {what}."), option=name, what=Msg(self.needs[name])
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


def name_arg(a: Args, text: str, kind: str, *, option: str | None = None) -> str:
    """``text`` as a name of ``kind``; ``option`` is what a form calls this value, if it shows one."""
    if read_name(text) is None:
        a.fail(NAME_KINDS[kind][1], option=option, text=clip(text))
    return text


def mention_arg(a: Args, token: str) -> A.Mention:
    found = read_mention(token)
    if found is None:
        a.fail(N_("`{text}` doesn't look like a person; mention them like @alice."), text=clip(token))
    return found
