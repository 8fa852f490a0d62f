"""The command registry: every command is complete, and its one declaration drives parsing, `help`
and the permission check."""

from __future__ import annotations

import inspect
import typing
from types import UnionType

import pytest

from adapters.local import LocalChat
from bot.commands import BY_PATH, COMMANDS, Permission, help_text, read
from bot.commands import ast as A
from bot.commands.spec import Command
from bot.core import Coachbot
from bot.effects import BindingChanged
from bot.events import Actor, CommandIssued
from bot.handlers import handler_for
from bot.i18n import read_catalog, tr
from tests.bot.test_engine_helpers import org, run


def _accepted(handler_name: str) -> set[type]:
    """The command types a handler's second parameter is annotated with."""
    handler = handler_for(handler_name)
    second = list(inspect.signature(handler).parameters)[1]
    hint = typing.get_type_hints(handler)[second]
    return set(typing.get_args(hint)) if isinstance(hint, UnionType) else {hint}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.path)
def test_every_command_has_a_handler_a_usage_example_that_parses_to_it_and_help(command: Command) -> None:
    assert command.handlers, f"{command.path} has no handler"
    for value_type, name in command.handlers.items():
        assert callable(handler_for(name)), name
        assert value_type in _accepted(name), f"{name} does not take {value_type.__name__}"
    parsed = read(command.example)
    assert parsed.command is command, f"the example of {command.path} parses to {parsed.command.path}"
    assert type(parsed.value) in command.handlers
    assert command.usage.strip() and command.summary.strip()
    german = read_catalog("de")
    assert german is not None
    for msgid in filter(None, (command.summary, command.detail)):
        message = german.get(msgid)
        assert message is not None and message.string, f"help of {command.path} has no German: {msgid!r}"


def test_every_parsed_type_has_exactly_one_handler_and_one_permission() -> None:
    every_type = set(typing.get_args(A.Command))
    handled: dict[type, set[tuple[str, Permission]]] = {}
    for command in COMMANDS:
        for value_type, name in command.handlers.items():
            handled.setdefault(value_type, set()).add((name, command.permission))
    assert set(handled) == every_type
    # `pass` and `skip all` are one command under two names: the same handler, the same rule.
    assert {t: v for t, v in handled.items() if len(v) > 1} == {}


def test_no_word_means_two_commands() -> None:
    top = [w for c in COMMANDS if c.group is None for w in (c.path, *c.aliases)]
    assert len(top) == len(set(top))
    for group in {c.group for c in COMMANDS if c.group}:
        words = [w for c in COMMANDS if c.group == group for w in (c.word, *c.aliases)]
        assert len(words) == len(set(words)), group


def test_one_entry_drives_parse_help_and_the_permission_check(chat: LocalChat, core: Coachbot) -> None:
    entry = BY_PATH["team bind"]
    assert entry.aliases == ("link", "sync") and entry.permission is Permission.ADMIN

    # Parse: every word the entry declares reaches it, and only what it declares.
    for word in (entry.word, *entry.aliases):
        parsed = read(f"team {word} atlas <#C1|atlas>")
        assert parsed.command is entry and parsed.value == A.TeamBind("atlas", "<#C1|atlas>")

    # Help: the entry's usage, summary (translated), example and permission.
    german = help_text("team link", tr("de"))
    assert german.splitlines()[0] == f"`{entry.usage}`"
    assert tr("de")._(entry.summary) in german and entry.example in german
    assert tr("de")._("Admins only.") in german
    assert "_" + tr("en")._("(admins)") + "_" in help_text(None).split(f"`{entry.path}`")[1].splitlines()[0]

    # Permission: the entry says admins, so someone else is refused and nothing changes.
    org(chat, {"mo": "UTC", "bo": "UTC"})
    run(chat, "team create atlas --manager @mo")
    refused = core.apply(CommandIssued("b1", Actor("local", "acme", "bo"), "team link atlas <#C1|atlas>"))
    assert "Only Coachbot admins" in refused.replies[0].text and refused.effects == ()
    done = core.apply(CommandIssued("b2", Actor("local", "acme", "ada"), "team link atlas <#C1|atlas>"))
    assert done.effects == (BindingChanged(workspace="acme", team="atlas", binding="<#C1|atlas>"),)


def test_anyone_may_run_a_command_declared_for_anyone(chat: LocalChat, core: Coachbot) -> None:
    open_to_all = [c for c in COMMANDS if c.permission is Permission.ANYONE]
    assert {c.path for c in open_to_all} >= {"status", "help", "privacy", "team list", "cadence show"}
    org(chat, {"bo": "UTC"})
    for n, command in enumerate(open_to_all):
        outcome = core.apply(CommandIssued(f"a{n}", Actor("local", "acme", "bo"), command.example))
        assert outcome.replies and "Only Coachbot admins" not in outcome.replies[0].text, command.path
