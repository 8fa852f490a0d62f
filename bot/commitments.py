"""Commitments: what people said they would do, when it is due, and how it went (issue 10, section 1).

This module holds the rules and the data; what is said about a commitment is in
:mod:`bot.commitment_messages`, the part it plays in a check-in in :mod:`bot.commitment_conversation`.

* A cadence's check-ins end with a commitment question when the cadence says so
  (``--commitment yes|no``), by default for the team's manager and not for members.
* A commitment is due at the owner's next check-in of that cadence, or on a day they name.
* The first check-in of its cadence on or after that day follows it up; one added by hand
  (`commit`) is followed up by the owner's first check-in of any cadence on or after it.
* "not yet" carries it forward to the next check-in; from then on the follow-up suggests
  dropping it. Done, partly done and dropped are final (a command can still change them).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot import working_hours
from bot.commands import ast as A
from bot.domain import CommitmentStatus, PromptAudience
from bot.schedule import local_today
from storage.commitments import Commitment, CommitmentShare
from storage.models import Cadence, Checkin, Person, ScheduleSlot

STILL_OPEN = (CommitmentStatus.OPEN, CommitmentStatus.NOT_YET)
"""Statuses a follow-up still asks about."""
KEPT = (CommitmentStatus.DONE, CommitmentStatus.PARTLY)
"""Statuses that count towards goal attainment."""
HAND_ADDED_DUE = timedelta(days=7)
"""When a commitment added by hand without ``--by`` is due."""


def asks_commitment(cadence: Cadence | None, role: PromptAudience | str) -> bool:
    """Whether this cadence's check-ins for ``role`` end with a commitment question (an onboarding
    check-in, which has no cadence, never does)."""
    if cadence is None:
        return False
    if cadence.commitment is not None:
        return cadence.commitment
    return role == PromptAudience.MANAGER


def awaiting_commitment(checkin: Checkin) -> bool:
    """Every question is behind the person and the commitment question is waiting for them."""
    return (
        checkin.state == "open"
        and checkin.current_question >= len(checkin.prompt_ids_asked)
        and asks_commitment(checkin.cadence, checkin.role)
    )


def today_for(session: Session, person: Person, now: datetime) -> date:
    """The person's own calendar date: "by Friday" means Friday where they are."""
    return local_today(now, working_hours.policy_for(session, person).timezone)


def resolve_due(due: A.DueDay, today: date) -> date:
    """The date a written due day stands for, seen from ``today`` (a weekday is the next one after it)."""
    if due.on is not None:
        return due.on
    if due.days is not None:
        return today + timedelta(days=due.days)
    assert due.weekday is not None
    return today + timedelta(days=(due.weekday - today.weekday()) % 7 or 7)


def next_check_in_date(
    session: Session, *, cadence: Cadence, person: Person, after: date, now: datetime
) -> date:
    """The person's next occurrence of the cadence after the local date ``after``.

    The schedule slot already holds it once the current check-in opened; a check-in started by hand
    (`cadence run`) may leave the slot on that same date, so then it is worked out from the rules.
    """
    slot_dates = session.scalars(
        select(ScheduleSlot.next_local_date).where(
            ScheduleSlot.cadence_id == cadence.id, ScheduleSlot.person_id == person.id
        )
    ).all()
    later = sorted(d for d in slot_dates if d is not None and d > after)
    if later:
        return later[0]
    try:
        return working_hours.upcoming(session, cadence, person, after=now, last=after).local_date
    except ValueError:  # no occurrence within the search limit: a week, as for one added by hand
        pass
    return after + timedelta(days=7)


def create(
    session: Session,
    *,
    owner: Person,
    text: str,
    due: date,
    now: datetime,
    checkin: Checkin | None = None,
    message_id: str | None = None,
) -> Commitment:
    """Record a commitment under the owner's next number."""
    last = session.scalar(select(func.max(Commitment.number)).where(Commitment.owner_id == owner.id))
    commitment = Commitment(
        owner_id=owner.id,
        number=(last or 0) + 1,
        text=text,
        cadence_id=checkin.cadence_id if checkin is not None else None,
        source_checkin_id=checkin.id if checkin is not None else None,
        message_id=message_id,
        due=due,
        status=CommitmentStatus.OPEN,
        carried=0,
        created_at=now,
    )
    session.add(commitment)
    session.flush()
    return commitment


def by_number(session: Session, owner: Person, number: int) -> Commitment | None:
    return session.scalar(
        select(Commitment).where(Commitment.owner_id == owner.id, Commitment.number == number)
    )


def mine(session: Session, owner: Person) -> list[Commitment]:
    """Every commitment of the owner: open ones first (soonest due first), then the rest, newest first."""
    rows = session.scalars(select(Commitment).where(Commitment.owner_id == owner.id)).all()
    still = sorted((c for c in rows if c.status in STILL_OPEN), key=lambda c: (c.due, c.number))
    done = sorted((c for c in rows if c.status not in STILL_OPEN), key=lambda c: -c.number)
    return still + done


def pending_followup(session: Session, checkin: Checkin) -> Commitment | None:
    """The first commitment this check-in still has to follow up before its questions."""
    return session.scalar(
        select(Commitment)
        .where(Commitment.followup_checkin_id == checkin.id, Commitment.status.in_(STILL_OPEN))
        .order_by(Commitment.due, Commitment.number)
        .limit(1)
    )


def to_follow_up(
    candidates: Iterable[Commitment], *, cadence_id: int, occurrence_date: date, taken: set[int]
) -> list[Commitment]:
    """Which of a person's open commitments a check-in of this cadence on this date follows up:
    those of this cadence, and those added by hand, that are due by then (``taken`` are already
    followed up by another check-in opened in the same batch)."""
    return [
        c
        for c in candidates
        if c.id not in taken
        and c.status in STILL_OPEN
        and c.due <= occurrence_date
        and c.cadence_id in (cadence_id, None)
    ]


def set_status(
    session: Session, commitment: Commitment, status: CommitmentStatus, *, owner: Person, now: datetime
) -> None:
    """Record how a commitment went. "not yet" moves it to the next check-in of its cadence."""
    commitment.updated_at = now
    commitment.followup_checkin_id = None
    if status == CommitmentStatus.NOT_YET:
        commitment.carried += 1
        commitment.status = CommitmentStatus.NOT_YET
        today = today_for(session, owner, now)
        cadence = session.get(Cadence, commitment.cadence_id) if commitment.cadence_id else None
        if cadence is None or cadence.removed_at is not None:
            commitment.due = today + HAND_ADDED_DUE
        else:
            commitment.due = next_check_in_date(session, cadence=cadence, person=owner, after=today, now=now)
        return
    commitment.status = status
    commitment.resolved_at = now


def erase(session: Session, owner: Person) -> int:
    """`privacy delete`: every commitment of the owner, and every record of having shared one."""
    ids = list(session.scalars(select(Commitment.id).where(Commitment.owner_id == owner.id)))
    if ids:
        session.execute(delete(CommitmentShare).where(CommitmentShare.commitment_id.in_(ids)))
        session.execute(delete(Commitment).where(Commitment.id.in_(ids)))
    return len(ids)
