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
from bot.i18n import N_, Tr, tr
from bot.messages import Para, Part, Quote
from bot.opening import BatchFacts
from bot.prompts import Prompt, PromptLibrary
from bot.self_assessment import answer_text, question_parts
from storage.commitments import Commitment
from storage.models import Answer, Cadence, CadenceRun, Checkin, Person, Workspace
from storage.pathways import OnboardingStep, PersonPathway


def label(session: Session, checkin: Checkin, t: Tr, *, facts: BatchFacts | None = None) -> str:
    """The cadence's name, with its team's when the person belongs to or leads more than one team.

    A manager of two teams must always know which team a question is about.
    """
    cadence = checkin.cadence
    if cadence is None:
        hire, _ = onboarding_about(session, checkin)
        if hire is None or hire.id == checkin.person_id:
            return t._("Onboarding")
        return t._("Onboarding · {name}", name=hire.display_name)
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


MILESTONES = {
    "day-1": N_("the first day"),
    "week-1": N_("the end of the first week"),
    "day-30": N_("day 30"),
    "day-60": N_("day 60"),
    "day-90": N_("day 90"),
}
"""How an onboarding milestone (:mod:`bot.onboarding`) is named in a nudge."""


def onboarding_about(session: Session, checkin: Checkin) -> tuple[Person | None, str | None]:
    """The new hire an onboarding check-in is about, and its milestone."""
    row = session.execute(
        select(Person, OnboardingStep.milestone)
        .join(PersonPathway, PersonPathway.person_id == Person.id)
        .join(OnboardingStep, OnboardingStep.person_pathway_id == PersonPathway.id)
        .where(OnboardingStep.checkin_id == checkin.id)
    ).first()
    return (None, None) if row is None else (row[0], row[1])


def _onboarding_nudge(session: Session, checkin: Checkin, person: Person) -> tuple[Part, ...]:
    t = tr(person.locale)
    count = len(checkin.prompt_ids_asked)
    hire, milestone = onboarding_about(session, checkin)
    when = t._(MILESTONES.get(milestone or "", MILESTONES["day-1"]))
    if hire is None or hire.id == person.id:
        text = t.n_(
            "Hi {name}! A short onboarding check-in for {when}: {count} question. Your answers stay"
            " with you; nobody else sees them.",
            "Hi {name}! A short onboarding check-in for {when}: {count} questions. Your answers stay"
            " with you; nobody else sees them.",
            count,
            name=person.display_name,
            when=when,
        )
    else:
        text = t.n_(
            "Hi {name}! {hire} is new in your team and has reached {when}: {count} question for you about"
            " their onboarding. Your answers stay with you.",
            "Hi {name}! {hire} is new in your team and has reached {when}: {count} questions for you about"
            " their onboarding. Your answers stay with you.",
            count,
            name=person.display_name,
            hire=hire.display_name,
            when=when,
        )
    hint = t._("_`skip` passes over a question, `pass` skips this check-in, `later` reminds you in 2 hours._")
    return (Para(text), Para(hint))


def nudge(
    session: Session,
    library: PromptLibrary,
    checkin: Checkin,
    person: Person,
    run: CadenceRun | None,
    *,
    facts: BatchFacts | None = None,
    looking_back: int = 0,
) -> tuple[Part, ...]:
    """The message that opens a check-in's thread; ``looking_back`` commitments are followed up first."""
    cadence = checkin.cadence
    if cadence is None or run is None:
        return _onboarding_nudge(session, checkin, person)
    t = tr(person.locale)
    count = len(checkin.prompt_ids_asked)
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
    if looking_back:
        parts.append(
            Para(
                t.n_(
                    "First, a look back at what you planned last time.",
                    "First, a look back at the {count} things you planned.",
                    looking_back,
                )
            )
        )
    parts.append(
        Para(
            t._(
                "_`skip` passes over a question, `pass` skips this check-in, `later` reminds you in 2 hours._"
            )
        )
    )
    return tuple(parts)


def prompt_of(library: PromptLibrary, checkin: Checkin, index: int) -> Prompt:
    return library.get(checkin.prompt_ids_asked[index])


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
    total = len(checkin.prompt_ids_asked)
    prompt = prompt_of(library, checkin, index)
    question = prompt.text_for(person.locale)
    name = label(session, checkin, t, facts=facts)
    if (
        checkin.cadence is not None and name != checkin.cadence.label
    ):  # several teams: say which one this question is about
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
    for commitment in session.scalars(select(Commitment).where(Commitment.source_checkin_id == checkin.id)):
        parts.append(Para(t._("*Your commitment* (#{number})", number=commitment.number)))
        parts.append(Quote(commitment.text))
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
