"""Value types shared by the whole core: relationships, audiences, prompt tags, recurrences.

The relationship vocabulary (:class:`GroupKind`, :class:`Role`) is stored as it is written here
(``storage.models`` keeps these values in its columns), so a value may be added but never renamed
without a migration.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class GroupKind(StrEnum):
    """What a group of people is: a team (today's only kind), a peer coaching circle, or a pilot
    cohort (a group of teams, see ``cohort_teams``)."""

    TEAM = "team"
    CIRCLE = "circle"
    COHORT = "cohort"


class Role(StrEnum):
    """A person's place in a group (``memberships.role``); one person may hold several roles in
    several groups. A team's lead is who the command language calls its manager."""

    LEAD = "lead"
    MEMBER = "member"


class Audience(StrEnum):
    """Who a cadence nudges: a team's manager, its members, or both."""

    MANAGER = "manager"
    MEMBERS = "members"
    BOTH = "both"


class PromptAudience(StrEnum):
    """Who a single prompt is written for, and so who a check-in, its run and its schedule slot are
    for (the ``role`` columns): a team's lead (stored as "manager") or one of its members."""

    MANAGER = "manager"
    MEMBER = "member"


class PromptKind(StrEnum):
    """How a prompt is answered. A checklist picks behaviours of one competency (``bot.competencies``);
    a scorecard is a private 1–5 self-rating of one competency, never part of any aggregate."""

    TEXT = "text"
    RATING = "rating"
    CHECKLIST = "checklist"
    SCORECARD = "scorecard"


class Intent(StrEnum):
    PRIORITIES = "priorities"  # priorities and clarity
    DECISIONS = "decisions"  # decisions and autonomy
    OBSTACLES = "obstacles"
    GROWTH = "growth"  # development and growth
    RECOGNITION = "recognition"
    WELLBEING = "wellbeing"  # wellbeing and load
    MANAGER_FEEDBACK = "manager-feedback"  # feedback for the manager


class Phase(StrEnum):
    """Where in the business cycle a prompt fits best, and which part of the cycle is in force
    (:mod:`bot.business_cycle`). A prompt without a phase fits any of them."""

    PLAN = "plan"
    EXECUTE = "execute"
    REVIEW = "review"


class CadenceLength(StrEnum):
    """How long one period of a cadence is, roughly: what a prompt's wording may assume ("this week"
    suits a weekly cadence only). A prompt's ``suits`` lists the lengths it fits."""

    DAILY = "daily"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


class Pathway(StrEnum):
    NEW_HIRE = "new-hire"
    HIGH_PERFORMER = "high-performer"
    SPECIALIST = "specialist"


WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Index 0 is Monday, as in :meth:`datetime.date.weekday`."""

RecurrenceKind = Literal["daily", "weekdays", "weekly", "monthly_day", "monthly_nth"]


@dataclass(frozen=True)
class Recurrence:
    """How often a cadence recurs, independent of time of day and time zone.

    * ``daily``                              -> every day
    * ``weekdays``                           -> Monday to Friday
    * ``weekly`` with ``weekday`` and ``interval_weeks`` (1 = every week, 2 = every other week, ...)
    * ``monthly_day`` with ``day`` (1..28, or -1 for the last day of the month)
    * ``monthly_nth`` with ``nth`` ("first" or "last") and ``weekday``

    The working-day filter of each person applies on top of every recurrence.
    """

    kind: RecurrenceKind
    weekday: int | None = None
    interval_weeks: int = 1
    day: int | None = None
    nth: Literal["first", "last"] | None = None

    def length(self) -> CadenceLength:
        """The period one occurrence covers: daily, weekly, fortnightly (every 2–3 weeks) or monthly
        (every month, or every 4 weeks or more)."""
        if self.kind in ("daily", "weekdays"):
            return CadenceLength.DAILY
        if self.kind == "weekly":
            if self.interval_weeks == 1:
                return CadenceLength.WEEKLY
            return CadenceLength.FORTNIGHTLY if self.interval_weeks <= 3 else CadenceLength.MONTHLY
        return CadenceLength.MONTHLY

    def to_text(self) -> str:
        """The canonical command-language spelling; ``parse_recurrence`` reads it back."""
        if self.kind in ("daily", "weekdays"):
            return self.kind
        if self.kind == "weekly":
            assert self.weekday is not None
            day = WEEKDAY_NAMES[self.weekday]
            return f"weekly {day}" if self.interval_weeks == 1 else f"every {self.interval_weeks} weeks {day}"
        if self.kind == "monthly_day":
            assert self.day is not None
            return "monthly last" if self.day == -1 else f"monthly {self.day}"
        assert self.weekday is not None and self.nth is not None
        return f"monthly {self.nth} {WEEKDAY_NAMES[self.weekday]}"


class CommitmentStatus(StrEnum):
    """Where a commitment stands (``commitments.status``): open until its owner says how it went.

    ``not_yet`` is still open: the next check-in of its cadence follows it up again.
    """

    OPEN = "open"
    DONE = "done"
    PARTLY = "partly"
    NOT_YET = "not_yet"
    DROPPED = "dropped"
