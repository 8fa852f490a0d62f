"""Names and text are safe on both databases (issue 8, item 5).

Unicode names are found in any case through their stored keys; every name the parser accepts fits
its columns; NUL characters, control characters and lone surrogates never reach the database; long
profile fields are cut to their columns; the local chat's clock moves a bounded distance; the
command parser is linear and refuses over-long lines before reading them.
"""

from __future__ import annotations

import random
import shlex
import time

import pytest
from sqlalchemy import select

from adapters.local import LocalChat
from adapters.local.chat import MAX_ADVANCE
from bot.clock import ManualClock
from bot.commands import CommandError, parse
from bot.commands import ast as A
from bot.commands.parser import MAX_COMMAND_LENGTH, _split_words
from bot.core import Coachbot
from bot.events import Actor, CommandIssued, MessageEdited, MessagePosted, ProfileSeen
from bot.i18n import tr
from bot.prompts import PromptLibrary
from bot.text import clean, clean_event, fit, fit_keyed
from storage.db import Database
from storage.models import Answer, Cadence, Person, Team, name_key
from tests.bot.test_engine_helpers import last_reply, received, run

UNICODE_NAMES = [  # (created as, found as)
    ("Ärzte", "ärzte"),
    ("Ñu", "ÑU"),
    ("İstanbul", "İSTANBUL"),
    ("ß-team", "SS-TEAM"),
]


@pytest.fixture
def chat(
    any_database: Database, clock: ManualClock, library: PromptLibrary, transcript: list[str]
) -> LocalChat:
    core = Coachbot(database=any_database, clock=clock, library=library)
    return LocalChat(core=core, clock=clock, org="acme", output=transcript.append)


def setup_org(chat: LocalChat) -> None:
    run(
        chat,
        ":person ada tz=UTC admin",
        ":person mo tz=UTC",
        ":person bo tz=UTC",
        ":person cy tz=UTC",
        ":as ada",
    )


def reply_to(chat: LocalChat, line: str) -> str:
    run(chat, line)
    return last_reply(chat)


# -- names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "other_case"), UNICODE_NAMES)
def test_unicode_team_names_are_found_in_any_case(chat: LocalChat, name: str, other_case: str) -> None:
    setup_org(chat)
    assert "Created team" in reply_to(chat, f"team create {name} --manager @mo")
    assert f"*{name}*" in reply_to(chat, f"team show {other_case}")
    assert "Added" in reply_to(chat, f"team add {other_case} @bo")
    assert "Removed" in reply_to(chat, f"team remove {other_case} @bo")
    assert "already exists" in reply_to(chat, f"team create {other_case} --manager @mo")
    reply = reply_to(chat, f"cadence add c1 --team {other_case} --audience manager --every daily --at 09:00")
    assert "Added cadence" in reply
    with chat.core.database.session() as session:
        assert [t.name for t in session.scalars(select(Team))] == [name]


@pytest.mark.parametrize(("name", "other_case"), UNICODE_NAMES)
def test_unicode_cadences_are_shown_paused_resumed_run_and_removed_in_any_case(
    chat: LocalChat, name: str, other_case: str
) -> None:
    setup_org(chat)
    run(chat, "team create t --manager @mo", "team add t @bo @cy")
    add = f"cadence add {name} --team t --audience members --every daily --at 09:00"
    assert "Added cadence" in reply_to(chat, add)
    assert "already exists" in reply_to(chat, add.replace(name, other_case, 1))
    assert f"*{name}*" in reply_to(chat, f"cadence show {other_case}")
    assert "Paused" in reply_to(chat, f"cadence pause {other_case}")
    run(chat, ":advance 2d")  # two 09:00s pass while paused: nobody is nudged
    assert received(chat, "bo", "nudge") == []
    assert "Resumed" in reply_to(chat, f"cadence resume {other_case}")
    assert "Started" in reply_to(chat, f"cadence run {other_case}")
    assert len(received(chat, "bo", "nudge")) == 1
    run(chat, ":as bo")
    assert "Your last check-in of" in reply_to(chat, f"history {other_case}")
    run(chat, ":as ada")
    assert f"Removed *{name}*" in reply_to(chat, f"cadence remove {other_case}")  # its own spelling
    run(chat, ":advance 3d")  # removed: no nudge ever again
    assert len(received(chat, "bo", "nudge")) == 1
    assert "no cadence called" in reply_to(chat, f"cadence show {name}")
    run(chat, ":as bo")  # the removed cadence's history is still the person's own
    assert "Your last check-in of" in reply_to(chat, f"history {other_case}")


