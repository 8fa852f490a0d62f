"""Letting people not answer (issue 7, item 6): `skip`, `skip all` / `pass`, `later` / `snooze 2h`.

None of these words is ever stored as an answer, in a thread or at top level; an empty reply is
not an answer either. The member cadence asks rating, text, rating; the first nudge is Monday
09:00 New York (the clock starts on Saturday 2026-11-21).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.local import LocalChat
from bot import checkins as conversation
from bot.checkin_words import read_word
from bot.commands import ast as A
from bot.context import Context
from bot.core import Coachbot
from bot.events import Actor
from bot.messages import Reply
from bot.people import find_person
from tests.bot.conversation_kit import (
    MONDAY_9,
    NY,
    notices,
    nudge_thread,
    on_both_backends,
    pulse,
    said,
    send,
)
from tests.bot.test_engine_helpers import answers, checkins, local, received, run

core = on_both_backends  # every test here runs on SQLite and, when configured, PostgreSQL


def command(core: Coachbot, who: str, cmd: A.SkipQuestion | A.Decline | A.Snooze) -> list[Reply]:
    """Run a command handler the way the dispatcher does (whatever the parser makes of the words)."""
    handler = {A.SkipQuestion: conversation.skip_question, A.Decline: conversation.decline}
    with core.database.session() as session:
        person = find_person(session, Actor("local", "acme", who))
        assert person is not None
        ctx = Context(session=session, person=person, now=core.clock.now(), library=core.library)
        if isinstance(cmd, A.Snooze):
            return conversation.snooze(ctx, cmd)
        return handler[type(cmd)](ctx, cmd)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("skip", A.SkipQuestion()),
        ("  Skip. ", A.SkipQuestion()),
        ("`skip`", A.SkipQuestion()),
        ("skip all", A.Decline()),
        ("PASS", A.Decline()),
        ("later", A.Snooze(None)),
        ("snooze", A.Snooze(None)),
        ("snooze 2h", A.Snooze(timedelta(hours=2))),
        ("snooze 30m", A.Snooze(timedelta(minutes=30))),
        ("snooze 1d", A.Snooze(timedelta(days=1))),
        ("later 1h 30m", A.Snooze(timedelta(minutes=90))),
        ("skipping lunch helped", None),
        ("skip p", None),  # `skip <cadence>` stays the command
        ("I'll pass on the offsite", None),
    ],
)
def test_the_word_reader(text: str, word: object) -> None:
    assert read_word(text) == word


def test_skip_in_the_thread_passes_over_the_question_and_asks_the_next(
    chat: LocalChat, core: Coachbot
) -> None:
    pulse(chat)
    run(chat, MONDAY_9)
    assert "or `skip`" in received(chat, "bo", "question")[0].text  # the rating question says how
    replies = send(chat, "bo", "skip", thread=nudge_thread(chat, "bo"))
    assert said(replies) == ["Skipped question 1."]
    assert [(a.question, a.text, a.rating, a.skipped) for a in answers(core, "bo")] == [(0, "", None, True)]
    assert [q.text.splitlines()[0][:5] for q in received(chat, "bo", "question")] == ["*1/3*", "*2/3*"]


def test_skip_at_top_level_and_on_the_last_question_finishes_with_thanks(
    chat: LocalChat, core: Coachbot
) -> None:
    pulse(chat)
    run(chat, MONDAY_9)
    send(chat, "bo", "4")
    send(chat, "bo", "skip")
    send(chat, "bo", "skip", thread=nudge_thread(chat, "bo"))
    assert [(a.text, a.skipped) for a in answers(core, "bo")] == [("4", False), ("", True), ("", True)]
    assert [c.state for c in checkins(core, "bo")] == ["done"]
    thanks = received(chat, "bo", "thanks")[0].text
    assert thanks.count("_skipped_") == 2
    run(chat, ":advance to 2026-11-25 12:00 America/New_York")
    assert received(chat, "bo", "reminder") == []


def test_skipping_every_question_is_declining(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9)
    for _ in range(3):
        replies = send(chat, "bo", "skip", thread=nudge_thread(chat, "bo"))
    assert (
        said(replies)[-1]
        == "You skipped every question, so nothing from this check-in is shared. No more reminders."
    )
    assert [c.state for c in checkins(core, "bo")] == ["declined"]
    assert received(chat, "bo", "thanks") == []


@pytest.mark.parametrize("word", ["pass", "skip all"])
def test_pass_declines_the_checkin_and_stops_reminders(chat: LocalChat, core: Coachbot, word: str) -> None:
    pulse(chat)
    run(chat, MONDAY_9)
    replies = send(chat, "bo", word, thread=nudge_thread(chat, "bo"))
    assert said(replies) == ["Okay, you passed on this check-in. No more reminders for it."]
    assert answers(core, "bo") == []
    assert [(c.state, c.next_reminder_at) for c in checkins(core, "bo")] == [("declined", None)]
    run(chat, ":advance to 2026-11-26 12:00 America/New_York")
    assert received(chat, "bo", "reminder") == []
    send(chat, "bo", "4", thread=nudge_thread(chat, "bo"))
    assert answers(core, "bo") == []


def test_pass_at_top_level_after_an_answer_keeps_that_answer(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9)
    send(chat, "bo", "4")
    replies = send(chat, "bo", "skip all")
    assert said(replies) == [
        "Okay, you passed on the rest of this check-in. No more reminders; "
        "the answers you already gave still count."
    ]
    assert [(a.text, a.skipped) for a in answers(core, "bo")] == [("4", False)]
    assert [c.state for c in checkins(core, "bo")] == ["declined"]


def test_later_moves_the_reminder_two_hours_ahead(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":advance to 2026-11-23 10:00 America/New_York")
    replies = send(chat, "bo", "later", thread=nudge_thread(chat, "bo"))
    assert said(replies) == ["Okay, I'll remind you on Mon, Nov 23, 12:00\u202fPM."] or said(replies) == [
        "Okay, I'll remind you on Mon, Nov 23, 12:00 PM."
    ]
    run(chat, ":advance to 2026-11-23 18:00 America/New_York")
    assert [local(m.at, NY) for m in received(chat, "bo", "reminder")] == ["2026-11-23 12:00"]
    assert answers(core, "bo") == []


def test_snooze_with_a_delay_and_over_the_night_waits_for_working_time(
    chat: LocalChat, core: Coachbot
) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":advance to 2026-11-23 19:00 America/New_York")  # the 13:00 reminder went out
    send(chat, "bo", "snooze 30m")
    assert [local(c.next_reminder_at, NY) for c in checkins(core, "bo") if c.next_reminder_at] == [
        "2026-11-23 19:30"
    ]
    send(chat, "bo", "snooze 2h")  # 21:00 is in the workspace's quiet hours (20:00-07:00)
    assert [local(c.next_reminder_at, NY) for c in checkins(core, "bo") if c.next_reminder_at] == [
        "2026-11-24 07:00"
    ]
    run(chat, ":advance to 2026-11-24 12:00 America/New_York")
    assert [local(m.at, NY) for m in received(chat, "bo", "reminder")] == [
        "2026-11-23 13:00",
        "2026-11-24 07:00",
    ]


def test_a_snooze_past_the_window_comes_an_hour_before_it_closes(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":advance to 2026-11-24 09:00 America/New_York")  # closes Wed 09:00
    replies = send(chat, "bo", "snooze 1d")
    assert said(replies)[0].startswith("Your check-in closes on Wed, Nov 25, 9:00")
    assert "I'll remind you an hour before, on Wed, Nov 25, 8:00" in said(replies)[0]
    assert [local(c.next_reminder_at, NY) for c in checkins(core, "bo") if c.next_reminder_at] == [
        "2026-11-25 08:00"
    ]


def test_a_snooze_too_close_to_the_end_says_there_is_no_time_left(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":advance to 2026-11-25 08:30 America/New_York")
    replies = send(chat, "bo", "later")
    assert "too soon for another reminder" in said(replies)[0]
    assert [c.next_reminder_at for c in checkins(core, "bo")] == [None]
    assert [c.state for c in checkins(core, "bo")] == ["open"]


def test_an_unclear_snooze_is_said_back_and_not_stored(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9)
    replies = send(chat, "bo", "snooze until the weekend", thread=nudge_thread(chat, "bo"))
    assert said(replies) == [
        "I did not understand how long to wait. Try `snooze 2h`, `snooze 30m` or `snooze 1d`."
    ]
    assert answers(core, "bo") == []


def test_no_word_is_ever_stored_as_an_answer(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9)
    thread = nudge_thread(chat, "bo")
    for word in ("later", "snooze 2h", "snooze", "Later!", "skip", "later", "skip"):
        send(chat, "bo", word, thread=thread)
    for word in ("later", "snooze 1h", "skip all"):
        send(chat, "bo", word)
    assert [(a.text, a.skipped) for a in answers(core, "bo")] == [("", True), ("", True)]


def test_an_empty_reply_is_not_an_answer(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":as bo", "> 4")
    send(chat, "bo", "   ", thread=nudge_thread(chat, "bo"))
    send(chat, "bo", "\n\t")
    assert [a.text for a in answers(core, "bo")] == ["4"]
    assert (
        notices(chat, "bo")
        == ["An empty reply is not an answer. Write a few words, or `skip` to pass over this question."] * 2
    )
    assert [c.current_question for c in checkins(core, "bo")] == [1]


def test_the_command_handlers_act_on_the_latest_open_checkin(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    assert said(command(core, "bo", A.SkipQuestion())) == ["You have no open check-in."]
    assert said(command(core, "bo", A.Decline())) == ["You have no open check-in."]
    assert said(command(core, "bo", A.Snooze(None))) == ["You have no open check-in."]
    run(chat, MONDAY_9)
    assert said(command(core, "bo", A.SkipQuestion())) == ["Skipped question 1."]
    assert said(command(core, "bo", A.Snooze(timedelta(hours=1))))[0].startswith("Okay, I'll remind you on")
    assert said(command(core, "bo", A.Decline())) == [
        "Okay, you passed on this check-in. No more reminders for it."
    ]
    assert [(c.state, c.current_question) for c in checkins(core, "bo")] == [("declined", 1)]


def test_a_button_on_a_skipped_question_answers_it_after_all(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9)
    first = received(chat, "bo", "question")[0]
    send(chat, "bo", "skip")
    run(chat, ":as bo")
    chat.press(first.id, "2")
    assert [(a.question, a.rating, a.skipped) for a in answers(core, "bo")] == [(0, 2, False)]
    assert notices(chat, "bo") == ["Updated your answer to question 1."]
