"""What opening a batch of check-ins needs to know, read set-based: one query per kind of fact.

Opening a check-in asks a dozen small questions — does this occurrence exist, is one still open,
the person's working hours and vacations, how many teams they are in, the team's size, which of their
commitments are due for a follow-up, the run and its promised K. Asked per person, a run of 20,000 people
spends its first minute in the database before the first nudge leaves. :func:`gather` asks each
question once for the whole batch; :mod:`bot.checkins` and :mod:`bot.checkin_messages` read the
answers from :class:`BatchFacts` and fall back to their own queries when opened one at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select, tuple_
from sqlalchemy.orm import Session

from bot import pathways, relationships, working_hours
from bot.domain import CommitmentStatus
from bot.schedule import LocalPolicy
from storage.commitments import Commitment
from storage.models import Cadence, CadenceRun, Checkin, Person, Vacation
from storage.pathways import PersonPathway

Pair = tuple[int, int]
"""``(cadence_id, person_id)``"""


@dataclass
class BatchFacts:
    """Facts about the people and cadences of one batch of due slots."""

    policies: dict[int, LocalPolicy] = field(default_factory=dict)
    taken: set[tuple[int, int, date]] = field(default_factory=set)
    """``(cadence_id, person_id, occurrence_date)`` that already have a check-in."""
    still_open: set[Pair] = field(default_factory=set)
    """Pairs with a check-in still inside its window."""
    team_counts: dict[int, int] = field(default_factory=dict)
    """Teams each person leads or belongs to (a label names the team when there are several)."""
    team_sizes: dict[int, int] = field(default_factory=dict)
    commitments: dict[int, list[Commitment]] = field(default_factory=dict)
    """Each person's open commitments of the batch's cadences or added by hand (follow-up candidates)."""
    followed: set[int] = field(default_factory=set)
    """Commitments a check-in opened in this batch follows up (no second check-in asks again)."""
    runs: dict[tuple[int, date, str], CadenceRun] = field(default_factory=dict)
    pathways: dict[int, list[PersonPathway]] = field(default_factory=dict)
    """Each person's pathways not cleared (:mod:`bot.pathways` picks the one in force on a date)."""

    def record(self, checkin: Checkin) -> None:
        """A check-in opened in this batch counts for the rest of it."""
        assert checkin.cadence_id is not None  # a batch opens cadence check-ins only
        self.taken.add((checkin.cadence_id, checkin.person_id, checkin.occurrence_date))
        self.still_open.add((checkin.cadence_id, checkin.person_id))


def gather(
    session: Session,
    *,
    due: Iterable[tuple[Cadence, Person, date]],
    now: datetime,
) -> BatchFacts:
    """Read every fact the batch needs, in a fixed number of queries whatever its size."""
    due = list(due)
    facts = BatchFacts()
    if not due:
        return facts
    person_ids = sorted({p.id for _, p, _ in due})
    pairs = sorted({(c.id, p.id) for c, p, _ in due})
    vacations: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for vacation in session.scalars(select(Vacation).where(Vacation.person_id.in_(person_ids))):
        vacations[vacation.person_id].append((vacation.start, vacation.end))
    for _, person, _ in due:
        if person.id not in facts.policies:
            facts.policies[person.id] = working_hours.policy_from(person, vacations=vacations[person.id])
    pair_in = tuple_(Checkin.cadence_id, Checkin.person_id).in_(pairs)
    facts.taken = {
        (c, p, d)
        for c, p, d in session.execute(
            select(Checkin.cadence_id, Checkin.person_id, Checkin.occurrence_date).where(
                pair_in, Checkin.occurrence_date.in_(sorted({d for _, _, d in due}))
            )
        ).tuples()
        if c is not None
    }
    facts.still_open = {
        (c, p)
        for c, p in session.execute(
            select(Checkin.cadence_id, Checkin.person_id).where(
                pair_in, Checkin.state == "open", Checkin.closes_at > now
            )
        ).tuples()
        if c is not None
    }
    facts.team_counts = relationships.team_counts(session, person_ids)
    facts.team_sizes = relationships.member_counts(session, sorted({c.team_id for c, _, _ in due}))
    facts.commitments = _open_commitments(session, person_ids, sorted({c.id for c, _, _ in due}))
    facts.pathways = pathways.rows_of(session, person_ids)
    return facts


def _open_commitments(
    session: Session, person_ids: list[int], cadence_ids: list[int]
) -> dict[int, list[Commitment]]:
    """Open commitments of these people that a check-in of these cadences could follow up."""
    rows = session.scalars(
        select(Commitment).where(
            Commitment.owner_id.in_(person_ids),
            Commitment.status.in_((CommitmentStatus.OPEN, CommitmentStatus.NOT_YET)),
            or_(Commitment.cadence_id.in_(cadence_ids), Commitment.cadence_id.is_(None)),
        )
    )
    found: dict[int, list[Commitment]] = defaultdict(list)
    for commitment in rows:
        found[commitment.owner_id].append(commitment)
    return dict(found)
