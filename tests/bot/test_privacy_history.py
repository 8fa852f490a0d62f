"""`history`, `status` that never shows a past date, and every privacy text through the catalogs."""

from __future__ import annotations

from sqlalchemy import select

from adapters.local import LocalChat
from bot import outbox
from bot.core import Coachbot
from bot.events import Actor, CommandIssued
from bot.messages import Part, Quote
from bot.prompts import PromptLibrary
from storage.models import OutboxMessage
from tests.bot.test_engine_helpers import last_reply, org, run
from tests.i18n_check import _WRAPPED as WRAPPED
from tests.i18n_check import bot_texts, untranslated

NY = "America/New_York"
MEMBERS = ["bo", "cy", "di"]


def team(chat: LocalChat, *, locale: str | None = None) -> None:
    org(chat, {"mo": NY, **dict.fromkeys(MEMBERS, NY)}, extra=("threshold 3",))
    if locale:
        run(chat, *(f":person {h} locale={locale}" for h in ("mo", *MEMBERS)), ":as ada")
    run(
        chat,
        "team create t --manager @mo",
        "team add t " + " ".join(f"@{m}" for m in MEMBERS),
        'cadence add p --team t --audience members --every "weekly mon" --at 09:00 --window 1d'
        " --anonymous no",
    )


def command(core: Coachbot, who: str, text: str, key: str) -> tuple[Part, ...]:
    [reply] = core.handle(CommandIssued(key, Actor("local", "acme", who), text))
    return reply.parts


def test_history_shows_my_answers_newest_first_with_skips_and_revisions(
    chat: LocalChat, core: Coachbot
) -> None:
    team(chat)
    run(chat, ":advance to 2026-11-23 09:00 America/New_York", ":as bo", "> 4")
    comment = chat.reply_latest("first week words")
    run(chat, "> 2", ":advance to 2026-11-30 09:00 America/New_York", ":as bo", "> 5", "skip", "> 3")
    run(chat, ":advance to 2026-12-01 12:00 America/New_York", ":as bo")
    chat.edit(comment, "second thoughts")  # after the window closed: a revision for my record only
    parts = command(core, "bo", "history", "h1")
    text = "\n".join(getattr(p, "text", "") for p in parts)
    assert "Your last 2 check-ins" in text
    assert text.index("Mon, Nov 30, 2026") < text.index("Mon, Nov 23, 2026")  # newest first
    assert "— skipped" in text
    quotes = [p.text for p in parts if isinstance(p, Quote)]
    assert quotes[:2] == ["5", "3"]  # week 2, the skipped question has no quote
    assert quotes[2:] == ["4", "first week words", "second thoughts", "2"]
    assert "Revised on" in text and "after the check-in closed" in text
    # Only mine.
    run(chat, ":as cy")
    assert "first week words" not in "\n".join(
        getattr(p, "text", "") for p in command(core, "cy", "history", "h2")
    )


def test_history_of_one_cadence_and_of_an_unknown_one(chat: LocalChat, core: Coachbot) -> None:
    team(chat)
    run(chat, ":advance to 2026-11-23 09:00 America/New_York", ":as bo", "> 4", "history p")
    assert "Your last check-in of p" in last_reply(chat)
    run(chat, "history nope")
    assert "There is no cadence called *nope*" in last_reply(chat)
    run(
        chat,
        ":as ada",
        "cadence add q --team t --audience manager --every daily --at 10:00",
        ":as bo",
        "history q",
    )
    assert "You have no check-ins of *q* yet." in last_reply(chat)
    run(chat, ":as cy", "history")
    assert "Your last check-in" in last_reply(chat)  # cy was nudged too: an open check-in, no answers
    org(chat, {"zed": NY})
    run(chat, ":as zed", "history")
    assert "You have no check-ins yet." in last_reply(chat)


