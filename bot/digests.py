"""The manager's digest: one message per cadence run, aggregates only, every rule from bot.privacy.

The digest is written in the manager's language, stored (App Home shows it) and queued for the
manager's next working moment, like nudges: a window that closes at night does not wake anyone.
Every quote of a person's words carries their id (``Quote.author``, never shown) so that
``privacy delete`` can take it out of the stored digest and of the message already sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot import outbox, people, privacy
from bot.domain import PromptKind
from bot.i18n import Tr, tr
from bot.messages import Para, Part, Quote
from bot.prompts import PromptLibrary
from bot.schedule import next_working_moment
from storage.models import Answer, Cadence, CadenceRun, Checkin, Digest, Person, ScheduleSlot, TeamMember


def ready_runs(*, now: datetime, claim: bool) -> Select[CadenceRun]:
    """Member runs without a digest whose every window has closed and nobody is still to be nudged."""
    still_open = select(Checkin.id).where(Checkin.run_id == CadenceRun.id, Checkin.closes_at > now)
    still_due = select(ScheduleSlot.id).where(
        ScheduleSlot.cadence_id == CadenceRun.cadence_id,
        ScheduleSlot.role == CadenceRun.role,
        ScheduleSlot.next_local_date == CadenceRun.occurrence_date,
        ScheduleSlot.next_due_at.is_not(None),
    )
    ready = select(CadenceRun).where(
        CadenceRun.role == "member",
        CadenceRun.digest_sent_at.is_(None),
        ~still_open.exists(),
        ~still_due.exists(),
    )
    return ready.with_for_update(skip_locked=True, of=CadenceRun) if claim else ready


def send_ready(session: Session, library: PromptLibrary, *, now: datetime, claim: bool = False) -> int:
    """Write the digest of every member run whose answer window has closed for everyone.

    A run is only over when no check-in of it is still within its window *and* nobody
    in a later time zone is still waiting to be nudged for that date; finished
    check-ins alone do not end it, or the first zone to answer would get a digest of one.

    With ``claim`` (PostgreSQL), each ready run is locked ``FOR UPDATE SKIP LOCKED``: replicas
    ticking at the same instant each write a different digest, never the same one twice.
    """
    ready = ready_runs(now=now, claim=claim)
    runs = session.scalars(ready).all()
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
        outbox.enqueue(
            session,
            key=f"digest:{run.id}",
            person=manager,
            kind="digest",
            now=now,
            not_before=next_working_moment(now, people.policy_for(session, manager)),
            parts=parts,
        )
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
    t = tr(locale)
    k = privacy.run_threshold(run, cadence.team.manager.workspace)
    ids = [c.id for c in checkins]
    answers = [
        a
        for a in session.scalars(select(Answer).where(Answer.checkin_id.in_(ids))).all()
        if privacy.counts(a)
    ]
    answered = privacy.respondents(answers)
    parts: list[Part] = [
        Para(
            t._(
                "*{cadence}* — results of team {team} for {date}",
                cadence=cadence.label,
                team=cadence.team.name,
                date=t.full_date(run.occurrence_date),
            )
        )
    ]
    counts = privacy.participation(answered, len(checkins), k=k, closed=True)
    if counts is None or not privacy.results(answered, k=k):
        parts.append(
            Para(
                t._(
                    "Fewer than {k} people answered this time, so the answers stay private. "
                    "Results appear once enough people take part.",
                    k=t.number(k),
                )
            )
        )
        parts.extend(_needs_app(session, cadence, t))
        return tuple(parts)
    parts.append(
        Para(
            t.n_(
                "{answered} of {count} person answered.",
                "{answered} of {count} people answered.",
                counts[1],
                answered=t.number(counts[0]),
            )
        )
    )
    named = privacy.attributed(checkins)
    by_checkin = {c.id: c for c in checkins}
    names = {c.person_id: c.person.display_name for c in checkins}
    hidden = t._("_Fewer than {k} answers — not shown._", k=t.number(k))
    for index, prompt_id in enumerate(run.prompt_ids):
        prompt = library.get(prompt_id)
        given = [a for a in answers if a.question == index]
        parts.append(Para(f"*{prompt.text_for(locale)}*"))
        if prompt.kind == PromptKind.RATING:
            summary = privacy.rating_summary([a.rating for a in given if a.rating is not None], k=k)
            if summary is None:
                parts.append(Para(hidden))
            else:
                bars = "  ".join(f"{n}: {t.number(c)}" for n, c in enumerate(summary.distribution, start=1))
                parts.append(
                    Para(
                        t.n_(
                            "Average {mean} / 5 from {count} answer ({bars})",
                            "Average {mean} / 5 from {count} answers ({bars})",
                            summary.count,
                            mean=t.number(summary.mean, digits=1),
                            bars=bars,
                        )
                    )
                )
            continue
        items = [(by_checkin[a.checkin_id].person_id, a.text) for a in given]
        shown = privacy.comments(items, k=k, named=named)
        if shown is None:
            parts.append(Para(hidden))
            continue
        for author, text in shown:
            if named:
                parts.append(Quote(t._("{name}: {text}", name=names[author], text=text), author=author))
            else:
                parts.append(Quote(text, author=author))
    parts.extend(_needs_app(session, cadence, t))
    return tuple(parts)


def _needs_app(session: Session, cadence: Cadence, t: Tr) -> list[Part]:
    """Operational, not evaluative: who cannot receive check-ins until they install the app."""
    waiting = session.scalars(
        select(Person.display_name)
        .join(TeamMember, TeamMember.person_id == Person.id)
        .where(TeamMember.team_id == cadence.team_id, Person.reachable.is_(False))
    ).all()
    if not waiting:
        return []
    return [
        Para(
            t._(
                "Still need to install the app before they can take part: {names}",
                names=t.list(sorted(waiting)),
            )
        )
    ]
