"""Only check-in threads take answers (issue 7, item 5) and edits are acknowledged (item 9).

A reply in a digest's thread, another bot message's thread or a closed check-in's thread is
never stored as an answer; top-level messages still answer the open check-in. The clock starts on
Saturday 2026-11-21; the first nudge is Monday 09:00 New York.
"""

from __future__ import annotations

from adapters.local import LocalChat
from bot import outbox
from bot.core import Coachbot
from bot.messages import Para
from storage.models import Person
from tests.bot.conversation_kit import MONDAY_9, notices, nudge_thread, on_both_backends, pulse, said, send
from tests.bot.test_engine_helpers import answers, checkins, received, run

DIGEST_ACK = "Thanks — replies here stay with you; nobody else sees them."

core = on_both_backends  # every test here runs on SQLite and, when configured, PostgreSQL


def digest_and_open_manager_checkin(chat: LocalChat) -> None:
    """Three members answer Monday's pulse; on Tuesday mo gets the digest and has a check-in open."""
    pulse(chat, "bo cy di", window="1d", extra=("threshold 3",))
    run(chat, 'cadence add m --team t --audience manager --every "weekly tue" --at 09:00 --window 2d')
    run(chat, MONDAY_9)
    for who in ("bo", "cy", "di"):
        run(chat, f":as {who}", "> 4", f"> note from {who}", "> 4")
    run(chat, ":advance to 2026-11-24 10:00 America/New_York")
    assert len(received(chat, "mo", "digest")) == 1
    assert [c.state for c in checkins(chat.core, "mo")] == ["open"]


def test_thanks_in_a_digest_thread_is_acknowledged_and_never_becomes_an_answer(
    chat: LocalChat, core: Coachbot
) -> None:
    digest_and_open_manager_checkin(chat)
    digest = received(chat, "mo", "digest")[0]
    replies = send(chat, "mo", "thanks all", thread=digest.id)
    assert said(replies) == [DIGEST_ACK]
    assert answers(core, "mo") == []
    assert [c.current_question for c in checkins(core, "mo")] == [0]
    assert notices(chat, "mo") == []


def test_a_reply_to_another_bot_message_gets_a_note_and_changes_nothing(
    chat: LocalChat, core: Coachbot
) -> None:
    pulse(chat)
    run(chat, MONDAY_9)
    with core.database.session() as session:  # a bot message outside any check-in (a welcome, say)
        bo = session.query(Person).filter_by(platform_id="bo").one()
        outbox.enqueue(
            session,
            key="hello-bo",
            person=bo,
            kind="welcome",
            parts=(Para("Welcome!"),),
            now=chat.clock.now(),
        )
    chat.deliver()
    welcome = received(chat, "bo", "welcome")[0]
    replies = send(chat, "bo", "4", thread=welcome.id)
    assert said(replies) == [
        "This thread does not take answers, so I did not keep your reply. "
        "Check-in questions are answered in the check-in's own thread."
    ]
    assert answers(core, "bo") == []


def test_a_reply_in_a_closed_checkins_thread_never_answers_the_open_one(
    chat: LocalChat, core: Coachbot
) -> None:
    pulse(chat, window="1d")
    run(chat, 'cadence add q --team t --audience members --every "weekly tue" --at 09:00 --window 1d')
    run(chat, MONDAY_9, ":advance to 2026-11-24 10:00 America/New_York")
    assert [c.state for c in checkins(core, "bo")] == ["missed", "open"]
    monday_thread = nudge_thread(chat, "bo", 0)
    reminder = received(chat, "bo", "reminder")[0]
    assert reminder.thread == monday_thread
    send(chat, "bo", "4", thread=reminder.thread)
    assert answers(core, "bo") == []
    assert notices(chat, "bo") == ["This check-in has closed, so I did not keep this reply as an answer."]
    assert [c.current_question for c in checkins(core, "bo")] == [0, 0]
    send(chat, "bo", "5")  # at top level, the open check-in is answered
    assert [(a.question, a.rating) for a in answers(core, "bo")] == [(0, 5)]
    assert [c.current_question for c in checkins(core, "bo")] == [0, 1]


def test_a_reply_in_a_finished_checkins_thread_points_to_editing(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":as bo", "> 4", "> fine", "> 4", "> and one more thing")
    assert [a.text for a in answers(core, "bo")] == ["4", "fine", "4"]
    assert notices(chat, "bo") == [
        "You have answered every question of this check-in. To change an answer, edit your reply."
    ]


