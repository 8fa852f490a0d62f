"""The check-in conversation: reading replies as answers, button presses, not answering.

Opening a check-in is :mod:`bot.checkin_opening`.

Only a check-in's own thread (or a top-level direct message while one is open) takes answers.
A reply in a digest's thread, another bot message's thread or a closed check-in's thread is
never stored. Everything the conversation says goes through the outbox with a key derived from
the check-in and the inbound message it answers, so replaying an event never doubles anything.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from bot import checkin_messages as say
from bot import commitment_conversation, commitment_messages, commitments
from bot.checkin_actions import act, finish, is_open, latest_open, no_open_checkin, reply, snooze_checkin
from bot.checkin_edits import RATING, apply_edit, revise, still_counts
from bot.checkin_words import DEFAULT_SNOOZE, Word, read_word
from bot.commands import CommandError, NeedsForm, parse
from bot.commands import ast as A
from bot.context import Context
from bot.domain import PromptKind
from bot.messages import Reply
from bot.self_assessment import PICK_PREFIX, RATED_KINDS, answer_text, behaviours_of, read_picks, toggled
from storage.models import Answer, Checkin, OutboxMessage

__all__ = [
    "RATING",
    "apply_choice",
    "apply_edit",
    "apply_message",
    "decline",
    "skip_question",
    "snooze",
]

ACKNOWLEDGED_KINDS = frozenset({"digest", "update"})
"""Bot messages whose threads get a quiet acknowledgement: people thank their team under a digest."""


# -- replies -----------------------------------------------------------------------------------------


def apply_message(
    ctx: Context, *, text: str, thread: str | None, direct: bool, message_id: str
) -> list[Reply] | None:
    """Handle a message that belongs to a check-in (or to another bot thread); None if it does not."""
    if thread is not None:
        return _thread_reply(ctx, text=text, thread=thread, direct=direct, message_id=message_id)
    if not direct:
        return None
    word = read_word(text)
    if word is not None:  # `skip`, `pass`, `later`… act on the open check-in, never become answers
        checkin = latest_open(ctx)
        return no_open_checkin(ctx) if checkin is None else _act(ctx, checkin, word)
    if text.strip() and _is_command(text):  # `status` at top level stays a command; thread replies answer
        return None
    checkin = latest_open(ctx)
    if checkin is None:
        # A bare rating with nothing open to rate (the check-in closed, or was erased): say so rather
        # than read "4" as a command nobody knows.
        return _nothing_to_answer(ctx) if LONE_RATING.match(text) else None
    return _answer(ctx, checkin, text=text, message_id=message_id)


LONE_RATING = re.compile(r"^\s*[0-9]+(?:\s*/\s*[0-9]+)?\s*$")


def _nothing_to_answer(ctx: Context) -> list[Reply]:
    return reply(
        ctx.t._(
            "You have no open check-in, so I did not keep that as an answer. `status` shows when the next"
            " one comes."
        )
    )


def _thread_reply(
    ctx: Context, *, text: str, thread: str, direct: bool, message_id: str
) -> list[Reply] | None:
    """A reply in a thread: only a check-in's own thread takes answers, and only while it is open.

    A thread reply is never a command: in a direct chat, a thread we do not know (a message since
    erased by `privacy delete`, a person's own message) gets the same short note as another bot
    message's thread; in a channel it is none of our business.
    """
    base = select(Checkin).where(Checkin.person_id == ctx.person.id)
    checkin = ctx.session.scalar(base.where(Checkin.thread == thread).limit(1))
    if checkin is None:
        posted = ctx.session.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.person_id == ctx.person.id, OutboxMessage.platform_message_id == thread)
            .limit(1)
        )
        if posted is None and not direct:
            return None
        if posted is not None and posted.checkin_id is not None:
            checkin = ctx.session.get(Checkin, posted.checkin_id)
        elif posted is not None and posted.kind in ACKNOWLEDGED_KINDS:
            return reply(ctx.t._("Thanks — replies here stay with you; nobody else sees them."))
        if checkin is None:
            return reply(
                ctx.t._(
                    "This thread does not take answers, so I did not keep your reply. "
                    "Check-in questions are answered in the check-in's own thread."
                )
            )
    if not is_open(checkin, ctx.now):
        _closed_note(ctx, checkin, key=message_id)
        return []
    word = read_word(text)
    if word is not None:
        return _act(ctx, checkin, word)
    return _answer(ctx, checkin, text=text, message_id=message_id)


def _act(ctx: Context, checkin: Checkin, word: Word) -> list[Reply]:
    """A not-answering word; on a follow-up or the commitment question it means passing on that."""
    if isinstance(word, A.SkipQuestion | A.Decline) and commitments.awaiting_commitment(checkin):
        return commitment_conversation.no_commitment(ctx, checkin)
    if isinstance(word, A.SkipQuestion):
        pending = commitments.pending_followup(ctx.session, checkin)
        if pending is not None:
            return commitment_conversation.skip_followup(ctx, checkin, pending)
    return act(ctx, checkin, word)


def _closed_note(ctx: Context, checkin: Checkin, *, key: str) -> None:
    t = ctx.t
    if checkin.state == "done" and ctx.now < checkin.closes_at:
        text = t._("You have answered every question of this check-in. To change an answer, edit your reply.")
    else:
        text = t._("This check-in has closed, so I did not keep this reply as an answer.")
    say.note(ctx.session, checkin, ctx.person, key, text, ctx.now)


def _answer(ctx: Context, checkin: Checkin, *, text: str, message_id: str) -> list[Reply]:
    if not text.strip():
        say.note(
            ctx.session,
            checkin,
            ctx.person,
            message_id,
            ctx.t._(
                "An empty reply is not an answer. Write a few words, or `skip` to pass over this question."
            ),
            ctx.now,
        )
        return []
    pending = commitments.pending_followup(ctx.session, checkin)
    if pending is not None:
        return commitment_conversation.answer_followup(ctx, checkin, pending, text=text, key=message_id)
    if commitments.awaiting_commitment(checkin):
        return commitment_conversation.record_reply(
            ctx, checkin, text=text, message_id=message_id, key=message_id
        )
    return record_answer(
        ctx, checkin, index=checkin.current_question, text=text, message_id=message_id, key=message_id
    )


def _is_command(text: str) -> bool:
    try:
        return parse(text) is not None
    except CommandError as exc:
        return isinstance(exc, NeedsForm)


def record_answer(
    ctx: Context, checkin: Checkin, *, index: int, text: str, message_id: str | None, key: str
) -> list[Reply]:
    """Store the answer to question ``index`` of an open check-in and ask the next one (or thank)."""
    session, person, now = ctx.session, ctx.person, ctx.now
    total = len(checkin.prompt_ids_asked)
    if index >= total:
        _closed_note(ctx, checkin, key=key)
        return []
    prompt = say.prompt_of(ctx.library, checkin, index)
    rating, picks = None, None
    if prompt.kind in RATED_KINDS:
        match = RATING.match(text)
        if match is None:
            hint = ctx.t._("That one needs a number from 1 to 5 — could you reply with one, or `skip` it?")
            say.note(session, checkin, person, key, hint, now)
            return []
        rating = int(match.group(1))
    elif prompt.kind is PromptKind.CHECKLIST:
        behaviours = behaviours_of(ctx.library, prompt)
        picks = read_picks(text, behaviours)
        if picks is None:
            hint = ctx.t._(
                "Pick with numbers from 1 to {count}, like `1 3`, or say `none` — or `skip` this one.",
                count=len(behaviours),
            )
            say.note(session, checkin, person, key, hint, now)
            return []
    session.add(
        Answer(
            checkin_id=checkin.id,
            question=index,
            prompt_id=prompt.id,
            prompt_version=prompt.version,
            text=text.strip(),
            rating=rating,
            picks=picks,
            message_id=message_id,
            created_at=now,
        )
    )
    checkin.current_question = index + 1
    if checkin.current_question < total:
        session.flush()
        say.ask(session, ctx.library, checkin, person, now=now)
        return []
    return finish(ctx, checkin)


def apply_choice(ctx: Context, *, value: str, message_id: str | None) -> list[Reply]:
    """A button press: the current question gets that answer; an earlier one is changed (a
    commitment's follow-up buttons are :func:`bot.commitment_conversation.apply_choice`)."""
    t = ctx.t
    if value.startswith(commitment_messages.CHOICE_PREFIX):
        return commitment_conversation.apply_choice(ctx, value)
    head, _, last = value.rpartition(":")
    if last.startswith(PICK_PREFIX):
        return _pick(ctx, head, last.removeprefix(PICK_PREFIX), message_id=message_id)
    try:
        checkin_id, index, choice = (int(x) for x in value.split(":"))
    except ValueError:
        return reply(t._("That button is no longer valid."))
    checkin = ctx.session.get(Checkin, checkin_id)
    if checkin is None or checkin.person_id != ctx.person.id or not 1 <= choice <= 5:
        return reply(t._("That button is not for you."))
    existing = ctx.session.scalar(
        select(Answer).where(Answer.checkin_id == checkin.id, Answer.question == index)
    )
    key = f"choice:{value}:{say.event_key(ctx.now.isoformat())}"
    if existing is not None:  # a change of mind, also about a skipped question
        return revise(ctx, checkin, existing, text=str(choice), key=key)
    if not is_open(checkin, ctx.now):
        _closed_note(ctx, checkin, key=key)
        return []
    if index != checkin.current_question:
        return reply(t._("Please answer the questions in order — this one comes later."))
    return record_answer(ctx, checkin, index=index, text=str(choice), message_id=message_id, key=key)


def _pick(ctx: Context, head: str, number: str, *, message_id: str | None) -> list[Reply]:
    """A checklist button: the first press answers with that behaviour, later ones add or take back."""
    t = ctx.t
    try:
        checkin_id, index = (int(x) for x in head.split(":"))
        n = int(number)
    except ValueError:
        return reply(t._("That button is no longer valid."))
    checkin = ctx.session.get(Checkin, checkin_id)
    if (
        checkin is None
        or checkin.person_id != ctx.person.id
        or not 0 <= index < len(checkin.prompt_ids_asked)
    ):
        return reply(t._("That button is not for you."))
    prompt = say.prompt_of(ctx.library, checkin, index)
    behaviours = behaviours_of(ctx.library, prompt)
    if prompt.kind is not PromptKind.CHECKLIST or not 1 <= n <= len(behaviours):
        return reply(t._("That button is no longer valid."))
    key = f"pick:{checkin_id}:{index}:{n}:{say.event_key(ctx.now.isoformat())}"
    existing = ctx.session.scalar(
        select(Answer).where(Answer.checkin_id == checkin.id, Answer.question == index)
    )
    if existing is None:
        if not is_open(checkin, ctx.now):
            _closed_note(ctx, checkin, key=key)
            return []
        if index != checkin.current_question:
            return reply(t._("Please answer the questions in order — this one comes later."))
        return record_answer(ctx, checkin, index=index, text=str(n), message_id=message_id, key=key)
    if not still_counts(ctx, checkin):
        _closed_note(ctx, checkin, key=key)
        return []
    existing.picks = toggled([str(p) for p in existing.picks or []], behaviours[n - 1].id)
    existing.text = " ".join(str(behaviours.index(b) + 1) for b in behaviours if b.id in existing.picks)
    existing.skipped, existing.updated_at = False, ctx.now
    picked = answer_text(ctx.library, existing, t, ctx.person.locale)
    say.note(ctx.session, checkin, ctx.person, key, t._("Your picks now: {picks}", picks=picked), ctx.now)
    return []


# -- not answering, typed as commands: `skip`, `skip all` / `pass`, `later` / `snooze 2h` -------------


def skip_question(ctx: Context, cmd: A.SkipQuestion) -> list[Reply]:
    """`skip`: pass over the current question of my most recently opened open check-in."""
    checkin = latest_open(ctx)
    return no_open_checkin(ctx) if checkin is None else _act(ctx, checkin, cmd)


def decline(ctx: Context, cmd: A.Decline) -> list[Reply]:
    """`skip all` / `pass`: end my open check-in as declined; no more reminders."""
    checkin = latest_open(ctx)
    return no_open_checkin(ctx) if checkin is None else _act(ctx, checkin, cmd)


def snooze(ctx: Context, cmd: A.Snooze) -> list[Reply]:
    """`later` / `snooze 2h`: move the next reminder of my open check-in (never past its window)."""
    checkin = latest_open(ctx)
    if checkin is None:
        return no_open_checkin(ctx)
    return snooze_checkin(ctx, checkin, cmd.delay or DEFAULT_SNOOZE)
