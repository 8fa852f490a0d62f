"""What a command declaration says: its words, options, help, who may run it, and its handler.

The declarations themselves are in :mod:`bot.commands.registry`; this module only defines their
shape. The parser, ``help``, the permission check and forms (the Slack modal) all read the same
declaration, so adding a command is one entry there, one handler and its tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from enum import StrEnum

from bot.commands import ast as A
from bot.commands.args import Args


class Permission(StrEnum):
    """Who may run a command."""

    ANYONE = "anyone"
    ADMIN = "admin"  # a Coachbot admin: a platform admin, one listed at startup, or one granted

    def allows(self, *, is_admin: bool) -> bool:
        return self is Permission.ANYONE or is_admin


@dataclass(frozen=True)
class Option:
    """A ``--name value`` option.

    ``needs`` says what its value looks like (a catalog phrase, shown in errors: "`--at` needs a
    time like 09:30"); ``greedy`` options take every word up to the next ``--option`` (a
    recurrence such as ``weekly mon``).
    """

    name: str
    _: KW_ONLY
    needs: str
    aliases: tuple[str, ...] = ()
    greedy: bool = False


@dataclass(frozen=True)
class Command:
    """One command of the command language.

    ``path`` is its canonical words ("team bind", "status"); ``aliases`` are other words for
    its last word (`team link`, `hilfe`). ``usage`` and ``example`` are syntax and stay English
    in every language; ``summary`` and ``detail`` are catalog msgids. ``grammar`` turns the words
    after the path into an AST value; ``handlers`` names, for each AST type the grammar can
    return, the function that runs it as ``"<module>.<function>"`` under :mod:`bot.handlers`
    (named rather than imported, so the language never depends on the code that acts on it;
    :func:`bot.handlers.handler_for` resolves the name, and a test checks every one).
    """

    path: str
    _: KW_ONLY
    section: str
    usage: str
    summary: str
    example: str
    grammar: Callable[[Args], A.Command]
    handlers: Mapping[type, str]
    permission: Permission = Permission.ANYONE
    aliases: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    detail: str | None = None

    @property
    def group(self) -> str | None:
        """The first word of a two-word command ("team" for "team bind"), else None."""
        head, _, rest = self.path.partition(" ")
        return head if rest else None

    @property
    def word(self) -> str:
        """The word that picks this command: the last word of its path."""
        return self.path.rpartition(" ")[2]


@dataclass(frozen=True)
class Group:
    """A first word that has subcommands ("team" for `team add`, `team bind` …).

    ``default`` is the subcommand the word alone means (`team` lists teams), None if it needs one.
    ``fallback`` is the path of a one-word command that takes the line when the second word is no
    subcommand (`prompts growth` shows a set, while `prompts add …` is a command of its own).
    """

    word: str
    aliases: tuple[str, ...] = ()
    default: str | None = None
    fallback: str | None = None


@dataclass(frozen=True)
class Section:
    """A part of the `help` overview; ``words`` are what someone types to see only this part."""

    title: str
    words: tuple[str, ...] = field(default_factory=tuple)
