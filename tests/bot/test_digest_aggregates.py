"""Digests are stored as numbers per prompt and rendered per viewer and language when shown.

Same team as tests/bot/test_engine_digest.py: manager mo and six New York members on a weekly
Monday cadence with a one-day window; the digest is written when the window closes.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from adapters.local import LocalChat
from bot.core import Coachbot
from bot.domain import PromptAudience, PromptKind
from bot.events import Actor
from bot.messages import plain_text
from bot.prompts import PromptLibrary
from storage.models import Answer, CadenceRun, Checkin, Digest, Person
from tests.bot.test_engine_digest import AFTER_CLOSE, MEMBERS, MONDAY_9, answer, digest, team
from tests.bot.test_engine_helpers import run

MO = Actor("local", "acme", "mo")


def shown_on_home(core: Coachbot) -> str:
    [summary] = core.home(MO).digests
    return plain_text(summary.parts)


def test_a_stored_digest_is_shown_again_in_german_from_its_numbers(chat: LocalChat, core: Coachbot) -> None:
    team(chat)
    run(chat, MONDAY_9)
    for n, who in enumerate(MEMBERS[:5]):
        answer(chat, who, 2 + n % 3, f"comment number {n}")
    run(chat, AFTER_CLOSE)
    sent = digest(chat)
    assert "5 of 6 people answered." in sent
    assert "Average 2.8 / 5 from 5 answers (1: 0  2: 2  3: 2  4: 1  5: 0)" in sent
    assert shown_on_home(core) == sent  # App Home renders the stored numbers as they were sent

    # The answers behind it go away (as if erased); the stored numbers are what is shown.
    with core.database.session() as session:
        session.execute(delete(Answer))
    run(chat, ":person mo locale=de")
    german = shown_on_home(core)
    assert "Ergebnisse von Team t" in german
    assert "5 von 6 Personen haben geantwortet." in german
    assert "Durchschnitt 2,8 / 5 aus 5 Antworten (1: 0  2: 2  3: 2  4: 1  5: 0)" in german
    for n in range(5):
        assert f"comment number {n}" in german
    assert "Average" not in german and "people answered" not in german


def test_people_asked_different_prompts_in_one_run_are_aggregated_per_prompt(
    chat: LocalChat, core: Coachbot, library: PromptLibrary
) -> None:
    """Three members answered the run's first (rating) prompt, three answered another rating prompt
    in the same position, as people on different pathways will. Each prompt gets its own figures."""
    team(chat, "threshold 3")
    run(chat, MONDAY_9)
    for who in MEMBERS[:3]:
        answer(chat, who, 2, f"words of {who}")
    for who in MEMBERS[3:]:
        answer(chat, who, 4, f"words of {who}")
    with core.database.session() as session:
        [run_row] = session.scalars(select(CadenceRun)).all()
        first = str(run_row.prompt_ids[0])
        assert library.get(first).kind == PromptKind.RATING
        other = next(
            p.id
            for p in library.set("team-pulse").for_audience(PromptAudience.MEMBER)
            if p.kind == PromptKind.RATING and p.id not in run_row.prompt_ids
        )
        later_three = (
            select(Checkin.id)
            .join(Person, Person.id == Checkin.person_id)
            .where(Person.platform_id.in_(MEMBERS[3:]))
        )
        for row in session.scalars(
            select(Answer).where(Answer.checkin_id.in_(later_three), Answer.prompt_id == first)
        ):
            row.prompt_id = other
    run(chat, AFTER_CLOSE)

    with core.database.session() as session:
        [stored] = session.scalars(select(Digest)).all()
        assert stored.aggregate is not None
        by_prompt = {p["prompt_id"]: p for p in stored.aggregate["prompts"]}
    assert (by_prompt[first]["answers"], by_prompt[first]["mean"]) == (3, 2.0)
    assert (by_prompt[other]["answers"], by_prompt[other]["mean"]) == (3, 4.0)
    assert by_prompt[first]["distribution"] == [0, 3, 0, 0, 0]
    assert by_prompt[other]["distribution"] == [0, 0, 0, 3, 0]
    body = digest(chat)
    assert body.count("Average 2.0 / 5 from 3 answers") == 1
    assert body.count("Average 4.0 / 5 from 3 answers") == 1
    assert library.get(other).text_for("en") in body
