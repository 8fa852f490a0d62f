"""Pathways per person (issue 10, section 3): who is on which pathway, and the onboarding sequence.

A pathway colours a person's check-ins for a while (a new hire's first 90 days, a high performer, a
specialist). :mod:`bot.pathways` is the one place that reads and changes these tables.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain import Pathway
from storage.column_types import vocabulary
from storage.models import Base


class PersonPathway(Base):
    """One person on one pathway from ``starts`` up to ``ends`` (local dates; ``ends`` is the first day
    off it).

    ``cleared_at`` ends it early (`pathway clear`); the row stays so that the onboarding steps and
    rotation it drove keep their history. A person has at most one pathway in force at a time.
    """

    __tablename__ = "person_pathways"
    __table_args__ = (Index("ix_person_pathways_person", "person_id", "ends"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    pathway: Mapped[Pathway] = mapped_column(vocabulary(Pathway))
    starts: Mapped[date] = mapped_column(Date)
    ends: Mapped[date | None] = mapped_column(Date, default=None)  # None: until cleared
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column()
    cleared_at: Mapped[datetime | None] = mapped_column(default=None)
    # Questions of regular check-ins asked while on the pathway: every third comes from the pathway.
    questions_asked: Mapped[int] = mapped_column(Integer, default=0)
    # Pathway prompts already asked in regular check-ins, so they rotate without repeats.
    used_prompts: Mapped[list[Any]] = mapped_column(JSON, default=list)


class OnboardingStep(Base):
    """One milestone of a new hire's onboarding for one recipient (the new hire or one of their leads).

    Precomputed when the pathway is set, so the tick finds due steps with one indexed query;
    unique per pathway × recipient × milestone, and ``checkin_id`` is set when it is opened, so a
    step is never sent twice.
    """

    __tablename__ = "onboarding_steps"
    __table_args__ = (
        UniqueConstraint("person_pathway_id", "recipient_id", "milestone"),
        Index("ix_onboarding_steps_due", "opened", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_pathway_id: Mapped[int] = mapped_column(ForeignKey("person_pathways.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    milestone: Mapped[str] = mapped_column(String(16))  # day-1, week-1, day-30, day-60, day-90
    local_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column()
    opened: Mapped[bool] = mapped_column(Boolean, default=False)
    checkin_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="SET NULL"), default=None
    )


class PathwayLength(Base):
    """How long a pathway lasts in a workspace when `pathway set` gives no end (`pathway length`)."""

    __tablename__ = "pathway_lengths"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    pathway: Mapped[Pathway] = mapped_column(vocabulary(Pathway), primary_key=True)
    days: Mapped[int] = mapped_column(Integer)
