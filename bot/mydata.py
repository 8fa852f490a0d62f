"""`privacy` and `privacy export`: everything Coachbot keeps about the person asking.

That is their profile, teams, vacations, check-ins and answers; for a manager also the teams they
manage and those teams' digests (rendered from the stored results as bot.visibility lets them see
them); and whatever
the adapters keep (bot.holdings), which each adapter describes and exports itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import digests, relationships, visibility
from bot.events import Actor
from bot.holdings import Holding
from bot.i18n import tr
from bot.messages import Para, Part, plain_text
from bot.prompts import PromptLibrary
from storage.commitments import Commitment
from storage.models import Answer, Checkin, Person, Vacation
from storage.pathways import PersonPathway

DIGESTS_KEPT = 10_000
"""More digests than any team collects in decades: exports list all of them."""


def actor_of(person: Person) -> Actor:
    """How adapters know the person: the key for their holdings."""
    return Actor(person.workspace.platform, person.workspace.external_id, person.platform_id)


def _member_of(session: Session, person: Person) -> list[str]:
    return sorted(team.name for team in relationships.teams_of(session, person))


def _manages(session: Session, person: Person) -> list[str]:
    return sorted(team.name for team in relationships.teams_led_by(session, person))


def privacy_parts(session: Session, person: Person, holdings: Sequence[Holding] = ()) -> tuple[Part, ...]:
    t = tr(person.locale)
    checkins = session.scalar(select(func.count()).where(Checkin.person_id == person.id)) or 0
    answers = (
        session.scalar(
            select(func.count())
            .select_from(Answer)
            .join(Checkin, Checkin.id == Answer.checkin_id)
            .where(Checkin.person_id == person.id)
        )
        or 0
    )
    vacations = session.scalar(select(func.count()).where(Vacation.person_id == person.id)) or 0
    teams = _member_of(session, person)
    parts: list[Part] = [
        Para(t._("*What Coachbot stores about you*")),
        Para(
            t._(
                "Profile: name, time zone ({zone}), language ({locale}), and your chat id.",
                zone=person.timezone,
                locale=person.locale,
            )
        ),
        Para(
            t._("Teams: {teams}.", teams=t.list(teams))
            if teams
            else t._("Teams: none (an admin adds people to teams).")
        ),
        Para(
            t._(
                "Yours: {checkins}, {answers}, {vacations}.",
                checkins=t.n_("{count} check-in", "{count} check-ins", checkins),
                answers=t.n_("{count} answer", "{count} answers", answers),
                vacations=t.n_("{count} vacation", "{count} vacations", vacations),
            )
        ),
    ]
    managed = _manages(session, person)
    if managed:
        received = len(digests.visible_digests(session, person, limit=DIGESTS_KEPT))
        parts.append(
            Para(
                t._(
                    "Teams you manage: {teams}. Digests you received: {count} (kept for App Home).",
                    teams=t.list(managed),
                    count=t.number(received),
                )
            )
        )
    parts.extend(Para(h.describe(person.locale)) for h in holdings)
    parts.extend(
        [
            Para(
                t._(
                    "*Who sees what*: your own answers are shown only to you. In anonymous team check-ins "
                    "your manager sees totals and unattributed comments, and only when at least {k} people "
                    "answered; the threshold a check-in promised when it opened holds for its answers. "
                    "No one gets scores, rankings or sentiment about you.",
                    k=t.number(visibility.workspace_threshold(person.workspace)),
                )
            ),
            Para(
                t._(
                    "`privacy export` sends you all of it; `privacy delete` erases your check-ins, your "
                    "answers and your words quoted in digests."
                )
            ),
        ]
    )
    return tuple(parts)


def export(
    session: Session, person: Person, *, library: PromptLibrary, holdings: Sequence[Holding] = ()
) -> dict[str, Any]:
    """Everything, JSON-ready. Keys are stable English field names; texts are in the person's language."""
    checkins = session.scalars(
        select(Checkin).where(Checkin.person_id == person.id).order_by(Checkin.opened_at)
    )
    out: list[dict[str, Any]] = []
    for c in checkins:
        answers = session.scalars(select(Answer).where(Answer.checkin_id == c.id).order_by(Answer.question))
        out.append(
            {
                "cadence": c.cadence.label if c.cadence is not None else c.kind,
                "team": c.cadence.team.name if c.cadence is not None else None,
                "date": c.occurrence_date.isoformat(),
                "state": c.state,
                "anonymous": c.anonymous,
                "answers": [
                    {
                        "question": library.asked(a.prompt_id, a.prompt_version).text_for(person.locale),
                        "answer": a.text,
                        "picks": a.picks,
                        "rating": a.rating,
                        "skipped": a.skipped,
                        "late": a.late,
                        "revised": a.revised_text,
                        "revised_at": a.revised_at.isoformat() if a.revised_at else None,
                    }
                    for a in answers
                ],
            }
        )
    vacations = session.scalars(
        select(Vacation).where(Vacation.person_id == person.id).order_by(Vacation.start)
    )
    received = reversed(digests.visible_digests(session, person, limit=DIGESTS_KEPT))
    actor = actor_of(person)
    kept = {h.name: data for h in holdings if (data := h.export(actor)) is not None}
    return {
        "profile": {
            "id": person.platform_id,
            "name": person.display_name,
            "timezone": person.timezone,
            "locale": person.locale,
            "admin": person.is_admin,
        },
        "teams": _member_of(session, person),
        "manages": _manages(session, person),
        "vacations": [{"from": v.start.isoformat(), "to": v.end.isoformat()} for v in vacations],
        "pathways": [
            {
                "pathway": str(p.pathway),
                "from": p.starts.isoformat(),
                "until": p.ends.isoformat() if p.ends else None,
                "ended_early_at": p.cleared_at.isoformat() if p.cleared_at else None,
            }
            for p in session.scalars(
                select(PersonPathway).where(PersonPathway.person_id == person.id).order_by(PersonPathway.id)
            )
        ],
        "checkins": out,
        "digests_received": [
            {
                "cadence": cadence.label,
                "team": cadence.team.name,
                "date": run.occurrence_date.isoformat(),
                "sent_at": d.created_at.isoformat(),
                "text": plain_text(digests.shown_to(session, library, d, viewer=person)),
            }
            for d, run, cadence in received
        ],
        "commitments": [
            {
                "number": c.number,
                "text": c.text,
                "due": c.due.isoformat(),
                "status": c.status.value,
                "carried_forward": c.carried,
                "created_at": c.created_at.isoformat(),
                "resolved_at": c.resolved_at.isoformat() if c.resolved_at else None,
            }
            for c in session.scalars(
                select(Commitment).where(Commitment.owner_id == person.id).order_by(Commitment.number)
            )
        ],
        "kept_by_adapters": kept,
    }
