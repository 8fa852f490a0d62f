"""The check-in conversation: answers, bad input, edits, buttons, late answers, reminders, duplicates.

Member cadences use the default `team-pulse` set, whose first three questions are rating, text,
rating. The clock starts on Saturday 2026-11-21; the first nudge is Monday 09:00 New York.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from adapters.local import LocalChat
from adapters.local.transport import LocalMessage
from bot.core import Coachbot
from bot.events import Actor, ChoiceMade, CommandIssued, MessagePosted
from tests.bot.test_engine_helpers import (
    answers,
    checkins,
    last_reply,
    local,
    org,
    outbox_rows,
    received,
    run,
    set_cadence,
)

NY = "America/New_York"
MONDAY_9 = ":advance to 2026-11-23 09:00 America/New_York"


def pulse(chat: LocalChat, members: str = "bo", window: str = "2d", extra: tuple[str, ...] = ()) -> None:
    """A members' cadence on Mondays at 09:00 for a New York team."""
    org(chat, {"mo": NY, **{m: NY for m in members.split()}}, extra=extra)
    run(
        chat,
        "team create t --manager @mo",
        "team add t " + " ".join(f"@{m}" for m in members.split()),
        f'cadence add p --team t --audience members --every "weekly mon" --at 09:00 --window {window}',
    )


def my_message(chat: LocalChat, who: str, text: str) -> LocalMessage:
    return next(m for m in chat.transport.messages if m.author == who and m.text == text)


def questions(chat: LocalChat, who: str) -> list[str]:
    return [m.text.splitlines()[0] for m in received(chat, who, "question")]


def names_in(text: str, *names: str) -> list[str]:
    return [n for n in names if re.search(rf"\b{n}\b", text, re.IGNORECASE)]


def notices(chat: LocalChat, who: str) -> list[str]:
    return [m.text for m in received(chat, who, "notice")]


# -- answering ---------------------------------------------------------------------------------------


def test_replies_answer_one_question_after_another_then_thanks(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":as bo", "> 4", "> Fewer meetings", "> 3")
    assert [q[:4] for q in questions(chat, "bo")] == ["*1/3", "*2/3", "*3/3"]
    thanks = received(chat, "bo", "thanks")
    assert len(thanks) == 1
    assert "> Fewer meetings" in thanks[0].text
    nudge = received(chat, "bo", "nudge")[0]
    assert all(m.thread == nudge.id for m in received(chat, "bo") if m.kind in ("question", "thanks"))
    assert [(a.question, a.text, a.rating) for a in answers(core, "bo")] == [
        (0, "4", 4),
        (1, "Fewer meetings", None),
        (2, "3", 3),
    ]
    assert [c.state for c in checkins(core, "bo")] == ["done"]


def test_a_word_for_a_rating_asks_for_a_number_and_changes_nothing(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":as bo", "> great")
    assert notices(chat, "bo") == [
        "That one needs a number from 1 to 5 — could you reply with one, or `skip` it?"
    ]
    assert answers(core, "bo") == []
    assert [c.current_question for c in checkins(core, "bo")] == [0]
    assert len(questions(chat, "bo")) == 1  # the next question was not asked
    run(chat, "> 5")
    assert [(a.question, a.rating) for a in answers(core, "bo")] == [(0, 5)]


def test_a_command_typed_during_an_open_checkin_is_a_command_not_an_answer(
    chat: LocalChat, core: Coachbot
) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":as bo", "status")
    assert "Open: *p* — 0/3 answered" in last_reply(chat)
    assert answers(core, "bo") == []
    assert notices(chat, "bo") == []


def test_a_plain_direct_message_answers_the_open_checkin(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":as bo", "4", "More focus time")
    assert [a.text for a in answers(core, "bo")] == ["4", "More focus time"]


# -- edits and buttons -------------------------------------------------------------------------------


def test_editing_a_text_reply_updates_the_answer(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":as bo", "> 4", "> Fewer meetings")
    reply = my_message(chat, "bo", "Fewer meetings")
    run(chat, f":edit {reply.id} No meetings on Fridays")
    assert [a.text for a in answers(core, "bo")] == ["4", "No meetings on Fridays"]
    assert answers(core, "bo")[1].updated_at is not None


def test_editing_a_rating_to_a_word_keeps_the_rating_and_says_so(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":as bo", "> 4")
    reply = my_message(chat, "bo", "4")
    run(chat, f":edit {reply.id} pretty good")
    assert [(a.text, a.rating) for a in answers(core, "bo")] == [("4", 4)]
    assert notices(chat, "bo") == ["I kept your earlier rating: an edit needs a number from 1 to 5."]
    run(chat, f":edit {reply.id} 2")
    assert [(a.text, a.rating) for a in answers(core, "bo")] == [("2", 2)]


