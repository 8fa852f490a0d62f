"""Edits to answers already given: acknowledged, and never altering results after the window.

While the check-in's window is open and its digest not written, an edit (or a second button
press) changes the answer. After that the change is kept as ``revised_text`` for the person's own
record only: the digest was computed from ``text``/``rating`` and must not shift under a manager.
An edited reply to the commitment question rewrites the commitment: it is the person's own.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from bot import checkin_messages as say
from bot.commands.grammar_commitments import split_due
from bot.context import Context
from bot.domain import PromptKind
from bot.messages import Para, Reply
from bot.self_assessment import RATED_KINDS, behaviours_of, read_picks
from storage.commitments import Commitment
from storage.models import Answer, Checkin

RATING = re.compile(r"^\s*([1-5])(?:\s*/\s*5)?\b")


def apply_edit(ctx: Context, *, message_id: str, text: str) -> list[Reply]:
    """An edited reply updates the answer it gave (rating questions still need 1–5)."""
    answer = ctx.session.scalar(
        select(Answer)
        .join(Checkin, Checkin.id == Answer.checkin_id)
        .where(Answer.message_id == message_id, Checkin.person_id == ctx.person.id)
    )
    if answer is None:
        return _edit_commitment(ctx, message_id=message_id, text=text)
    checkin = ctx.session.get_one(Checkin, answer.checkin_id)
    return revise(
        ctx, checkin, answer, text=text, key=f"edit:{message_id}:{say.event_key(ctx.now.isoformat(), text)}"
    )


def still_counts(ctx: Context, checkin: Checkin) -> bool:
    """Whether a change may still reach the results: the window is open and no digest was written."""
    digested = checkin.run is not None and checkin.run.digest_sent_at is not None
    return ctx.now < checkin.closes_at and not digested and checkin.state != "missed"


def revise(ctx: Context, checkin: Checkin, answer: Answer, *, text: str, key: str) -> list[Reply]:
    """Change an answer, or after the window keep the change for the person's record; say which."""
    t, session = ctx.t, ctx.session
    number = answer.question + 1
    cleaned = text.strip()
    if not cleaned:
        say.note(
            session,
            checkin,
            ctx.person,
            key,
            t._("I kept your earlier answer: an empty reply is not an answer."),
            ctx.now,
        )
        return []
    if not still_counts(ctx, checkin):
        answer.revised_text, answer.revised_at = cleaned, ctx.now
        say.note(
            session,
            checkin,
            ctx.person,
            key,
            t._(
                "This check-in had already closed, so I kept your change to question {number} for your own "
                "record only; the team results stay as they were.",
                number=number,
            ),
            ctx.now,
        )
        return []
    prompt = ctx.library.asked(answer.prompt_id, answer.prompt_version)
    if prompt.kind in RATED_KINDS:
        match = RATING.match(cleaned)
        if match is None:
            note = t._("I kept your earlier rating: an edit needs a number from 1 to 5.")
            say.note(session, checkin, ctx.person, key, note, ctx.now)
            return []
        answer.rating = int(match.group(1))
    elif prompt.kind is PromptKind.CHECKLIST:
        picks = read_picks(cleaned, behaviours_of(ctx.library, prompt))
        if picks is None:
            note = t._("I kept your earlier picks: an edit needs numbers from the list, like `1 3`.")
            say.note(session, checkin, ctx.person, key, note, ctx.now)
            return []
        answer.picks = picks
    answer.text, answer.updated_at, answer.skipped = cleaned, ctx.now, False
    say.note(
        session,
        checkin,
        ctx.person,
        key,
        t._("Updated your answer to question {number}.", number=number),
        ctx.now,
    )
    return []


def _edit_commitment(ctx: Context, *, message_id: str, text: str) -> list[Reply]:
    """An edited reply to the commitment question rewrites that commitment (its due day stays)."""
    commitment = ctx.session.scalar(
        select(Commitment).where(Commitment.message_id == message_id, Commitment.owner_id == ctx.person.id)
    )
    cleaned = split_due(text)[0]
    if commitment is None or not cleaned:
        return []
    commitment.text, commitment.updated_at = cleaned, ctx.now
    return [Reply((Para(ctx.t._("Updated commitment #{number}.", number=commitment.number)),))]
