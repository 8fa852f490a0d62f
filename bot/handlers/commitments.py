"""Commitment commands: `commitments`, `commitment done|partly|drop <n>`, `commit "…"`,
`commitment share <n> @person`. A person only ever reaches their own commitments."""

from __future__ import annotations

from sqlalchemy import select

from bot import attainment, commitments, outbox, people
from bot import commitment_messages as words
from bot.checkin_actions import reply
from bot.commands import ast as A
from bot.commitment_conversation import resolve
from bot.context import Context
from bot.domain import CommitmentStatus
from bot.i18n import tr
from bot.messages import Para, Reply
from storage.commitments import CommitmentShare


def _unknown(ctx: Context, number: int) -> list[Reply]:
    return reply(ctx.t._("You have no commitment #{number}. `commitments` lists yours.", number=number))


def list_mine(ctx: Context, _cmd: A.CommitmentList) -> list[Reply]:
    today = commitments.today_for(ctx.session, ctx.person, ctx.now)
    parts = words.listing(ctx.t, commitments.mine(ctx.session, ctx.person), today)
    own = attainment.own(ctx.session, ctx.person, now=ctx.now)
    if own is not None:
        parts += (Para(attainment.own_sentence(ctx.t, own)),)
    return [Reply(parts)]


def update(ctx: Context, cmd: A.CommitmentUpdate) -> list[Reply]:
    commitment = commitments.by_number(ctx.session, ctx.person, cmd.number)
    if commitment is None:
        return _unknown(ctx, cmd.number)
    status = CommitmentStatus(cmd.status)
    if commitment.status == status:
        return reply(
            ctx.t._(
                "#{number} is already marked {status}.",
                number=commitment.number,
                status=words.status_word(ctx.t, status),
            )
        )
    return resolve(ctx, commitment, status)


def add(ctx: Context, cmd: A.CommitmentAdd) -> list[Reply]:
    t = ctx.t
    today = commitments.today_for(ctx.session, ctx.person, ctx.now)
    due = commitments.resolve_due(cmd.by, today) if cmd.by else today + commitments.HAND_ADDED_DUE
    if due < today:
        return reply(
            t._("{day} has passed; name a day still to come, or leave the day out.", day=t.date(due))
        )
    commitment = commitments.create(ctx.session, owner=ctx.person, text=cmd.text, due=due, now=ctx.now)
    return reply(words.noted(t, commitment))


def share(ctx: Context, cmd: A.CommitmentShare) -> list[Reply]:
    """Show one commitment to one person; they get a message with it, and nothing else of the owner's."""
    t = ctx.t
    commitment = commitments.by_number(ctx.session, ctx.person, cmd.number)
    if commitment is None:
        return _unknown(ctx, cmd.number)
    target = people.resolve(ctx.session, ctx.workspace, cmd.person)
    if target is None:
        return reply(
            t._(
                "I don't know {name} yet; they need to have used Coachbot once.",
                name=cmd.person.label or cmd.person.ref,
            )
        )
    if target.id == ctx.person.id:
        return reply(t._("That is you: your commitments are always yours to see."))
    already = ctx.session.scalar(
        select(CommitmentShare).where(
            CommitmentShare.commitment_id == commitment.id, CommitmentShare.person_id == target.id
        )
    )
    if already is not None:
        return reply(
            t._(
                "You already shared #{number} with {name}.",
                number=commitment.number,
                name=target.display_name,
            )
        )
    ctx.session.add(CommitmentShare(commitment_id=commitment.id, person_id=target.id, shared_at=ctx.now))
    outbox.enqueue(
        ctx.session,
        key=f"commitment-share:{commitment.id}:{target.id}",
        person=target,
        kind="notice",
        now=ctx.now,
        parts=words.shared(tr(target.locale), ctx.person, commitment),
    )
    return reply(
        t._(
            "Shared #{number} with {name}: they see this one commitment and how it stands today,"
            " nothing else.",
            number=commitment.number,
            name=target.display_name,
        )
    )
