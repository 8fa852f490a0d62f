"""The grammar of each command: what its words mean, once split into positionals and options.

One function per command turns an :class:`~bot.commands.args.Args` into an AST value or refuses
it; each command's declaration (:mod:`bot.commands.registry`) names its function, and
:mod:`bot.commands.parser` finds the command and splits the words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import Literal, TypeVar

from bot.commands import ast as A
from bot.commands.args import NAME_KINDS, Args, mention_arg, name_arg
from bot.commands.errors import Msg, NeedsForm
from bot.commands.values import (
    MAX_THRESHOLD,
    SNOOZE_RANGE,
    clip,
    int_between,
    parse_recurrence,
    read_audience,
    read_bool,
    read_date,
    read_duration,
    read_mention,
    read_name,
    read_time,
    read_weekday,
)
from bot.domain import Intent, Pathway, Phase, PromptAudience, PromptKind
from bot.i18n import N_
from storage.models import name_key

_E = TypeVar("_E", bound=StrEnum)

RESERVED = frozenset({"all"})
"""Words a cadence may not be called: `skip all` ends a check-in, so `all` must never name a cadence."""

BINDING_MAX = 200
"""Longest channel or group reference `team bind` keeps (``Team.binding`` is 200 characters)."""


def no_args(make: Callable[[], A.Command]) -> Callable[[Args], A.Command]:
    def handle(a: Args) -> A.Command:
        a.exactly()
        return make()

    return handle


def one_name(make: Callable[[str], A.Command], kind: str) -> Callable[[Args], A.Command]:
    def handle(a: Args) -> A.Command:
        return make(name_arg(a, a.exactly(NAME_KINDS[kind][0])[0], kind))

    return handle


def help_topic(a: Args) -> A.Command:
    if not a.pos:
        return A.Help(None)
    topic = a.find_topic(" ".join(a.pos))
    if topic is None:
        a.fail(
            N_("I have no help on `{topic}`. Try plain `help` for the full list."),
            topic=clip(" ".join(a.pos)),
        )
    return A.Help(topic)


def team_create(a: Args) -> A.Command:
    if "manager" not in a.opts and len(a.pos) == 2:  # team create design @alice
        a.opts["manager"] = a.pos.pop()
    team = name_arg(a, a.exactly(N_("a team name"))[0], "team")
    return A.TeamCreate(team, a.need("manager", read_mention))


def _team_members(a: Args) -> tuple[str, tuple[A.Mention, ...]]:
    if not a.pos:
        a.fail(N_("`{command}` needs {what}."), command=a.path, what=Msg(N_("a team name")))
    if len(a.pos) == 1:
        a.fail(N_("Mention at least one person, like @alice."))
    people: dict[str, A.Mention] = {}
    for token in a.pos[1:]:
        person = mention_arg(a, token)
        people.setdefault(person.ref, person)
    return name_arg(a, a.pos[0], "team"), tuple(people.values())


def team_bind(a: Args) -> A.Command:
    team, source = a.exactly(N_("a team name"), N_("a channel or group to follow"))
    if len(source) > BINDING_MAX:
        a.fail(N_("That channel or group reference is too long."))
    return A.TeamBind(name_arg(a, team, "team"), source)


def cadence_add(a: Args) -> A.Command:
    if not a.pos and not a.opts:
        raise NeedsForm(
            N_("Let's set up a cadence: give it a name, team, audience, schedule and time."),
            a.usage,
        )
    name = name_arg(a, a.exactly(N_("a name for the cadence"))[0], "cadence", option="name")
    if name_key(name) in RESERVED:
        a.fail(
            N_(
                "`{name}` is taken by the command language (`skip all` ends a check-in); choose another name."
            ),
            option="name",
            name=name,
        )
    return A.CadenceAdd(
        name,
        team=a.need("team", read_name),
        audience=a.need("audience", read_audience),
        recurrence=parse_recurrence(a.need("every", str), usage=a.usage),
        at=a.need("at", read_time),
        prompts=a.option("prompts", read_name),
        questions=a.option("questions", int_between(1, 10)),
        window=a.option("window", read_duration),
        anonymous=a.option("anonymous", read_bool),
        commitment=a.option("commitment", read_bool),
    )


def prompts(a: Args) -> A.Command:
    if not a.pos:
        return A.Prompts(None)
    return A.Prompts(name_arg(a, a.exactly(N_("a prompt set"))[0], "prompt set"))


def vacation(a: Args) -> A.Command:
    words = [w for w in a.pos if w.lower() not in ("to", "until", "till", "-", "–", "—")]
    if len(words) == 1 and words[0].lower() in ("clear", "off", "none", "cancel", "end"):
        return A.VacationClear()
    if not words:
        a.fail(N_("When? Give two dates like 2025-07-01 2025-07-14, or `vacation clear`."))
    if len(words) > 2:
        a.fail(N_("I didn't expect `{word}` there."), word=clip(words[2]))
    start, end = read_date(words[0]), read_date(words[-1])  # one date = just that day
    for text, value in ((words[0], start), (words[-1], end)):
        if value is None:
            a.fail(N_("`{text}` isn't a date I can read; use YYYY-MM-DD, like 2025-07-01."), text=clip(text))
    assert start is not None and end is not None
    if end < start:
        a.fail(N_("The last day comes before the first one; swap them around?"))
    return A.Vacation(start, end)


def skip(a: Args) -> A.Command:
    """`skip` = this question, `skip all` = the whole open check-in, `skip <cadence>` = my next one.

    `all` always means the whole check-in: ``cadence add`` refuses it as a name, so no cadence
    can be shadowed by it.
    """
    if not a.pos:
        return A.SkipQuestion()
    word = a.exactly(N_("a cadence name"))[0]
    if name_key(word) in RESERVED:
        return A.Decline()
    return A.Skip(name_arg(a, word, "cadence"))


def snooze(a: Args) -> A.Command:
    words = [w for w in a.pos if w.lower() not in ("for", "by")]
    if not words:
        return A.Snooze(None)
    delay = read_duration(" ".join(words), *SNOOZE_RANGE)
    if delay is None:
        a.fail(
            N_(
                "`{text}` isn't a time I can wait; use minutes, hours or days from 5m to 7d,"
                " like 30m, 2h or 1d."
            ),
            text=clip(" ".join(words)),
        )
    return A.Snooze(delay)


def history(a: Args) -> A.Command:
    if not a.pos:
        return A.History(None)
    return A.History(name_arg(a, a.exactly(N_("a cadence name"))[0], "cadence"))


_PRIVACY_ACTIONS: dict[str, Literal["show", "export", "delete"]] = {
    "show": "show",
    "export": "export",
    "download": "export",
    "delete": "delete",
    "erase": "delete",
    "forget": "delete",
}


def privacy(a: Args) -> A.Command:
    if not a.pos:
        return A.Privacy("show")
    word = a.exactly(N_("an action"))[0].lower()
    if word not in _PRIVACY_ACTIONS:
        a.fail(N_("`privacy` can `export` or `delete`, not `{word}`."), word=clip(word))
    return A.Privacy(_PRIVACY_ACTIONS[word])


def threshold(a: Args) -> A.Command:
    text = a.exactly(N_("a number from 3 to 50"))[0]
    value = int_between(3, 10**6)(text)
    if value is None:
        a.fail(
            N_(
                "The threshold must be a whole number from 3 to {max}; fewer than 3 would not stay anonymous."
            ),
            max=MAX_THRESHOLD,
        )
    if value > MAX_THRESHOLD:
        a.fail(
            N_(
                "A threshold of {k} would hide the results of nearly every team, so I stop at {max}. "
                "Most teams use 5."
            ),
            k=value,
            max=MAX_THRESHOLD,
        )
    return A.Threshold(value)


def quiet_hours(a: Args) -> A.Command:
    text = "".join(a.pos).lower().replace("–", "-").replace("—", "-").replace("to", "-")
    if text in ("off", "none", "clear", "disable"):
        return A.QuietHours(None, None)
    parts = text.split("-")
    times = [read_time(p) for p in parts] if len(parts) == 2 else []
    if len(times) != 2 or times[0] is None or times[1] is None:
        a.fail(N_("Give the quiet hours like 20:00-08:00, or `quiet-hours off`."))
    if times[0] == times[1]:
        a.fail(N_("Start and end are the same; use `quiet-hours off` to turn quiet hours off."))
    return A.QuietHours(times[0], times[1])


def workdays(a: Args) -> A.Command:
    days: set[int] = set()
    text = ",".join(a.pos).lower().replace("–", "-").replace("—", "-")
    for item in filter(None, text.split(",")):
        if item in ("weekdays", "all", "everyday"):
            days.update(range(5) if item == "weekdays" else range(7))
            continue
        ends = [read_weekday(part) for part in item.split("-")]
        if not 1 <= len(ends) <= 2 or None in ends:
            a.fail(N_("`{text}` isn't a day or range; try mon-fri, sun-thu or mon,tue,thu."), text=clip(item))
        first, last = ends[0] or 0, ends[-1] or 0
        days.update((first + step) % 7 for step in range((last - first) % 7 + 1))  # sat-wed wraps
    if not days:
        a.fail(N_("Which days? For example `workdays mon-fri`."))
    return A.Workdays(frozenset(days))


def team_add(a: Args) -> A.Command:
    return A.TeamAdd(*_team_members(a))


def team_remove(a: Args) -> A.Command:
    return A.TeamRemove(*_team_members(a))


def admin_add(a: Args) -> A.Command:
    return A.AdminAdd(mention_arg(a, a.exactly(N_("a person, like @alice"))[0]))


def admin_remove(a: Args) -> A.Command:
    return A.AdminRemove(mention_arg(a, a.exactly(N_("a person, like @alice"))[0]))


# -- issue 10, section 5: the organisation from an HR file, public holidays ------------------------


def holidays(a: Args) -> A.Command:
    if not a.pos:
        a.exactly()
        return A.Holidays(None)
    on = read_bool(a.exactly(N_("on or off"))[0])
    if on is None:
        a.fail(N_("Say `holidays on` or `holidays off`."))
    return A.Holidays(on)


# -- pathways per person (issue 10, section 3) ------------------------------------------------------

PATHWAY_DAYS = (1, 730)
"""How long `pathway length` may make a pathway, in days."""


def _pathway(a: Args, word: str) -> Pathway:
    try:
        return Pathway(word.lower())
    except ValueError:
        a.fail(
            N_("`{word}` is not a pathway. Pathways: new-hire, high-performer, specialist."), word=clip(word)
        )


def pathway_set(a: Args) -> A.Command:
    person, pathway = a.exactly(N_("a person"), N_("a pathway"))
    until, start = a.option("until", read_date), a.option("from", read_date)
    if until is not None and start is not None and until < start:
        a.fail(N_("`--until` comes before `--from`; the pathway would end before it starts."), option="until")
    return A.PathwaySet(mention_arg(a, person), _pathway(a, pathway), until=until, start=start)


def pathway_clear(a: Args) -> A.Command:
    return A.PathwayClear(mention_arg(a, a.exactly(N_("a person"))[0]))


def pathway_length(a: Args) -> A.Command:
    pathway, length = a.exactly(N_("a pathway"), N_("a length in days, like 120d"))
    text = length.lower().removesuffix("d").removesuffix("days").removesuffix("day")
    days = int_between(*PATHWAY_DAYS)(text.strip())
    if days is None:
        a.fail(
            N_("`{text}` isn't a length I can use: give days from 1 to 730, like 120d."), text=clip(length)
        )
    return A.PathwayLength(_pathway(a, pathway), days)


# -- the prompt library (issue 10, section 4) ------------------------------------------------------

PROMPT_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
PROMPT_ID_MAX = 64  # answers.prompt_id and prompt_versions.prompt_id are 64 characters
PROMPT_TEXT_MAX = 300
"""Longest prompt text `prompts add`/`edit` take: a question people answer on a phone."""


def _prompt_id(a: Args, text: str) -> str:
    if not PROMPT_ID.fullmatch(text) or len(text) > PROMPT_ID_MAX:
        a.fail(
            N_(
                "`{text}` can't be a prompt id: use lowercase letters, digits and single dashes, like"
                " `my-team-1` (64 at most)."
            ),
            text=clip(text),
        )
    return text


def _words(value: str) -> str | None:
    cleaned = " ".join(value.split())
    return cleaned if 0 < len(cleaned) <= PROMPT_TEXT_MAX else None


def _member(enum: type[_E]) -> Callable[[str], _E | None]:
    def read(text: str) -> _E | None:
        try:
            return enum(text.lower())
        except ValueError:
            return None

    return read


def prompts_competencies(a: Args) -> A.Command:
    a.exactly()
    return A.PromptCompetencies()


def prompts_add(a: Args) -> A.Command:
    set_name, prompt_id = a.exactly(N_("a prompt set"), N_("an id for the prompt"))
    audience = a.option("audience", _member(PromptAudience))
    return A.PromptAdd(
        name_arg(a, set_name, "prompt set"),
        _prompt_id(a, prompt_id),
        text=a.need("text", _words),
        de=a.option("de", _words),
        kind=a.option("kind", _member(PromptKind)),
        intent=a.option("intent", _member(Intent)),
        phase=a.option("phase", _member(Phase)),
        audience=audience,
        competency=a.option("competency", lambda v: v if PROMPT_ID.fullmatch(v) else None),
    )


def prompts_edit(a: Args) -> A.Command:
    prompt_id = _prompt_id(a, a.exactly(N_("a prompt id"))[0])
    return A.PromptEdit(prompt_id, text=a.need("text", _words), de=a.option("de", _words))


def prompts_retire(a: Args) -> A.Command:
    return A.PromptRetire(_prompt_id(a, a.exactly(N_("a prompt id"))[0]))
