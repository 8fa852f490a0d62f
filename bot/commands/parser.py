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
import unicodedata
from dataclasses import dataclass

from bot.commands import ast as A
from bot.commands.args import Args
from bot.commands.errors import CommandError, Msg, NeedsForm
from bot.commands.registry import BY_PATH, GROUPS
from bot.commands.spec import Command
from bot.commands.usage import canonical_topic, first_word, group_usage, spellings, subcommand
from bot.commands.values import clip, parse_recurrence
from bot.i18n import N_
from bot.text import clean

__all__ = ["MAX_COMMAND_LENGTH", "CommandError", "NeedsForm", "Parsed", "parse", "parse_recurrence", "read"]

MAX_COMMAND_LENGTH = 4000
"""Longer lines are refused unread: no command needs more, and reading costs grow with length."""


_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'", "‚": "'", "‛": "'"})
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use marks around protected platform entities
_ENTITY = re.compile(r"<[@#!][^<>]*>")
_PLACEHOLDER = re.compile(f"{_OPEN}([0-9]+){_CLOSE}")
_TOP_WORDS = sorted({path.split(" ")[0] for path in BY_PATH})


# One piece of a shell word: plain characters, a '…' or "…" string, or a backslash escape.
# Read with one regex scan, so tokenising is linear in the input (shlex is quadratic).
_PIECE = re.compile(
    r"""(?P<plain>[^ '"\\]+)"""
    r"""|'(?P<single>[^']*)'"""
    r'|"(?P<double>[^"\\]*(?:\\.[^"\\]*)*)"'
    r"""|\\(?P<escaped>.)"""
    r"""|(?P<space> +)""",
    re.DOTALL,
)
_DOUBLE_ESCAPE = re.compile(r'\\(["\\])')  # inside "…" only \" and \\ are escapes (POSIX)


def _split_words(text: str) -> list[str]:
    """Split like ``shlex.split`` (POSIX mode) in linear time; whitespace is a plain space here.

    Raises ValueError("No escaped character") for a backslash at the very end and
    ValueError("No closing quotation") for an unpaired quote, as shlex does.
    """
    words: list[str] = []
    current: list[str] = []
    in_word = False
    position = 0
    for match in _PIECE.finditer(text):
        if match.start() != position:
            break  # something no piece matches: an unpaired quote or a final backslash
        position = match.end()
        kind = match.lastgroup
        if kind == "space":
            if in_word:
                words.append("".join(current))
                current, in_word = [], False
            continue
        in_word = True
        value = match.group(kind or "plain")
        current.append(_DOUBLE_ESCAPE.sub(r"\1", value) if kind == "double" else value)
    if position != len(text):
        rest = text[position:]
        if rest[:1] != "'" and (len(rest) - len(rest.rstrip("\\"))) % 2:  # odd: the last one escapes nothing
            raise ValueError("No escaped character")
        raise ValueError("No closing quotation")
    if in_word:
        words.append("".join(current))
    return words


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
        tokens = _split_words(_ENTITY.sub(protect, text))
    except ValueError as err:
        problem = (
            N_("I couldn't read that: there's a backslash at the very end.")
            if "escape" in str(err)
            else N_("I couldn't read that: there's a quote without its partner.")
        )
        raise CommandError(problem, _guess_usage(text.split())) from None
    tokens = [_PLACEHOLDER.sub(lambda m: entities[int(m.group(1))], tok) for tok in tokens]
    return ["--" + tok[1:] if tok[:1] in "—–" and len(tok) > 1 else tok for tok in tokens]


def _strip_prefix(tokens: list[str]) -> list[str]:
    return tokens[1:] if tokens and tokens[0].lower() in ("/coach", "coach") else tokens


def _closest(word: str, choices: list[str], aliases: dict[str, str]) -> str | None:
    found = difflib.get_close_matches(word.lower()[:40], choices + list(aliases), n=1, cutoff=0.6)
    return aliases.get(found[0], found[0]) if found else None


