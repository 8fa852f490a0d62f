"""The check-in conversation: nudge, one question at a time, answers, edits and button presses.

Everything a check-in says goes through the outbox with a key derived from the
check-in and the inbound message it answers, so replaying an event or a tick can
never produce a second copy.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox, people
from bot.commands import CommandError, NeedsForm, parse
from bot.context import Context
from bot.domain import PromptKind
from bot.messages import Choice, Choices, Para, Part, Quote, Reply
from bot.prompts import Prompt, PromptLibrary
from bot.rotation import run_for
from bot.schedule import add_working_time, end_of_quiet_hours
from storage.models import Answer, Cadence, CadenceRun, Checkin, Person

RATING = re.compile(r"^\s*([1-5])(?:\s*/\s*5)?\b")


def open_checkin(
    session: Session,
    library: PromptLibrary,
    *,
    cadence: Cadence,
    person: Person,
    role: str,
    occurrence_date: date,
    now: datetime,
) -> Checkin | None:
    """Record a check-in and queue its nudge and first question; None if this occurrence exists."""
    existing = session.scalar(
        select(Checkin.id).where(
            Checkin.cadence_id == cadence.id,
            Checkin.person_id == person.id,
            Checkin.occurrence_date == occurrence_date,
        )
    )
    if existing is not None:
        return None
    run = run_for(session, library, cadence, occurrence_date, role)
    policy = people.policy_for(session, person)
    send_at = end_of_quiet_hours(now, policy)
    closes_at = send_at + timedelta(minutes=cadence.window_minutes)
    reminder_at = None
    if cadence.reminder_max > 0:
        candidate = add_working_time(send_at, timedelta(minutes=cadence.reminder_after_minutes), policy)
        reminder_at = candidate if candidate < closes_at else None
    checkin = Checkin(
        cadence_id=cadence.id,
        run_id=run.id,
        person_id=person.id,
        occurrence_date=occurrence_date,
        role=role,
        anonymous=cadence.anonymous and role == "member",
        opened_at=send_at,
        closes_at=closes_at,
        next_reminder_at=reminder_at,
    )
    session.add(checkin)
    session.flush()
    outbox.enqueue(
        session,
        key=f"nudge:{checkin.id}",
        person=person,
        kind="nudge",
        now=now,
        not_before=send_at,
        checkin=checkin,
        opens_thread=True,
        parts=_nudge(session, library, checkin, cadence, person, run),
    )
    _ask(session, library, checkin, person, now=now, not_before=send_at)
    return checkin


def _nudge(
    session: Session,
    library: PromptLibrary,
    checkin: Checkin,
    cadence: Cadence,
    person: Person,
    run: CadenceRun,
) -> tuple[Part, ...]:
    count = len(run.prompt_ids)
    parts: list[Part] = [
        Para(
            f"Hi {person.display_name}! Time for *{cadence.name}*: {count} short question"
            f"{'s' if count != 1 else ''}. Reply to each one as it arrives."
        )
    ]
    if checkin.role == "member":
        threshold = person.workspace.threshold
        manager = cadence.team.manager.display_name
        parts.append(
            Para(
                f"Your answers are anonymous: {manager} only sees totals, and only when "
                f"at least {threshold} people have answered."
                if checkin.anonymous
                else f"This check-in is not anonymous: {manager} sees your written answers "
                "with your name. Ratings are only ever shown as team totals."
            )
        )
    commitments = _last_commitments(session, library, checkin)
    if commitments:
        parts.append(Para("Last time you said you would:"))
        parts.extend(Quote(text) for text in commitments)
        parts.append(Para("Keep that in mind as you answer — how did it go?"))
    return tuple(parts)


def _last_commitments(session: Session, library: PromptLibrary, checkin: Checkin) -> list[str]:
    """Answers to commitment prompts in this person's previous check-in of the same cadence."""
    previous = session.scalar(
        select(Checkin)
        .where(
            Checkin.cadence_id == checkin.cadence_id,
            Checkin.person_id == checkin.person_id,
            Checkin.id != checkin.id,
        )
        .order_by(Checkin.occurrence_date.desc())
        .limit(1)
    )
    if previous is None:
        return []
    answers = session.scalars(select(Answer).where(Answer.checkin_id == previous.id)).all()
    return [a.text for a in answers if "commit" in a.prompt_id and a.text.strip()]


