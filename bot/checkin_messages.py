"""What a check-in says, in the person's language: nudge, questions, notes, thanks and reminders.

Everything here is queued in the outbox with a key derived from the check-in and the event it
answers, so replaying an event or a tick never produces a second copy. No decisions about the
conversation's state are taken here; :mod:`bot.checkins` does that.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox, relationships, visibility
from bot.domain import PromptAudience
from bot.i18n import Tr, tr
from bot.messages import Para, Part, Quote
from bot.opening import BatchFacts
from bot.prompts import Prompt, PromptLibrary
from bot.self_assessment import answer_text, question_parts
from storage.models import Answer, Cadence, CadenceRun, Checkin, Person, Workspace


def label(session: Session, checkin: Checkin, t: Tr, *, facts: BatchFacts | None = None) -> str:
    """The cadence's name, with its team's when the person belongs to or leads more than one team.

    A manager of two teams must always know which team a question is about.
    """
    cadence = checkin.cadence
    if facts is not None:
        several = facts.team_counts.get(checkin.person_id, 0) > 1
    else:
        several = relationships.in_several_teams(session, checkin.person_id)
    if several:
        return t._("{team} · {cadence}", team=cadence.team.name, cadence=cadence.label)
    return cadence.label


def promised_threshold(session: Session, run: CadenceRun, cadence: Cadence) -> int:
    """The K this run's nudges promise: the one fixed with the run, or today's if that is stricter."""
    return visibility.run_threshold(run, session.get_one(Workspace, cadence.workspace_id))


def nudge(
    session: Session,
    library: PromptLibrary,
    checkin: Checkin,
    person: Person,
    run: CadenceRun,
    *,
    facts: BatchFacts | None = None,
) -> tuple[Part, ...]:
    t = tr(person.locale)
    cadence = checkin.cadence
    count = len(run.prompt_ids)
    parts: list[Part] = [
        Para(
            t.n_(
                "Hi {name}! Time for *{cadence}*: {count} short question. Reply to it when it arrives.",
                "Hi {name}! Time for *{cadence}*: {count} short questions. Reply to each one as it arrives.",
                count,
                name=person.display_name,
                cadence=label(session, checkin, t, facts=facts),
            )
        )
    ]
    if checkin.role == PromptAudience.MEMBER:
        threshold = promised_threshold(session, run, cadence)
        manager = relationships.lead_of(session, cadence.team).display_name
        size = (
            facts.team_sizes.get(cadence.team_id, 0)
            if facts
            else relationships.member_count(session, cadence.team)
        )
        if not visibility.enough(size, threshold):
            text = t._(
                "This team has fewer than {threshold} people, so {manager} will not see any figures "
                "from it — your answers stay with you.",
                threshold=threshold,
                manager=manager,
            )
        elif checkin.anonymous:
            text = t._(
                "Your answers are anonymous: {manager} only sees totals, and only when at least "
                "{threshold} people have answered.",
                manager=manager,
                threshold=threshold,
            )
        else:
            text = t._(
                "This check-in is not anonymous: {manager} sees your written answers with your name, "
                "once at least {threshold} people have answered. Ratings are only ever shown as team totals.",
                manager=manager,
                threshold=threshold,
            )
        parts.append(Para(text))
    if facts is not None:
        commitments = facts.commitments.get((checkin.cadence_id, checkin.person_id), [])
    else:
        commitments = _last_commitments(session, checkin)
    if commitments:
        parts.append(Para(t._("Last time you said you would:")))
        parts.extend(Quote(text) for text in commitments)
        parts.append(Para(t._("Keep that in mind as you answer — how did it go?")))
    parts.append(
        Para(
            t._(
                "_`skip` passes over a question, `pass` skips this check-in, `later` reminds you in 2 hours._"
            )
        )
    )
    return tuple(parts)


def _last_commitments(session: Session, checkin: Checkin) -> list[str]:
    """Answers to commitment prompts in this person's previous check-in of the same cadence."""
    previous = session.scalar(
        select(Checkin)
        .where(
            Checkin.cadence_id == checkin.cadence_id,
            Checkin.person_id == checkin.person_id,
            Checkin.id != checkin.id,
        )
        .order_by(Checkin.occurrence_date.desc())
        .limit(1)
    )
    if previous is None:
        return []
    answers = session.scalars(select(Answer).where(Answer.checkin_id == previous.id)).all()
    return [a.text for a in answers if "commit" in a.prompt_id and a.text.strip() and not a.skipped]


