"""The manager's digest and the privacy threshold K, and prompt rotation without repeats.

Six New York members on a Monday 09:00 cadence with a one-day window; the digest is written
when the window closes (Tuesday 09:00 New York).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from adapters.local import LocalChat
from bot.core import Coachbot
from bot.domain import PromptAudience
from bot.prompts import PromptLibrary
from storage.models import Workspace
from tests.bot.test_engine_helpers import answers, last_reply, org, received, run

NY = "America/New_York"
MEMBERS = ["bo", "cy", "di", "ed", "fa", "gu"]
MONDAY_9 = ":advance to 2026-11-23 09:00 America/New_York"
AFTER_CLOSE = ":advance to 2026-11-24 12:00 America/New_York"


def team(
    chat: LocalChat, *extra: str, anonymous: str = "yes", prompts: str = "", manager_zone: str = NY
) -> None:
    """Manager mo and six members in New York (mo elsewhere if asked), one weekly members cadence."""
    org(chat, {"mo": manager_zone, **dict.fromkeys(MEMBERS, NY)}, extra=extra)
    run(chat, "team create t --manager @mo", "team add t " + " ".join(f"@{m}" for m in MEMBERS))
    run(
        chat,
        'cadence add p --team t --audience members --every "weekly mon" --at 09:00 --window 1d'
        f" --anonymous {anonymous}{' --prompts ' + prompts if prompts else ''}",
    )


def answer(chat: LocalChat, who: str, rating: int, comment: str) -> None:
    run(chat, f":as {who}", f"> {rating}", f"> {comment}", f"> {rating}")


def digest(chat: LocalChat) -> str:
    sent = received(chat, "mo", "digest")
    assert len(sent) == 1, [m.text for m in sent]
    return sent[0].text


def names_in(text: str) -> list[str]:
    return [n for n in MEMBERS if re.search(rf"\b{n}\b", text, re.IGNORECASE)]


def test_k_minus_one_answers_show_only_the_fewer_than_k_note(chat: LocalChat) -> None:
    team(chat)
    run(chat, MONDAY_9)
    for n, who in enumerate(MEMBERS[:4]):
        answer(chat, who, 4, f"secret comment {n}")
    run(chat, AFTER_CLOSE)
    body = digest(chat)
    assert "Fewer than 5 people answered this time, so the answers stay private." in body
    assert "Average" not in body
    assert "secret comment" not in body
    assert " of 6 " not in body
    assert not names_in(body)


def test_k_answers_show_aggregates_and_unattributed_comments(chat: LocalChat) -> None:
    team(chat)
    run(chat, MONDAY_9)
    for n, who in enumerate(MEMBERS[:5]):
        answer(chat, who, 2 + n % 3, f"comment number {n}")
    run(chat, AFTER_CLOSE)
    body = digest(chat)
    assert "5 of 6 people answered." in body
    assert "Average 2.8 / 5 from 5 answers (1: 0  2: 2  3: 2  4: 1  5: 0)" in body
    for n in range(5):
        assert f"> comment number {n}" in body
    assert not names_in(body)


def test_one_digest_per_run_not_one_per_member(chat: LocalChat) -> None:
    team(chat)
    run(chat, MONDAY_9)
    for who in MEMBERS:
        answer(chat, who, 3, "fine")
    run(chat, ":advance to 2026-12-01 12:00 America/New_York")
    assert len(received(chat, "mo", "digest")) == 2  # two Mondays, two digests
    assert {m.person for m in chat.transport.messages if m.kind == "digest"} == {"mo"}


def test_threshold_below_three_is_refused(chat: LocalChat, core: Coachbot) -> None:
    team(chat)
    run(chat, "threshold 2")
    assert "3" in last_reply(chat)
    assert "now need" not in last_reply(chat)
    with core.database.session() as session:
        assert session.scalars(select(Workspace.threshold)).one() == 5


def test_threshold_three_then_three_answers_show_aggregates(chat: LocalChat) -> None:
    team(chat, "threshold 3")
    run(chat, MONDAY_9)
    for who in MEMBERS[:3]:
        answer(chat, who, 5, f"thoughts number {MEMBERS.index(who)}")
    run(chat, AFTER_CLOSE)
    body = digest(chat)
    assert "3 of 6 people answered." in body
    assert "Average 5.0 / 5 from 3 answers" in body
    assert body.count("> thoughts number ") == 3
    assert not names_in(body)


def test_threshold_three_with_two_answers_shows_nothing(chat: LocalChat) -> None:
    team(chat, "threshold 3")
    run(chat, MONDAY_9)
    for who in MEMBERS[:2]:
        answer(chat, who, 5, "hidden")
    run(chat, AFTER_CLOSE)
    body = digest(chat)
    assert "Fewer than 3 people answered" in body
    assert "hidden" not in body and "Average" not in body


def test_comments_need_k_writers_not_k_answers(chat: LocalChat, core: Coachbot) -> None:
    # Three answered, but one skipped the comment: two comments from a group of three
    # would be below K=3, so the comments stay hidden while the ratings are shown.
    team(chat, "threshold 3")
    run(chat, MONDAY_9)
    answer(chat, "bo", 4, "only two wrote")
    answer(chat, "cy", 4, "something")
    run(chat, ":as di", "> 4", "skip", "> 4")
    assert [a.skipped for a in answers(core, "di")] == [False, True, False]
    run(chat, AFTER_CLOSE)
    body = digest(chat)
    assert "Average 4.0 / 5 from 3 answers" in body
    assert "only two wrote" not in body and "something" not in body
    assert "Fewer than 3 answers — not shown." in body


def test_not_anonymous_names_written_answers_but_never_ratings(chat: LocalChat) -> None:
    team(chat, "threshold 3", anonymous="no")
    run(chat, MONDAY_9)
    assert "This check-in is not anonymous" in received(chat, "bo", "nudge")[0].text
    answer(chat, "bo", 1, "bo wrote this")
    answer(chat, "cy", 5, "cy wrote that")
    answer(chat, "di", 3, "di too")
    run(chat, AFTER_CLOSE)
    body = digest(chat)
    assert "> bo: bo wrote this" in body
    assert "> cy: cy wrote that" in body
    assert "Average 3.0 / 5 from 3 answers" in body
    for who, rating in (("bo", 1), ("cy", 5), ("di", 3)):
        assert f"{who}: {rating}" not in body
    # No rating line mentions anyone.
    for line in body.splitlines():
        if "Average" in line:
            assert not names_in(line)


# -- rotation ----------------------------------------------------------------------------------------


def asked(chat: LocalChat, who: str) -> list[str]:
    return [m.text.splitlines()[0].split(" ", 1)[1] for m in received(chat, who, "question")]


def weekly_answers(chat: LocalChat, who: str, weeks: int) -> None:
    for week in range(weeks):
        monday = date(2026, 11, 23) + timedelta(weeks=week)
        run(chat, f":advance to {monday} 09:00 America/New_York", f":as {who}", "> 3", "> 3", "> 3")


def _set_texts(library: PromptLibrary, name: str) -> set[str]:
    return {p.text_for("en") for p in library.set(name).for_audience(PromptAudience.MEMBER)}


def test_rotation_never_repeats_until_the_set_is_used_up(chat: LocalChat, library: PromptLibrary) -> None:
    texts = _set_texts(library, "team-pulse")
    assert len(texts) == 15
    team(chat)
    weekly_answers(chat, "bo", 6)
    seen = asked(chat, "bo")
    assert len(seen) == 18
    assert set(seen[:15]) == texts  # five weeks: every prompt once
    assert seen[15:] == seen[:3]  # then it starts over


def test_rotation_wraps_within_a_checkin_without_repeating(chat: LocalChat, library: PromptLibrary) -> None:
    texts = _set_texts(library, "growth")
    size = len(texts)
    assert size % 3 != 0, "needs a set that does not divide into whole check-ins"
    team(chat, prompts="growth")
    weekly_answers(chat, "bo", 5)
    seen = asked(chat, "bo")
    assert len(seen) == 15
    for start in range(0, len(seen) - size + 1, size):
        assert set(seen[start : start + size]) == texts, start
    for week in range(5):
        assert len(set(seen[3 * week : 3 * week + 3])) == 3, week