def test_a_button_answers_and_a_second_press_changes_the_rating(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":as bo")
    first_question = received(chat, "bo", "question")[0]
    run(chat, ":press last 4")
    assert [(a.question, a.rating) for a in answers(core, "bo")] == [(0, 4)]
    run(chat, f":press {first_question.id} 2")
    assert [(a.question, a.rating, a.text) for a in answers(core, "bo")] == [(0, 2, "2")]
    assert [c.current_question for c in checkins(core, "bo")] == [1]
    assert len(questions(chat, "bo")) == 2  # changing an answer does not ask again


def test_a_button_of_someone_elses_checkin_changes_nothing(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat, "bo cy")
    run(chat, MONDAY_9, ":as bo")
    value = received(chat, "bo", "question")[0].choices["3"]
    replies = core.handle(ChoiceMade("x1", Actor("local", "acme", "cy"), value))
    assert "not for you" in replies[0].text
    assert answers(core) == []


# -- replies after the window -------------------------------------------------------------------------


def test_a_reply_after_the_window_is_not_kept_and_gets_a_short_note(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat, window="1d")
    run(chat, MONDAY_9, ":advance to 2026-11-24 10:00 America/New_York")
    assert [c.state for c in checkins(core, "bo")] == ["missed"]
    run(chat, ":as bo", "> 3")
    assert answers(core, "bo") == []
    assert notices(chat, "bo") == ["This check-in has closed, so I did not keep this reply as an answer."]
    assert [c.current_question for c in checkins(core, "bo")] == [0]


def test_replies_after_a_zones_window_closed_never_reach_the_digest(chat: LocalChat, core: Coachbot) -> None:
    # Sydney's Monday window closes while New York's is still open: a reply from Sydney arrives
    # before the digest is written, and must not be kept, let alone counted.
    org(
        chat,
        {"mo": NY, "bo": NY, "cy": NY, "di": NY, "syd": "Australia/Sydney"},
        extra=("threshold 3", "team create t --manager @mo", "team add t @bo @cy @di @syd"),
    )
    run(chat, 'cadence add p --team t --audience members --every "weekly mon" --at 09:00 --window 1d')
    run(chat, MONDAY_9)
    for who in ("bo", "cy", "di"):
        run(chat, f":as {who}", "> 4", f"> comment from {who}", "> 4")
    run(chat, ":advance to 2026-11-24 10:00 Australia/Sydney")  # Sydney's window has closed
    assert received(chat, "mo", "digest") == []  # New York's has not
    run(chat, ":as syd", "> 1", "> LATE SECRET", "> 1")
    assert answers(core, "syd") == []
    run(chat, ":advance to 2026-11-24 12:00 America/New_York")
    digest = received(chat, "mo", "digest")
    assert len(digest) == 1
    assert "3 of 4 people answered" in digest[0].text
    assert "Average 4.0 / 5 from 3 answers" in digest[0].text
    assert "LATE SECRET" not in digest[0].text


# -- reminders ---------------------------------------------------------------------------------------


def test_one_private_reminder_after_four_working_hours(chat: LocalChat) -> None:
    pulse(chat, "bo cy")
    run(chat, MONDAY_9, ":as cy", "> 4", "> ok", "> 4", ":advance to 2026-11-25 12:00 America/New_York")
    reminders = [m for m in chat.transport.messages if m.kind == "reminder"]
    assert [(m.person, local(m.at, NY)) for m in reminders] == [("bo", "2026-11-23 13:00")]
    assert reminders[0].thread == received(chat, "bo", "nudge")[0].id
    assert [m.kind for m in received(chat, "mo")] == ["digest"]
    assert not names_in(received(chat, "mo")[0].text, "bo", "cy")


def test_no_reminder_once_answered(chat: LocalChat) -> None:
    pulse(chat)
    run(chat, MONDAY_9, ":advance 1h", ":as bo", "> 4", "> ok", "> 5")
    run(chat, ":advance to 2026-11-25 12:00 America/New_York")
    assert received(chat, "bo", "reminder") == []


