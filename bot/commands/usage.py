"""The words of the command language: usage lines, help text, aliases, errors, values.

Kept apart from the grammar (:mod:`bot.commands.parser`) so wording and synonyms can
change without touching parsing, and so help, error messages and the parser agree
on one list of command names. The ``read_*`` helpers turn one written value (a
time, a date, a duration, a mention …) into a Python value, or None if it isn't
one; the parser decides what to say about it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time, timedelta
from typing import NamedTuple, NoReturn

from bot.commands.ast import Mention
from bot.domain import Audience, Recurrence


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


# --- how values are written ---------------------------------------------------------------------

_NAME = re.compile(r"[\w.][\w.-]{0,63}")
_SLACK_MENTION = re.compile(r"<@([^|<>\s]{1,200})(?:\|([^<>]{0,200}))?>")
_HANDLE = re.compile(r"@([\w.-]{1,80})")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UNIT = r"(m(?:in(?:ute)?s?)?|h(?:(?:ou)?rs?)?|d(?:ays?)?|w(?:(?:ee)?ks?)?)"
_DURATION = re.compile(rf"(?:[0-9]{{1,5}}{_UNIT})+")
_DURATION_PART = re.compile(rf"([0-9]{{1,5}}){_UNIT}")
_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
OPTION_ALIASES = {
    "time": "at",
    "recurrence": "every",
    "repeat": "every",
    "set": "prompts",
    "anon": "anonymous",
    "mgr": "manager",
    "for": "audience",
}
"""Other spellings of ``--options``."""

OPTION_NEEDS = {
    "manager": "a person, like @alice",
    "team": "a team name",
    "audience": "manager, members or both",
    "every": 'a schedule like "weekly mon"',
    "at": "a time like 09:30",
    "prompts": "a prompt set name",
    "questions": "a number from 1 to 10",
    "window": "a duration from 1h to 4w, like 2d",
    "anonymous": "yes or no",
}
"""What each option's value should look like, for error messages."""
_SCHEDULES = (
    "daily, weekdays, weekly mon, every 2 weeks tue, monthly 15, monthly first mon or monthly last fri"
)


def clip(text: str, limit: int = 40) -> str:
    """Echo user text back safely: short, and without backticks that would break formatting."""
    text = text.replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_name(text: str) -> str | None:
    """A team, cadence or prompt-set name: plain enough to show anywhere and never mistaken for an option."""
    return text if _NAME.fullmatch(text) else None


def read_mention(token: str) -> Mention | None:
    """A Slack ``<@U1>`` / ``<@U1|label>`` entity (Teams is rewritten to it) or a local ``@handle``."""
    if m := _SLACK_MENTION.fullmatch(token):
        return Mention(m.group(1), (m.group(2) or "").strip() or None)
    if m := _HANDLE.fullmatch(token):
        return Mention(m.group(1))
    return None


def read_time(text: str) -> time | None:
    m = _TIME.fullmatch(text.strip())
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return time(int(m.group(1)), int(m.group(2)))
    return None


def read_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if _DATE.fullmatch(text) else None
    except ValueError:
        return None


def int_between(lo: int, hi: int) -> Callable[[str], int | None]:
    def convert(text: str) -> int | None:
        return int(text) if re.fullmatch(r"[0-9]{1,6}", text) and lo <= int(text) <= hi else None

    return convert


def read_duration(text: str) -> timedelta | None:
    """An answer window like ``12h`` or ``1d12h``, between one hour and four weeks."""
    text = text.lower().replace(" ", "")
    if len(text) > 40 or not _DURATION.fullmatch(text):
        return None
    seconds = sum(int(n) * _SECONDS[unit[0]] for n, unit in _DURATION_PART.findall(text))
    return timedelta(seconds=seconds) if 3600 <= seconds <= 4 * _SECONDS["w"] else None


def read_bool(text: str) -> bool | None:
    return {
        "yes": True,
        "y": True,
        "true": True,
        "on": True,
        "no": False,
        "n": False,
        "false": False,
        "off": False,
    }.get(text.lower())


def read_audience(text: str) -> Audience | None:
    table = {
        "manager": Audience.MANAGER,
        "managers": Audience.MANAGER,
        "members": Audience.MEMBERS,
        "member": Audience.MEMBERS,
        "team": Audience.MEMBERS,
        "both": Audience.BOTH,
        "all": Audience.BOTH,
        "everyone": Audience.BOTH,
    }
    return table.get(text.lower())


def read_weekday(word: str) -> int | None:
    """Day index (0 = Monday) from mon / tues / thursday / fridays …"""
    word = word.lower().rstrip(".")
    for index, full in enumerate(_DAYS):
        if len(word) >= 3 and (full.startswith(word) or word == full + "s"):
            return index
    return None


def _weekly(day: str, interval: int) -> Recurrence:
    weekday = read_weekday(day)
    if weekday is None:
        raise CommandError(
            f"`{clip(day)}` isn't a day of the week; use mon, tue, wed, thu, fri, sat or sun.",
            USAGE["cadence add"],
        )
    return Recurrence("weekly", weekday=weekday, interval_weeks=interval)


def parse_recurrence(text: str) -> Recurrence:
    """Read a schedule such as ``weekly mon`` or ``monthly last fri``; inverse of ``Recurrence.to_text``."""
    words = [w for w in text.lower().replace(",", " ").split() if w not in ("on", "the", "of", "each")]

    def fail(message: str) -> NoReturn:
        raise CommandError(message, USAGE["cadence add"])

    match words:
        case ["daily"] | ["everyday"] | ["every", "day"]:
            return Recurrence("daily")
        case ["weekdays"] | ["every", "weekday" | "weekdays"]:
            return Recurrence("weekdays")
        case ["weekly", day] | ["every", day] | ["every", "week", day]:
            return _weekly(day, 1)
        case ["biweekly" | "fortnightly", day] | ["every", "other", "week", day]:
            return _weekly(day, 2)
        case ["every", count, "week" | "weeks", day]:
            if not re.fullmatch(r"[0-9]{1,3}", count) or not 1 <= int(count) <= 12:
                fail("I can repeat every 1 to 12 weeks, like `every 2 weeks tue`.")
            return _weekly(day, int(count))
        case ["monthly", "last"]:
            return Recurrence("monthly_day", day=-1)
        case ["monthly", "first" | "last" as nth, day]:
            weekday = _weekly(day, 1).weekday
            return Recurrence("monthly_nth", weekday=weekday, nth="first" if nth == "first" else "last")
        case ["monthly", "second" | "third" | "fourth" | "2nd" | "3rd" | "4th", _]:
            fail("I can do the first or the last weekday of a month, like `monthly first mon`.")
        case ["monthly", number] if m := re.fullmatch(r"([0-9]{1,4})(?:st|nd|rd|th)?", number):
            if not 1 <= int(m.group(1)) <= 28:
                fail(
                    f"Not every month has a day {int(m.group(1))}, so I stick to days 1 to 28. "
                    "For the end of the month, use `monthly last`."
                )
            return Recurrence("monthly_day", day=int(m.group(1)))
        case ["weekly" | "monthly" | "week" | "month" as kind] | ["every", "week" | "month" as kind]:
            fail(f"Which day? For example `{'weekly mon' if kind.startswith('week') else 'monthly 15'}`.")
        case []:
            fail(f"Tell me how often: {_SCHEDULES}.")
    fail(f"I can't read `{clip(text.strip())}` as a schedule. Try {_SCHEDULES}.")