def _prompt(library: PromptLibrary, checkin: Checkin, index: int) -> Prompt:
    return library.get(checkin.run.prompt_ids[index])


def _ask(
    session: Session,
    library: PromptLibrary,
    checkin: Checkin,
    person: Person,
    *,
    now: datetime,
    not_before: datetime | None = None,
) -> None:
    index = checkin.current_question
    total = len(checkin.run.prompt_ids)
    prompt = _prompt(library, checkin, index)
    parts: list[Part] = [Para(f"*{index + 1}/{total}* {prompt.text_for(person.locale)}")]
    if prompt.kind == PromptKind.RATING:
        parts.append(Para("_Reply with a number from 1 (low) to 5 (high), or press a button._"))
        parts.append(Choices(tuple(Choice(str(n), f"{checkin.id}:{index}:{n}") for n in range(1, 6))))
    outbox.enqueue(
        session,
        key=f"q:{checkin.id}:{index}",
        person=person,
        kind="question",
        now=now,
        not_before=not_before,
        checkin=checkin,
        in_thread=True,
        parts=tuple(parts),
    )


def _note(session: Session, checkin: Checkin, person: Person, key: str, text: str, now: datetime) -> None:
    outbox.enqueue(
        session,
        key=f"note:{checkin.id}:{key}",
        person=person,
        kind="notice",
        now=now,
        checkin=checkin,
        in_thread=True,
        parts=(Para(text),),
    )


def _find_checkin(ctx: Context, thread: str | None, direct: bool) -> Checkin | None:
    base = select(Checkin).where(Checkin.person_id == ctx.person.id)
    if thread is not None:
        found = ctx.session.scalar(base.where(Checkin.thread == thread))
        if found is not None or not direct:
            return found
    if not direct:
        return None
    # A top-level direct message answers the most recently opened check-in still waiting for answers.
    return ctx.session.scalar(
        base.where(Checkin.state == "open", Checkin.opened_at <= ctx.now)
        .order_by(Checkin.opened_at.desc())
        .limit(1)
    )


def apply_message(
    ctx: Context, *, text: str, thread: str | None, direct: bool, message_id: str
) -> list[Reply] | None:
    """Treat a message as a check-in answer if it belongs to one; None if it does not."""
    if thread is None and _is_command(text):  # `status` at top level stays a command; replies answer
        return None
    checkin = _find_checkin(ctx, thread, direct)
    if checkin is None:
        return None
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
    session, person, now = ctx.session, ctx.person, ctx.now
    total = len(checkin.run.prompt_ids)
    if index >= total:
        _note(
            session,
            checkin,
            person,
            key,
            "You have answered every question of this check-in. To change an answer, edit your reply.",
            now,
        )
        return []
    prompt = _prompt(ctx.library, checkin, index)
    rating = None
    if prompt.kind == PromptKind.RATING:
        match = RATING.match(text)
        if match is None:
            _note(
                session,
                checkin,
                person,
                key,
                "That one needs a number from 1 to 5 — could you reply with one?",
                now,
            )
            return []
        rating = int(match.group(1))
    late = checkin.state != "open" or now >= checkin.closes_at
    session.add(
        Answer(
            checkin_id=checkin.id,
            question=index,
            prompt_id=prompt.id,
            text=text.strip(),
            rating=rating,
            message_id=message_id,
            late=late,
            created_at=now,
        )
    )
    checkin.current_question = index + 1
    if late:
        _note(
            session,
            checkin,
            person,
            key,
            "This check-in closed before your answer arrived. I kept it as a "
            "late answer for your own record; it is not part of the team results.",
            now,
        )
        return []
    checkin.next_reminder_at = None if checkin.current_question >= total else checkin.next_reminder_at
    if checkin.current_question < total:
        _ask(session, ctx.library, checkin, person, now=now)
    else:
        checkin.state, checkin.next_reminder_at = "done", None
        session.flush()
        outbox.enqueue(
            session,
            key=f"thanks:{checkin.id}",
            person=person,
            kind="thanks",
            now=now,
            checkin=checkin,
            in_thread=True,
            parts=summary(session, ctx.library, checkin, person),
        )
    return []


