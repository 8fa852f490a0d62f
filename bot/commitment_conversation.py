"""Commitments inside a check-in: the follow-ups it opens with, and the commitment it ends with.

A check-in of a cadence first follows up the person's open commitments that are due, one at a
time, each with buttons and typed words ("done", "partly", "not yet", "drop"); only then does
its first question come. A press on a follow-up's button works whenever it comes, even after the
check-in moved on (a change of mind). When every question is behind the person and the cadence
asks for it, the check-in ends with the commitment question; the reply becomes a commitment.
"""

from __future__ import annotations

from sqlalchemy import select

from bot import checkin_messages as say
from bot import commitment_messages as words
from bot import commitments
from bot.checkin_actions import complete, is_open, reply
from bot.commands.grammar_commitments import split_due
from bot.context import Context
from bot.domain import CommitmentStatus
from bot.messages import Reply
from bot.opening import BatchFacts
from storage.commitments import Commitment
from storage.models import Answer, Checkin, Person


def take_followups(checkin: Checkin, facts: BatchFacts) -> list[Commitment]:
    """The commitments a check-in being opened follows up, now marked as waiting on it (read from
    the batch's facts: no query per person). An onboarding check-in follows nothing up."""
    if checkin.cadence_id is None:
        return []
    chosen = commitments.to_follow_up(
        facts.commitments.get(checkin.person_id, []),
        cadence_id=checkin.cadence_id,
        occurrence_date=checkin.occurrence_date,
        taken=facts.followed,
    )
    chosen.sort(key=lambda c: (c.due, c.number))
    for commitment in chosen:
        commitment.followup_checkin_id = checkin.id
        facts.followed.add(commitment.id)
    return chosen


def advance(ctx: Context, checkin: Checkin) -> None:
    """After a follow-up was answered: the next follow-up, or else the check-in's first question."""
    if not is_open(checkin, ctx.now):
        return
    ctx.session.flush()
    following = commitments.pending_followup(ctx.session, checkin)
    person = ctx.session.get_one(Person, checkin.person_id)
    if following is not None:
        words.ask_followup(ctx.session, checkin, person, following, now=ctx.now)
        return
    answered = ctx.session.scalar(select(Answer.id).where(Answer.checkin_id == checkin.id).limit(1))
    if checkin.current_question == 0 and answered is None:
        say.ask(ctx.session, ctx.library, checkin, person, now=ctx.now)


def resolve(ctx: Context, commitment: Commitment, status: CommitmentStatus) -> list[Reply]:
    """Record how a commitment went, say so, and let a check-in waiting on it move on."""
    t = ctx.t
    waiting = commitment.followup_checkin_id
    commitments.set_status(ctx.session, commitment, status, owner=ctx.person, now=ctx.now)
    if status == CommitmentStatus.NOT_YET:
        if commitment.carried > 1:
            text = t._(
                "Kept #{number} open; I'll ask again on {due}.",
                number=commitment.number,
                due=t.date(commitment.due),
            )
        else:
            text = t._(
                "Carried #{number} forward to {due}. Next time I'll ask whether to keep it.",
                number=commitment.number,
                due=t.date(commitment.due),
            )
    else:
        text = t._(
            "Marked #{number} as {status}.", number=commitment.number, status=words.status_word(t, status)
        )
    if waiting is not None:
        checkin = ctx.session.get(Checkin, waiting)
        if checkin is not None:
            advance(ctx, checkin)
    return reply(text)


def answer_followup(
    ctx: Context, checkin: Checkin, commitment: Commitment, *, text: str, key: str
) -> list[Reply]:
    """A typed answer to the follow-up the check-in is waiting on."""
    status = words.read_followup_word(text, ctx.t)
    if status is None:
        hint = ctx.t._(
            "Before the questions, tell me how your commitment went: `done`, `partly`, `not yet` or"
            " `drop` (or press a button). `skip` leaves it open."
        )
        say.note(ctx.session, checkin, ctx.person, key, hint, ctx.now)
        return []
    return resolve(ctx, commitment, status)


def skip_followup(ctx: Context, checkin: Checkin, commitment: Commitment) -> list[Reply]:
    """`skip` on a follow-up: it stays as it is and comes back at the next check-in."""
    commitment.followup_checkin_id = None
    advance(ctx, checkin)
    return reply(ctx.t._("Left #{number} open; I'll ask again next time.", number=commitment.number))


def apply_choice(ctx: Context, value: str) -> list[Reply]:
    """A follow-up button, pressed now or later."""
    t = ctx.t
    chosen = words.read_choice(value)
    if chosen is None:
        return reply(t._("That button is no longer valid."))
    commitment = ctx.session.get(Commitment, chosen[0])
    if commitment is None or commitment.owner_id != ctx.person.id:
        return reply(t._("That button is not for you."))
    if commitment.status == chosen[1] and commitment.followup_checkin_id is None:
        return reply(
            t._(
                "#{number} is already marked {status}.",
                number=commitment.number,
                status=words.status_word(t, chosen[1]),
            )
        )
    return resolve(ctx, commitment, chosen[1])


def record_reply(ctx: Context, checkin: Checkin, *, text: str, message_id: str, key: str) -> list[Reply]:
    """The answer to the commitment question: a commitment, due at the next check-in or the day named."""
    t, session = ctx.t, ctx.session
    body, due_day = split_due(text)
    today = commitments.today_for(session, ctx.person, ctx.now)
    if due_day is not None:
        due = commitments.resolve_due(due_day, today)
        if due < today:
            hint = t._("{day} has passed; name a day still to come, or leave the day out.", day=t.date(due))
            say.note(session, checkin, ctx.person, key, hint, ctx.now)
            return []
    else:
        assert checkin.cadence is not None  # only a cadence's check-ins ask for commitments
        due = commitments.next_check_in_date(
            session, cadence=checkin.cadence, person=ctx.person, after=checkin.occurrence_date, now=ctx.now
        )
    commitment = commitments.create(
        session, owner=ctx.person, text=body, due=due, now=ctx.now, checkin=checkin, message_id=message_id
    )
    say.note(session, checkin, ctx.person, key, words.noted(t, commitment), ctx.now)
    return complete(ctx, checkin)


def no_commitment(ctx: Context, checkin: Checkin) -> list[Reply]:
    """`skip` or `pass` on the commitment question: the check-in ends as answered."""
    return reply(ctx.t._("No commitment this time.")) + complete(ctx, checkin)
