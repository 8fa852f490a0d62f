"""The relationship tables: who leads or belongs to which group, who reports to whom, who coaches whom.

They are the one source of truth for relationships (migration 0006 moved each team's manager and
members here); :mod:`bot.relationships` is the one place that reads and changes them. Every
table is a plain set of pairs, so a person can hold several roles in several groups at once.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain import Role
from storage.column_types import vocabulary
from storage.models import Base


class Membership(Base):
    """A person's role in a group (a team, circle or cohort: ``teams.kind``)."""

    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_person", "person_id", "role"),)

    group_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(vocabulary(Role), primary_key=True)


class ReportingLine(Base):
    """``person`` reports to ``manager``; a person may have more than one (matrix organisations)."""

    __tablename__ = "reporting_lines"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    manager_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Coaching(Base):
    """``coach`` coaches ``coachee`` (a designated coach, not necessarily anyone's manager)."""

    __tablename__ = "coaching"

    coach_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    coachee_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CohortTeam(Base):
    """A team taking part in a pilot cohort (both are rows of ``teams``, told apart by their kind)."""

    __tablename__ = "cohort_teams"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True, index=True
    )