def summary(session: Session, library: PromptLibrary, checkin: Checkin, person: Person) -> tuple[Part, ...]:
    parts: list[Part] = [Para("Thank you, that's everything. Here is what you shared:")]
    answers = session.scalars(select(Answer).where(Answer.checkin_id == checkin.id).order_by(Answer.question))
    for answer in answers:
        parts.append(Para(f"*{library.get(answer.prompt_id).text_for(person.locale)}*"))
        parts.append(Quote(answer.text))
    parts.append(Para("_Edit any reply above to change an answer._"))
    return tuple(parts)


def apply_edit(ctx: Context, *, message_id: str, text: str) -> list[Reply]:
    """An edited reply updates the answer it gave (rating questions still need 1–5)."""
    answer = ctx.session.scalar(
        select(Answer)
        .join(Checkin, Checkin.id == Answer.checkin_id)
        .where(Answer.message_id == message_id, Checkin.person_id == ctx.person.id)
    )
    if answer is None:
        return []
    if library_kind(ctx.library, answer.prompt_id) == PromptKind.RATING:
        match = RATING.match(text)
        if match is None:
            checkin = ctx.session.get_one(Checkin, answer.checkin_id)
            _note(
                ctx.session,
                checkin,
                ctx.person,
                f"edit:{message_id}:{ctx.now.timestamp()}",
                "I kept your earlier rating: an edit needs a number from 1 to 5.",
                ctx.now,
            )
            return []
        answer.rating = int(match.group(1))
    answer.text, answer.updated_at = text.strip(), ctx.now
    return []


def library_kind(library: PromptLibrary, prompt_id: str) -> PromptKind:
    return library.get(prompt_id).kind


def apply_choice(ctx: Context, *, value: str, message_id: str | None) -> list[Reply]:
    """A button press: the current question gets that answer; an earlier one is changed."""
    try:
        checkin_id, index, choice = (int(x) for x in value.split(":"))
    except ValueError:
        return [Reply((Para("That button is no longer valid."),))]
    checkin = ctx.session.get(Checkin, checkin_id)
    if checkin is None or checkin.person_id != ctx.person.id or not 1 <= choice <= 5:
        return [Reply((Para("That button is not for you."),))]
    existing = ctx.session.scalar(
        select(Answer).where(Answer.checkin_id == checkin.id, Answer.question == index)
    )
    if existing is not None:
        existing.rating, existing.text, existing.updated_at = choice, str(choice), ctx.now
        return []
    if index != checkin.current_question:
        return [Reply((Para("Please answer the questions in order — this one comes later."),))]
    return record_answer(
        ctx, checkin, index=index, text=str(choice), message_id=message_id, key=f"choice:{value}"
    )


# -- not answering: typed as commands (`skip`, `skip all`, `snooze 2h`) or words in the thread ---------


def skip_question(ctx: Context, cmd: object) -> list[Reply]:
    """`skip`: pass over the current question of the open check-in (to be implemented)."""
    raise NotImplementedError


def decline(ctx: Context, cmd: object) -> list[Reply]:
    """`skip all` / `pass`: end the open check-in as declined (to be implemented)."""
    raise NotImplementedError


def snooze(ctx: Context, cmd: object) -> list[Reply]:
    """`later` / `snooze 2h`: move the next reminder (to be implemented)."""
    raise NotImplementedError