def test_a_64_character_cadence_name_is_created_and_removed(chat: LocalChat) -> None:
    setup_org(chat)
    name = "ä" * 40 + "x" * 24
    run(chat, "team create t --manager @mo")
    assert "Added cadence" in reply_to(
        chat, f"cadence add {name} --team t --audience manager --every daily --at 9:00"
    )
    assert "Removed" in reply_to(chat, f"cadence remove {name.upper()}")
    with chat.core.database.session() as session:
        cadence = session.scalars(select(Cadence)).one()
        assert cadence.removed_at is not None
        assert cadence.name == f"{name}~{cadence.id}"
        assert cadence.name_key == f"{name}~{cadence.id}"
    # The name is free again.
    assert "Added cadence" in reply_to(
        chat, f"cadence add {name} --team t --audience manager --every daily --at 9:00"
    )


def test_people_are_found_by_display_name_in_any_case(chat: LocalChat) -> None:
    setup_org(chat)
    run(chat, ':person u123 name="Ñandú"')
    assert "managed by Ñandú" in reply_to(chat, "team create t --manager @ÑANDÚ")


def test_names_that_do_not_fit_their_columns_are_refused_by_the_parser() -> None:
    for text in ("a" * 65, "ﷺ" * 10, "ﬃ" * 43):
        with pytest.raises(CommandError, match="can't be a team name"):
            parse(f"team show {text}")
    assert parse("team show " + "ß" * 64) == A.TeamShow("ß" * 64)  # its key ("ss" * 64) is 128
    with pytest.raises(CommandError, match="too long"):
        parse("team bind t " + "c" * 201)
    with pytest.raises(CommandError, match="taken by the command language"):
        parse("cadence add ＡＬＬ --team t --audience both --every daily --at 09:00")
    assert parse("skip ＡＬＬ") == A.Decline()


def test_names_typed_in_decomposed_form_are_the_same_name() -> None:
    assert parse("team show A\u0308rzte") == A.TeamShow("Ärzte")


# -- text entering the core ---------------------------------------------------------------------------


def test_clean_drops_controls_and_replaces_lone_surrogates() -> None:
    assert clean("a\x00b\x01c\x1fd\te\nf") == "abcd\te\nf"
    assert clean("one\r\ntwo\rthree") == "one\ntwo\nthree"
    assert clean("x\ud800y\udfffz") == "x\ufffdy\ufffdz"
    assert clean("\ud83d\ude00") == "😀"  # a pair given as two code points is the character it encodes
    assert clean("Ärzte 😀") == "Ärzte 😀"
    assert clean("Ärzte 😀".encode().decode()).encode("utf-8")  # encodes: nothing left to crash on
    assert fit("abcdef", 4) == "abcd" and fit("ab", 4) == "ab"
    assert fit_keyed("ﷺ" * 10, 200, 40) == "ﷺ" * 2  # each expands to 18 characters


def test_clean_event_cuts_profile_fields_and_leaves_clean_events_alone() -> None:
    actor = Actor("local", "acme", "bo")
    event = MessagePosted("e1", actor, "fine", channel="dm:bo", message_id="u1")
    assert clean_event(event) is event
    profile = clean_event(
        ProfileSeen(actor, display_name="x" * 300, timezone="y" * 100, locale="de\x00" * 10)
    )
    assert profile.display_name == "x" * 200 and profile.timezone == "y" * 64 and profile.locale == "de" * 8
    assert len(name_key(clean_event(ProfileSeen(actor, display_name="ﷺ" * 200)).display_name or "")) <= 400
    edited = clean_event(MessageEdited("e2", actor, "dm:bo", "u1", "a\x00b\ud800"))
    assert edited.text == "ab\ufffd"
    command = clean_event(CommandIssued("e" * 300, Actor("local", "acme", "b\x00o"), "help\x00"))
    assert (command.event_id, command.actor.person, command.text) == ("e" * 200, "bo", "help")


def test_answers_with_nul_and_lone_surrogates_are_stored_cleaned(chat: LocalChat) -> None:
    setup_org(chat)
    run(chat, "team create t --manager @mo", "team add t @bo @cy")
    run(chat, "cadence add c --team t --audience members --every daily --at 09:00 --questions 2")
    run(chat, "cadence run c", ":as bo")
    for text in ("4", "good\x00 day\ud800 \x07done"):
        chat.reply_latest(text)
    with chat.core.database.session() as session:
        texts = [a.text for a in session.scalars(select(Answer))]
    assert "good day\ufffd done" in texts
    assert not any("\x00" in t for t in texts)


