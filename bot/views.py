"""Read models for dashboards such as Slack's App Home, with every privacy rule already applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.messages import Part


@dataclass(frozen=True)
class OpenCheckin:
    checkin_id: int
    cadence: str
    answered: int
    total: int
    closes_at: datetime


@dataclass(frozen=True)
class NextNudge:
    """A nudge still to come: never in the past, never of a paused cadence (see ``HomeView.paused``)."""

    cadence: str
    local_date: date
    due_at: datetime
    note: str | None = None  # already in the viewer's language


@dataclass(frozen=True)
class DigestSummary:
    cadence: str
    occurrence_date: date
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class CadenceGlance:
    """One cadence for admins: participation of its latest *closed* run.

    ``last_run`` is that run's date (None before any run closed); ``answered``/``invited`` are None
    when bot.visibility does not allow the figure (group below K). ``schedule`` is already in the
    viewer's language.
    """

    name: str
    team: str
    schedule: str
    paused: bool
    last_run: date | None
    answered: int | None
    invited: int | None


@dataclass(frozen=True)
class SelfRating:
    """The viewer's own latest scorecard ratings of one competency, oldest first (only ever theirs)."""

    competency: str  # its name in the viewer's language
    ratings: tuple[int, ...]


@dataclass(frozen=True)
class HomeView:
    display_name: str
    timezone: str
    is_admin: bool
    is_manager: bool
    open_checkins: tuple[OpenCheckin, ...]
    next_nudges: tuple[NextNudge, ...]
    digests: tuple[DigestSummary, ...]
    cadences: tuple[CadenceGlance, ...]
    needs_app: tuple[str, ...]  # display names of people the platform won't let us message yet
    locale: str = "en"  # the viewer's locale, for the adapter's own labels (bot.i18n.tr(locale))
    paused: tuple[str, ...] = ()  # the viewer's cadences that are paused: no next date to show
    commitments: tuple[Part, ...] = ()
    """The viewer's open commitments and goal attainment, and their teams' (as bot.visibility allows),
    already in the viewer's language; empty when there is nothing to say."""
    self_ratings: tuple[SelfRating, ...] = ()  # the viewer's own scorecards: private to them
