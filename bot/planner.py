"""Who is nudged when: one precomputed slot per cadence × person, and the tick that fires them.

A slot holds the next occurrence (local date + UTC instant) so that a tick is one
indexed query however many people there are. Slots are recomputed whenever
something that moves them changes: a cadence, a team's membership, a person's
zone, vacation or a workspace's working days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from bot import people
from bot.commands import parse_recurrence
from bot.domain import Audience
from bot.prompts import PromptLibrary
from bot.schedule import Occurrence, next_occurrence
from storage.db import Database
from storage.models import Cadence, Checkin, OutboxMessage, Person, ScheduleSlot, Team, TeamMember

BATCH = 500


def recipients(session: Session, cadence: Cadence) -> list[tuple[Person, str]]:
    """``(person, role)`` pairs a cadence nudges; role is "manager" or "member"."""
    team = cadence.team
    pairs: list[tuple[Person, str]] = []
    if cadence.audience in (Audience.MANAGER, Audience.BOTH):
        pairs.append((team.manager, "manager"))
    if cadence.audience in (Audience.MEMBERS, Audience.BOTH):
        members = session.scalars(
            select(Person)
            .join(TeamMember, TeamMember.person_id == Person.id)
            .where(TeamMember.team_id == team.id)
        ).all()
        pairs.extend((m, "member") for m in members if m.id != team.manager_id)
    return pairs


def upcoming(
    session: Session, cadence: Cadence, person: Person, *, after: datetime, last: date | None
) -> Occurrence:
    """The next occurrence that will really be sent, passing over skipped ones."""
    policy = people.policy_for(session, person)
    hours, minutes = (int(x) for x in cadence.at_time.split(":"))
    recurrence = parse_recurrence(cadence.recurrence)
    last_date = last
    for _ in range(400):
        occurrence = next_occurrence(
            recurrence,
            time(hours, minutes),
            policy=policy,
            anchor=cadence.anchor,
            after=after,
            last_local_date=last_date,
        )
        if occurrence.skipped is None:
            return occurrence
        last_date = occurrence.local_date
    raise ValueError("no occurrence within the search limit")


def _recompute(session: Session, slot: ScheduleSlot, cadence: Cadence, person: Person, now: datetime) -> None:
    try:
        occurrence = upcoming(session, cadence, person, after=now, last=slot.last_local_date)
    except ValueError:
        slot.next_local_date, slot.next_due_at = None, None
        return
    slot.next_local_date, slot.next_due_at = occurrence.local_date, occurrence.due_at


def refresh_slots(
    session: Session,
    *,
    now: datetime,
    cadence: Cadence | None = None,
    person: Person | None = None,
    team: Team | None = None,
) -> None:
    """Create, recompute or drop the slots touched by a change to a cadence, a person or a team."""
    query = select(Cadence).where(Cadence.removed_at.is_(None))
    if cadence is not None:
        query = query.where(Cadence.id == cadence.id)
    elif team is not None:
        query = query.where(Cadence.team_id == team.id)
    elif person is not None:
        led = select(Team.id).where(Team.manager_id == person.id)
        member_of = select(TeamMember.team_id).where(TeamMember.person_id == person.id)
        query = query.where(Cadence.team_id.in_(led.union(member_of).scalar_subquery()))
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
                _recompute(session, slot, row, target, now)
        for (person_id, role), target in wanted.items():
            slot = ScheduleSlot(cadence_id=row.id, person_id=person_id, role=role)
            session.add(slot)
            _recompute(session, slot, row, target, now)
    session.flush()


def skip_next(session: Session, *, cadence: Cadence, person: Person, now: datetime) -> ScheduleSlot | None:
    """Skip the person's next occurrence: pretend it already happened, then look further."""
    slot = session.scalar(
        select(ScheduleSlot).where(ScheduleSlot.cadence_id == cadence.id, ScheduleSlot.person_id == person.id)
    )
    if slot is None or slot.next_local_date is None:
        return None
    slot.last_local_date = slot.skipped_local_date = slot.next_local_date
    _recompute(session, slot, cadence, person, now)
    return slot


def open_due_checkins(database: Database, library: PromptLibrary, *, now: datetime) -> int:
    """Open a check-in for every slot that is due; safe to run on several replicas at once."""
    from bot import checkins

    opened = 0
    while True:
        with database.session() as session:
            query = (
                select(ScheduleSlot)
                .join(Cadence, Cadence.id == ScheduleSlot.cadence_id)
                .where(ScheduleSlot.next_due_at <= now, Cadence.paused.is_(False))
                .order_by(ScheduleSlot.next_due_at)
                .limit(BATCH)
            )
            if database.is_postgres:
                query = query.with_for_update(skip_locked=True, of=ScheduleSlot)
            slots = session.scalars(query).all()
            for slot in slots:
                cadence = session.get_one(Cadence, slot.cadence_id)
                person = session.get_one(Person, slot.person_id)
                assert slot.next_local_date is not None and slot.next_due_at is not None
                window = timedelta(minutes=cadence.window_minutes)
                # After downtime, a nudge whose window has already passed is dropped, not sent late.
                # open_checkin also declines while the person's previous check-in of this cadence is
                # still open: the occurrence is then folded into that one (the slot moves on, no nudge).
                if slot.next_due_at + window > now and checkins.open_checkin(
                    session,
                    library,
                    cadence=cadence,
                    person=person,
                    role=slot.role,
                    occurrence_date=slot.next_local_date,
                    now=now,
                ):
                    opened += 1
                slot.last_local_date = slot.next_local_date
                _recompute(session, slot, cadence, person, now)
        if len(slots) < BATCH:
            return opened


def next_wakeup(session: Session, *, now: datetime, after: datetime | None = None) -> datetime | None:
    """The earliest instant at which a tick would do something (only those later than ``after``).

    Every check-in window still to end counts, whatever its state: a window can end with nothing
    left to do for its person (they answered) and still be the moment the run is over and its
    digest is written.
    """

    def later(column: Any) -> Any:
        return column > after if after is not None else column.is_not(None)

    candidates = [
        session.scalar(
            select(func.min(ScheduleSlot.next_due_at))
            .join(Cadence, Cadence.id == ScheduleSlot.cadence_id)
            .where(Cadence.paused.is_(False), later(ScheduleSlot.next_due_at))
        ),
        session.scalar(
            select(func.min(Checkin.next_reminder_at)).where(
                Checkin.state == "open", later(Checkin.next_reminder_at)
            )
        ),
        session.scalar(
            select(func.min(Checkin.closes_at)).where(
                or_(Checkin.state == "open", Checkin.closes_at > now), later(Checkin.closes_at)
            )
        ),
        session.scalar(
            select(func.min(OutboxMessage.not_before)).where(
                OutboxMessage.status == "pending", later(OutboxMessage.not_before)
            )
        ),
    ]
    present = [c for c in candidates if c is not None]
    return min(present) if present else None


def drop_person_slots(session: Session, person: Person) -> None:
    session.execute(delete(ScheduleSlot).where(ScheduleSlot.person_id == person.id))
