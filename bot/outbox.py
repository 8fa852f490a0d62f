"""The outbox: every outgoing message is a row first, a platform call second.

Recording and sending are split so that a crash, a restart or a rate limit never
loses a message (the row waits) and never repeats one (the row is marked sent, and
its ``dedupe_key`` is unique). Rows for one person leave in order, which keeps a
check-in's questions behind the nudge whose thread they go into.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.messages import Choice, Choices, Delivery, MessageKind, OutboundMessage, Para, Part, Quote
from storage.models import Checkin, OutboxMessage, Person, Workspace


def encode_parts(parts: tuple[Part, ...]) -> list[dict[str, Any]]:
    encoded: list[dict[str, Any]] = []
    for part in parts:
        if isinstance(part, Choices):
            encoded.append({"type": "choices", "choices": [asdict(c) for c in part.choices]})
        elif isinstance(part, Quote) and part.author is not None:
            encoded.append({"type": "quote", "text": part.text, "author": part.author})
        else:
            encoded.append({"type": "para" if isinstance(part, Para) else "quote", "text": part.text})
    return encoded


def decode_parts(encoded: list[dict[str, Any]]) -> tuple[Part, ...]:
    parts: list[Part] = []
    for item in encoded:
        if item["type"] == "choices":
            parts.append(Choices(tuple(Choice(**c) for c in item["choices"])))
        elif item["type"] == "quote":
            parts.append(Quote(item["text"], author=item.get("author")))
        else:
            parts.append(Para(item["text"]))
    return tuple(parts)


def enqueue(
    session: Session,
    *,
    key: str,
    person: Person,
    kind: MessageKind,
    parts: tuple[Part, ...],
    now: datetime,
    not_before: datetime | None = None,
    checkin: Checkin | None = None,
    in_thread: bool = False,
    opens_thread: bool = False,
    replaces: OutboxMessage | None = None,
) -> bool:
    """Record a message unless one with this key exists; True if it was recorded now.

    ``replaces`` makes it an in-place rewrite of that (delivered) message rather than a new one.
    """
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)) is not None:
        return False
    session.add(
        OutboxMessage(
            dedupe_key=key,
            person_id=person.id,
            kind=kind,
            parts=encode_parts(parts),
            checkin_id=checkin.id if checkin else None,
            in_thread=in_thread,
            opens_thread=opens_thread,
            replaces_id=replaces.id if replaces is not None else None,
            not_before=not_before or now,
            created_at=now,
            status="held" if not person.reachable else "pending",
        )
    )
    session.flush()
    return True


def claim_due(
    session: Session, *, platform: str, now: datetime, limit: int, lease: timedelta
) -> list[OutboundMessage]:
    """Lease up to ``limit`` due messages, at most one per person (the oldest), for sending.

    On PostgreSQL the rows are locked with SKIP LOCKED so several replicas share the
    work without sending anything twice.
    """
    earlier = aliased(OutboxMessage)
    blocked_by_earlier = exists().where(
        and_(
            earlier.person_id == OutboxMessage.person_id,
            earlier.status == "pending",
            earlier.id < OutboxMessage.id,
            # An earlier message holds a later one back when it is due, was already tried (a rate
            # limit must not reorder a check-in), or belongs to the same check-in; a welcome or digest
            # merely deferred to the person's working hours does not hold a check-in started now.
            or_(
                earlier.not_before <= now,
                earlier.attempts > 0,
                earlier.checkin_id == OutboxMessage.checkin_id,
            ),
        )
    )
    query = (
        select(OutboxMessage, Person, Workspace)
        .join(Person, Person.id == OutboxMessage.person_id)
        .join(Workspace, Workspace.id == Person.workspace_id)
        .where(
            Workspace.platform == platform,
            OutboxMessage.status == "pending",
            OutboxMessage.not_before <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
            ~blocked_by_earlier,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=OutboxMessage)
    claimed: list[OutboundMessage] = []
    for row, person, workspace in session.execute(query).all():
        row.claimed_until = now + lease
        row.attempts += 1
        checkin = session.get(Checkin, row.checkin_id) if row.checkin_id else None
        replaced = session.get(OutboxMessage, row.replaces_id) if row.replaces_id else None
        claimed.append(
            OutboundMessage(
                id=row.id,
                platform=workspace.platform,
                workspace=workspace.external_id,
                person=person.platform_id,
                kind=row.kind,  # type: ignore[arg-type]
                parts=decode_parts(row.parts),
                thread=checkin.thread if (checkin and row.in_thread) else None,
                opens_thread=row.opens_thread,
                checkin_id=row.checkin_id,
                locale=person.locale,
                replaces=(
                    Delivery(message_id=replaced.platform_message_id, channel=replaced.platform_channel)
                    if replaced is not None and replaced.platform_message_id
                    else None
                ),
            )
        )
    return claimed


def mark_sent(session: Session, *, outbox_id: int, delivery: Delivery, now: datetime) -> None:
    row = session.get(OutboxMessage, outbox_id)
    if row is None or row.status == "sent":
        return
    row.status, row.sent_at, row.claimed_until, row.error = "sent", now, None, None
    row.platform_message_id = delivery.message_id
    row.platform_channel = delivery.channel
    if row.opens_thread and row.checkin_id:
        checkin = session.get(Checkin, row.checkin_id)
        if checkin is not None:
            checkin.thread = delivery.thread or delivery.message_id
            checkin.channel = delivery.channel


def mark_retry(session: Session, *, outbox_id: int, after: timedelta, error: str, now: datetime) -> None:
    row = session.get(OutboxMessage, outbox_id)
    if row is None or row.status != "pending":
        return
    # Give up after a day of failures rather than retry forever; the row stays for inspection.
    if row.attempts >= 20:
        row.status = "failed"
    row.not_before, row.claimed_until, row.error = now + after, None, error[:2000]


def mark_unreachable(session: Session, *, outbox_id: int, error: str) -> None:
    """The platform will not deliver to this person yet: hold all their messages."""
    row = session.get(OutboxMessage, outbox_id)
    if row is None:
        return
    person = session.get(Person, row.person_id)
    if person is not None:
        person.reachable = False
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.person_id == row.person_id, OutboxMessage.status == "pending")
        .values(status="held", claimed_until=None, error=error[:2000])
    )


STALE_WHEN_CLOSED = frozenset({"nudge", "question", "reminder"})


def release_held(session: Session, *, person: Person, now: datetime) -> int:
    """The person can be reached again (e.g. installed the app): send what waited.

    Nothing leaves before ``now`` (the caller passes the end of the person's quiet hours)
    nor before the time it was already due to leave. Prompts for a check-in whose window
    has closed meanwhile are dropped: a stale nudge asks for an answer nobody can give.
    """
    person.reachable = True
    held = session.scalars(
        select(OutboxMessage).where(OutboxMessage.person_id == person.id, OutboxMessage.status == "held")
    ).all()
    released = 0
    for row in held:
        checkin = session.get(Checkin, row.checkin_id) if row.checkin_id else None
        if checkin is not None and checkin.state != "open" and row.kind in STALE_WHEN_CLOSED:
            row.status, row.error = "expired", "check-in closed while the person could not be reached"
            continue
        row.status, row.claimed_until, row.not_before = "pending", None, max(row.not_before, now)
        released += 1
    return released
