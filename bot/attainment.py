"""Goal attainment: the share of commitments done or partly done when they came due.

Counted over the last :data:`WINDOW`: a commitment counts once its owner said how it went (done,
partly done, dropped), or once its day has passed while it is still open. "not yet" moves its due
date to the next check-in, so it is counted when that day comes. Done and partly done are kept;
dropped, and still open after their day, are not. A commitment due today that nobody asked about
yet is left out until tomorrow.

A person sees their own figure; a team's lead sees the team members' figure only as an aggregate,
and only when :mod:`bot.visibility` allows it: K people with commitments due.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot import relationships, visibility
from bot.commitments import KEPT, STILL_OPEN, today_for
from bot.i18n import Tr
from storage.commitments import Commitment
from storage.models import Person, Team

WINDOW = timedelta(days=90)


@dataclass(frozen=True)
class Attainment:
    kept: int
    due: int
    people: int  # owners with at least one commitment due

    @property
    def share(self) -> float:
        return self.kept / self.due if self.due else 0.0


@dataclass(frozen=True)
class TeamAttainment:
    """A group's figure for its viewer; ``attainment`` is None when fewer than ``k`` people had one
    due. ``team`` is None for the people below the viewer in reporting lines."""

    team: str | None
    attainment: Attainment | None
    k: int


def of_people(session: Session, person_ids: Iterable[int], *, today: date, now: datetime) -> Attainment:
    ids = sorted(set(person_ids))
    if not ids:
        return Attainment(0, 0, 0)
    rows = session.execute(
        select(Commitment.owner_id, Commitment.status, Commitment.due).where(
            Commitment.owner_id.in_(ids),
            or_(
                Commitment.status.in_(STILL_OPEN)
                & (Commitment.due >= today - WINDOW)
                & (Commitment.due < today),
                Commitment.status.not_in(STILL_OPEN) & (Commitment.resolved_at >= now - WINDOW),
            ),
        )
    ).tuples()
    kept = due = 0
    owners: set[int] = set()
    for owner, status, _day in rows:
        due += 1
        kept += status in KEPT
        owners.add(owner)
    return Attainment(kept, due, len(owners))


def own(session: Session, person: Person, *, now: datetime) -> Attainment | None:
    """The person's own figure; None while none of their commitments has come due."""
    found = of_people(session, [person.id], today=today_for(session, person, now), now=now)
    return found if found.due else None


def for_leads(session: Session, viewer: Person, *, now: datetime) -> list[TeamAttainment]:
    """The figure of each team the viewer leads (its members) and of the people below them in
    reporting lines, as bot.visibility allows it."""
    found: list[TeamAttainment] = []
    today = today_for(session, viewer, now)
    k = visibility.workspace_threshold(viewer.workspace)
    for team in relationships.teams_led_by(session, viewer):
        standings = visibility.standings_toward_team(session, viewer, team)
        if visibility.gate(standings, visibility.Sight.ATTAINMENT) is visibility.Gate.NEVER:
            continue
        figure = of_people(session, _members(session, team, viewer), today=today, now=now)
        if not figure.due:
            continue
        shown = visibility.may_see(standings, visibility.Sight.ATTAINMENT, count=figure.people, k=k)
        found.append(TeamAttainment(team.name, figure if shown else None, k))
    below = [p.id for p in relationships.org_below(session, viewer)]
    figure = of_people(session, below, today=today, now=now)
    if figure.due:
        standings = frozenset({visibility.Standing.MANAGER})
        shown = visibility.may_see(standings, visibility.Sight.ATTAINMENT, count=figure.people, k=k)
        found.append(TeamAttainment(None, figure if shown else None, k))
    return found


def _members(session: Session, team: Team, viewer: Person) -> list[int]:
    return [m.id for m in relationships.members_of(session, team) if m.id != viewer.id]


def percent(value: Attainment) -> int:
    return round(100 * value.share)


def own_sentence(t: Tr, value: Attainment) -> str:
    return t.n_(
        "Goal attainment: {kept} of {due} commitment done or partly done when due ({percent}%),"
        " last 90 days.",
        "Goal attainment: {kept} of {due} commitments done or partly done when due ({percent}%),"
        " last 90 days.",
        value.due,
        kept=t.number(value.kept),
        due=t.number(value.due),
        percent=t.number(percent(value)),
    )


def team_sentence(t: Tr, value: TeamAttainment) -> str:
    team = value.team if value.team is not None else t._("People who report to you")
    if value.attainment is None:
        return t._(
            "*{team}*: goal attainment is shown once at least {k} people have commitments due.",
            team=team,
            k=t.number(value.k),
        )
    return t._(
        "*{team}*: {percent}% of {due} commitments done or partly done when due, from {people} people"
        " (last 90 days).",
        team=team,
        percent=t.number(percent(value.attainment)),
        due=t.number(value.attainment.due),
        people=t.number(value.attainment.people),
    )
