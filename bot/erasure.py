"""`privacy delete`: erase everything that can name the person, and say exactly what happened.

Erased: their check-ins and answers; their commitments (and the record of sharing them); every
quote of their words in stored digests (the comments of a stored aggregate carry their writer's
id) and in outbox rows (found by ``Quote.author``); their vacations; what adapters keep
(bot.holdings). A digest message already delivered that quoted them *by name* is rewritten in
place by an "update" message where the platform can edit messages. Stays: group totals (they
cannot name anyone), the profile and team membership (an admin's decision).

Messages already delivered in their own check-in threads keep an empty row (no text, no link to
a check-in) so that a later reply in such a thread is still recognised as a reply to the bot and
not read as a command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from bot import commitments, outbox, pathways, planner
from bot.aggregates import RunAggregate
from bot.context import Context
from bot.i18n import Tr
from bot.messages import Para, Part, Quote, Reply
from bot.mydata import actor_of
from storage.models import Answer, Checkin, Digest, OutboxMessage, Person, Vacation

UNSENT = ("pending", "held", "failed")


@dataclass
class Erased:
    checkins: int = 0
    answers: int = 0
    open_checkins: int = 0
    quotes: int = 0  # quotes removed from stored digests
    rewrites: int = 0  # delivered messages that named the person, now being rewritten
    unnamed_delivered: int = 0  # delivered digests with their anonymous words, which cannot be recalled
    vacations: int = 0
    held_by_adapters: int = 0
    commitments: int = 0


def _without(encoded: list[dict[str, Any]], person_id: int) -> tuple[list[dict[str, Any]], int]:
    parts = outbox.decode_parts(encoded)
    kept: list[Part] = [p for p in parts if not (isinstance(p, Quote) and p.author == person_id)]
    return outbox.encode_parts(tuple(kept)), len(parts) - len(kept)


def erase(ctx: Context) -> Erased:
    session, person = ctx.session, ctx.person
    result = Erased()
    mine = session.scalars(select(Checkin).where(Checkin.person_id == person.id)).all()
    ids = [c.id for c in mine]
    named_runs = {c.run_id for c in mine if not c.anonymous and c.run_id is not None}
    result.checkins = len(mine)
    result.open_checkins = sum(1 for c in mine if c.state == "open")
    runs = {c.run_id for c in mine if c.run_id is not None}
    _scrub_digests(session, person, runs, named_runs, result, now=ctx.now)
    if ids:
        result.answers = len(session.scalars(select(Answer.id).where(Answer.checkin_id.in_(ids))).all())
        session.execute(
            delete(OutboxMessage).where(OutboxMessage.checkin_id.in_(ids), OutboxMessage.status.in_(UNSENT))
        )
        for row in session.scalars(select(OutboxMessage).where(OutboxMessage.checkin_id.in_(ids))).all():
            row.checkin_id, row.parts, row.status = None, [], "erased"
            row.dedupe_key = f"erased:{row.id}"  # a reused check-in id must not find the old key
        session.flush()
        session.execute(delete(Answer).where(Answer.checkin_id.in_(ids)))
        session.execute(delete(Checkin).where(Checkin.id.in_(ids)))
    pathways.erase(session, person)
    result.vacations = len(session.scalars(select(Vacation.id).where(Vacation.person_id == person.id)).all())
    session.execute(delete(Vacation).where(Vacation.person_id == person.id))
    result.commitments = commitments.erase(session, person)
    session.flush()
    planner.refresh_slots(session, person=person, now=ctx.now)
    actor = actor_of(person)
    result.held_by_adapters = sum(h.erase(actor, session=ctx.session) for h in ctx.holdings)
    return result


def _scrub_digests(
    session: Session, person: Person, runs: set[int], named_runs: set[int], result: Erased, *, now: datetime
) -> None:
    if not runs:
        return
    for digest in session.scalars(select(Digest).where(Digest.run_id.in_(runs))).all():
        if digest.aggregate is not None:
            aggregate, removed = RunAggregate.from_json(digest.aggregate).without(person.id)
            digest.aggregate = aggregate.to_json()
            result.quotes += removed
        if digest.parts is not None:  # a digest stored as text (before migration 0006)
            digest.parts, removed = _without(digest.parts, person.id)
            result.quotes += removed
    # One digest message per lead (``digest:<run>:<lead>``), or one per run before migration 0006.
    keys = [OutboxMessage.dedupe_key.in_([f"digest:{r}" for r in runs])]
    keys += [OutboxMessage.dedupe_key.like(f"digest:{r}:%") for r in sorted(runs)]
    originals = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest", or_(*keys))).all()
    for original in originals:
        run_id = int(original.dedupe_key.split(":")[1])
        original.parts, removed = _without(original.parts, person.id)
        updates = session.scalars(
            select(OutboxMessage).where(OutboxMessage.replaces_id == original.id).order_by(OutboxMessage.id)
        ).all()
        pending_update = False
        for row in updates:
            row.parts, gone = _without(row.parts, person.id)
            removed += gone
            pending_update = pending_update or row.status in ("pending", "held")
        if removed == 0 or original.status != "sent":
            continue  # not delivered yet: cleaning the row is enough
        if run_id not in named_runs:
            result.unnamed_delivered += 1
            continue
        result.rewrites += 1
        if pending_update or original.platform_message_id is None:
            continue
        manager = session.get_one(Person, original.person_id)
        outbox.enqueue(
            session,
            key=f"update:{original.id}:erase:{person.id}",
            person=manager,
            kind="update",
            now=now,
            parts=outbox.decode_parts(original.parts),
            replaces=original,
        )


def reply(t: Tr, erased: Erased) -> list[Reply]:
    lines = [
        t._(
            "Deleted {checkins} and {answers}, and your vacations.",
            checkins=t.n_("{count} check-in", "{count} check-ins", erased.checkins),
            answers=t.n_("{count} answer", "{count} answers", erased.answers),
        )
    ]
    if erased.commitments:
        lines.append(
            t.n_("Deleted your {count} commitment.", "Deleted your {count} commitments.", erased.commitments)
        )
    if erased.open_checkins:
        lines.append(
            t.n_(
                "Your open check-in is closed; nothing more will be asked or recorded in it.",
                "Your {count} open check-ins are closed; nothing more will be asked or recorded in them.",
                erased.open_checkins,
            )
        )
    if erased.quotes:
        lines.append(
            t.n_(
                "Removed {count} quote of your words from the digests your manager keeps.",
                "Removed {count} quotes of your words from the digests your manager keeps.",
                erased.quotes,
            )
        )
    if erased.rewrites:
        lines.append(
            t.n_(
                "{count} digest message that quoted you by name is being rewritten without your words "
                "(where the chat platform can edit messages).",
                "{count} digest messages that quoted you by name are being rewritten without your words "
                "(where the chat platform can edit messages).",
                erased.rewrites,
            )
        )
    if erased.unnamed_delivered:
        lines.append(
            t._(
                "Anonymous comments a manager has already received cannot be recalled from their chat, "
                "but they never carried your name."
            )
        )
    if erased.held_by_adapters:
        lines.append(
            t.n_(
                "Erased {count} record the chat connection kept about you.",
                "Erased {count} records the chat connection kept about you.",
                erased.held_by_adapters,
            )
        )
    lines.append(
        t._(
            "Team totals and averages already shared stay, because they cannot name anyone. Your profile "
            "and team membership stay until an admin changes them, so future check-ins will still reach you."
        )
    )
    return [Reply(tuple(Para(line) for line in lines))]
