"""Help, usage, parser errors and every admin reply reach the person in their language (item 15).

Command words stay English everywhere; `hilfe` is welcome. Usage lines are syntax, so only the
words around them are translated.
"""

from __future__ import annotations

import re

from adapters.local import LocalChat
from bot.core import Coachbot
from bot.events import Actor, CommandIssued
from tests.bot.test_engine_helpers import last_reply, run
from tests.i18n_check import bot_texts, untranslated

NY = "America/New_York"


def german(chat: LocalChat) -> None:
    run(chat, ":person ada tz=Europe/Berlin locale=de admin", ":person mo tz=UTC", ":person bo tz=UTC")
    run(chat, ":person jo tz=Europe/Berlin locale=de", ":as ada")


def test_hilfe_gives_help_in_german(chat: LocalChat) -> None:
    german(chat)
    run(chat, "hilfe")
    reply = last_reply(chat)
    assert "Das kann ich. Schreib `help <Befehl>` für Einzelheiten." in reply
    assert "• `skip` — Eine Frage, einen ganzen Check-in" in reply
    assert "• `snooze` — Deinen offenen Check-in eine Weile verschieben." in reply
    assert "• `history` — Deine eigenen früheren Check-ins und Antworten." in reply
    assert "*Verwaltung*" in reply and "_(Admins)_" in reply
    run(chat, "hilfe skip")
    assert "`skip all`" in last_reply(chat) and "Beispiel: `skip weekly-sync`" in last_reply(chat)


def test_parser_errors_are_german_with_the_usage_line_as_it_is(chat: LocalChat) -> None:
    german(chat)
    run(chat, "team add t")
    assert "Erwähne mindestens eine Person, etwa @alice.\n    Aufruf: team add <team> @user [@user…]" in (
        last_reply(chat)
    )
    run(chat, "teem list")
    assert "`teem` kenne ich nicht. Meintest du `team`?" in last_reply(chat)
    run(chat, 'cadence add p --team t --audience members --every "weekly mon" --at 9am')
    assert "`--at` braucht eine Uhrzeit wie 09:30 (bekommen: `9am`)." in last_reply(chat)
    run(chat, "threshold 60")
    assert "Eine Schwelle von 60 würde die Ergebnisse fast jedes Teams verbergen" in last_reply(chat)
    run(chat, "help nonsense")
    assert "Zu `nonsense` habe ich keine Hilfe." in last_reply(chat)


def test_admin_replies_and_refusals_are_german(chat: LocalChat) -> None:
    german(chat)
    run(chat, "team create t --manager @mo", "team add t @bo @jo")
    assert "bo und jo zu *t* hinzugefügt; das Team hat jetzt 2 Mitglieder." in last_reply(chat)
    run(chat, 'cadence add p --team t --audience members --every "weekly sat" --at 09:00')
    reply = last_reply(chat)
    assert "Rhythmus *p* angelegt." in reply
    assert "jeden Samstag um 09:00" in reply
    assert "*p* wird nie laufen: Der Termin fällt auf Samstag, und das ist kein Arbeitstag" in reply
    assert "Team t hat 2 Mitglieder, weniger als die Schwelle von 5" in reply
    run(chat, ":as jo", "threshold 4")
    assert "Das dürfen nur Coachbot-Admins." in last_reply(chat)


SCRIPT = [
    "help",
    "help skip",
    "help team",
    "hilfe cadence add",
    "help nonsense",
    "team create 7 --manager @mo",
    "team create 7 --manager @mo",
    "team add 7 @bo @cy @mo",
    "team add 7 @bo",
    "team remove 7 @cy @dd",
    "team add 7 @ghost",
    "team list",
    "team show 7",
    "team show 9",
    "team bind 7 <#C1|general>",
    'cadence add 8 --team 7 --audience members --every "weekly sat" --at 06:00',
    'cadence add 5 --team 7 --audience both --every "every 2 weeks tue" --at 10:00 --window 12h',
    'cadence add 6 --team 7 --audience manager --every "monthly last" --at 10:00 --prompts 0',
    "cadence list",
    "cadence show 8",
    "cadence show 9",
    "cadence pause 8",
    "cadence pause 8",
    "cadence resume 8",
    "cadence resume 8",
    "cadence run 5",
    "cadence run 5",
    "admin add @bo",
    "admin add @bo",
    "admin remove @dd",
    "admin remove @bo",
    "threshold 3",
    "threshold 9",
    "threshold 9",
    "threshold 51",
    "quiet-hours 00:00-23:30",
    "quiet-hours off",
    "quiet-hours off",
    "workdays tue-fri",
    "workdays tue-fri",
    # errors of every kind
    "teem list",
    "xyzzy",
    "team",
    "team frob",
    "team add",
    "team add 7 bo",
    "cadence add 9 --team 7",
    'cadence add 9 --team 7 --audience x --every "weekly mon" --at 09:00',
    'cadence add 9 --team 7 --audience members --every "weekly funday" --at 09:00',
    'cadence add 9 --team 7 --audience members --every "monthly 31" --at 09:00',
    'cadence add 9 --team 7 --audience members --every "weekly mon" --at 09:00 --frob 1',
    'cadence add all --team 7 --audience members --every "weekly mon" --at 09:00',
    "cadence add",
    "vacation 2026-13-01",
    "snooze forever",
    "threshold many",
    "quiet-hours 09:00-09:00",
    "workdays funday",
    "privacy shred",
    'help "oops',
    "cadence remove 5",
]


def _prose(text: str) -> str:
    """What a translator must have written: usage lines (after "Usage:") and `code` are syntax."""
    text = text.split("⟦Usage:⟧")[0]
    return re.sub(r"`[^`]*`", "", text)


def _flat(text: str) -> str:
    """Take out translated spans, innermost first (a translated phrase inside a sentence)."""
    while (inner := re.sub(r"⟦[^⟦⟧]*⟧", "", text)) != text:
        text = inner
    return text


def test_no_admin_reply_skips_the_catalogs(chat: LocalChat, core: Coachbot, pseudo_locale: str) -> None:
    """An admin in the pseudo-language runs every command and error: no English outside ⟦…⟧."""
    run(chat, f":person ada tz=UTC locale={pseudo_locale} admin", ":person mo tz=UTC")
    run(chat, ":person bo tz=UTC", ":person cy tz=UTC", ":person dd tz=UTC")
    leaked = []
    for number, line in enumerate(SCRIPT):
        replies = core.handle(CommandIssued(f"line-{number}", Actor("local", "acme", "ada"), line))
        texts = [_prose(t) for reply in replies for t in bot_texts(reply.parts)]
        assert texts, line
        leaked += [(line, t) for t in texts if untranslated([_flat(t)])]
    assert leaked == []


def test_adapters_can_render_an_error_for_the_person_who_typed_it(chat: LocalChat, core: Coachbot) -> None:
    from bot.commands import CommandError, parse

    german(chat)
    try:
        parse('cadence add p --team t --audience members --every "weekly funday" --at 09:00')
    except CommandError as exc:
        assert exc.option == "every"
        text = exc.render_message(core.translator(Actor("local", "acme", "jo")))
        assert text.startswith("`funday` ist kein Wochentag")
        assert core.translator(Actor("local", "acme", "nobody")).language == "en"
    else:
        raise AssertionError("no error")