def test_history_is_bounded(chat: LocalChat) -> None:
    team(chat)
    run(chat, ":advance to 2027-02-15 12:00 America/New_York", ":as bo", "history")
    reply = last_reply(chat)
    assert "Your last 10 check-ins" in reply
    assert "older check-ins are not shown" in reply
    assert "Mon, Feb 15, 2027" in reply and "Mon, Nov 23, 2026" not in reply


def test_status_says_paused_instead_of_a_date_and_lists_open_checkins(chat: LocalChat) -> None:
    team(chat)
    run(chat, ":advance to 2026-11-23 09:00 America/New_York", ":as ada", "cadence pause p")
    run(chat, ":as bo", "status")
    reply = last_reply(chat)
    assert "Open: *p* — 0/3 answered" in reply
    assert "*p* is paused" in reply
    assert "Next:" not in reply
    run(chat, ":advance to 2026-12-15 12:00 America/New_York", ":as bo", "status")
    assert "Next:" not in last_reply(chat) and "*p* is paused" in last_reply(chat)
    run(chat, ":as ada", "cadence resume p", ":as bo", "status")
    assert "Next: *p* on Mon, Dec 21" in last_reply(chat)
    assert "paused" not in last_reply(chat)


def _prompt_free(texts: list[str], library: PromptLibrary) -> list[str]:
    """Prompt questions come from the prompt library (its own languages), not from the catalogs."""
    questions = sorted({p.text_for("en") for s in library.sets() for p in s.prompts}, key=len, reverse=True)
    cleaned = []
    for text in texts:
        for q in questions:
            text = text.replace(q, "")
        # A sentence may hold another (a date "⟦Mon, 9:00⟧" inside "⟦Next: …⟧"): take out the
        # innermost spans until none is left, so the outer one is recognised too.
        while (inner := WRAPPED.sub("", text)) != text and "⟦" in inner:
            text = inner
        cleaned.append(text)
    return cleaned


def test_privacy_texts_come_from_the_catalogs(
    chat: LocalChat, core: Coachbot, pseudo_locale: str, library: PromptLibrary
) -> None:
    team(chat, locale=pseudo_locale)
    run(chat, ":advance to 2026-11-23 09:00 America/New_York")
    for who in MEMBERS:
        run(chat, f":as {who}", "> 4", f"> words of {who}", "> 3")
    run(chat, ":as di", ":advance to 2026-11-24 12:00 America/New_York")
    texts: list[str] = []
    with core.database.session() as session:
        sent = session.scalars(select(OutboxMessage.parts).where(OutboxMessage.kind == "digest")).one()
        texts += bot_texts(outbox.decode_parts(sent))
    for n, line in enumerate(
        ("status", "privacy", "history", "history nope", "privacy export", "privacy delete")
    ):
        texts += bot_texts(command(core, "bo", line, f"q{n}"))
    texts += bot_texts(command(core, "mo", "privacy", "q-mo"))
    run(chat, ":as ada", ":person ada locale=" + pseudo_locale)
    texts += bot_texts(command(core, "ada", "status", "q-ada"))
    assert len(texts) > 20
    assert untranslated(_prompt_free(texts, library)) == []


def test_a_german_manager_reads_the_digest_and_status_in_german(chat: LocalChat, core: Coachbot) -> None:
    team(chat, locale="de")
    run(chat, ":advance to 2026-11-23 09:00 America/New_York")
    for who in MEMBERS:
        run(chat, f":as {who}", "> 4", f"> Worte von {who}", "> 3")
    run(chat, ":advance to 2026-11-24 12:00 America/New_York")
    [digest] = [m for m in chat.transport.messages if m.kind == "digest"]
    assert "3 von 3 Personen haben geantwortet." in digest.text
    assert "Durchschnitt 4,0 / 5 aus 3 Antworten" in digest.text
    assert "> bo: Worte von bo" in digest.text
    run(chat, ":as bo", "history")
    assert "Dein letzter Check-in" in last_reply(chat)
    run(chat, "privacy delete")
    assert "Gelöscht: 1 Check-in und 3 Antworten" in last_reply(chat)
