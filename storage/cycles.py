"""The business cycles admins set (`cycle set`): one per workspace, and one per team that overrides it.

A row holds one rule of :mod:`bot.business_cycle` (``kind`` says which, and only that rule's columns
are filled); :mod:`bot.cycles` is the one place that reads and writes them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class BusinessCycle(Base):
    __tablename__ = "business_cycles"
    __table_args__ = (
        UniqueConstraint("workspace_id", "team_id"),
        # A NULL team never collides in a unique constraint, so the workspace's own cycle has its own.
        Index(
            "uq_business_cycles_workspace",
            "workspace_id",
            unique=True,
            sqlite_where=text("team_id IS NULL"),
            postgresql_where=text("team_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    # None: the workspace's cycle; a team: that team's override.
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), default=None, index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # quarterly, sprints, explicit
    plan_days: Mapped[int | None] = mapped_column(Integer, default=None)  # quarterly
    review_days: Mapped[int | None] = mapped_column(Integer, default=None)  # quarterly
    sprint_days: Mapped[int | None] = mapped_column(Integer, default=None)  # sprints
    starts_on: Mapped[date | None] = mapped_column(Date, default=None)  # sprints: the first; explicit: plan
    execute_on: Mapped[date | None] = mapped_column(Date, default=None)  # explicit
    review_on: Mapped[date | None] = mapped_column(Date, default=None)  # explicit
    ends_on: Mapped[date | None] = mapped_column(Date, default=None)  # explicit: last day of review
    updated_at: Mapped[datetime] = mapped_column()
