"""The core says what changed: effects beside the replies, for adapters to act on."""

from __future__ import annotations

import pytest

from adapters.local import LocalChat
from bot.core import Coachbot
from bot.effects import BindingChanged, CadenceChanged, CommandRefused, Outcome, PeopleAdded
from bot.events import Actor, CommandIssued, MessagePosted
from bot.i18n import tr
from tests.bot.test_engine_commands import snapshot
from tests.bot.test_engine_helpers import org, run

CADENCE = 'cadence add pulse --team atlas --audience members --every "weekly mon" --at 09:00'


def ada(core: Coachbot, text: str, event_id: str) -> Outcome:
    return core.apply(CommandIssued(event_id, Actor("local", "acme", "ada"), text))


@pytest.fixture
def atlas(chat: LocalChat) -> LocalChat:
    org(chat, {"mo": "UTC", "bo": "UTC", "cy": "UTC"})
    run(chat, "team create atlas --manager @mo")
    return chat


@pytest.mark.parametrize("word", ["bind", "link", "sync"])
def test_binding_by_any_name_says_so(atlas: LocalChat, core: Coachbot, word: str) -> None:
    outcome = ada(core, f"team {word} ATLAS <#CTEAM|team-atlas>", f"b-{word}")
    assert outcome.effects == (BindingChanged(workspace="acme", team="atlas", binding="<#CTEAM|team-atlas>"),)
    assert outcome.replies  # the person still reads what happened


def test_a_bind_typed_as_a_direct_message_says_so_too(atlas: LocalChat, core: Coachbot) -> None:
    actor = Actor("local", "acme", "ada")
    posted = MessagePosted("dm-1", actor, "team sync atlas <#CTEAM|x>", channel="Dada", message_id="1")
    assert core.apply(posted).effects == (BindingChanged("acme", "atlas", "<#CTEAM|x>"),)


def test_a_bind_that_changes_nothing_reports_nothing(atlas: LocalChat, core: Coachbot) -> None:
    assert ada(core, "team bind nowhere <#C1|x>", "b1").effects == ()  # no such team
    bo = Actor("local", "acme", "bo")
    assert core.apply(CommandIssued("b2", bo, "team bind atlas <#C1|x>")).effects == ()  # not an admin
    event = CommandIssued("b3", Actor("local", "acme", "ada"), "team bind atlas <#C1|x>")
    assert core.apply(event).effects
    assert core.apply(event) == Outcome()  # a platform retry changes nothing and reports nothing


def test_people_added_names_only_the_newcomers(atlas: LocalChat, core: Coachbot) -> None:
    assert ada(core, "team add atlas @bo @cy", "a1").effects == (PeopleAdded("acme", "atlas", ("bo", "cy")),)
    assert ada(core, "team add atlas @bo @mo", "a2").effects == ()  # already in, and the manager


def test_cadence_changes_are_reported_under_the_cadence_s_own_name(atlas: LocalChat, core: Coachbot) -> None:
    steps = [
        CADENCE,
        "cadence pause PULSE",
        "cadence pause pulse",
        "cadence resume pulse",
        "cadence remove Pulse",
    ]
    effects = [e for n, line in enumerate(steps) for e in ada(core, line, f"c{n}").effects]
    assert effects == [
        CadenceChanged("acme", "pulse", "added"),
        CadenceChanged("acme", "pulse", "paused"),
        CadenceChanged("acme", "pulse", "resumed"),
        CadenceChanged("acme", "pulse", "removed"),
    ]


@pytest.mark.parametrize(
    ("line", "option"),
    [
        (CADENCE.replace("09:00", "9am"), "at"),
        (CADENCE.replace("weekly mon", "weekly funday"), "every"),
        (CADENCE + " --window 5w", "window"),
        (CADENCE.replace("pulse", "all", 1), "name"),
        ("team show bad/name", None),
    ],
)
def test_a_refused_line_names_its_option_and_changes_nothing(
    atlas: LocalChat, core: Coachbot, line: str, option: str | None
) -> None:
    before = snapshot(core)
    outcome = ada(core, line, "r1")
    [refused] = outcome.effects
    assert isinstance(refused, CommandRefused) and refused.option == option
    assert refused.message.render(tr("en")) in outcome.replies[0].text
    assert snapshot(core) == before
    assert core.check_command(line) == refused  # the same answer without running anything


def test_a_refusal_reads_in_any_language() -> None:
    refused = Coachbot.check_command(CADENCE.replace("weekly mon", "weekly funday"))
    assert refused is not None and refused.option == "every"
    assert refused.message.render(tr("de")).startswith("`funday` ist kein Wochentag")
    assert Coachbot.check_command(CADENCE) is None


def test_only_cadence_add_alone_wants_a_form() -> None:
    assert Coachbot.wants_form("cadence add") and Coachbot.wants_form("/coach cadence new")
    assert not Coachbot.wants_form(CADENCE) and not Coachbot.wants_form("cadence add x")
    assert not Coachbot.wants_form("status")


def test_here_binds_the_roster_of_the_conversation_the_command_was_typed_in(
    atlas: LocalChat, core: Coachbot
) -> None:
    ada_ = Actor("local", "acme", "ada")
    typed = CommandIssued("h1", ada_, "team link atlas here", here="teams:19:abc@thread.tacv2")
    outcome = core.apply(typed)
    assert outcome.effects == (BindingChanged("acme", "atlas", "teams:19:abc@thread.tacv2"),)
    assert "teams:19:abc@thread.tacv2" in outcome.replies[0].text
    # Where the conversation has no roster, `here` is kept as typed (as any other source is).
    assert core.apply(CommandIssued("h2", ada_, "team bind atlas here")).effects == (
        BindingChanged("acme", "atlas", "here"),
    )


def test_who_may_open_a_form_follows_the_declaration(atlas: LocalChat, core: Coachbot) -> None:
    assert core.may_run(Actor("local", "acme", "ada"), "cadence add")
    assert not core.may_run(Actor("local", "acme", "bo"), "cadence add")
    assert core.may_run(Actor("local", "acme", "bo"), "status")
    assert not core.may_run(Actor("local", "acme", "nobody-yet"), "cadence add")
