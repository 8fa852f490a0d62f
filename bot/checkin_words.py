"""The few words a person can say instead of an answer: `skip`, `skip all` / `pass`, `later` / `snooze 2h`.

A reply in a check-in thread is read here *before* it is taken as an answer, so none of these
words is ever stored as one. This reader is deliberately separate from the command parser: a
thread reply is never a command, and this must keep working whatever the command language does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot.commands import ast as A

DEFAULT_SNOOZE = timedelta(hours=2)
MAX_SNOOZE = timedelta(days=7)

_SKIP = frozenset({"skip", "skip this", "skip it", "skip question", "skip this question"})
_DECLINE = frozenset({"skip all", "skip the rest", "skip rest", "skip everything", "pass"})
_SNOOZE_WORDS = ("snooze", "later", "remind me later")
_UNITS = {"m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60}
_UNITS |= {"h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600}
_UNITS |= {"d": 86400, "day": 86400, "days": 86400}
_DURATION = re.compile(r"(\d{1,4})\s*([a-z]+)")
_NOISE = re.compile(r"^[\s`'\"/]+|[\s`'\".!]+$")


@dataclass(frozen=True)
class UnclearSnooze:
    """`snooze` followed by something that is not a delay: said back, never stored as an answer."""

    text: str


Word = A.SkipQuestion | A.Decline | A.Snooze | UnclearSnooze


def read_word(text: str) -> Word | None:
    """The not-answering word this reply is, or None if it is an answer (or anything else)."""
    words = " ".join(_NOISE.sub("", text).lower().split())
    if words in _SKIP:
        return A.SkipQuestion()
    if words in _DECLINE:
        return A.Decline()
    for lead in _SNOOZE_WORDS:
        if words == lead:
            return A.Snooze(None)
        if words.startswith(lead + " "):
            rest = words[len(lead) + 1 :].removeprefix("for ").strip()
            delay = read_delay(rest)
            return A.Snooze(delay) if delay is not None else UnclearSnooze(rest)
    return None


def read_delay(text: str) -> timedelta | None:
    """ "2h", "30m", "1d", "1h 30m", "2 hours" → a positive delay of at most a week; else None."""
    compact = text.replace(" ", "")
    total, position = 0, 0
    for match in _DURATION.finditer(compact):
        if match.start() != position or match.group(2) not in _UNITS:
            return None
        total += int(match.group(1)) * _UNITS[match.group(2)]
        position = match.end()
    if position != len(compact) or total <= 0:
        return None
    delay = timedelta(seconds=total)
    return delay if delay <= MAX_SNOOZE else None
