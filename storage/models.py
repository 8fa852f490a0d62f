"""SQLAlchemy models: the one schema behind every adapter.

Uniqueness constraints carry the exactly-once guarantees, so they are part of the
design, not decoration:

* ``checkins (cadence_id, person_id, occurrence_date)`` — one check-in per person per
  cadence per *local* date, whatever the scheduler or a restart does.
* ``outbox.dedupe_key`` — a message is recorded before it is sent, once.
* ``inbound_events (platform, event_id)`` — a platform retry changes nothing.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from bot.domain import GroupKind, PromptAudience
from storage.column_types import UTCDateTime, vocabulary


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012


def name_key(text: str) -> str:
    """The form names are compared in: Unicode-normalised and case-folded in Python, because
    SQLite's ``lower()`` only folds ASCII ("Ärzte" would never find "ärzte")."""
    return unicodedata.normalize("NFKC", text).casefold()


REMOVED_MARK = "~"  # never valid in a command-language name, so a retired name cannot be addressed


def _now() -> datetime:
    return datetime.now(UTC)


class Workspace(Base):
    """One Slack workspace, Teams tenant or local organisation, with its privacy and time policy."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200), default="")
    threshold: Mapped[int] = mapped_column(Integer, default=5)
    quiet_start: Mapped[str | None] = mapped_column(String(5), default="20:00")
    quiet_end: Mapped[str | None] = mapped_column(String(5), default="07:00")
    workdays: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")
    # Whether each person's national public holidays are days off (`holidays on|off`).
    public_holidays: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=_now)


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("workspace_id", "platform_id"),
        Index("ix_people_display_key", "workspace_id", "display_key"),
        Index("ix_people_email", "workspace_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    platform_id: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    display_key: Mapped[str] = mapped_column(String(400), default="")  # name_key(display_name)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    locale: Mapped[str] = mapped_column(String(16), default="en")
    granted_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # False once the platform refused a message (Teams: app not installed); held messages wait.
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    # From an HR file (bot.org_import): the email HR knows them by (lower case), the country whose
    # public holidays they keep (ISO 3166, optionally with a region: "DE", "DE-BY"), their start date.
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    country: Mapped[str | None] = mapped_column(String(16), default=None)
    start_date: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(default=_now)

    workspace: Mapped[Workspace] = relationship()

    @validates("display_name")
    def _keep_display_key(self, _field: str, value: str) -> str:
        self.display_key = name_key(value)
        return value

    @property
    def is_admin(self) -> bool:
        return self.granted_admin or self.platform_admin


class Vacation(Base):
    __tablename__ = "vacations"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name"),
        UniqueConstraint("workspace_id", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    name_key: Mapped[str] = mapped_column(String(128))  # name_key(name): how a team is looked up
    # A group of people; who leads and who belongs is in ``memberships`` (storage.relations).
    kind: Mapped[GroupKind] = mapped_column(vocabulary(GroupKind), default=GroupKind.TEAM)
    # Opaque platform reference (channel, user group, Teams team) whose roster defines the members.
    binding: Mapped[str | None] = mapped_column(String(200), default=None)

    workspace: Mapped[Workspace] = relationship()

    @validates("name")
    def _keep_name_key(self, _field: str, value: str) -> str:
        self.name_key = name_key(value)
        return value


class Cadence(Base):
    __tablename__ = "cadences"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name"),
        UniqueConstraint("workspace_id", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    # Long enough for a 64-character name plus the suffix `cadence remove` adds to free the name.
    name: Mapped[str] = mapped_column(String(96))
    name_key: Mapped[str] = mapped_column(String(192))  # name_key(name): how a cadence is looked up
    audience: Mapped[str] = mapped_column(String(16))
    recurrence: Mapped[str] = mapped_column(String(64))  # canonical command-language text
    at_time: Mapped[str] = mapped_column(String(5))  # HH:MM, local to each recipient
    prompt_set: Mapped[str | None] = mapped_column(String(64), default=None)
    questions: Mapped[int] = mapped_column(Integer, default=3)
    window_minutes: Mapped[int] = mapped_column(Integer, default=2 * 24 * 60)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    reminder_after_minutes: Mapped[int] = mapped_column(Integer, default=4 * 60)
    reminder_max: Mapped[int] = mapped_column(Integer, default=1)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    anchor: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    # Removing a cadence retires it instead of deleting it, so people keep the answers they gave.
    removed_at: Mapped[datetime | None] = mapped_column(default=None)
    # Whether its check-ins end with a commitment question (0008); None = the default for the role
    # (yes for a team's manager, no for members), see bot.commitments.asks_commitment.
    commitment: Mapped[bool | None] = mapped_column(Boolean, default=None)

    team: Mapped[Team] = relationship()

    @validates("name")
    def _keep_name_key(self, _field: str, value: str) -> str:
        self.name_key = name_key(value)
        return value

    @property
    def label(self) -> str:
        """The name people gave it (a removed cadence's stored name carries a suffix to free the name)."""
        return self.name.split(REMOVED_MARK, 1)[0]


class ScheduleSlot(Base):
    """The next occurrence of one cadence for one person, precomputed so a tick is one indexed query."""

    __tablename__ = "schedule_slots"
    __table_args__ = (
        UniqueConstraint("cadence_id", "person_id", "role"),
        Index("ix_schedule_slots_due", "next_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cadence_id: Mapped[int] = mapped_column(ForeignKey("cadences.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[PromptAudience] = mapped_column(vocabulary(PromptAudience))  # the team's lead or a member
    next_local_date: Mapped[date | None] = mapped_column(Date, default=None)
    next_due_at: Mapped[datetime | None] = mapped_column(default=None)
    last_local_date: Mapped[date | None] = mapped_column(Date, default=None)
    skip_next: Mapped[bool] = mapped_column(Boolean, default=False)
    # The local date the person chose to sit out (`skip <cadence>`), so `cadence run` leaves them out too.
    skipped_local_date: Mapped[date | None] = mapped_column(Date, default=None)


class CadenceRun(Base):
    """The questions of one occurrence date, shared by everyone in it so answers can be aggregated."""

    __tablename__ = "cadence_runs"
    __table_args__ = (
        UniqueConstraint("cadence_id", "occurrence_date", "role"),
        Index("ix_cadence_runs_digest_sent_at", "digest_sent_at"),  # runs still owing a digest (0005)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cadence_id: Mapped[int] = mapped_column(ForeignKey("cadences.id", ondelete="CASCADE"))
    occurrence_date: Mapped[date] = mapped_column(Date)
    role: Mapped[PromptAudience] = mapped_column(vocabulary(PromptAudience))
    prompt_ids: Mapped[list[Any]] = mapped_column(JSON)
    digest_sent_at: Mapped[datetime | None] = mapped_column(default=None)
    # The privacy threshold promised in this run's nudges; lowering the workspace's K later never
    # releases these answers (the stricter of the two applies).
    threshold: Mapped[int | None] = mapped_column(Integer, default=None)


OUTSIDE_CYCLE = "any"
"""``PromptRotation.phase`` of runs with no business-cycle phase in force."""


class PromptRotation(Base):
    """Prompts a cadence has already used for one role in one business-cycle phase since that phase's
    candidates were last exhausted (0009: per phase, so plan weeks rotate through plan prompts)."""

    __tablename__ = "prompt_rotations"

    cadence_id: Mapped[int] = mapped_column(ForeignKey("cadences.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[PromptAudience] = mapped_column(vocabulary(PromptAudience), primary_key=True)
    # A bot.domain.Phase value, or OUTSIDE_CYCLE.
    phase: Mapped[str] = mapped_column(String(16), primary_key=True, default=OUTSIDE_CYCLE)
    used: Mapped[list[Any]] = mapped_column(JSON, default=list)


class Checkin(Base):
    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("cadence_id", "person_id", "occurrence_date"),
        Index("ix_checkins_state_closes", "state", "closes_at"),
        Index("ix_checkins_reminder", "state", "next_reminder_at"),
        Index("ix_checkins_closes_at", "closes_at"),  # next_wakeup: the next window to end (0005)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "cadence" (a run of a cadence) or "onboarding" (a new hire's milestone, storage.pathways), which
    # has no cadence and no run: it is never aggregated into anyone's digest.
    kind: Mapped[str] = mapped_column(String(16), default="cadence")
    cadence_id: Mapped[int | None] = mapped_column(ForeignKey("cadences.id", ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("cadence_runs.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    occurrence_date: Mapped[date] = mapped_column(Date)
    role: Mapped[PromptAudience] = mapped_column(vocabulary(PromptAudience))
    # This check-in's own questions when they differ from its run's (a pathway question mixed in, or
    # an onboarding step); None = the run's ``prompt_ids``. Read through :attr:`prompt_ids_asked`.
    prompt_ids: Mapped[list[Any] | None] = mapped_column(JSON, default=None)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open, done, closed, missed, declined
    current_question: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime] = mapped_column()
    closes_at: Mapped[datetime] = mapped_column()
    next_reminder_at: Mapped[datetime | None] = mapped_column(default=None)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    thread: Mapped[str | None] = mapped_column(String(200), default=None, index=True)
    channel: Mapped[str | None] = mapped_column(String(200), default=None)

    cadence: Mapped[Cadence | None] = relationship()
    run: Mapped[CadenceRun | None] = relationship()
    person: Mapped[Person] = relationship()

    @property
    def prompt_ids_asked(self) -> list[str]:
        """The questions this check-in asks, in order."""
        if self.prompt_ids is not None:
            return [str(p) for p in self.prompt_ids]
        assert self.run is not None  # only onboarding check-ins have no run, and they carry their own
        return [str(p) for p in self.run.prompt_ids]


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("checkin_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    question: Mapped[int] = mapped_column(Integer)
    prompt_id: Mapped[str] = mapped_column(String(64))
    # The version of the prompt that was answered (storage.prompt_library); None means version 1.
    prompt_version: Mapped[int | None] = mapped_column(Integer, default=None)
    text: Mapped[str] = mapped_column(Text, default="")
    # A checklist answer: the ids of the behaviours picked (bot.competencies).
    picks: Mapped[list[Any] | None] = mapped_column(JSON, default=None)
    rating: Mapped[int | None] = mapped_column(Integer, default=None)
    message_id: Mapped[str | None] = mapped_column(String(200), default=None, index=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    # The person chose not to answer this question (`skip`); counts for nothing in any figure.
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime | None] = mapped_column(default=None)
    # An edit that arrived after the window closed: kept for the person's own record only.
    revised_text: Mapped[str | None] = mapped_column(Text, default=None)
    revised_at: Mapped[datetime | None] = mapped_column(default=None)


class Digest(Base):
    """The results of one cadence run, computed once when the run closed: numbers per prompt id and
    the comments that passed the threshold (``bot.aggregates``), rendered per viewer and language
    whenever they are sent or shown. Digests written before migration 0006 have no ``aggregate``,
    only the chat text their manager was sent (``parts``), and are shown as they were."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("run_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("cadence_runs.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column()
    aggregate: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    parts: Mapped[list[Any] | None] = mapped_column(JSON, default=None)


class OutboxMessage(Base):
    """A message recorded before it is sent and marked once sent (at-most-once delivery per key)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "status", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    parts: Mapped[list[Any]] = mapped_column(JSON)
    checkin_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="CASCADE"), default=None
    )
    in_thread: Mapped[bool] = mapped_column(Boolean, default=False)
    opens_thread: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, sent, held, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column()
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)
    # Which sender holds the lease (a replica's id); only it may renew or mark the row.
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    platform_message_id: Mapped[str | None] = mapped_column(String(200), default=None, index=True)
    # Where the platform put it (Slack channel id), needed to update the message later.
    platform_channel: Mapped[str | None] = mapped_column(String(200), default=None)
    # For an update: the outbox row whose platform message this one rewrites in place.
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox.id", ondelete="SET NULL"), default=None
    )
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class InboundEvent(Base):
    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column()


class ReplicaLease(Base):
    """A named job that one replica at a time may run (roster loops, periodic sweeps).

    The holder renews ``expires_at`` while it works; another replica takes over only once it
    has expired, so a dead replica's job moves on within one lease length.
    """

    __tablename__ = "replica_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column()


class InboundQueueItem(Base):
    """An inbound platform event recorded durably and acknowledged before it is processed.

    ``payload`` is the core event plus how to answer (e.g. Slack's ``response_url``), as JSON.
    ``(platform, event_id)`` is unique, so a platform retry of an acknowledged event is not queued
    twice; processing is claimed like outbox rows (``claimed_until``/``claimed_by``).
    """

    __tablename__ = "inbound_queue"
    __table_args__ = (
        UniqueConstraint("platform", "event_id"),
        Index("ix_inbound_queue_pending", "done_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column()
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column(default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)


# The relationship tables live in a module of their own; importing it here puts them on Base.metadata
# wherever the models are used (migrations, create_all, tests).
import storage.commitments  # noqa: E402  (issue 10: commitments and their shares)
import storage.cycles  # noqa: E402
import storage.pathways  # noqa: E402
import storage.prompt_library  # noqa: E402
import storage.relations  # noqa: E402, F401
