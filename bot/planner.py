"""Who is nudged when: one precomputed slot per cadence × person, and the tick that fires them.

A slot holds the next occurrence (local date + UTC instant) so that a tick is one
indexed query however many people there are. Slots are recomputed whenever
something that moves them changes: a cadence, a team's membership, a person's
zone, vacation or a workspace's working days.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, delete, func, inspect, select
from sqlalchemy.orm import Session, joinedload

from bot import opening, relationships, working_hours
from bot.commands import parse_recurrence
from bot.domain import Audience, PromptAudience
from bot.prompts import PromptLibrary
from bot.schedule import LocalPolicy, next_occurrence
from storage.db import Database
from storage.models import Cadence, Checkin, OutboxMessage, Person, ScheduleSlot, Team
from storage.pathways import OnboardingStep

BATCH = 500
FIRST_BATCH = 50
"""The first batch of a tick is small: its nudges can be on their way while the rest are opened."""


def recipients(session: Session, cadence: Cadence) -> list[tuple[Person, PromptAudience]]:
    """``(person, role)`` pairs a cadence nudges: the team's leads and/or its members."""
    team = cadence.team
    pairs: list[tuple[Person, PromptAudience]] = []
    if cadence.audience in (Audience.MANAGER, Audience.BOTH):
        pairs.extend((lead, PromptAudience.MANAGER) for lead in relationships.leads_of(session, team))
    if cadence.audience in (Audience.MEMBERS, Audience.BOTH):
        pairs.extend((m, PromptAudience.MEMBER) for m in relationships.members_of(session, team))
    return pairs


def _recompute(
    session: Session,
    slot: ScheduleSlot,
    cadence: Cadence,
    person: Person,
    now: datetime,
    *,
    keep_due: bool,
    policy: LocalPolicy | None = None,
) -> None:
    """Move the slot to the person's next occurrence under the current rules.

    With ``keep_due``, an occurrence that is already due but not yet opened (the tick has not come
    round yet, or is busy sending) stays due as long as its date still counts under the new rules:
    a command at 09:00:05 must not move 09:00's nudge to next week. Only a change that really takes
    that date away (vacation on it, no longer a working day, another recurrence) moves it on.
    """
    if keep_due and _still_due(session, slot, cadence, person, now):
        return
    try:
        occurrence = working_hours.upcoming(
            session, cadence, person, after=now, last=slot.last_local_date, policy=policy
        )
    except ValueError:
        slot.next_local_date, slot.next_due_at = None, None
        return
    slot.next_local_date, slot.next_due_at = occurrence.local_date, occurrence.due_at


def _still_due(session: Session, slot: ScheduleSlot, cadence: Cadence, person: Person, now: datetime) -> bool:
    """Keep a due, unopened occurrence if its local date is still one the person is asked on."""
    pending_date, pending_due = slot.next_local_date, slot.next_due_at
    if pending_date is None or pending_due is None or pending_due > now or cadence.paused:
        return False
    if slot.last_local_date is not None and pending_date <= slot.last_local_date:
        return False  # already opened (or skipped): nothing pending to keep
    policy = working_hours.policy_for(session, person)
    hours, minutes = (int(x) for x in cadence.at_time.split(":"))
    # The first occurrence on or after the pending date, under the new rules.
    day_before = pending_date - timedelta(days=1)
    try:
        occurrence = next_occurrence(
            parse_recurrence(cadence.recurrence),
            time(hours, minutes),
            policy=policy,
            anchor=cadence.anchor,
            after=datetime.combine(day_before - timedelta(days=1), time.min, tzinfo=UTC),
            last_local_date=day_before,
        )
    except ValueError:
        return False
    if occurrence.local_date != pending_date or occurrence.skipped is not None:
        return False
    # Quiet hours or a new time that now fall later today move it there; otherwise it stays due as it
    # was (never earlier than promised, so a window that was open stays open).
    if occurrence.due_at > now:
        slot.next_due_at = occurrence.due_at
    return True