def _resolve(tokens: list[str]) -> tuple[Command, list[str]]:
    """Find the command ("team add", "vacation") and the tokens after its words."""
    word = first_word(tokens[0]) or tokens[0].lower()
    if word in GROUPS:
        group = GROUPS[word]
        if group.fallback is not None and (len(tokens) == 1 or subcommand(word, tokens[1]) is None):
            return BY_PATH[group.fallback], tokens[1:]
        if len(tokens) == 1 and group.default is not None:
            return BY_PATH[f"{word} {group.default}"], []
        if len(tokens) == 1:
            raise CommandError(N_("Which `{group}` command?"), group_usage(word), group=word)
        path = subcommand(word, tokens[1])
        if path is None:
            words = spellings(word)
            hint = _closest(tokens[1].lower(), sorted(set(words.values())), words)
            if hint is None:
                raise CommandError(
                    N_("`{group}` has no `{word}` command."),
                    group_usage(word),
                    group=word,
                    word=clip(tokens[1]),
                )
            raise CommandError(
                N_("`{group}` has no `{word}` command. Did you mean `{suggestion}`?"),
                group_usage(word),
                group=word,
                word=clip(tokens[1]),
                suggestion=hint,
            )
        return BY_PATH[path], tokens[2:]
    if word in BY_PATH:
        return BY_PATH[word], tokens[1:]
    hint = _closest(word, _TOP_WORDS, spellings())
    if hint is None:
        raise CommandError(
            N_("I don't know `{word}`. Type `help` to see what I can do."), word=clip(tokens[0])
        )
    raise CommandError(
        N_("I don't know `{word}`. Did you mean `{suggestion}`? Type `help` to see what I can do."),
        word=clip(tokens[0]),
        suggestion=hint,
    )


def _guess_usage(words: list[str]) -> str | None:
    """Usage of the command a half-readable line seems to be, for error messages."""
    words = _strip_prefix(words)
    try:
        return _resolve(words)[0].usage if words else None
    except CommandError as err:
        return err.usage


def _split(command: Command, rest: list[str]) -> Args:
    """Separate positionals from ``--opt value`` / ``--opt=value``, in any order."""
    options = {o.name: o for o in command.options}
    spelled = {alias: o.name for o in command.options for alias in (o.name, *o.aliases)}
    args = Args(
        command.path,
        command.usage,
        needs={o.name: o.needs for o in command.options},
        find_topic=canonical_topic,
    )
    i = 0
    while i < len(rest):
        token = rest[i]
        i += 1
        if not token.startswith("--") or len(token) == 2:
            args.pos.append(token)
            continue
        raw, eq, value = token[2:].partition("=")
        name = spelled.get(raw.lower().replace("_", "-"))
        if name is None:
            raise CommandError(
                Msg(
                    N_("`{command}` has no option `--{option}`."),
                    {"command": command.path, "option": clip(raw)},
                ),
                command.usage,
            )
        if name in args.opts:
            args.fail(N_("`--{option}` is given twice."), option=name)
        words = [value] if eq else []
        greedy = options[name].greedy
        while i < len(rest) and not rest[i].startswith("--") and (greedy or not (words or eq)):
            words.append(rest[i])  # greedy options take words up to the next --option
            i += 1
        args.opts[name] = " ".join(words)
    return args


@dataclass(frozen=True)
class Parsed:
    """A command line understood: the declaration of the command and the value its grammar built."""

    command: Command
    value: A.Command


def parse(text: str) -> A.Command:
    """Turn one line of chat into a command, or raise :class:`CommandError` saying what to fix.

    See :func:`read`, which also gives the command's declaration.
    """
    return read(text).value


def read(text: str) -> Parsed:
    """Turn one line of chat into a command and its declaration, or raise :class:`CommandError`.

    A leading ``/coach`` or ``coach`` is ignored; an empty line means ``help``. A line longer than
    :data:`MAX_COMMAND_LENGTH` is refused; control characters and lone surrogates are dropped
    (:func:`bot.text.clean`) and the text is NFC-normalised before it is read.
    """
    if len(text) > MAX_COMMAND_LENGTH:
        # Refused before any other work, so a pasted megabyte costs nothing (and is not echoed).
        raise CommandError(
            N_("That command is too long: I read at most {max} characters, and it has {count}."),
            max=MAX_COMMAND_LENGTH,
            count=len(text),
        )
    text = unicodedata.normalize("NFC", clean(text))  # "Ä" typed as A + ¨ is the letter Ä
    tokens = _strip_prefix(_tokenize(text))
    if not tokens:
        return Parsed(BY_PATH["help"], A.Help(None))
    command, rest = _resolve(tokens)
    return Parsed(command, command.grammar(_split(command, rest)))
