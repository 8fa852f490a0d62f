"""The words of the command language: usage lines, help text, aliases, errors, values.

Kept apart from the grammar (:mod:`bot.commands.parser`) so wording and synonyms can
change without touching parsing, and so help, error messages and the parser agree
on one list of command names. How single values are written lives in
:mod:`bot.commands.values`.
"""

from __future__ import annotations

from typing import NamedTuple


class CommandError(Exception):
    """A command someone typed could not be understood.

    ``message`` is a short, friendly sentence; ``usage`` the syntax of the command
    they were going for (None when we can't tell). ``str()`` gives both, ready to
    send back in chat.
    """

    def __init__(self, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage

    def __str__(self) -> str:
        if not self.usage:
            return self.message
        return f"{self.message}\nUsage: " + self.usage.replace("\n", "\n       ")


class NeedsForm(CommandError):
    """``cadence add`` with no arguments: adapters with forms (Slack modals) open one instead."""


class _Topic(NamedTuple):
    group: str
    usage: str
    about: str
    example: str
    admin: bool = False


GROUPS: tuple[str, ...] = ("Check-ins", "Teams", "Cadences", "Privacy", "Admin")
_CHECKINS, _TEAMS, _CADENCES, _PRIVACY, _ADMIN = GROUPS
_TOPICS: dict[str, _Topic] = {
    "status": _Topic(_CHECKINS, "status", "What's coming up for you, and any time off you've set.", "status"),
    "skip": _Topic(
        _CHECKINS, "skip <cadence>", "Sit out the next check-in of one cadence.", "skip weekly-sync"
    ),
    "vacation": _Topic(
        _CHECKINS,
        "vacation <from> <to>\nvacation clear",
        "Pause all your check-ins for a while. Dates are YYYY-MM-DD, both days included.",
        "vacation 2025-07-01 2025-07-14",
    ),
    "prompts": _Topic(
        _CHECKINS, "prompts [<set>]", "List the prompt sets, or the questions in one set.", "prompts starter"
    ),
    "help": _Topic(
        _CHECKINS, "help [command]", "Show what I can do, or the details of one command.", "help vacation"
    ),
    "team list": _Topic(_TEAMS, "team list", "List all teams.", "team list"),
    "team show": _Topic(
        _TEAMS, "team show <team>", "Show a team's manager, members and cadences.", "team show design"
    ),
    "team create": _Topic(
        _TEAMS,
        "team create <team> --manager @user",
        "Start a new team with its manager.",
        "team create design --manager @alice",
        admin=True,
    ),
    "team add": _Topic(
        _TEAMS,
        "team add <team> @user [@user…]",
        "Add people to a team.",
        "team add design @bob @carol",
        admin=True,
    ),
    "team remove": _Topic(
        _TEAMS,
        "team remove <team> @user [@user…]",
        "Take people off a team.",
        "team remove design @bob",
        admin=True,
    ),
    "team bind": _Topic(
        _TEAMS,
        "team bind <team> <channel-or-group>",
        "Keep a team's members in step with a channel or user group.",
        "team bind design #design",
        admin=True,
    ),
    "cadence list": _Topic(_CADENCES, "cadence list", "List all cadences.", "cadence list"),
    "cadence show": _Topic(
        _CADENCES,
        "cadence show <name>",
        "Show one cadence's schedule and settings.",
        "cadence show weekly-sync",
    ),
    "cadence add": _Topic(
        _CADENCES,
        'cadence add <name> --team <team> --audience manager|members|both --every "<recurrence>" --at HH:MM'
        " [--prompts <set>] [--questions N] [--window 2d] [--anonymous yes|no]",
        "Schedule recurring check-ins. Recurrence: daily, weekdays, weekly mon, every 2 weeks tue,"
        " monthly 15, monthly first mon, monthly last fri, monthly last.",
        'cadence add weekly-sync --team design --audience members --every "weekly fri" --at 15:00',
        admin=True,
    ),
    "cadence pause": _Topic(
        _CADENCES, "cadence pause <name>", "Stop a cadence for now.", "cadence pause weekly-sync", admin=True
    ),
    "cadence resume": _Topic(
        _CADENCES,
        "cadence resume <name>",
        "Start a paused cadence again.",
        "cadence resume weekly-sync",
        admin=True,
    ),
    "cadence remove": _Topic(
        _CADENCES,
        "cadence remove <name>",
        "Delete a cadence for good.",
        "cadence remove weekly-sync",
        admin=True,
    ),
    "cadence run": _Topic(
        _CADENCES,
        "cadence run <name>",
        "Send a cadence's check-in right now.",
        "cadence run weekly-sync",
        admin=True,
    ),
    "privacy": _Topic(
        _PRIVACY,
        "privacy [export|delete]",
        "See what I keep about you, get a copy of it, or have it erased.",
        "privacy export",
    ),
    "admin add": _Topic(_ADMIN, "admin add @user", "Make someone an admin.", "admin add @alice", admin=True),
    "admin remove": _Topic(
        _ADMIN, "admin remove @user", "Take admin rights away.", "admin remove @alice", admin=True
    ),
    "threshold": _Topic(
        _ADMIN,
        "threshold <K>",
        "Only show anonymous results once K or more people answered. K is at least 3.",
        "threshold 5",
        admin=True,
    ),
    "quiet-hours": _Topic(
        _ADMIN,
        "quiet-hours HH:MM-HH:MM\nquiet-hours off",
        "Hours when nobody gets nudged. They may span midnight.",
        "quiet-hours 20:00-08:00",
        admin=True,
    ),
    "workdays": _Topic(
        _ADMIN,
        "workdays <days>",
        "Set which days count as working days. Use ranges or lists: mon-fri, sun-thu, mon,tue,thu.",
        "workdays mon-fri",
        admin=True,
    ),
}

USAGE: dict[str, str] = {path: t.usage for path, t in _TOPICS.items()}
"""Syntax of each command, keyed by command path ("team create", "vacation", …)."""

EXAMPLES: dict[str, str] = {path: t.example for path, t in _TOPICS.items()}
"""A working example of each command; the tests parse every one."""

ADMIN_TOPICS: frozenset[str] = frozenset(path for path, t in _TOPICS.items() if t.admin)

_GROUP_TOPICS = {
    "team": "Teams",
    "cadence": "Cadences",
    "admin": "Admin",
    "check-ins": "Check-ins",
    "checkins": "Check-ins",
    "checkin": "Check-ins",
}

COMMAND_ALIASES: dict[str, str] = {
    "?": "help",
    "teams": "team",
    "cadences": "cadence",
    "schedule": "cadence",
    "admins": "admin",
    "holiday": "vacation",
    "away": "vacation",
    "pto": "vacation",
    "ooo": "vacation",
    "prompt": "prompts",
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
    group: tuple(path.split(" ", 1)[1] for path in _TOPICS if path.startswith(group + " "))
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
    if joined in _TOPICS:
        return joined
    if len(words) == 1 and words[0] in _GROUP_TOPICS:
        return words[0]
    if words[0] in _TOPICS:  # "help vacation clear" -> vacation
        return words[0]
    return None


def help_text(topic: str | None) -> str:
    """Help as chat text: an overview, one group of commands, or one command in detail."""
    if topic is None:
        lines = ["Here's what I can do. Type `help <command>` for details."]
        for group in GROUPS:
            lines.append(f"\n*{group}*")
            lines += [
                f"• `{path}` — {t.about.split('. ')[0].rstrip('.')}" + (" _(admins)_" if t.admin else "")
                for path, t in _TOPICS.items()
                if t.group == group
            ]
        return "\n".join(lines)
    key = canonical_topic(topic)
    if key is None:
        raise CommandError(
            f"I have no help on `{topic.strip()[:40]}`. Try `help` for the full list.", USAGE["help"]
        )
    if key in _GROUP_TOPICS:
        group = _GROUP_TOPICS[key]
        lines = [f"*{group}*"]
        lines += [f"• `{t.usage.splitlines()[0]}` — {t.about}" for t in _TOPICS.values() if t.group == group]
        return "\n".join(lines)
    t = _TOPICS[key]
    usage = "\n".join(f"`{line}`" for line in t.usage.splitlines())
    admin = "\n_Admins only._" if t.admin else ""
    return f"{usage}\n{t.about}\nExample: `{t.example}`{admin}"
