"""The grammar of the commitment commands (issue 10, section 1), and how a due date is written.

`commitments` lists mine, `commitment done|partly|drop <n>` says how one went, `commit "…" --by
friday` adds one by hand, `commitment share <n> @maria` shows one to someone. A due date is written
the same way in a command and at the end of a check-in's commitment reply ("… by Friday").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from bot.commands import ast as A
from bot.commands.args import Args, mention_arg
from bot.commands.values import clip, read_date, read_weekday
from bot.i18n import N_

COMMITMENT_TEXT_MAX = 1000
"""Longest commitment text: a sentence or two, not an essay."""

_GERMAN_DAYS = ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag")
_RELATIVE = {"today": 0, "heute": 0, "tomorrow": 1, "morgen": 1}
_BY = re.compile(r"^(?P<text>.*\S)\s+(?:by|bis)\s+(?P<when>\S+)[.!]?\s*$", re.IGNORECASE | re.DOTALL)


def read_due(word: str) -> A.DueDay | None:
    """``friday``, ``fri``, ``Freitag``, ``tomorrow``, ``morgen`` or ``2026-12-04``; None otherwise."""
    word = word.strip().lower().rstrip(".!")
    if (on := read_date(word)) is not None:
        return A.DueDay(on=on)
    if word in _RELATIVE:
        return A.DueDay(days=_RELATIVE[word])
    if word in _GERMAN_DAYS:
        return A.DueDay(weekday=_GERMAN_DAYS.index(word))
    if (weekday := read_weekday(word)) is not None:
        return A.DueDay(weekday=weekday)
    return None


def split_due(text: str) -> tuple[str, A.DueDay | None]:
    """A reply such as "call the client by Friday" as its text and due day; a trailing "by" that
    names no day ("by phone") stays part of the text."""
    found = _BY.match(text.strip())
    if found is not None and (due := read_due(found.group("when"))) is not None:
        return found.group("text").strip(), due
    return text.strip(), None


def _number(a: Args) -> int:
    words = a.exactly(N_("the commitment's number, as `commitments` shows it"))
    text = words[0].lstrip("#")
    if not re.fullmatch(r"[0-9]{1,6}", text) or int(text) == 0:
        a.fail(N_("`{text}` isn't a commitment number; `commitments` shows yours."), text=clip(words[0]))
    return int(text)


def commitment_update(status: Literal["done", "partly", "dropped"]) -> Callable[[Args], A.Command]:
    def handle(a: Args) -> A.Command:
        return A.CommitmentUpdate(_number(a), status)

    return handle


def commitment_list(a: Args) -> A.Command:
    a.exactly()
    return A.CommitmentList()


def commit(a: Args) -> A.Command:
    text = " ".join(a.pos).strip()
    if not text:
        a.fail(N_('What will you do? For example `commit "call the client" --by friday`.'))
    if len(text) > COMMITMENT_TEXT_MAX:
        a.fail(
            N_("That is longer than a commitment needs; keep it under {max} characters."),
            max=COMMITMENT_TEXT_MAX,
        )
    return A.CommitmentAdd(text, a.option("by", read_due))


def commitment_share(a: Args) -> A.Command:
    if len(a.pos) != 2:
        a.fail(N_("Say which commitment and with whom, like `commitment share 2 @maria`."))
    person = mention_arg(a, a.pos.pop())
    return A.CommitmentShare(_number(a), person)
