"""The vocabulary of the command language, and `help`: both read from the declarations.

:mod:`bot.commands.registry` declares each command once; this module indexes their words and
aliases (for the parser and for `help <command>`) and writes help in the reader's language.
Usage lines and examples are syntax and stay English; the prose around them is translated.
"""

from __future__ import annotations

from bot.commands.errors import CommandError
from bot.commands.registry import BY_PATH, COMMANDS, GROUPS, SECTIONS
from bot.commands.spec import Command, Permission
from bot.i18n import DEFAULT_LOCALE, N_, Tr, tr

__all__ = ["canonical_topic", "first_word", "group_usage", "help_text", "spellings", "subcommand"]

_FIRST_WORDS: dict[str, str] = {
    **{alias: group.word for group in GROUPS.values() for alias in (group.word, *group.aliases)},
    **{word: c.path for c in COMMANDS if c.group is None for word in (c.path, *c.aliases)},
}
"""Every word a command line may start with -> a group word ("team") or a command path ("help")."""

_SUBCOMMANDS: dict[str, dict[str, str]] = {
    group: {word: c.path for c in COMMANDS if c.group == group for word in (c.word, *c.aliases)}
    for group in GROUPS
}
"""Group word -> every word for one of its subcommands -> that command's path."""

_SECTION_WORDS: dict[str, str] = {word: key for key, s in SECTIONS.items() for word in s.words}


def first_word(word: str) -> str | None:
    """The group word or command path a first word stands for (aliases included), or None."""
    return _FIRST_WORDS.get(word.lower())


def subcommand(group: str, word: str) -> str | None:
    """The path of the ``group`` command a second word stands for ("link" -> "team bind"), or None."""
    return _SUBCOMMANDS[group].get(word.lower())


def spellings(group: str | None = None) -> dict[str, str]:
    """Every accepted word -> the canonical word, at the top level or after ``group`` (for suggestions)."""
    if group is None:
        return {word: target.split(" ")[0] for word, target in _FIRST_WORDS.items()}
    return {word: path.split(" ", 1)[1] for word, path in _SUBCOMMANDS[group].items()}


def group_usage(group: str) -> str:
    return "\n".join(c.usage for c in COMMANDS if c.group == group)


def canonical_topic(topic: str) -> str | None:
    """Map whatever someone typed after ``help`` to a topic, or None if unknown.

    Returns a command path ("cadence add"), a group or section word ("team"), or None.
    """
    words = topic.lower().split()
    if not words:
        return None
    if words[0] in ("/coach", "coach"):
        words = words[1:] or ["help"]
    first = first_word(words[0]) or words[0]
    if first in GROUPS and len(words) > 1:
        path = subcommand(first, words[1])
        if path is not None:
            return path
    if first in BY_PATH:  # also "help vacation clear" -> vacation
        return first
    if len(words) == 1 and first in _SECTION_WORDS:
        return first
    return None


def _admins(t: Tr) -> str:
    return t._("(admins)")


def _overview_line(command: Command, t: Tr) -> str:
    admins = f" _{_admins(t)}_" if command.permission is not Permission.ANYONE else ""
    return f"• `{command.path}` — {t._(command.summary)}" + admins


def help_text(topic: str | None, t: Tr | None = None) -> str:
    """Help as chat text in the reader's language: an overview, one section, or one command in detail."""
    t = t or tr(DEFAULT_LOCALE)
    if topic is None:
        lines = [t._("Here's what I can do. Type `help <command>` for details.")]
        for key, section in SECTIONS.items():
            lines.append(f"\n*{t._(section.title)}*")
            lines += [_overview_line(c, t) for c in COMMANDS if c.section == key]
        return "\n".join(lines)
    found = canonical_topic(topic)
    if found is None:
        raise CommandError(
            N_("I have no help on `{topic}`. Try `help` for the full list."),
            BY_PATH["help"].usage,
            topic=topic.strip().replace("`", "'")[:40],
        )
    if found in _SECTION_WORDS:
        key = _SECTION_WORDS[found]
        lines = [f"*{t._(SECTIONS[key].title)}*"]
        lines += [f"• `{c.usage.splitlines()[0]}` — {t._(c.summary)}" for c in COMMANDS if c.section == key]
        return "\n".join(lines)
    command = BY_PATH[found]
    lines = [f"`{line}`" for line in command.usage.splitlines()]
    lines.append(t._(command.summary) + (" " + t._(command.detail) if command.detail else ""))
    lines.append(t._("Example: {example}", example=f"`{command.example}`"))
    if command.permission is not Permission.ANYONE:
        lines.append("_" + t._("Admins only.") + "_")
    return "\n".join(lines)