def refresh_slots(
    session: Session,
    *,
    now: datetime,
    cadence: Cadence | None = None,
    person: Person | None = None,
    team: Team | None = None,
    keep_due: bool | None = None,
) -> None:
    """Create, recompute or drop the slots touched by a change to a cadence, a person or a team.

    Occurrences already due but not yet opened stay due (see :func:`_recompute`) unless
    ``keep_due=False``; by default they are dropped only for a cadence that was just resumed, whose
    occurrences that fell due while it was paused are not sent late.
    """
    if keep_due is None:
        keep_due = cadence is None or not _just_resumed(cadence)
    query = select(Cadence).where(Cadence.removed_at.is_(None))
    if cadence is not None:
        query = query.where(Cadence.id == cadence.id)
    elif team is not None:
        query = query.where(Cadence.team_id == team.id)
    elif person is not None:
        query = query.where(Cadence.team_id.in_(relationships.team_ids_of(person.id)))
    for row in session.scalars(query).all():
        wanted = {
            (p.id, role): p for p, role in recipients(session, row) if person is None or p.id == person.id
        }
        existing = session.scalars(select(ScheduleSlot).where(ScheduleSlot.cadence_id == row.id)).all()
        for slot in existing:
            if person is not None and slot.person_id != person.id:
                continue
            target = wanted.pop((slot.person_id, slot.role), None)
            if target is None:
                session.delete(slot)
            else:
                _recompute(session, slot, row, target, now, keep_due=keep_due)
        for (person_id, role), target in wanted.items():
            slot = ScheduleSlot(cadence_id=row.id, person_id=person_id, role=role)
            session.add(slot)
            _recompute(session, slot, row, target, now, keep_due=False)
    session.flush()


def _just_resumed(cadence: Cadence) -> bool:
    """Whether this session turned the cadence from paused to running (``cadence resume``).

    Read from the unflushed attribute history, so it must be asked before any query autoflushes.
    """
    history = inspect(cadence).attrs.paused.history
    return True in (history.deleted or ()) and not cadence.paused


def skip_next(session: Session, *, cadence: Cadence, person: Person, now: datetime) -> ScheduleSlot | None:
    """Skip the person's next occurrence: pretend it already happened, then look further."""
    slot = session.scalar(
        select(ScheduleSlot).where(ScheduleSlot.cadence_id == cadence.id, ScheduleSlot.person_id == person.id)
    )
    if slot is None or slot.next_local_date is None:
        return None
    slot.last_local_date = slot.skipped_local_date = slot.next_local_date
    _recompute(session, slot, cadence, person, now, keep_due=False)
    return slot


def due_slots(*, now: datetime, limit: int, claim: bool) -> Select[ScheduleSlot]:
    """The tick's lookup of due slots: a range scan of ``ix_schedule_slots_due``, however many slots.

    With ``claim`` (PostgreSQL) the rows are locked ``FOR UPDATE SKIP LOCKED``: each replica gets
    different slots and none waits for another.
    """
    query = (
        select(ScheduleSlot)
        .join(Cadence, Cadence.id == ScheduleSlot.cadence_id)
        .where(ScheduleSlot.next_due_at <= now, Cadence.paused.is_(False))
        .order_by(ScheduleSlot.next_due_at)
        .limit(limit)
    )
    return query.with_for_update(skip_locked=True, of=ScheduleSlot) if claim else query