def test_a_long_answer_is_stored_quickly_and_never_read_as_a_command(chat: LocalChat) -> None:
    setup_org(chat)
    run(chat, "team create t --manager @mo", "team add t @bo @cy")
    run(chat, "cadence add c --team t --audience members --every daily --at 09:00 --questions 2")
    run(chat, "cadence run c", ":as bo")
    long_answer = "team add t " + "@someone " * 50_000  # looks like a command, but is far too long for one
    started = time.perf_counter()
    chat.reply_latest("4")
    chat.reply_latest(long_answer)
    assert time.perf_counter() - started < 5
    with chat.core.database.session() as session:
        assert long_answer.strip() in [a.text for a in session.scalars(select(Answer))]


def test_long_profile_fields_are_stored_truncated(chat: LocalChat) -> None:
    run(chat, f':person bo name="{"N" * 300}" locale={"de" * 20}')
    with chat.core.database.session() as session:
        person = session.scalars(select(Person)).one()
        assert person.display_name == "N" * 200
        assert person.locale == "de" * 8


def test_commands_with_nul_and_lone_surrogates_work(chat: LocalChat) -> None:
    setup_org(chat)
    replies = chat.core.handle(
        CommandIssued(
            "c1", Actor("local", "acme", "ada"), "team create Är\x00zte\ud800 --manager <@mo|M\x00o>"
        )
    )
    # The name is cleaned to "Ärzte\ufffd", which is no name: refused with a sentence, nothing stored.
    assert "can't be a team name" in replies[0].text
    replies = chat.core.handle(
        CommandIssued("c2", Actor("local", "acme", "ada"), "team create Är\x00zte --manager @mo")
    )
    assert "Created team *Ärzte*" in replies[0].text


# -- the command parser ---------------------------------------------------------------------------------


def test_a_megabyte_command_is_refused_quickly_and_in_the_readers_language() -> None:
    started = time.perf_counter()
    with pytest.raises(CommandError) as caught:
        parse("team add t " + "@someone " * 120_000)
    assert time.perf_counter() - started < 0.5
    assert f"at most {MAX_COMMAND_LENGTH} characters" in caught.value.render(tr("en"))
    assert "Dieser Befehl ist zu lang" in caught.value.render(tr("de"))


def test_a_long_command_within_the_limit_still_parses() -> None:
    handles = [f"@person{i:04d}" for i in range(320)]
    text = "team add t " + " ".join(handles)
    text += " " * (3900 - len(text))
    assert len(text) == 3900
    command = parse(text)
    assert isinstance(command, A.TeamAdd) and len(command.members) == 320


def test_the_tokenizer_is_linear() -> None:
    piece = 'word "two words" \'single quoted\' back\\ slash "esc\\"aped" '
    text = piece * (400_000 // len(piece))
    started = time.perf_counter()
    words = _split_words(text)
    assert time.perf_counter() - started < 1.0
    assert words[:5] == ["word", "two words", "single quoted", "back slash", 'esc"aped']
    long_word = "x" * 400_000  # one long token: the case shlex spends quadratic time on
    started = time.perf_counter()
    assert _split_words(long_word + ' "' + long_word + '"') == [long_word, long_word]
    assert time.perf_counter() - started < 1.0


def test_the_tokenizer_splits_like_shlex() -> None:
    rng = random.Random(8)
    alphabet = "ab \"'\\Ä-"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        try:
            expected: list[str] | str = shlex.split(text)
        except ValueError as err:
            expected = str(err)
        try:
            got: list[str] | str = _split_words(text)
        except ValueError as err:
            got = str(err)
        assert got == expected, text


# -- the local chat's clock -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (":advance 1e9d", "at most 366 days"),
        (":advance 53w", "at most 366 days"),
        (":advance infd", "more than zero"),
        (":advance nanh", "more than zero"),
        (":advance -1d", "more than zero"),
        (":advance 0m", "more than zero"),
        (":advance 1x", "not a duration"),
        (":advance d", "not a duration"),
        (":advance to 9999-12-31 00:00", "at most a year"),
        (":advance to 9999-12-31 23:59 America/New_York", "Usage"),
        (":advance to 0001-01-01 00:00 Asia/Tokyo", "Usage"),
    ],
)
def test_advance_is_bounded_with_a_clear_message(chat: LocalChat, line: str, error: str) -> None:
    before = chat.clock.now()
    chat.run_line(line)
    message = chat.output.__self__[-1]  # type: ignore[attr-defined]
    assert message.startswith("! ") and error in message
    assert chat.clock.now() == before


def test_advance_moves_up_to_a_year(chat: LocalChat) -> None:
    before = chat.clock.now()
    run(chat, ":advance 366d")
    assert chat.clock.now() - before == MAX_ADVANCE
