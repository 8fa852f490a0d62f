"""The words of the command language: usage lines, help text, aliases.

Kept apart from the grammar (:mod:`bot.commands.parser`) so wording and synonyms can
change without touching parsing, and so help, error messages and the parser agree
on one list of command names. The topics themselves live in :mod:`bot.commands.topics`,
errors in :mod:`bot.commands.errors`, how single values are written in
:mod:`bot.commands.values`.

Command words stay English in every language (one vocabulary to document and support);
a few native words for `help` are accepted because that is what a lost person types.
"""

from __future__ import annotations

from bot.commands.errors import CommandError, Msg, NeedsForm
from bot.commands.topics import GROUPS, TOPICS
from bot.i18n import DEFAULT_LOCALE, N_, Tr, tr

__all__ = [
    "ADMIN_TOPICS",
    "COMMAND_ALIASES",
    "EXAMPLES",
    "SUBCOMMANDS",
    "SUBCOMMAND_ALIASES",
    "USAGE",
    "CommandError",
    "Msg",
    "NeedsForm",
    "canonical_topic",
    "help_text",
]

USAGE: dict[str, str] = {path: t.usage for path, t in TOPICS.items()}
"""Syntax of each command, keyed by command path ("team create", "vacation", …)."""

EXAMPLES: dict[str, str] = {path: t.example for path, t in TOPICS.items()}
"""A working example of each command; the tests parse every one."""

ADMIN_TOPICS: frozenset[str] = frozenset(path for path, t in TOPICS.items() if t.admin)

_GROUP_TOPICS = {
    "team": "teams",
    "cadence": "cadences",
    "admin": "admin",
    "check-ins": "checkins",
    "checkins": "checkins",
    "checkin": "checkins",
}

COMMAND_ALIASES: dict[str, str] = {
    "?": "help",
    "hilfe": "help",
    "aide": "help",
    "ayuda": "help",
    "teams": "team",
    "cadences": "cadence",
    "schedule": "cadence",
    "admins": "admin",
    "holiday": "vacation",
    "away": "vacation",
    "pto": "vacation",
    "ooo": "vacation",
    "prompt": "prompts",
    "later": "snooze",
    "remind": "snooze",
    "decline": "pass",
    "quiet": "quiet-hours",
    "quiethours": "quiet-hours",
    "quiet_hours": "quiet-hours",
    "workday": "workdays",
    "working-days": "workdays",
}
"""Other words people use for a top-level command."""

SUBCOMMAND_ALIASES: dict[str, dict[str, str]] = {
    "team": {"new": "create", "ls": "list", "info": "show", "rm": "remove", "link": "bind", "sync": "bind"},
    "cadence": {
        "new": "add",
        "create": "add",
        "ls": "list",
        "info": "show",
        "stop": "pause",
        "unpause": "resume",
        "rm": "remove",
        "del": "remove",
        "delete": "remove",
        "now": "run",
        "trigger": "run",
    },
    "admin": {"grant": "add", "rm": "remove", "revoke": "remove"},
}
"""Other words for a subcommand, per group."""

SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    group: tuple(path.split(" ", 1)[1] for path in TOPICS if path.startswith(group + " "))
    for group in ("team", "cadence", "admin")
}


def canonical_topic(topic: str) -> str | None:
    """Map whatever someone typed after ``help`` to a topic key, or None if unknown.

    Returns a command path ("cadence add"), a group word ("team"), or None.
    """
    words = topic.lower().split()
    if not words:
        return None
    if words[0] in ("/coach", "coach"):
        words = words[1:] or ["help"]
    words[0] = COMMAND_ALIASES.get(words[0], words[0])
    if len(words) > 1:
        words[1] = SUBCOMMAND_ALIASES.get(words[0], {}).get(words[1], words[1])
    joined = " ".join(words)
    if joined in TOPICS:
        return joined
    if len(words) == 1 and words[0] in _GROUP_TOPICS:
        return words[0]
    if words[0] in TOPICS:  # "help vacation clear" -> vacation
        return words[0]
    return None


def _admins(t: Tr) -> str:
    return t._("(admins)")


def help_text(topic: str | None, t: Tr | None = None) -> str:
    """Help as chat text in the reader's language: an overview, one group, or one command in detail."""
    t = t or tr(DEFAULT_LOCALE)
    if topic is None:
        lines = [t._("Here's what I can do. Type `help <command>` for details.")]
        for group, title in GROUPS.items():
            lines.append(f"\n*{t._(title)}*")
            lines += [
                f"• `{path}` — {t._(topic.summary)}" + (f" _{_admins(t)}_" if topic.admin else "")
                for path, topic in TOPICS.items()
                if topic.group == group
            ]
        return "\n".join(lines)
    key = canonical_topic(topic)
    if key is None:
        raise CommandError(
            N_("I have no help on `{topic}`. Try `help` for the full list."),
            USAGE["help"],
            topic=topic.strip().replace("`", "'")[:40],
        )
    if key in _GROUP_TOPICS:
        group = _GROUP_TOPICS[key]
        lines = [f"*{t._(GROUPS[group])}*"]
        lines += [
            f"• `{found.usage.splitlines()[0]}` — {t._(found.summary)}"
            for found in TOPICS.values()
            if found.group == group
        ]
        return "\n".join(lines)
    found = TOPICS[key]
    lines = [f"`{line}`" for line in found.usage.splitlines()]
    lines.append(t._(found.summary) + (" " + t._(found.detail) if found.detail else ""))
    lines.append(t._("Example: {example}", example=f"`{found.example}`"))
    if found.admin:
        lines.append("_" + t._("Admins only.") + "_")
    return "\n".join(lines)
