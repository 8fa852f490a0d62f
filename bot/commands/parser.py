"""One parser for the command language, whatever the platform.

Slack's ``/coach …``, a Teams message and a local chat line all pass their text to
:func:`parse`, so every adapter understands exactly the same commands and gives the
same friendly errors. Any input string yields either a :data:`Command` or a
:class:`CommandError` — never another exception — because the text comes straight
from people typing on phones.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, NoReturn, TypeVar

from bot.commands import ast as A
from bot.commands.usage import (
    COMMAND_ALIASES,
    SUBCOMMAND_ALIASES,
    SUBCOMMANDS,
    USAGE,
    CommandError,
    NeedsForm,
    canonical_topic,
)
from bot.commands.values import (
    OPTION_ALIASES,
    OPTION_NEEDS,
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

__all__ = ["CommandError", "NeedsForm", "parse", "parse_recurrence"]

_T = TypeVar("_T")

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'", "‚": "'", "‛": "'"})
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use marks around protected platform entities
_ENTITY = re.compile(r"<[@#!][^<>]*>")
_PLACEHOLDER = re.compile(f"{_OPEN}([0-9]+){_CLOSE}")
_TOP_WORDS = sorted({path.split(" ")[0] for path in USAGE})
_OPTIONS: dict[str, dict[str, bool]] = {  # path -> option -> takes several words (until the next --option)
    "team create": {"manager": False},
    "cadence add": {
        "team": False,
        "audience": False,
        "every": True,
        "at": False,
        "prompts": False,
        "questions": False,
        "window": False,
        "anonymous": False,
    },
}


@dataclass
class _Args:
    """What followed the command words, split into positionals and ``--options``."""

    path: str
    pos: list[str]
    opts: dict[str, str]

    def fail(self, message: str) -> NoReturn:
        raise CommandError(message, USAGE[self.path])

    def exactly(self, *what: str) -> list[str]:
        """The positionals, insisting on one per description in ``what`` (used in the message)."""
        if len(self.pos) < len(what):
            self.fail(f"`{self.path}` needs {what[len(self.pos)]}.")
        if len(self.pos) > len(what):
            self.fail(f"I didn't expect `{clip(self.pos[len(what)])}` there.")
        return self.pos

    def option(self, name: str, convert: Callable[[str], _T | None]) -> _T | None:
        """Convert an optional ``--name`` value; an empty or bad value fails saying what it needs."""
        if name not in self.opts:
            return None
        value = self.opts[name]
        result = convert(value) if value else None
        if result is None:
            got = f" (got `{clip(value)}`)" if value else ""
            self.fail(f"`--{name}` needs {OPTION_NEEDS[name]}{got}.")
        return result

    def need(self, name: str, convert: Callable[[str], _T | None]) -> _T:
        """Like :meth:`option`, for an option the command cannot do without."""
        if name not in self.opts:
            self.fail(f"Please add `--{name}` with {OPTION_NEEDS[name]}.")
        result = self.option(name, convert)
        assert result is not None  # option() fails rather than returning None for a given value
        return result


def _tokenize(text: str) -> list[str]:
    """Split like a POSIX shell, after undoing what phones and Slack do to text.

    Smart quotes become ASCII quotes; Slack entities (``<@U1|Ann Lee>``) are kept
    whole even with spaces or apostrophes inside; a leading em/en dash typed for
    ``--`` is turned back into ``--``.
    """
    text = re.sub(r"\s", " ", text.replace(_OPEN, "").replace(_CLOSE, "").translate(_QUOTES))
    entities: list[str] = []

    def protect(match: re.Match[str]) -> str:
        entities.append(match.group(0))
        return f"{_OPEN}{len(entities) - 1}{_CLOSE}"

    try:
        tokens = shlex.split(_ENTITY.sub(protect, text))
    except ValueError as err:
        problem = "a backslash at the very end" if "escape" in str(err) else "a quote without its partner"
        raise CommandError(f"I couldn't read that: there's {problem}.", _guess_usage(text.split())) from None
    tokens = [_PLACEHOLDER.sub(lambda m: entities[int(m.group(1))], tok) for tok in tokens]
    return ["--" + tok[1:] if tok[:1] in "—–" and len(tok) > 1 else tok for tok in tokens]


def _strip_prefix(tokens: list[str]) -> list[str]:
    return tokens[1:] if tokens and tokens[0].lower() in ("/coach", "coach") else tokens


def _closest(word: str, choices: list[str], aliases: dict[str, str]) -> str:
    found = difflib.get_close_matches(word.lower()[:40], choices + list(aliases), n=1, cutoff=0.6)
    return f" Did you mean `{aliases.get(found[0], found[0])}`?" if found else ""


def _group_usage(group: str) -> str:
    return "\n".join(USAGE[f"{group} {sub}"] for sub in SUBCOMMANDS[group])


def _resolve(tokens: list[str]) -> tuple[str, list[str]]:
    """Find the command path ("team add", "vacation") and the tokens after it."""
    word = COMMAND_ALIASES.get(tokens[0].lower(), tokens[0].lower())
    if word in SUBCOMMANDS:
        if len(tokens) == 1 and word in ("team", "cadence"):
            return f"{word} list", []
        if len(tokens) == 1:
            raise CommandError(f"Which `{word}` command?", _group_usage(word))
        sub = tokens[1].lower()
        sub = SUBCOMMAND_ALIASES[word].get(sub, sub)
        if sub not in SUBCOMMANDS[word]:
            hint = _closest(sub, list(SUBCOMMANDS[word]), SUBCOMMAND_ALIASES[word])
            raise CommandError(f"`{word}` has no `{clip(tokens[1])}` command.{hint}", _group_usage(word))
        return f"{word} {sub}", tokens[2:]
    if word in USAGE:
        return word, tokens[1:]
    hint = _closest(word, _TOP_WORDS, COMMAND_ALIASES)
    raise CommandError(f"I don't know `{clip(tokens[0])}`.{hint} Type `help` to see what I can do.")


def _guess_usage(words: list[str]) -> str | None:
    """Usage of the command a half-readable line seems to be, for error messages."""
    words = _strip_prefix(words)
    try:
        return USAGE[_resolve(words)[0]] if words else None
    except CommandError as err:
        return err.usage


def _split(path: str, rest: list[str]) -> _Args:
    """Separate positionals from ``--opt value`` / ``--opt=value``, in any order."""
    allowed = _OPTIONS.get(path, {})
    args = _Args(path, [], {})
    i = 0
    while i < len(rest):
        token = rest[i]
        i += 1
        if not token.startswith("--") or len(token) == 2:
            args.pos.append(token)
            continue
        raw, eq, value = token[2:].partition("=")
        name = raw.lower().replace("_", "-")
        name = OPTION_ALIASES.get(name, name)
        if name not in allowed:
            args.fail(f"`{path}` has no option `--{clip(raw)}`.")
        if name in args.opts:
            args.fail(f"`--{name}` is given twice.")
        words = [value] if eq else []
        while i < len(rest) and not rest[i].startswith("--") and (allowed[name] or not (words or eq)):
            words.append(rest[i])  # greedy options take words up to the next --option
            i += 1
        args.opts[name] = " ".join(words)
    return args


def _name(a: _Args, text: str, what: str) -> str:
    if read_name(text) is None:
        a.fail(f"`{clip(text)}` can't be a {what} name: use letters, digits, -, _ or . (64 at most).")
    return text


def _mention(a: _Args, token: str) -> A.Mention:
    found = read_mention(token)
    if found is None:
        a.fail(f"`{clip(token)}` doesn't look like a person; mention them like @alice.")
    return found


# --- commands -----------------------------------------------------------------------------------


def _no_args(make: Callable[[], A.Command]) -> Callable[[_Args], A.Command]:
    def handle(a: _Args) -> A.Command:
        a.exactly()
        return make()

    return handle


def _one_name(make: Callable[[str], A.Command], what: str) -> Callable[[_Args], A.Command]:
    def handle(a: _Args) -> A.Command:
        return make(_name(a, a.exactly(f"a {what} name")[0], what))

    return handle


def _help(a: _Args) -> A.Command:
    if not a.pos:
        return A.Help(None)
    topic = canonical_topic(" ".join(a.pos))
    if topic is None:
        a.fail(f"I have no help on `{clip(' '.join(a.pos))}`. Try plain `help` for the full list.")
    return A.Help(topic)


def _team_create(a: _Args) -> A.Command:
    if "manager" not in a.opts and len(a.pos) == 2:  # team create design @alice
        a.opts["manager"] = a.pos.pop()
    team = _name(a, a.exactly("a team name")[0], "team")
    return A.TeamCreate(team, a.need("manager", read_mention))


def _team_members(a: _Args) -> tuple[str, tuple[A.Mention, ...]]:
    if not a.pos:
        a.fail(f"`{a.path}` needs a team name.")
    if len(a.pos) == 1:
        a.fail("Mention at least one person, like @alice.")
    people: dict[str, A.Mention] = {}
    for token in a.pos[1:]:
        person = _mention(a, token)
        people.setdefault(person.ref, person)
    return _name(a, a.pos[0], "team"), tuple(people.values())


def _team_bind(a: _Args) -> A.Command:
    team, source = a.exactly("a team name", "a channel or group to follow")
    if len(source) > 300:
        a.fail("That channel or group reference is too long.")
    return A.TeamBind(_name(a, team, "team"), source)


def _cadence_add(a: _Args) -> A.Command:
    if not a.pos and not a.opts:
        raise NeedsForm(
            "Let's set up a cadence: give it a name, team, audience, schedule and time.", USAGE["cadence add"]
        )
    name = _name(a, a.exactly("a name for the cadence")[0], "cadence")
    return A.CadenceAdd(
        name,
        team=a.need("team", read_name),
        audience=a.need("audience", read_audience),
        recurrence=parse_recurrence(a.need("every", str)),
        at=a.need("at", read_time),
        prompts=a.option("prompts", read_name),
        questions=a.option("questions", int_between(1, 10)),
        window=a.option("window", read_duration),
        anonymous=a.option("anonymous", read_bool),
    )


def _prompts(a: _Args) -> A.Command:
    if not a.pos:
        return A.Prompts(None)
    return A.Prompts(_name(a, a.exactly("a prompt set")[0], "prompt set"))


def _vacation(a: _Args) -> A.Command:
    words = [w for w in a.pos if w.lower() not in ("to", "until", "till", "-", "–", "—")]
    if len(words) == 1 and words[0].lower() in ("clear", "off", "none", "cancel", "end"):
        return A.VacationClear()
    if not words:
        a.fail("When? Give two dates like 2025-07-01 2025-07-14, or `vacation clear`.")
    if len(words) > 2:
        a.fail(f"I didn't expect `{clip(words[2])}` there.")
    start, end = read_date(words[0]), read_date(words[-1])  # one date = just that day
    for text, value in ((words[0], start), (words[-1], end)):
        if value is None:
            a.fail(f"`{clip(text)}` isn't a date I can read; use YYYY-MM-DD, like 2025-07-01.")
    assert start is not None and end is not None
    if end < start:
        a.fail("The last day comes before the first one; swap them around?")
    return A.Vacation(start, end)


_PRIVACY_ACTIONS: dict[str, Literal["show", "export", "delete"]] = {
    "show": "show",
    "export": "export",
    "download": "export",
    "delete": "delete",
    "erase": "delete",
    "forget": "delete",
}


def _privacy(a: _Args) -> A.Command:
    if not a.pos:
        return A.Privacy("show")
    word = a.exactly("an action")[0].lower()
    if word not in _PRIVACY_ACTIONS:
        a.fail(f"`privacy` can `export` or `delete`, not `{clip(word)}`.")
    return A.Privacy(_PRIVACY_ACTIONS[word])


def _threshold(a: _Args) -> A.Command:
    value = int_between(3, 1000)(a.exactly("a number (3 or more)")[0])
    if value is None:
        a.fail("The threshold must be a whole number from 3 to 1000; fewer than 3 would not stay anonymous.")
    return A.Threshold(value)


def _quiet_hours(a: _Args) -> A.Command:
    text = "".join(a.pos).lower().replace("–", "-").replace("—", "-").replace("to", "-")
    if text in ("off", "none", "clear", "disable"):
        return A.QuietHours(None, None)
    parts = text.split("-")
    times = [read_time(p) for p in parts] if len(parts) == 2 else []
    if len(times) != 2 or times[0] is None or times[1] is None:
        a.fail("Give the quiet hours like 20:00-08:00, or `quiet-hours off`.")
    if times[0] == times[1]:
        a.fail("Start and end are the same; use `quiet-hours off` to turn quiet hours off.")
    return A.QuietHours(times[0], times[1])


def _workdays(a: _Args) -> A.Command:
    days: set[int] = set()
    text = ",".join(a.pos).lower().replace("–", "-").replace("—", "-")
    for item in filter(None, text.split(",")):
        if item in ("weekdays", "all", "everyday"):
            days.update(range(5) if item == "weekdays" else range(7))
            continue
        ends = [read_weekday(part) for part in item.split("-")]
        if not 1 <= len(ends) <= 2 or None in ends:
            a.fail(f"`{clip(item)}` isn't a day or range; try mon-fri, sun-thu or mon,tue,thu.")
        first, last = ends[0] or 0, ends[-1] or 0
        days.update((first + step) % 7 for step in range((last - first) % 7 + 1))  # sat-wed wraps
    if not days:
        a.fail("Which days? For example `workdays mon-fri`.")
    return A.Workdays(frozenset(days))


_HANDLERS: dict[str, Callable[[_Args], A.Command]] = {
    "help": _help,
    "team create": _team_create,
    "team add": lambda a: A.TeamAdd(*_team_members(a)),
    "team remove": lambda a: A.TeamRemove(*_team_members(a)),
    "team list": _no_args(A.TeamList),
    "team show": _one_name(A.TeamShow, "team"),
    "team bind": _team_bind,
    "cadence add": _cadence_add,
    "cadence list": _no_args(A.CadenceList),
    "cadence show": _one_name(A.CadenceShow, "cadence"),
    "cadence pause": _one_name(A.CadencePause, "cadence"),
    "cadence resume": _one_name(A.CadenceResume, "cadence"),
    "cadence remove": _one_name(A.CadenceRemove, "cadence"),
    "cadence run": _one_name(A.CadenceRun, "cadence"),
    "prompts": _prompts,
    "vacation": _vacation,
    "skip": _one_name(A.Skip, "cadence"),
    "status": _no_args(A.Status),
    "privacy": _privacy,
    "admin add": lambda a: A.AdminAdd(_mention(a, a.exactly("a person, like @alice")[0])),
    "admin remove": lambda a: A.AdminRemove(_mention(a, a.exactly("a person, like @alice")[0])),
    "threshold": _threshold,
    "quiet-hours": _quiet_hours,
    "workdays": _workdays,
}


def parse(text: str) -> A.Command:
    """Turn one line of chat into a command, or raise :class:`CommandError` saying what to fix.

    A leading ``/coach`` or ``coach`` is ignored; an empty line means ``help``.
    """
    tokens = _strip_prefix(_tokenize(text))
    if not tokens:
        return A.Help(None)
    path, rest = _resolve(tokens)
    return _HANDLERS[path](_split(path, rest))
