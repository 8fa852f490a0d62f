"""The grammar of the business-cycle commands (`cycle`, `cycle set`, `cycle clear`; issue 10, section 2).

Kept apart from :mod:`bot.commands.grammar` so the cycle's three ways of being written stay together:
``quarterly --plan 2w --review 2w``, ``sprints 2w [--from DATE]`` and
``plan DATE execute DATE review DATE [end DATE]``.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from bot.business_cycle import Explicit, Quarterly, default_explicit_end
from bot.commands import ast as A
from bot.commands.args import Args, name_arg
from bot.commands.values import clip, read_date, read_duration, read_name
from bot.i18n import N_

PHASE_RANGE = (timedelta(days=1), timedelta(weeks=6))
"""How long a quarter's plan or review phase may be (6 + 6 weeks still leave a quarter's execute)."""
SPRINT_RANGE = (timedelta(weeks=1), timedelta(weeks=8))

_KINDS = {
    "quarterly": "quarterly",
    "quarters": "quarterly",
    "quarter": "quarterly",
    "sprints": "sprints",
    "sprint": "sprints",
    "plan": "explicit",
}
_EXPLICIT_WORDS = ("plan", "execute", "review", "end")


def _team(a: Args) -> str | None:
    return a.option("team", read_name)


def _days(text: str, bounds: tuple[timedelta, timedelta]) -> int | None:
    """A whole number of days written as a duration (``2w``, ``10d``) within ``bounds``."""
    value = read_duration(text, *bounds)
    return None if value is None or value.seconds else value.days


def _phase_days(a: Args, option: str) -> int:
    days = _days(a.opts.get(option, "2w"), PHASE_RANGE)
    if days is None:
        a.fail(
            N_("`--{option}` needs whole days or weeks from 1d to 6w, like 2w (got `{value}`)."),
            option=option,
            value=clip(a.opts[option]),
        )
    return days


def _refuse_options(a: Args, kind: str, *allowed: str) -> None:
    for option in a.opts:
        if option not in (*allowed, "team"):
            a.fail(N_("`--{option}` does not go with `cycle set {kind}`."), option=option, kind=kind)


def cycle_show(a: Args) -> A.Command:
    a.exactly()
    return A.CycleShow()


def cycle_clear(a: Args) -> A.Command:
    a.exactly()
    team = _team(a)
    return A.CycleClear(None if team is None else name_arg(a, team, "team"))


def cycle_set(a: Args) -> A.Command:
    if not a.pos:
        a.fail(N_("Which cycle? `quarterly`, `sprints 2w` or `plan <date> execute <date> review <date>`."))
    kind = _KINDS.get(a.pos[0].lower())
    if kind is None:
        a.fail(
            N_("`{word}` isn't a cycle I know: use `quarterly`, `sprints` or `plan <date> …`."),
            word=clip(a.pos[0]),
        )
    if kind == "quarterly":
        _refuse_options(a, "quarterly", "plan", "review")
        a.pos = a.pos[1:]
        a.exactly()
        plan, review = _phase_days(a, "plan"), _phase_days(a, "review")
        return A.CycleSet(Quarterly(plan_days=plan, review_days=review), team=_team(a))
    if kind == "sprints":
        _refuse_options(a, "sprints", "from")
        if len(a.pos) < 2:
            a.fail(N_("How long is a sprint? For example `cycle set sprints 2w --from 2026-11-23`."))
        a.pos = a.pos[1:]
        text = a.exactly(N_("a sprint length like 2w"))[0]
        length = _days(text, SPRINT_RANGE)
        if length is None:
            a.fail(
                N_("A sprint lasts whole days or weeks from 1w to 8w, like 2w (got `{value}`)."),
                value=clip(text),
            )
        start = a.option("from", read_date)
        return A.CycleSetSprints(length, start, team=_team(a))
    _refuse_options(a, "plan …")
    return A.CycleSet(_explicit(a), team=_team(a))


def _explicit(a: Args) -> Explicit:
    words = [w.lower() for w in a.pos[0::2]]
    values = a.pos[1::2]
    if len(a.pos) % 2 or words[:3] != ["plan", "execute", "review"] or words[3:] not in ([], ["end"]):
        a.fail(
            N_(
                "Give the phases in order: `plan <date> execute <date> review <date>`,"
                " and `end <date>` if you like."
            )
        )
    dates: list[date] = []
    for text in values:
        value = read_date(text)
        if value is None:
            a.fail(N_("`{text}` isn't a date I can read; use YYYY-MM-DD, like 2025-07-01."), text=clip(text))
        dates.append(value)
    if any(later <= earlier for earlier, later in pairwise(dates[:3])):
        a.fail(N_("Each phase must start after the one before: plan, then execute, then review."))
    plan, execute, review = dates[:3]
    end = dates[3] if len(dates) == 4 else default_explicit_end(plan=plan, execute=execute, review=review)
    if end < review:
        a.fail(N_("The cycle cannot end before its review starts."))
    return Explicit(plan=plan, execute=execute, review=review, end=end)
