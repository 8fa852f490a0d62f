"""Commitments: what a person said they would do, and whether they did (issue 10, section 1).

A commitment belongs to its owner alone. ``number`` is the owner's own running number for it
(`commitment done 3`), so it never changes when other commitments are closed. A commitment made
in a check-in remembers that check-in and its cadence; the next check-in of that cadence on or
after ``due`` follows it up (``followup_checkin_id`` while that question is pending).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain import CommitmentStatus
from storage.column_types import vocabulary
from storage.models import Base


class Commitment(Base):
    __tablename__ = "commitments"
    __table_args__ = (
        UniqueConstraint("owner_id", "number"),
        Index("ix_commitments_cadence_owner", "cadence_id", "owner_id"),
        Index("ix_commitments_followup", "followup_checkin_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # None for a commitment added by hand (`commit "…"`): no check-in follows it up.
    cadence_id: Mapped[int | None] = mapped_column(
        ForeignKey("cadences.id", ondelete="CASCADE"), default=None
    )
    source_checkin_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="SET NULL"), default=None
    )
    # The reply that made it, so that editing that reply edits the commitment.
    message_id: Mapped[str | None] = mapped_column(String(200), default=None)
    due: Mapped[date] = mapped_column(Date)
    status: Mapped[CommitmentStatus] = mapped_column(
        vocabulary(CommitmentStatus), default=CommitmentStatus.OPEN
    )
    # How often "not yet" carried it forward; from the second follow-up on, dropping it is suggested.
    carried: Mapped[int] = mapped_column(Integer, default=0)
    # The check-in whose opening follow-up about this commitment still waits for an answer.
    followup_checkin_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)


class CommitmentShare(Base):
    """The owner showed one commitment to someone (`commitment share 3 @maria`)."""

    __tablename__ = "commitment_shares"

    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    shared_at: Mapped[datetime] = mapped_column()
