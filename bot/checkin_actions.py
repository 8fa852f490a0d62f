"""Not answering, on purpose: skip a question, pass on a check-in, or be reminded later.

Reached both from commands typed at top level (`skip`, `skip all`, `pass`, `later`, `snooze 2h`)
and from the same words written in a check-in's thread; either way they change the state of the
check-in and are never stored as an answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot import checkin_messages as say
from bot import commitment_messages, working_hours
from bot.checkin_words import DEFAULT_SNOOZE, UnclearSnooze, Word
from bot.commands import ast as A
from bot.commitments import asks_commitment
from bot.context import Context
from bot.messages import Para, Reply
from bot.schedule import next_working_moment
from storage.models import Answer, Checkin, OutboxMessage

LAST_CALL = timedelta(hours=1)
"""A snoozed reminder that would land after the window closes comes this long before it instead."""

UNSENT_PROMPTS = ("question", "reminder")


def reply(text: str) -> list[Reply]:
    return [Reply((Para(text),))]


def is_open(checkin: Checkin, now: datetime) -> bool:
    """Still taking answers: open, and its window has not passed (a tick may not have closed it yet)."""
    return checkin.state == "open" and now < checkin.closes_at


def latest_open(ctx: Context) -> Checkin | None:
    """The acting person's most recently opened check-in still waiting for answers."""
    return ctx.session.scalar(
        select(Checkin)
        .where(
            Checkin.person_id == ctx.person.id,
            Checkin.state == "open",
            Checkin.opened_at <= ctx.now,
            Checkin.closes_at > ctx.now,
        )
        .order_by(Checkin.opened_at.desc(), Checkin.id.desc())
        .limit(1)
    )


def no_open_checkin(ctx: Context) -> list[Reply]:
    return reply(ctx.t._("You have no open check-in."))


def act(ctx: Context, checkin: Checkin, word: Word) -> list[Reply]:
    """Carry out a not-answering word on an open check-in."""
    if isinstance(word, A.SkipQuestion):
        return skip_current(ctx, checkin)
    if isinstance(word, A.Decline):
        return decline_checkin(ctx, checkin)
    if isinstance(word, UnclearSnooze):
        return reply(
            ctx.t._("I did not understand how long to wait. Try `snooze 2h`, `snooze 30m` or `snooze 1d`.")
        )
    return snooze_checkin(ctx, checkin, word.delay or DEFAULT_SNOOZE)


def finish(ctx: Context, checkin: Checkin) -> list[Reply]:
    """Every question has an answer or was skipped: ask for a commitment if the cadence wants one,
    else thank the person; or note that nothing was shared."""
    checkin.next_reminder_at = None
    answers = ctx.session.scalars(select(Answer).where(Answer.checkin_id == checkin.id)).all()
    if answers and all(a.skipped for a in answers):
        # Skipping everything is passing on the check-in: it counts as not taking part.
        checkin.state = "declined"
        _drop_unsent(ctx, checkin)
        return reply(
            ctx.t._("You skipped every question, so nothing from this check-in is shared. No more reminders.")
        )
    if asks_commitment(checkin.cadence, checkin.role):  # the check-in ends with a commitment question
        ctx.session.flush()
        commitment_messages.ask_commitment(ctx.session, checkin, ctx.person, now=ctx.now)
        return []
    return complete(ctx, checkin)


def complete(ctx: Context, checkin: Checkin) -> list[Reply]:
    """The check-in is answered: thank the person with a summary of what they shared."""
    checkin.state, checkin.next_reminder_at = "done", None
    ctx.session.flush()
    say.thank(ctx.session, ctx.library, checkin, ctx.person, ctx.now)
    return []


def skip_current(ctx: Context, checkin: Checkin) -> list[Reply]:
    index = checkin.current_question
    total = len(checkin.prompt_ids_asked)
    if index >= total:
        return []
    prompt = say.prompt_of(ctx.library, checkin, index)
    ctx.session.add(
        Answer(
            checkin_id=checkin.id,
            question=index,
            prompt_id=prompt.id,
            prompt_version=prompt.version,
            text="",
            rating=None,
            skipped=True,
            created_at=ctx.now,
        )
    )
    checkin.current_question = index + 1
    if checkin.current_question < total:
        ctx.session.flush()
        say.ask(ctx.session, ctx.library, checkin, ctx.person, now=ctx.now)
        return reply(ctx.t._("Skipped question {number}.", number=index + 1))
    return reply(ctx.t._("Skipped question {number}.", number=index + 1)) + finish(ctx, checkin)


def decline_checkin(ctx: Context, checkin: Checkin) -> list[Reply]:
    checkin.state, checkin.next_reminder_at = "declined", None
    _drop_unsent(ctx, checkin)
    given = ctx.session.scalars(
        select(Answer.id).where(Answer.checkin_id == checkin.id, Answer.skipped.is_(False))
    ).first()
    if given is not None:
        return reply(
            ctx.t._(
                "Okay, you passed on the rest of this check-in. No more reminders; "
                "the answers you already gave still count."
            )
        )
    return reply(ctx.t._("Okay, you passed on this check-in. No more reminders for it."))


def _drop_unsent(ctx: Context, checkin: Checkin) -> None:
    """Questions and reminders still waiting (e.g. for quiet hours to end) are not sent after a pass."""
    ctx.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.checkin_id == checkin.id,
            OutboxMessage.status.in_(("pending", "held")),
            OutboxMessage.kind.in_(UNSENT_PROMPTS),
        )
        .values(status="expired", error="the person passed on this check-in")
    )


def snooze_checkin(ctx: Context, checkin: Checkin, delay: timedelta) -> list[Reply]:
    """Move the next reminder to now + delay, on working time, never past the window.

    If that would be too late, the reminder comes :data:`LAST_CALL` before the window closes; if even
    that has passed (or falls outside working time), there is no reminder and the person is told so.
    """
    t = ctx.t
    policy = working_hours.policy_for(ctx.session, ctx.person)
    closes = t.when(checkin.closes_at, policy.timezone)
    target = next_working_moment(ctx.now + delay, policy)
    if target < checkin.closes_at - LAST_CALL:
        checkin.next_reminder_at = target
        return reply(t._("Okay, I'll remind you on {when}.", when=t.when(target, policy.timezone)))
    last_call = checkin.closes_at - LAST_CALL
    if last_call > ctx.now and next_working_moment(last_call, policy) == last_call:
        checkin.next_reminder_at = last_call
        return reply(
            t._(
                "Your check-in closes on {closes}, so I'll remind you an hour before, on {when}.",
                closes=closes,
                when=t.when(last_call, policy.timezone),
            )
        )
    checkin.next_reminder_at = None
    return reply(
        t._(
            "Your check-in closes on {closes}, too soon for another reminder. "
            "Answer now, or just let it pass.",
            closes=closes,
        )
    )
