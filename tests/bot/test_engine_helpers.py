"""Shared helpers for the core behaviour tests (no tests here): drive the local chat like a script
and read back what each person received, in their own zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from adapters.local import LocalChat
from adapters.local.transport import LocalMessage
from bot.core import Coachbot
from bot.domain import Role
from storage.models import Answer, Cadence, Checkin, OutboxMessage, Person, Team
from storage.relations import Membership


def run(chat: LocalChat, *lines: str) -> None:
    """Run chat lines; a chat-level error (``! …``) fails the test at once."""
    for line in lines:
        before = len(chat_output(chat))
        assert chat.run_line(line)
        errors = [o for o in chat_output(chat)[before:] if o.startswith("! ")]
        assert not errors, f"{line!r}: {errors}"


def chat_output(chat: LocalChat) -> list[str]:
    output = chat.output
    return getattr(output, "__self__", [])  # the transcript list behind ``transcript.append``


def last_reply(chat: LocalChat) -> str:
    """The last immediate (private) reply the chat printed, e.g. a command's answer."""
    return next(o for o in reversed(chat_output(chat)) if o.startswith("[only you see this]"))


def org(chat: LocalChat, people: dict[str, str], *, admin: str = "ada", extra: tuple[str, ...] = ()) -> None:
    """People (handle -> zone) plus an admin in UTC, who becomes the current person."""
    run(chat, f":person {admin} tz=UTC admin", *(f":person {h} tz={z}" for h, z in people.items()))
    run(chat, f":as {admin}", *extra)


def received(chat: LocalChat, person: str, kind: str | None = None) -> list[LocalMessage]:
    """What the bot sent this person; without a ``kind``, the check-in traffic (not the team welcome)."""
    return [
        m
        for m in chat.transport.messages
        if m.person == person
        and m.author == "coachbot"
        and (m.kind == kind if kind is not None else m.kind != "welcome")
    ]


def nudge_times(chat: LocalChat, person: str, zone: str) -> list[datetime]:
    return [m.at.astimezone(ZoneInfo(zone)) for m in received(chat, person, "nudge")]


def local(at: datetime, zone: str) -> str:
    return f"{at.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}"


def answers(core: Coachbot, person: str | None = None) -> list[Answer]:
    from storage.models import Person

    with core.database.session() as session:
        query = select(Answer).join(Checkin, Checkin.id == Answer.checkin_id).order_by(Answer.id)
        if person is not None:
            query = query.join(Person, Person.id == Checkin.person_id).where(Person.platform_id == person)
        return list(session.scalars(query))


def checkins(core: Coachbot, person: str | None = None) -> list[Checkin]:
    from storage.models import Person

    with core.database.session() as session:
        query = select(Checkin).order_by(Checkin.id)
        if person is not None:
            query = query.join(Person, Person.id == Checkin.person_id).where(Person.platform_id == person)
        return list(session.scalars(query))


def outbox_rows(core: Coachbot, *, welcomes: bool = False) -> list[OutboxMessage]:
    """Outbox rows in order; the one-off team welcomes only when asked for."""
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if not welcomes:
        query = query.where(OutboxMessage.kind != "welcome")
    with core.database.session() as session:
        return list(session.scalars(query))


def set_cadence(core: Coachbot, name: str, **values: object) -> None:
    """Settings the command language has no flag for (reminder policy)."""
    with core.database.session() as session:
        cadence = session.scalars(select(Cadence).where(Cadence.name == name)).one()
        for key, value in values.items():
            setattr(cadence, key, value)


def team_member_ids(core: Coachbot, team: str) -> set[str]:
    """The platform ids of a team's members, straight from the database."""
    with core.database.session() as session:
        return set(
            session.scalars(
                select(Person.platform_id)
                .join(Membership, Membership.person_id == Person.id)
                .join(Team, Team.id == Membership.group_id)
                .where(Team.name == team, Membership.role == Role.MEMBER)
            )
        )
