"""Opening check-ins: recording one, and queueing its nudge and first question (after any follow-ups
of open commitments). The scheduler opens whole batches with the facts of :mod:`bot.opening`; a
cadence run by command opens one person's the same way.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot import checkin_messages as say
from bot import commitment_conversation, commitment_messages, opening, outbox, pathways
from bot.domain import PromptAudience
from bot.opening import BatchFacts
from bot.prompts import PromptLibrary
from bot.rotation import run_for
from bot.schedule import add_working_time, end_of_quiet_hours
from storage.models import Cadence, Checkin, Person


def open_checkin(
    session: Session,
    library: PromptLibrary,
    *,
    cadence: Cadence,
    person: Person,
    role: PromptAudience,
    occurrence_date: date,
    now: datetime,
) -> Checkin | None:
    """Record one check-in and queue its nudge and first question (see :func:`start_checkin`)."""
    facts = opening.gather(session, due=[(cadence, person, occurrence_date)], now=now)
    checkin = start_checkin(
        session,
        library,
        cadence=cadence,
        person=person,
        role=role,
        occurrence_date=occurrence_date,
        now=now,
        facts=facts,
    )
    if checkin is not None:
        queue_opening_messages(session, library, opened=[(checkin, person)], now=now, facts=facts)
    return checkin


def start_checkin(
    session: Session,
    library: PromptLibrary,
    *,
    cadence: Cadence,
    person: Person,
    role: PromptAudience,
    occurrence_date: date,
    now: datetime,
    facts: BatchFacts,
) -> Checkin | None:
    """Record a check-in; its messages follow in :func:`queue_opening_messages`.

    None if this occurrence exists, or if the person still has an open check-in of this cadence:
    two open check-ins of one cadence would be answered into the wrong one. The scheduler then
    folds the occurrence into the open one (see :func:`bot.planner.open_due_checkins`). ``facts``
    are read once for the scheduler's whole batch (:mod:`bot.opening`).
    """
    if (cadence.id, person.id, occurrence_date) in facts.taken or (cadence.id, person.id) in facts.still_open:
        return None
    run = facts.runs.get((cadence.id, occurrence_date, role))
    if run is None:
        run = facts.runs[(cadence.id, occurrence_date, role)] = run_for(
            session, library, cadence, occurrence_date, role
        )
    policy = facts.policies[person.id]
    send_at = end_of_quiet_hours(now, policy)
    closes_at = send_at + timedelta(minutes=cadence.window_minutes)
    reminder_at = None
    if cadence.reminder_max > 0:
        candidate = add_working_time(send_at, timedelta(minutes=cadence.reminder_after_minutes), policy)
        reminder_at = candidate if candidate < closes_at else None
    checkin = Checkin(
        cadence_id=cadence.id,
        run_id=run.id,
        person_id=person.id,
        occurrence_date=occurrence_date,
        role=role,
        anonymous=cadence.anonymous and role == PromptAudience.MEMBER,
        opened_at=send_at,
        closes_at=closes_at,
        next_reminder_at=reminder_at,
        current_question=0,
    )
    checkin.run, checkin.cadence = run, cadence
    on_pathway = pathways.in_force_on(facts.pathways.get(person.id, []), occurrence_date)
    if on_pathway is not None:  # one question in three from the person's pathway
        checkin.prompt_ids = pathways.mix_in(library, on_pathway, run.prompt_ids)
    session.add(checkin)
    facts.record(checkin)
    return checkin


def queue_opening_messages(
    session: Session,
    library: PromptLibrary,
    *,
    opened: list[tuple[Checkin, Person]],
    now: datetime,
    facts: BatchFacts,
) -> None:
    """Queue the nudge and first question of check-ins just opened (flushed once, for their ids).

    Their outbox keys are new by construction (they carry the new check-in's id), so no row is
    looked up first: a batch costs one insert of check-ins and one of messages.
    """
    if not opened:
        return
    session.flush()
    for checkin, person in opened:
        followups = commitment_conversation.take_followups(checkin, facts)
        outbox.enqueue(
            session,
            key=f"nudge:{checkin.id}",
            person=person,
            kind="nudge",
            now=now,
            not_before=checkin.opened_at,
            checkin=checkin,
            opens_thread=True,
            parts=say.nudge(
                session, library, checkin, person, checkin.run, facts=facts, looking_back=len(followups)
            ),
            fresh=True,
        )
        if followups:  # the questions wait until the person said how their commitments went
            commitment_messages.ask_followup(
                session, checkin, person, followups[0], now=now, not_before=checkin.opened_at, fresh=True
            )
        else:
            say.ask(session, library, checkin, person, now=now, not_before=checkin.opened_at, facts=facts)
    session.flush()
