"""The outbox: every outgoing message is a row first, a platform call second.

Recording and sending are split so that a crash, a restart or a rate limit never
loses a message (the row waits) and never repeats one (the row is marked sent, and
its ``dedupe_key`` is unique). Rows for one person leave in order, which keeps a
check-in's questions behind the nudge whose thread they go into.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, exists, or_, select, text, update
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
    fresh: bool = False,
) -> bool:
    """Record a message unless one with this key exists; True if it was recorded now.

    ``replaces`` makes it an in-place rewrite of that (delivered) message rather than a new one.
    ``fresh`` says the key cannot exist yet (it names a row created in this transaction): the row
    is added without a lookup and flushed with the caller's next flush, not one by one.
    """
    if (
        not fresh
        and session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)) is not None
    ):
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
    if not fresh:
        session.flush()
    return True


def claim_due(
    session: Session,
    *,
    platform: str,
    now: datetime,
    limit: int,
    lease: timedelta,
    owner: str | None = None,
) -> list[OutboundMessage]:
    """Lease up to ``limit`` due messages, at most one per person (the oldest), for sending.

    A row is free when it was never claimed or its lease ran out (the owner stopped renewing it:
    it is gone). ``owner`` (the sender's replica id) is recorded so that only that sender may renew
    or mark the row. On PostgreSQL the rows are locked with SKIP LOCKED so several replicas share
    the work without sending anything twice.
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
        # Right after a tick the outbox has thousands of rows autovacuum has not analysed yet; on
        # the stale row count the planner rescans the outbox per candidate in a nested loop (4 s per
        # claim at 20,000 rows, 0.06 s as a hash anti-join). Scoped to this transaction.
        session.execute(text("SET LOCAL enable_nestloop = off"))
    rows = session.execute(query).all()
    if not rows:
        return []
    # One query each for the check-in threads and replaced messages, not one per row.
    checkin_ids = {row.checkin_id for row, _, _ in rows if row.checkin_id and row.in_thread}
    threads: dict[int, str | None] = {}
    if checkin_ids:
        query_threads = select(Checkin.id, Checkin.thread).where(Checkin.id.in_(checkin_ids))
        threads = {cid: thread for cid, thread in session.execute(query_threads).tuples()}
    replaced_ids = {row.replaces_id for row, _, _ in rows if row.replaces_id}
    replaced: dict[int, Delivery] = {}
    if replaced_ids:
        for rid, message_id, channel in session.execute(
            select(OutboxMessage.id, OutboxMessage.platform_message_id, OutboxMessage.platform_channel).where(
                OutboxMessage.id.in_(replaced_ids)
            )
        ).tuples():
            if message_id:
                replaced[rid] = Delivery(message_id=message_id, channel=channel)
    claimed: list[OutboundMessage] = []
    for row, person, workspace in rows:
        # A lease that ran out (never released by a mark or a hand-back) means its sender died or
        # lost the row mid-send: the platform may already have the message.
        uncertain = row.claimed_until is not None
        row.claimed_until = now + lease
        row.claimed_by = owner
        row.attempts += 1
        claimed.append(
            OutboundMessage(
                id=row.id,
                platform=workspace.platform,
                workspace=workspace.external_id,
                person=person.platform_id,
                kind=row.kind,  # type: ignore[arg-type]
                parts=decode_parts(row.parts),
                thread=threads.get(row.checkin_id) if (row.checkin_id and row.in_thread) else None,
                opens_thread=row.opens_thread,
                checkin_id=row.checkin_id,
                locale=person.locale,
                replaces=replaced.get(row.replaces_id) if row.replaces_id else None,
                uncertain=uncertain,
            )
        )
    return claimed


def renew(session: Session, *, ids: list[int], owner: str, now: datetime, lease: timedelta) -> set[int]:
    """Extend the lease of the rows still ours; returns their ids (a row missing was taken over,
    marked meanwhile or erased, and must not be sent by us)."""
    if not ids:
        return set()
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.claimed_by == owner,
            OutboxMessage.status == "pending",
        )
        .values(claimed_until=now + lease)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return set(result.scalars())


def mark_sent(
    session: Session, *, outbox_id: int, delivery: Delivery, now: datetime, owner: str | None = None
) -> None:
    mark_sent_many(session, deliveries={outbox_id: delivery}, now=now, owner=owner)


def mark_sent_many(
    session: Session, *, deliveries: dict[int, Delivery], now: datetime, owner: str | None = None
) -> set[int]:
    """Record platform acceptances in one transaction; returns the ids marked now.

    A row is marked only while ``owner`` still holds it (``None``: whoever does); a row that is
    already sent keeps its first delivery. A held, expired or failed row the platform accepted
    anyway (it was refused for someone else meanwhile) is sent all the same: it was delivered.
    """
    if not deliveries:
        return set()
    query = select(OutboxMessage.id, OutboxMessage.checkin_id, OutboxMessage.opens_thread).where(
        OutboxMessage.id.in_(list(deliveries)), OutboxMessage.status != "sent"
    )
    if owner is not None:
        query = query.where(OutboxMessage.claimed_by == owner)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    rows = session.execute(query).tuples().all()
    if not rows:
        return set()
    table = cast(Table, OutboxMessage.__table__)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(
            status="sent",
            sent_at=now,
            claimed_until=None,
            error=None,
            platform_message_id=bindparam("message_id"),
            platform_channel=bindparam("channel"),
        ),
        [
            {"row_id": rid, "message_id": deliveries[rid].message_id, "channel": deliveries[rid].channel}
            for rid, _, _ in rows
        ],
    )
    threads = [
        {
            "checkin_id": checkin_id,
            "thread": deliveries[rid].thread or deliveries[rid].message_id,
            "channel": deliveries[rid].channel,
        }
        for rid, checkin_id, opens_thread in rows
        if opens_thread and checkin_id
    ]
    if threads:
        checkins = cast(Table, Checkin.__table__)
        session.execute(
            update(checkins)
            .where(checkins.c.id == bindparam("checkin_id"))
            .values(thread=bindparam("thread"), channel=bindparam("channel")),
            threads,
        )
    return {rid for rid, _, _ in rows}


def mark_retry(
    session: Session, *, outbox_id: int, after: timedelta, error: str, now: datetime, owner: str | None = None
) -> None:
    row = session.get(OutboxMessage, outbox_id)
    if row is None or row.status != "pending" or (owner is not None and row.claimed_by != owner):
        return
    # Give up after a day of failures rather than retry forever; the row stays for inspection.
    if row.attempts >= 20:
        row.status = "failed"
    row.not_before, row.claimed_until, row.error = now + after, None, error[:2000]


def mark_unreachable(session: Session, *, outbox_id: int, error: str, owner: str | None = None) -> None:
    """The platform will not deliver to this person yet: hold all their messages."""
    row = session.get(OutboxMessage, outbox_id)
    if row is None or (owner is not None and row.claimed_by != owner):
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
