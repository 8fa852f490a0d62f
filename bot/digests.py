"""The manager's digest: one message per cadence run, aggregates only, threshold applied."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox, privacy
from bot.domain import PromptKind
from bot.messages import Para, Part, Quote
from bot.prompts import PromptLibrary
from storage.models import Answer, Cadence, CadenceRun, Checkin, Digest, Person, ScheduleSlot, TeamMember


def send_ready(session: Session, library: PromptLibrary, *, now: datetime) -> int:
    """Write the digest of every member run whose answer window has closed for everyone.

    A run is only over when no check-in of it is still within its window *and* nobody
    in a later time zone is still waiting to be nudged for that date; finished
    check-ins alone do not end it, or the first zone to answer would get a digest of one.
    """
    still_open = select(Checkin.id).where(Checkin.run_id == CadenceRun.id, Checkin.closes_at > now)
    still_due = select(ScheduleSlot.id).where(
        ScheduleSlot.cadence_id == CadenceRun.cadence_id,
        ScheduleSlot.role == CadenceRun.role,
        ScheduleSlot.next_local_date == CadenceRun.occurrence_date,
        ScheduleSlot.next_due_at.is_not(None),
    )
    runs = session.scalars(
        select(CadenceRun).where(
            CadenceRun.role == "member",
            CadenceRun.digest_sent_at.is_(None),
            ~still_open.exists(),
            ~still_due.exists(),
        )
    ).all()
    sent = 0
    for run in runs:
        checkins = session.scalars(select(Checkin).where(Checkin.run_id == run.id)).all()
        if not checkins:
            continue
        cadence = session.get_one(Cadence, run.cadence_id)
        manager = cadence.team.manager
        parts = build(session, library, cadence, run, checkins, locale=manager.locale)
        run.digest_sent_at = now
        session.add(
            Digest(run_id=run.id, manager_id=manager.id, created_at=now, parts=outbox.encode_parts(parts))
        )
        outbox.enqueue(session, key=f"digest:{run.id}", person=manager, kind="digest", now=now, parts=parts)
        sent += 1
    return sent


def build(
    session: Session,
    library: PromptLibrary,
    cadence: Cadence,
    run: CadenceRun,
    checkins: Sequence[Checkin],
    *,
    locale: str,
) -> tuple[Part, ...]:
    k = privacy.effective_threshold(cadence.team.manager.workspace.threshold)
    ids = [c.id for c in checkins]
    answers = session.scalars(select(Answer).where(Answer.checkin_id.in_(ids), Answer.late.is_(False))).all()
    answered = len({a.checkin_id for a in answers})
    parts: list[Part] = [Para(f"*{cadence.label}* — team results for {run.occurrence_date:%a %d %b %Y}")]
    counts = privacy.participation(answered, len(checkins), k=k)
    if counts is None or answered < k:
        parts.append(
            Para(
                f"Fewer than {k} people answered this time, so the answers stay private. "
                "Results appear once enough people take part."
            )
        )
        parts.extend(_needs_app(session, cadence))
        return tuple(parts)
    parts.append(Para(f"{counts[0]} of {counts[1]} people answered."))
    attributed = not any(c.anonymous for c in checkins)
    names = {c.id: c.person.display_name for c in checkins}
    for index, prompt_id in enumerate(run.prompt_ids):
        prompt = library.get(prompt_id)
        given = [a for a in answers if a.question == index]
        parts.append(Para(f"*{prompt.text_for(locale)}*"))
        if prompt.kind == PromptKind.RATING:
            summary = privacy.rating_summary([a.rating for a in given if a.rating is not None], k=k)
            if summary is None:
                parts.append(Para(f"_Fewer than {k} answers — not shown._"))
            else:
                bars = "  ".join(f"{n}: {c}" for n, c in enumerate(summary.distribution, start=1))
                parts.append(Para(f"Average {summary.mean:.1f} / 5 from {summary.count} answers ({bars})"))
        elif attributed:
            parts.extend(Quote(f"{names[a.checkin_id]}: {a.text}") for a in given if a.text.strip())
        else:
            # K people must have *written* something: blank replies do not hide the writers.
            comments = privacy.anonymous_comments([a.text for a in given if a.text.strip()], k=k)
            if comments is None:
                parts.append(Para(f"_Fewer than {k} answers — not shown._"))
            else:
                parts.extend(Quote(text) for text in comments)
    parts.extend(_needs_app(session, cadence))
    return tuple(parts)


def _needs_app(session: Session, cadence: Cadence) -> list[Part]:
    """Operational, not evaluative: who cannot receive check-ins until they install the app."""
    waiting = session.scalars(
        select(Person.display_name)
        .join(TeamMember, TeamMember.person_id == Person.id)
        .where(TeamMember.team_id == cadence.team_id, Person.reachable.is_(False))
    ).all()
    if not waiting:
        return []
    return [Para("Still need to install the app before they can take part: " + ", ".join(sorted(waiting)))]
