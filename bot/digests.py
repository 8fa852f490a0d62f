"""The team digest: one per cadence run, aggregates only, every rule from bot.visibility.

When a run's window has closed for everyone, its results are computed once and stored as numbers
(:mod:`bot.aggregates`); each of the team's leads is then sent them rendered in their own language
and queued for their next working moment, like nudges: a window that closes at night does not wake
anyone. App Home and exports render the same stored numbers again for whoever may see them. Every
comment carries its writer's id (``Quote.author``, never shown) so that ``privacy delete`` can
take it out of the stored digest and of the messages already sent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot import outbox, visibility, working_hours
from bot.aggregates import RunAggregate, aggregate_run, authors_in
from bot.domain import PromptAudience, PromptKind
from bot.i18n import Tr, tr
from bot.messages import Para, Part, Quote
from bot.prompts import PromptLibrary
from bot.schedule import next_working_moment
from bot.visibility import Sight
from storage.models import Cadence, CadenceRun, Checkin, Digest, Person, ScheduleSlot


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
        CadenceRun.role == PromptAudience.MEMBER,
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
        aggregate = aggregate_run(session, library, cadence, run, checkins)
        run.digest_sent_at = now
        session.add(Digest(run_id=run.id, created_at=now, aggregate=aggregate.to_json()))
        for lead in visibility.results_viewers(session, cadence.team):
            outbox.enqueue(
                session,
                key=f"digest:{run.id}:{lead.id}",
                person=lead,
                kind="digest",
                now=now,
                not_before=next_working_moment(now, working_hours.policy_for(session, lead)),
                parts=render(session, library, cadence, run, aggregate, viewer=lead),
            )
        sent += 1
    return sent


def shown_to(session: Session, library: PromptLibrary, digest: Digest, *, viewer: Person) -> tuple[Part, ...]:
    """A stored digest as the viewer may see it, in their language (as it was sent, if it was
    written before results were stored as numbers)."""
    if digest.aggregate is None:
        return outbox.decode_parts(digest.parts or [])
    run = session.get_one(CadenceRun, digest.run_id)
    cadence = session.get_one(Cadence, run.cadence_id)
    aggregate = RunAggregate.from_json(digest.aggregate)
    return render(session, library, cadence, run, aggregate, viewer=viewer)


def render(
    session: Session,
    library: PromptLibrary,
    cadence: Cadence,
    run: CadenceRun,
    aggregate: RunAggregate,
    *,
    viewer: Person,
) -> tuple[Part, ...]:
    """The digest's text for one viewer, in their language, showing only what they may see."""
    t = tr(viewer.locale)
    standings = visibility.standings_toward_team(session, viewer, cadence.team)
    k = aggregate.k
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
    shown = visibility.participation(standings, aggregate.respondents, aggregate.invited, k=k, closed=True)
    if shown is None or not visibility.may_see(standings, Sight.RESULTS, count=aggregate.respondents, k=k):
        parts.append(
            Para(
                t._(
                    "Fewer than {k} people answered this time, so the answers stay private. "
                    "Results appear once enough people take part.",
                    k=t.number(k),
                )
            )
        )
        parts.extend(_needs_app(session, aggregate, viewer))
        return tuple(parts)
    parts.append(
        Para(
            t.n_(
                "{answered} of {count} person answered.",
                "{answered} of {count} people answered.",
                aggregate.invited,
                answered=t.number(aggregate.respondents),
            )
        )
    )
    names = authors_in(session, aggregate)
    hidden = t._("_Fewer than {k} answers — not shown._", k=t.number(k))
    for result in aggregate.prompts:
        asked = library.asked(result.prompt_id, result.version)
        if not visibility.shareable(asked):  # a private self-rating never reaches a digest
            continue
        parts.append(Para(f"*{asked.text_for(viewer.locale)}*"))
        if result.kind == PromptKind.CHECKLIST:
            if result.picks is None or not visibility.may_see(
                standings, Sight.RESULTS, count=result.answers, k=k
            ):
                parts.append(Para(hidden))
                continue
            parts.append(Para(_tally(library, result.picks, t, viewer.locale)))
            continue
        if result.kind == PromptKind.RATING:
            if (
                result.distribution is None
                or result.mean is None
                or not visibility.may_see(standings, Sight.RESULTS, count=result.answers, k=k)
            ):
                parts.append(Para(hidden))
                continue
            bars = "  ".join(f"{n}: {t.number(c)}" for n, c in enumerate(result.distribution, start=1))
            parts.append(
                Para(
                    t.n_(
                        "Average {mean} / 5 from {count} answer ({bars})",
                        "Average {mean} / 5 from {count} answers ({bars})",
                        result.answers,
                        mean=t.number(result.mean, digits=1),
                        bars=bars,
                    )
                )
            )
            continue
        if result.comments is None:
            parts.append(Para(hidden))
            continue
        for comment in result.comments:
            if aggregate.named:
                name = names.get(comment.author, "")
                parts.append(
                    Quote(t._("{name}: {text}", name=name, text=comment.text), author=comment.author)
                )
            else:
                parts.append(Quote(comment.text, author=comment.author))
    parts.extend(_needs_app(session, aggregate, viewer))
    return tuple(parts)


def _tally(library: PromptLibrary, picks: dict[str, int], t: Tr, locale: str | None) -> str:
    """How many picked each behaviour of a checklist, most picked first."""
    if not picks:
        return t._("Nobody picked any of these.")
    lines = []
    for behaviour_id, count in sorted(picks.items(), key=lambda item: -item[1]):
        behaviour = library.competencies.behaviour(behaviour_id)
        name = behaviour.text_for(locale) if behaviour else behaviour_id
        lines.append(t._("• {behaviour}: {count}", behaviour=name, count=t.number(count)))
    return "\n".join(lines)


def _needs_app(session: Session, aggregate: RunAggregate, viewer: Person) -> list[Part]:
    """Operational, not evaluative: who could not receive the run's check-ins (no app installed)."""
    if not aggregate.unreachable:
        return []
    waiting = session.scalars(select(Person.display_name).where(Person.id.in_(aggregate.unreachable))).all()
    if not waiting:
        return []
    t = tr(viewer.locale)
    return [
        Para(
            t._(
                "Still need to install the app before they can take part: {names}",
                names=t.list(sorted(waiting)),
            )
        )
    ]


def visible_digests(
    session: Session, viewer: Person, *, limit: int
) -> list[tuple[Digest, CadenceRun, Cadence]]:
    """The latest stored digests of the teams whose results the viewer may see, newest first."""
    teams = [team.id for team in visibility.teams_whose_results(session, viewer)]
    if not teams:
        return []
    rows = session.execute(
        select(Digest, CadenceRun, Cadence)
        .join(CadenceRun, CadenceRun.id == Digest.run_id)
        .join(Cadence, Cadence.id == CadenceRun.cadence_id)
        .where(Cadence.team_id.in_(teams))
        .order_by(Digest.created_at.desc(), Digest.id.desc())
        .limit(limit)
    ).tuples()
    return list(rows)
