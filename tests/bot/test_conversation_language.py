"""The check-in speaks the person's language (issue 7, item 15): a German member's whole check-in
reads in German, and no sentence of the conversation reaches a person without the catalogs."""

from __future__ import annotations

import re

from adapters.local import LocalChat
from bot.core import Coachbot
from bot.events import Actor, ChoiceMade
from bot.messages import Part, Reply
from tests.bot.conversation_kit import (
    MONDAY_9,
    NY,
    edit,
    nudge_thread,
    on_both_backends,
    parts_received,
    post,
    pulse,
    send,
)
from tests.bot.test_engine_helpers import received, run
from tests.i18n_check import bot_texts, untranslated

CONVERSATION = ("nudge", "question", "reminder", "notice", "thanks")
_INNER = re.compile(r"(⟦[^⟦⟧]*)⟦[^⟦⟧]*⟧")

core = on_both_backends  # every test here runs on SQLite and, when configured, PostgreSQL


def unnest(text: str) -> str:
    """Drop translated spans inside translated spans (a date from ``t.when`` inside a sentence), which
    the checker's single pass would otherwise count as letters outside the brackets."""
    while (flat := _INNER.sub(r"\1", text)) != text:
        text = flat
    return text


def texts(core: Coachbot, who: str) -> list[str]:
    return [t for kind, parts in parts_received(core, who) if kind in CONVERSATION for t in bot_texts(parts)]


def reply_texts(replies: list[Reply]) -> list[str]:
    parts: list[Part] = [p for r in replies for p in r.parts]
    return list(bot_texts(parts))


def test_a_german_members_whole_check_in_reads_in_german(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat, "bo cy", locale="de")
    run(chat, ":person cy tz=America/New_York locale=en", ":as ada")
    run(chat, MONDAY_9, ":advance to 2026-11-23 13:00 America/New_York")
    for who in ("bo", "cy"):
        run(chat, f":as {who}")
        chat.press(received(chat, who, "question")[0].id, "4")
        run(chat, "> Weniger Meetings", "> 3")
    german, english = texts(core, "bo"), texts(core, "cy")
    assert german[0] == "Hallo bo! Zeit für *p*: 3 kurze Fragen. Antworte auf jede, sobald sie kommt."
    assert (
        "Dieses Team hat weniger als 5 Personen, deshalb sieht mo keine Zahlen daraus – deine Antworten "
        "bleiben bei dir." in german
    )
    assert (
        "_Antworte mit einer Zahl von 1 (niedrig) bis 5 (hoch), drück einen Button oder schreib `skip`._"
        in german
    )
    assert any(
        t.startswith("Eine kleine Erinnerung: Dein Check-in *p* ist bis Mi., 25. Nov., 09:00 offen.")
        for t in german
    )
    assert "Danke, das war alles. Das hast du geteilt:" in german
    assert "Deine Antwort" not in " ".join(german)  # nothing was edited
    kinds = [kind for kind, _ in parts_received(core, "bo") if kind in CONVERSATION]
    assert kinds == ["nudge", "question", "reminder", "question", "question", "thanks"]
    # The same check-in in English shares no sentence with the German one (button digits aside).
    shared = {t for t in german if any(c.isalpha() for c in t)} & set(english)
    assert shared == set()


def test_every_sentence_of_the_conversation_passes_through_the_catalogs(
    chat: LocalChat, core: Coachbot, pseudo_locale: str
) -> None:
    pulse(chat, "bo cy di ed", window="1d", extra=("threshold 3",), locale=pseudo_locale)
    run(chat, f":person mo tz={NY} locale={pseudo_locale}", ":as ada")
    run(chat, MONDAY_9)
    replies: list[Reply] = []
    thread = nudge_thread(chat, "bo")
    for text in ("great", "   ", "snooze 2h", "snooze whenever", "skip"):
        replies += send(chat, "bo", text, thread=thread)
    mine, _ = post(chat, "bo", "Fewer meetings", thread=thread)
    rating, more = post(chat, "bo", "4", thread=thread)
    replies += more + edit(chat, "bo", mine, "No meetings on Fridays") + edit(chat, "bo", rating, "great")
    replies += edit(chat, "bo", mine, "  ") + send(chat, "bo", "hm", thread="u999")  # not a bot thread
    replies += core.handle(ChoiceMade("conv-bad-button", Actor("local", chat.org, "bo"), "not-a-button"))
    replies += send(chat, "ed", "snooze 1d")  # past the window: an hour before it closes
    replies += send(chat, "bo", "skip")  # nothing open any more
    for _ in range(3):
        replies += send(chat, "ed", "skip")
    replies += send(chat, "di", "4") + send(chat, "di", "skip all")
    run(chat, ":advance to 2026-11-23 14:00 America/New_York")  # cy is reminded
    replies += send(chat, "cy", "later")
    run(chat, ":advance to 2026-11-24 08:30 America/New_York")
    replies += send(chat, "cy", "later") + send(chat, "cy", "pass")  # too late for a reminder; then pass
    run(chat, ":advance to 2026-11-24 10:00 America/New_York")  # windows closed, digest written
    replies += send(chat, "bo", "one more thing", thread=thread)
    replies += edit(chat, "bo", mine, "Changed after the window")
    replies += send(chat, "mo", "thanks all", thread=received(chat, "mo", "digest")[0].id)
    sent = [t for who in ("bo", "cy", "di", "ed") for t in texts(core, who)]
    kinds = {kind for who in ("bo", "cy", "di", "ed") for kind, _ in parts_received(core, who)}
    assert {"nudge", "question", "reminder", "notice", "thanks"} <= kinds
    assert len(replies) >= 16
    assert untranslated(unnest(t) for t in sent + reply_texts(replies)) == []