def test_reminders_stop_at_reminder_max_and_skip_quiet_hours(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat, extra=("quiet-hours 20:00-07:00",))
    set_cadence(core, "p", reminder_max=3)
    run(chat, ":advance to 2026-11-26 12:00 America/New_York")
    times = [local(m.at, NY) for m in received(chat, "bo", "reminder")]
    # 09:00 + 4h, + 4h, then 3h before 20:00 and the last hour after 07:00 the next day.
    assert times == ["2026-11-23 13:00", "2026-11-23 17:00", "2026-11-24 08:00"]


def test_a_late_afternoon_nudge_is_reminded_the_next_morning(chat: LocalChat) -> None:
    pulse(chat, extra=("quiet-hours 20:00-07:00",))
    run(chat, ":as ada", "cadence remove p")
    run(chat, 'cadence add late --team t --audience members --every "weekly mon" --at 18:00')
    run(chat, ":advance to 2026-11-25 12:00 America/New_York")
    times = [local(m.at, NY) for m in received(chat, "bo", "reminder")]
    assert times == ["2026-11-24 09:00"]


def test_reminder_max_zero_sends_none(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    set_cadence(core, "p", reminder_max=0)
    run(chat, ":advance to 2026-11-26 12:00 America/New_York")
    assert received(chat, "bo", "reminder") == []
    assert [c.state for c in checkins(core, "bo")] == ["missed"]


def test_nothing_about_missing_answers_goes_to_anyone_else(chat: LocalChat) -> None:
    pulse(chat, "bo cy di", extra=("threshold 3",))
    run(chat, ":advance to 2026-11-26 12:00 America/New_York")
    for who in ("mo", "ada"):
        for message in received(chat, who):
            assert message.kind == "digest", message
            assert not names_in(message.text, "bo", "cy", "di")
    assert {m.person for m in chat.transport.messages if m.kind == "reminder"} == {"bo", "cy", "di"}


# -- duplicate deliveries ----------------------------------------------------------------------------


def test_the_same_message_event_twice_records_one_answer(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9)
    thread = chat.transport.ref(received(chat, "bo", "nudge")[0].id)  # the id the core knows
    event = MessagePosted("slack-1", Actor("local", "acme", "bo"), "4", "dm:bo", "u-1", thread=thread)
    assert core.handle(event) == []
    assert core.handle(event) == []
    assert [(a.question, a.text) for a in answers(core, "bo")] == [(0, "4")]
    assert [c.current_question for c in checkins(core, "bo")] == [1]
    asked = [r for r in outbox_rows(core) if r.kind == "question"]
    assert len(asked) == 2  # question 1 and, once, question 2


def test_the_same_command_event_twice_runs_once_and_replies_once(chat: LocalChat, core: Coachbot) -> None:
    org(chat, {"mo": NY})
    event = CommandIssued("cmd-7", Actor("local", "acme", "ada"), "team create t --manager @mo")
    first = core.handle(event)
    assert "Created team *t*" in first[0].text
    assert core.handle(event) == []
    run(chat, "team list")
    assert "*t* — mo, 0 members" in last_reply(chat)


def test_the_same_button_event_twice_records_once(chat: LocalChat, core: Coachbot) -> None:
    pulse(chat)
    run(chat, MONDAY_9)
    value = received(chat, "bo", "question")[0].choices["5"]
    event = ChoiceMade("press-1", Actor("local", "acme", "bo"), value)
    core.handle(event)
    core.handle(event)
    assert [(a.question, a.rating) for a in answers(core, "bo")] == [(0, 5)]
    assert len([r for r in outbox_rows(core) if r.kind == "question"]) == 2


def test_the_same_event_id_on_another_platform_is_a_different_event(chat: LocalChat, core: Coachbot) -> None:
    org(chat, {"mo": NY})
    core.handle(CommandIssued("same", Actor("local", "acme", "ada"), "status"))
    replies = core.handle(CommandIssued("same", Actor("other", "acme", "zed"), "status"))
    assert replies and "Your check-ins" in replies[0].text


def test_a_reminder_overdue_after_downtime_still_waits_for_quiet_hours_to_end(
    chat: LocalChat, core: Coachbot
) -> None:
    pulse(chat, extra=("quiet-hours 20:00-07:00",))
    run(chat, MONDAY_9)
    # The bot is down from 10:00 until 21:00 New York, when the 13:00 reminder is long overdue.
    chat.clock.set(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))  # 21:00 Monday in New York
    core.tick()
    chat.deliver()
    assert received(chat, "bo", "reminder") == []
    run(chat, ":advance to 2026-11-24 08:00 America/New_York")
    assert [local(m.at, NY) for m in received(chat, "bo", "reminder")] == ["2026-11-24 07:00"]