def prompt_of(library: PromptLibrary, checkin: Checkin, index: int) -> Prompt:
    return library.get(checkin.run.prompt_ids[index])


def ask(
    session: Session,
    library: PromptLibrary,
    checkin: Checkin,
    person: Person,
    *,
    now: datetime,
    not_before: datetime | None = None,
    facts: BatchFacts | None = None,
) -> None:
    t = tr(person.locale)
    index = checkin.current_question
    total = len(checkin.run.prompt_ids)
    prompt = prompt_of(library, checkin, index)
    question = prompt.text_for(person.locale)
    name = label(session, checkin, t, facts=facts)
    if name != checkin.cadence.label:  # several teams: say which one this question is about
        head = t._(
            "*{number}/{total}* _{cadence}_ — {question}",
            number=index + 1,
            total=total,
            cadence=name,
            question=question,
        )
    else:
        head = t._("*{number}/{total}* {question}", number=index + 1, total=total, question=question)
    parts: list[Part] = [Para(head)]
    parts += question_parts(t, library, prompt, checkin_id=checkin.id, index=index, locale=person.locale)
    outbox.enqueue(
        session,
        key=f"q:{checkin.id}:{index}",
        person=person,
        kind="question",
        now=now,
        not_before=not_before,
        checkin=checkin,
        in_thread=True,
        parts=tuple(parts),
        fresh=facts is not None,
    )


def note(session: Session, checkin: Checkin, person: Person, key: str, text: str, now: datetime) -> None:
    """A short word in the check-in's own thread (``text`` already translated)."""
    outbox.enqueue(
        session,
        key=f"note:{checkin.id}:{key}"[:200],
        person=person,
        kind="notice",
        now=now,
        checkin=checkin,
        in_thread=True,
        parts=(Para(text),),
    )


def event_key(*values: str) -> str:
    """A short stable key for an inbound event that has no id of its own (an edit's new text)."""
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:16]


def thank(session: Session, library: PromptLibrary, checkin: Checkin, person: Person, now: datetime) -> None:
    outbox.enqueue(
        session,
        key=f"thanks:{checkin.id}",
        person=person,
        kind="thanks",
        now=now,
        checkin=checkin,
        in_thread=True,
        parts=summary(session, library, checkin, person),
    )


def summary(session: Session, library: PromptLibrary, checkin: Checkin, person: Person) -> tuple[Part, ...]:
    t = tr(person.locale)
    parts: list[Part] = [Para(t._("Thank you, that's everything. Here is what you shared:"))]
    answers = session.scalars(select(Answer).where(Answer.checkin_id == checkin.id).order_by(Answer.question))
    for answer in answers:
        question = library.asked(answer.prompt_id, answer.prompt_version).text_for(person.locale)
        parts.append(Para(t._("*{question}*", question=question)))
        given = answer_text(library, answer, t, person.locale)
        parts.append(Para(t._("_skipped_")) if answer.skipped else Quote(given))
    parts.append(Para(t._("_Edit any reply above to change an answer._")))
    return tuple(parts)


def reminder(session: Session, checkin: Checkin, person: Person, zone: str) -> tuple[Part, ...]:
    t = tr(person.locale)
    return (
        Para(
            t._(
                "A gentle nudge: your *{cadence}* check-in is open until {when}. Reply to the open "
                "question whenever it suits you, or say `skip`, `pass` or `later`.",
                cadence=label(session, checkin, t),
                when=t.when(checkin.closes_at, zone),
            )
        ),
    )
