"""A run's results as numbers: computed once when the run closes, stored with its digest, and
rendered per viewer and language whenever they are sent or shown (:mod:`bot.digests`).

Answers are grouped by the prompt they answered (``Answer.prompt_id``), not by their position in
the check-in, so a run in which people were asked different questions still adds up per question.
What is stored is already what the privacy rules let through: comments only once they passed the
threshold (shuffled when anonymous); counts and the rating distribution are stored as numbers, and
:mod:`bot.visibility` decides at render time whether a viewer may see them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import relationships, visibility
from bot.domain import PromptKind
from bot.prompts import PromptLibrary
from storage.models import Answer, Cadence, CadenceRun, Checkin, Person


@dataclass(frozen=True)
class Comment:
    author: int  # the writer's person id: never shown for anonymous runs; lets `privacy delete` find it
    text: str


@dataclass(frozen=True)
class PromptResult:
    """Everything one prompt collected in one run."""

    prompt_id: str
    kind: PromptKind
    answers: int  # answers that count (not skipped, late or blank)
    distribution: tuple[int, int, int, int, int] | None = None  # ratings: how many gave 1 … 5
    mean: float | None = None
    comments: tuple[Comment, ...] | None = None  # None: too few writers to show any
    picks: dict[str, int] | None = None  # checklists: how many picked each behaviour id
    version: int | None = None  # the prompt's version the answers were given to (None: version 1)


@dataclass(frozen=True)
class RunAggregate:
    k: int  # the threshold that applied when the run closed
    invited: int  # check-ins opened in the run
    respondents: int  # people who gave at least one answer that counts
    named: bool  # whether comments are shown with their writers' names
    prompts: tuple[PromptResult, ...]
    unreachable: tuple[int, ...] = field(default=())  # members the platform would not let us reach

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunAggregate:
        prompts = tuple(
            PromptResult(
                prompt_id=p["prompt_id"],
                kind=PromptKind(p["kind"]),
                answers=p["answers"],
                distribution=tuple(p["distribution"]) if p["distribution"] is not None else None,
                mean=p["mean"],
                comments=None
                if p["comments"] is None
                else tuple(Comment(c["author"], c["text"]) for c in p["comments"]),
                picks=p.get("picks"),
                version=p.get("version"),
            )
            for p in data["prompts"]
        )
        return cls(
            k=data["k"],
            invited=data["invited"],
            respondents=data["respondents"],
            named=data["named"],
            prompts=prompts,
            unreachable=tuple(data.get("unreachable", ())),
        )

    def without(self, author: int) -> tuple[RunAggregate, int]:
        """The aggregate with every comment by ``author`` taken out, and how many were."""
        removed = 0
        prompts: list[PromptResult] = []
        for p in self.prompts:
            if p.comments is None:
                prompts.append(p)
                continue
            kept = tuple(c for c in p.comments if c.author != author)
            removed += len(p.comments) - len(kept)
            prompts.append(replace(p, comments=kept))
        return replace(self, prompts=tuple(prompts)), removed


def aggregate_run(
    session: Session,
    library: PromptLibrary,
    cadence: Cadence,
    run: CadenceRun,
    checkins: Sequence[Checkin],
) -> RunAggregate:
    """The run's results, per prompt id, as the privacy rules let them be stored."""
    k = visibility.run_threshold(run, cadence.team.workspace)
    answers = [
        a
        for a in session.scalars(select(Answer).where(Answer.checkin_id.in_([c.id for c in checkins]))).all()
        if visibility.counts(a) and visibility.shareable(library.get(a.prompt_id))
    ]
    respondents = visibility.respondents(answers)
    named = visibility.attributed(checkins)
    shown = visibility.results(respondents, k=k)
    author = {c.id: c.person_id for c in checkins}
    results: list[PromptResult] = []
    shared = {str(p) for p in run.prompt_ids}
    for prompt_id in _prompt_order(run, answers):
        prompt = library.get(prompt_id)
        if not visibility.shareable(prompt):
            continue
        given = sorted((a for a in answers if a.prompt_id == prompt_id), key=lambda a: a.id)
        # A question only some people were asked (their pathway's, bot.pathways) would tell who is on
        # which pathway: it is left out below K answerers, and its comments never carry names.
        personal = prompt_id not in shared
        if personal and not visibility.enough(visibility.respondents(given), k):
            continue
        version = given[0].prompt_version if given else None  # the wording the first answer was given to
        if prompt.kind == PromptKind.RATING:
            ratings = [a.rating for a in given if a.rating is not None]
            dist = tuple(sum(1 for r in ratings if r == n) for n in range(1, 6))
            mean = sum(ratings) / len(ratings) if ratings else None
            results.append(
                PromptResult(prompt_id, PromptKind.RATING, len(ratings), dist, mean, version=version)  # type: ignore[arg-type]
            )
            continue
        if prompt.kind == PromptKind.CHECKLIST:
            picked = [str(b) for a in given for b in a.picks or ()]
            tally = {b: picked.count(b) for b in dict.fromkeys(picked)}
            results.append(
                PromptResult(prompt_id, PromptKind.CHECKLIST, len(given), picks=tally, version=version)
            )
            continue
        items = [(author[a.checkin_id], a.text) for a in given]
        # In a named run a name beside a pathway question would say who is on it: no comments then.
        visible = shown and not (personal and named)
        passed = visibility.comments(items, k=k, named=named) if visible else None
        comments = None if passed is None else tuple(Comment(who, text) for who, text in passed)
        results.append(
            PromptResult(prompt_id, PromptKind.TEXT, len(items), comments=comments, version=version)
        )
    unreachable = tuple(p.id for p in relationships.members_of(session, cadence.team) if not p.reachable)
    return RunAggregate(k, len(checkins), respondents, named, tuple(results), unreachable)


def _prompt_order(run: CadenceRun, answers: Sequence[Answer]) -> list[str]:
    """The run's prompts in the order they were asked, then any other prompt someone answered."""
    order = [str(p) for p in run.prompt_ids]
    for answer in sorted(answers, key=lambda a: (a.question, a.id)):
        if answer.prompt_id not in order:
            order.append(answer.prompt_id)
    return order


def authors_in(session: Session, aggregate: RunAggregate) -> dict[int, str]:
    """The display names of the writers of an attributed run's comments, as they are now."""
    ids = {c.author for p in aggregate.prompts for c in p.comments or ()}
    if not ids or not aggregate.named:
        return {}
    rows = session.execute(select(Person.id, Person.display_name).where(Person.id.in_(ids))).tuples()
    return {person_id: name for person_id, name in rows}
