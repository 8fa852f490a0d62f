"""A person's local rules: their zone, their workspace's working days and quiet hours, their vacations,
and the public holidays of their country when their workspace keeps them (`holidays on`).

Everything that turns "Monday 09:00" into an instant for someone asks here (the planner, opening
check-ins, reminders, welcomes, digests, a commitment's due day: :func:`upcoming` is a cadence's
next occurrence for a person under these rules). It only reads; :mod:`bot.people` changes profiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.commands import parse_recurrence
from bot.public_holidays import normalise_country
from bot.schedule import LocalPolicy, Occurrence, next_occurrence
from storage.models import Cadence, Person, Vacation, Workspace


def valid_timezone(name: str | None) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parse_hhmm(value: str | None) -> time | None:
    if not value:
        return None
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def workdays_of(workspace: Workspace) -> frozenset[int]:
    return frozenset(int(d) for d in workspace.workdays.split(",") if d != "")


def policy_for(session: Session, person: Person) -> LocalPolicy:
    vacations = session.scalars(select(Vacation).where(Vacation.person_id == person.id)).all()
    return policy_from(person, vacations=[(v.start, v.end) for v in vacations])


def policy_from(person: Person, *, vacations: Sequence[tuple[date, date]]) -> LocalPolicy:
    """The person's local rules from their profile, their workspace and the vacations given."""
    workspace = person.workspace
    return LocalPolicy(
        timezone=person.timezone if valid_timezone(person.timezone) else "UTC",
        workdays=workdays_of(workspace),
        quiet_start=parse_hhmm(workspace.quiet_start),
        quiet_end=parse_hhmm(workspace.quiet_end),
        vacations=tuple(vacations),
        holiday_country=holiday_country_of(person),
    )


def holiday_country_of(person: Person) -> str | None:
    """The country whose public holidays the person has off, or None (no country, or `holidays off`)."""
    if not person.workspace.public_holidays or not person.country:
        return None
    return normalise_country(person.country)


def upcoming(
    session: Session,
    cadence: Cadence,
    person: Person,
    *,
    after: datetime,
    last: date | None,
    policy: LocalPolicy | None = None,
) -> Occurrence:
    """The next occurrence that will really be sent, passing over skipped ones."""
    policy = policy or policy_for(session, person)
    hours, minutes = (int(x) for x in cadence.at_time.split(":"))
    recurrence = parse_recurrence(cadence.recurrence)
    last_date = last
    for _ in range(400):
        occurrence = next_occurrence(
            recurrence,
            time(hours, minutes),
            policy=policy,
            anchor=cadence.anchor,
            after=after,
            last_local_date=last_date,
        )
        if occurrence.skipped is None:
            return occurrence
        last_date = occurrence.local_date
    raise ValueError("no occurrence within the search limit")