def open_due_checkins(
    database: Database,
    library: PromptLibrary,
    *,
    now: datetime,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Open a check-in for every slot that is due; safe to run on several replicas at once.

    Slots are claimed in batches with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL), so replicas share
    the work without waiting on each other. Each batch is committed on its own and ``on_batch`` is
    told how many it opened, so the sender can start on the first nudges while the rest are opened;
    the first batch is small so that the first nudge leaves at once, whatever the run's size.
    """

    opened = 0
    size = FIRST_BATCH
    while True:
        with database.session() as session:
            slots = session.scalars(due_slots(now=now, limit=size, claim=database.is_postgres)).all()
            in_batch = _open_batch(session, library, slots, now=now)
        opened += in_batch
        if on_batch is not None and in_batch:
            on_batch(in_batch)
        if len(slots) < size:
            return opened
        size = BATCH


def _open_batch(
    session: Session, library: PromptLibrary, slots: Sequence[ScheduleSlot], *, now: datetime
) -> int:
    """Open the check-ins of one batch of claimed slots and move each slot on; how many opened.

    Set-based: the cadences, people and every fact about them are read with a fixed number of
    queries (:func:`bot.opening.gather`), the check-ins are inserted together, then their messages.
    """
    from bot import checkin_opening

    cadences = {
        c.id: c for c in session.scalars(select(Cadence).where(Cadence.id.in_({s.cadence_id for s in slots})))
    }
    persons = {
        p.id: p
        for p in session.scalars(
            select(Person)
            .where(Person.id.in_({s.person_id for s in slots}))
            .options(joinedload(Person.workspace))
        )
    }
    # One global order for the run rows each batch may create (see bot.rotation.run_for), so two
    # replicas' batches can never wait on each other in a cycle.
    ordered = sorted(slots, key=lambda s: (s.cadence_id, s.role, s.next_local_date, s.id))
    due = [(cadences[s.cadence_id], persons[s.person_id], s.next_local_date) for s in ordered]
    facts = opening.gather(session, due=[(c, p, d) for c, p, d in due if d is not None], now=now)
    opened: list[tuple[Checkin, Person]] = []
    for slot in ordered:
        cadence, person = cadences[slot.cadence_id], persons[slot.person_id]
        assert slot.next_local_date is not None and slot.next_due_at is not None
        window = timedelta(minutes=cadence.window_minutes)
        # After downtime, a nudge whose window has already passed is dropped, not sent late.
        # start_checkin also declines while the person's previous check-in of this cadence is still
        # open: the occurrence is then folded into that one (the slot moves on, no nudge).
        if slot.next_due_at + window > now:
            checkin = checkin_opening.start_checkin(
                session,
                library,
                cadence=cadence,
                person=person,
                role=slot.role,
                occurrence_date=slot.next_local_date,
                now=now,
                facts=facts,
            )
            if checkin is not None:
                opened.append((checkin, person))
        slot.last_local_date = slot.next_local_date
        _recompute(session, slot, cadence, person, now, keep_due=False, policy=facts.policies[person.id])
    checkin_opening.queue_opening_messages(session, library, opened=opened, now=now, facts=facts)
    return len(opened)


def next_wakeup(session: Session, *, now: datetime, after: datetime | None = None) -> datetime | None:
    """The earliest instant at which a tick would do something (only those later than ``after``).

    Every check-in window still to end counts, whatever its state: a window can end with nothing
    left to do for its person (they answered) and still be the moment the run is over and its
    digest is written.
    """
    present = [
        at for at in (session.scalar(q) for q in wakeup_queries(now=now, after=after)) if at is not None
    ]
    return min(present) if present else None


def wakeup_queries(*, now: datetime, after: datetime | None) -> list[Select[Any]]:
    """One earliest instant per kind of due work; each is answered from one end of an index."""

    def later(column: Any) -> Any:
        return column > after if after is not None else column.is_not(None)

    return [
        # ORDER BY … LIMIT 1 rather than min(): walks ix_schedule_slots_due to the first slot of a
        # running cadence instead of aggregating the join over every slot.
        select(ScheduleSlot.next_due_at)
        .join(Cadence, Cadence.id == ScheduleSlot.cadence_id)
        .where(Cadence.paused.is_(False), later(ScheduleSlot.next_due_at))
        .order_by(ScheduleSlot.next_due_at)
        .limit(1),
        select(func.min(Checkin.next_reminder_at)).where(
            Checkin.state == "open", later(Checkin.next_reminder_at)
        ),
        # Split in two so each half is one index probe: open windows (``ix_checkins_state_closes``)
        # and windows still to end, whatever their state (``ix_checkins_closes_at``, migration 0005).
        select(func.min(Checkin.closes_at)).where(Checkin.state == "open", later(Checkin.closes_at)),
        select(func.min(Checkin.closes_at)).where(Checkin.closes_at > now, later(Checkin.closes_at)),
        select(func.min(OutboxMessage.not_before)).where(
            OutboxMessage.status == "pending", later(OutboxMessage.not_before)
        ),
        # Onboarding milestones of new hires (bot.onboarding): ``ix_onboarding_steps_due``.
        select(func.min(OnboardingStep.due_at)).where(
            OnboardingStep.opened.is_(False), later(OnboardingStep.due_at)
        ),
    ]


def drop_person_slots(session: Session, person: Person) -> None:
    session.execute(delete(ScheduleSlot).where(ScheduleSlot.person_id == person.id))
