"""Checklists and scorecards: the two prompt kinds that practise the competency map.

A *checklist* offers the behaviours of one competency; the answer is the ids of those picked
(``Answer.picks``), by buttons or typed numbers ("1 3 4"). A *scorecard* is a 1–5 self-rating of a
competency that only its author ever sees: ``bot.visibility.shareable`` keeps it out of every
digest and aggregate, and the person's own trend is shown in `status` and App Home.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.competencies import Behaviour
from bot.domain import PromptKind
from bot.i18n import Tr
from bot.messages import Choice, Choices, Para, Part
from bot.prompts import Prompt, PromptLibrary
from storage.models import Answer, Checkin, Person

RATED_KINDS = frozenset({PromptKind.RATING, PromptKind.SCORECARD})
"""Kinds answered with a number from 1 to 5."""

NONE_WORDS = frozenset({"none", "nothing", "0", "-", "keine", "nichts"})
PICK_PREFIX = "b"
"""A checklist button's value ends in ``b<n>``; a rating button's in the bare number."""

TREND_LENGTH = 4
"""How many of a person's latest scorecard ratings their trend shows, per competency."""


def behaviours_of(library: PromptLibrary, prompt: Prompt) -> tuple[Behaviour, ...]:
    if prompt.competency is None or prompt.competency not in library.competencies:
        return ()
    return library.competencies.get(prompt.competency).behaviours


def read_picks(text: str, behaviours: Sequence[Behaviour]) -> list[str] | None:
    """The behaviour ids typed as numbers ("1 3 4", "1,3"), [] for "none", None if unreadable."""
    words = [w for w in re.split(r"[\s,;+&]+", text.strip().lower()) if w and w not in ("and", "und")]
    if len(words) == 1 and words[0] in NONE_WORDS:
        return []
    if not words or not all(w.isdigit() and 1 <= int(w) <= len(behaviours) for w in words):
        return None
    numbers = sorted({int(w) for w in words})
    return [behaviours[n - 1].id for n in numbers]


def question_parts(
    t: Tr, library: PromptLibrary, prompt: Prompt, *, checkin_id: int, index: int, locale: str | None
) -> list[Part]:
    """What follows a question's text: how to answer it, and its buttons."""
    rating_buttons = Choices(tuple(Choice(str(n), f"{checkin_id}:{index}:{n}") for n in range(1, 6)))
    if prompt.kind is PromptKind.RATING:
        hint = t._("_Reply with a number from 1 (low) to 5 (high), press a button, or `skip`._")
        return [Para(hint), rating_buttons]
    if prompt.kind is PromptKind.SCORECARD:
        hint = t._(
            "_A private self-rating: only you ever see it, never your manager or any team result. "
            "Reply with a number from 1 (low) to 5 (high), press a button, or `skip`._"
        )
        return [Para(hint), rating_buttons]
    if prompt.kind is PromptKind.CHECKLIST:
        behaviours = behaviours_of(library, prompt)
        lines = [
            t._("{number}. {behaviour}", number=n, behaviour=b.text_for(locale))
            for n, b in enumerate(behaviours, start=1)
        ]
        hint = t._(
            "_Reply with the numbers of all that apply, like `1 3`, or `none`; a button picks just that one._"
        )
        buttons = Choices(
            tuple(
                Choice(str(n), f"{checkin_id}:{index}:{PICK_PREFIX}{n}")
                for n in range(1, len(behaviours) + 1)
            )
        )
        return [Para("\n".join(lines)), Para(hint), buttons]
    return []


def answer_text(library: PromptLibrary, answer: Answer, t: Tr, locale: str | None) -> str:
    """An answer as its author reads it back: a checklist's picks by name, otherwise what was typed."""
    if answer.picks is None:
        return answer.text
    if not answer.picks:
        return t._("(none of these)")
    names = []
    for behaviour_id in answer.picks:
        behaviour = library.competencies.behaviour(str(behaviour_id))
        names.append(behaviour.text_for(locale) if behaviour else str(behaviour_id))
    return "; ".join(names)


def toggled(picks: Sequence[str], behaviour_id: str) -> list[str]:
    """The picks with one behaviour added, or taken back if it was there."""
    if behaviour_id in picks:
        return [p for p in picks if p != behaviour_id]
    return [*picks, behaviour_id]


@dataclass(frozen=True)
class Trend:
    """One competency's latest self-ratings of one person, oldest first."""

    competency: str
    name: str
    ratings: tuple[int, ...]


def scorecard_trends(session: Session, library: PromptLibrary, person: Person) -> list[Trend]:
    """The person's own scorecard ratings per competency (only ever shown to that person)."""
    rows = session.execute(
        select(Answer.prompt_id, Answer.rating)
        .join(Checkin, Checkin.id == Answer.checkin_id)
        .where(Checkin.person_id == person.id, Answer.rating.is_not(None), Answer.skipped.is_(False))
        .order_by(Answer.created_at, Answer.id)
    ).tuples()
    by_competency: dict[str, list[int]] = {}
    for prompt_id, rating in rows:
        prompt = library.get(prompt_id) if library.knows(prompt_id) else None  # also retired ones
        if prompt is not None and prompt.kind is PromptKind.SCORECARD and prompt.competency and rating:
            by_competency.setdefault(prompt.competency, []).append(rating)
    trends = []
    for competency in library.competencies:
        ratings = by_competency.get(competency.id)
        if ratings:
            trends.append(
                Trend(competency.id, competency.name_for(person.locale), tuple(ratings[-TREND_LENGTH:]))
            )
    return trends
