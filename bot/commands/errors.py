"""Errors of the command language, written once and shown in the reader's language.

The parser has no idea who is typing, so an error keeps its sentence as a catalog msgid
plus values (:class:`Msg`); whoever shows it renders it with that person's translator::

    except CommandError as exc:
        text = exc.render(ctx.t)

Usage lines are syntax (command words stay English in every language), so they are shown
as they are; only the words around them are translated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.i18n import DEFAULT_LOCALE, Tr, tr

__all__ = ["CommandError", "Msg", "NeedsForm"]


@dataclass(frozen=True)
class Msg:
    """A sentence to translate later: a catalog msgid and its values.

    A value may itself be a :class:`Msg` (a phrase such as "a team name"), translated with
    the same translator before it is put in place.
    """

    msgid: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def render(self, t: Tr) -> str:
        values = {k: v.render(t) if isinstance(v, Msg) else v for k, v in self.values.items()}
        return t._(self.msgid, **values)


class CommandError(Exception):
    """A command someone typed could not be understood.

    ``CommandError(N_("`{word}` isn't a date."), usage, word=text)``: the sentence is a
    msgid with named values; ``usage`` is the syntax of the command they were going for
    (None when we can't tell); ``option`` names the option the error is about ("at",
    "every", …, or "name" for the name ``cadence add`` gives; None when it is about none), so
    that a form can show the error next to that option's field.

    :meth:`render` gives the text for a reader; ``str()`` and :attr:`message` give English
    (for logs and old callers).
    """

    def __init__(
        self, message: str | Msg, usage: str | None = None, *, option: str | None = None, **values: Any
    ) -> None:
        self.msg = message if isinstance(message, Msg) else Msg(message, values)
        self.usage = usage
        self.option = option
        super().__init__(self.msg.msgid)

    def render_message(self, t: Tr) -> str:
        """Just the sentence, without the usage (for a form field)."""
        return self.msg.render(t)

    def render(self, t: Tr) -> str:
        """The sentence and, below it, the usage of the command, ready to send in chat."""
        text = self.msg.render(t)
        if not self.usage:
            return text
        label = t._("Usage:")
        indent = "\n" + " " * (len(label) + 1)
        return f"{text}\n{label} " + self.usage.replace("\n", indent)

    @property
    def message(self) -> str:
        """The sentence in English."""
        return self.render_message(tr(DEFAULT_LOCALE))

    def __str__(self) -> str:
        return self.render(tr(DEFAULT_LOCALE))


class NeedsForm(CommandError):
    """``cadence add`` with no arguments: adapters with forms (Slack modals) open one instead."""
