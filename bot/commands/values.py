"""How values are written in the command language: names, mentions, times, dates, durations, schedules.

Each ``read_*`` helper turns one written value into a Python value, or None if it
isn't one; the parser decides what to say about it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time, timedelta
from typing import NoReturn

from bot.commands.ast import Mention
from bot.commands.errors import CommandError
from bot.domain import Audience, Recurrence
from bot.i18n import N_
from storage.models import name_key

# --- how values are written ---------------------------------------------------------------------

NAME_MAX = 64
"""Longest team, cadence or prompt-set name (the columns are 64; a removed cadence's suffix fits in 96)."""
NAME_KEY_MAX = 128
"""Longest lookup key of a name (``Team.name_key`` is 128 characters)."""
_NAME = re.compile(rf"[\w.][\w.-]{{0,{NAME_MAX - 1}}}")
_SLACK_MENTION = re.compile(r"<@([^|<>\s]{1,200})(?:\|([^<>]{0,200}))?>")
_HANDLE = re.compile(r"@([\w.-]{1,80})")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UNIT = r"(m(?:in(?:ute)?s?)?|h(?:(?:ou)?rs?)?|d(?:ays?)?|w(?:(?:ee)?ks?)?)"
_DURATION = re.compile(rf"(?:[0-9]{{1,5}}{_UNIT})+")
_DURATION_PART = re.compile(rf"([0-9]{{1,5}}){_UNIT}")
_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Syntax, so it stays English in every language.
_SCHEDULES = "daily, weekdays, weekly mon, every 2 weeks tue, monthly 15, monthly first mon, monthly last fri"

MAX_THRESHOLD = 50
"""Above this a threshold hides nearly every team's figures, so it is refused as a mistake."""
SNOOZE_RANGE = (timedelta(minutes=5), timedelta(days=7))


def clip(text: str, limit: int = 40) -> str:
    """Echo user text back safely: short, and without backticks that would break formatting."""
    text = text.replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_name(text: str) -> str | None:
    """A team, cadence or prompt-set name: plain enough to show anywhere and never mistaken for an option.

    At most :data:`NAME_MAX` characters, and its lookup key (``storage.models.name_key``: NFKC and
    case folding, which can lengthen a name: "ß" → "ss") at most :data:`NAME_KEY_MAX`, so every name
    accepted here fits its columns (name 64, key 128; a removed cadence's suffix has room beyond).
    """
    if not _NAME.fullmatch(text):
        return None
    key = name_key(text)
    # "~" marks removed cadences' keys; no name may produce one (NFKC of an odd letter could).
    return text if len(key) <= NAME_KEY_MAX and "~" not in key else None


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


def read_duration(
    text: str, lo: timedelta = timedelta(hours=1), hi: timedelta = timedelta(weeks=4)
) -> timedelta | None:
    """A duration like ``12h``, ``30m`` or ``1d12h`` between ``lo`` and ``hi`` (default: an answer window)."""
    text = text.lower().replace(" ", "")
    if len(text) > 40 or not _DURATION.fullmatch(text):
        return None
    value = timedelta(seconds=sum(int(n) * _SECONDS[unit[0]] for n, unit in _DURATION_PART.findall(text)))
    return value if lo <= value <= hi else None


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


def _weekly(day: str, interval: int, usage: str | None) -> Recurrence:
    weekday = read_weekday(day)
    if weekday is None:
        raise CommandError(
            N_("`{day}` isn't a day of the week; use mon, tue, wed, thu, fri, sat or sun."),
            usage,
            option="every",
            day=clip(day),
        )
    return Recurrence("weekly", weekday=weekday, interval_weeks=interval)


def parse_recurrence(text: str, *, usage: str | None = None) -> Recurrence:
    """Read a schedule such as ``weekly mon`` or ``monthly last fri``; inverse of ``Recurrence.to_text``.

    An error is about the ``--every`` option and shows ``usage`` (the command being typed), if given.
    """
    words = [w for w in text.lower().replace(",", " ").split() if w not in ("on", "the", "of", "each")]

    def fail(message: str, **values: object) -> NoReturn:
        raise CommandError(message, usage, option="every", **values)

    match words:
        case ["daily"] | ["everyday"] | ["every", "day"]:
            return Recurrence("daily")
        case ["weekdays"] | ["every", "weekday" | "weekdays"]:
            return Recurrence("weekdays")
        case ["weekly", day] | ["every", day] | ["every", "week", day]:
            return _weekly(day, 1, usage)
        case ["biweekly" | "fortnightly", day] | ["every", "other", "week", day]:
            return _weekly(day, 2, usage)
        case ["every", count, "week" | "weeks", day]:
            if not re.fullmatch(r"[0-9]{1,3}", count) or not 1 <= int(count) <= 12:
                fail(N_("I can repeat every 1 to 12 weeks, like `every 2 weeks tue`."))
            return _weekly(day, int(count), usage)
        case ["monthly", "last"]:
            return Recurrence("monthly_day", day=-1)
        case ["monthly", "first" | "last" as nth, day]:
            weekday = _weekly(day, 1, usage).weekday
            return Recurrence("monthly_nth", weekday=weekday, nth="first" if nth == "first" else "last")
        case ["monthly", "second" | "third" | "fourth" | "2nd" | "3rd" | "4th", _]:
            fail(N_("I can do the first or the last weekday of a month, like `monthly first mon`."))
        case ["monthly", number] if m := re.fullmatch(r"([0-9]{1,4})(?:st|nd|rd|th)?", number):
            if not 1 <= int(m.group(1)) <= 28:
                fail(
                    N_(
                        "Not every month has a day {day}, so I stick to days 1 to 28. "
                        "For the end of the month, use `monthly last`."
                    ),
                    day=int(m.group(1)),
                )
            return Recurrence("monthly_day", day=int(m.group(1)))
        case ["weekly" | "monthly" | "week" | "month" as kind] | ["every", "week" | "month" as kind]:
            fail(
                N_("Which day? For example `{example}`."),
                example="weekly mon" if kind.startswith("week") else "monthly 15",
            )
        case []:
            fail(N_("Tell me how often: {schedules}."), schedules=_SCHEDULES)
    fail(
        N_("I can't read `{text}` as a schedule. Try {schedules}."),
        text=clip(text.strip()),
        schedules=_SCHEDULES,
    )