def test_a_manager_of_two_teams_is_told_which_team_every_time(chat: LocalChat) -> None:
    pulse(chat, "bo")
    run(
        chat,
        "team create u --manager @mo",
        'cadence add sync --team t --audience manager --every "weekly mon" --at 09:00',
        'cadence add sync2 --team u --audience manager --every "weekly mon" --at 10:00',
        MONDAY_9,
    )
    nudge = received(chat, "mo", "nudge")[0]
    assert nudge.text.startswith("Hi mo! Time for *t · sync*:")
    first = received(chat, "mo", "question")[0]
    assert first.text.startswith("*1/3* _t · sync_ — ")
    run(chat, ":advance to 2026-11-23 10:00 America/New_York")
    assert received(chat, "mo", "nudge")[1].text.startswith("Hi mo! Time for *u · sync2*:")
    assert received(chat, "bo", "nudge")[0].text.startswith("Hi bo! Time for *p*:")  # one team: no name
    assert received(chat, "bo", "question")[0].text.startswith("*1/3* How")


# -- edits (item 9) -----------------------------------------------------------------------------------


def test_an_edit_is_acknowledged_once_per_edit(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":as bo", "> 4", "> Fewer meetings")
    mine = next(m for m in chat.transport.messages if m.author == "bo" and m.text == "Fewer meetings")
    chat.edit(mine.id, "No meetings on Fridays")
    chat.edit(mine.id, "No meetings on Fridays, please")
    assert [a.text for a in answers(core, "bo")] == ["4", "No meetings on Fridays, please"]
    assert notices(chat, "bo") == ["Updated your answer to question 2."] * 2
    assert all(m.thread == nudge_thread(chat, "bo") for m in received(chat, "bo", "notice"))


def test_an_edit_after_the_window_is_kept_for_the_person_and_never_changes_the_digest(
    chat: LocalChat, core: Coachbot
) -> None:
    pulse(chat, "bo cy di", window="1d", extra=("threshold 3",))
    run(chat, MONDAY_9)
    for who in ("bo", "cy", "di"):
        run(chat, f":as {who}", "> 4", f"> note from {who}", "> 4")
    run(chat, ":advance to 2026-11-24 10:00 America/New_York")
    digest_before = received(chat, "mo", "digest")[0].text
    assert "note from bo" in digest_before
    run(chat, ":as bo")
    mine = next(m for m in chat.transport.messages if m.author == "bo" and m.text == "note from bo")
    rating = next(m for m in chat.transport.messages if m.author == "bo" and m.text == "4")
    chat.edit(mine.id, "EDITED LATER")
    chat.edit(rating.id, "1")
    given = answers(core, "bo")
    assert [(a.text, a.rating) for a in given] == [("4", 4), ("note from bo", None), ("4", 4)]
    assert [(a.revised_text, a.revised_at is not None) for a in given] == [
        ("1", True),
        ("EDITED LATER", True),
        (None, False),
    ]
    assert notices(chat, "bo") == [
        "This check-in had already closed, so I kept your change to question 2 for your own record only; "
        "the team results stay as they were.",
        "This check-in had already closed, so I kept your change to question 1 for your own record only; "
        "the team results stay as they were.",
    ]
    run(chat, ":advance to 2026-11-25 12:00 America/New_York")
    assert [m.text for m in received(chat, "mo", "digest")] == [digest_before]


def test_a_button_press_after_the_window_changes_no_result(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat, window="1d")
    run(chat, MONDAY_9, ":as bo", "> 4")
    question = received(chat, "bo", "question")[0]
    run(chat, ":advance to 2026-11-24 10:00 America/New_York", ":as bo")
    chat.press(question.id, "1")
    assert [(a.rating, a.revised_text) for a in answers(core, "bo")] == [(4, "1")]


def test_a_reminder_says_until_when_in_the_persons_zone(chat: LocalChat) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":advance to 2026-11-23 13:00 America/New_York")
    assert received(chat, "bo", "reminder")[0].text.startswith(
        "A gentle nudge: your *p* check-in is open until Wed, Nov 25, 9:00"
    )


def test_a_thread_the_bot_does_not_know_is_neither_an_answer_nor_a_command(
    chat: LocalChat, core: Coachbot
) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":as bo", "just thinking out loud")  # answers question 1? no: a rating needs 1-5
    mine = next(m for m in chat.transport.messages if m.author == "bo" and m.text == "just thinking out loud")
    replies = send(chat, "bo", "status", thread=mine.id)
    assert said(replies) == [
        "This thread does not take answers, so I did not keep your reply. "
        "Check-in questions are answered in the check-in's own thread."
    ]
    assert answers(core, "bo") == []
