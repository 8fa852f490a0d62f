"""A new hire's onboarding: a few questions for them and for their leads at day 1, week 1, day 30,
day 60 and day 90 of their new-hire pathway.

Each milestone is precomputed per recipient when the pathway is set (:class:`OnboardingStep`), on a
working day in that recipient's own zone at :data:`SEND_AT` local time, so a tick finds due steps
with one indexed query. A due step opens a check-in of its own kind (``Checkin.kind ==
"onboarding"``): no cadence and no run, so it is answered in the usual check-in conversation (thread,
`skip`, `later`, buttons, edits) but never aggregated into a digest. A step is opened once: it is
unique per pathway × recipient × milestone and is marked when its check-in is recorded.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot import checkin_messages as say
from bot import outbox, working_hours
from bot.domain import Pathway, Phase, PromptAudience
from bot.pathways import leads_of_person, pathway_prompts
from bot.prompts import PromptLibrary, choose_next
from bot.schedule import LocalPolicy, add_working_time, end_of_quiet_hours, next_working_moment, to_instant
from storage.db import Database
from storage.models import Checkin, Person
from storage.pathways import OnboardingStep, PersonPathway

MILESTONES: tuple[tuple[str, int, Phase], ...] = (
    ("day-1", 0, Phase.PLAN),
    ("week-1", 6, Phase.PLAN),
    ("day-30", 29, Phase.EXECUTE),
    ("day-60", 59, Phase.EXECUTE),
    ("day-90", 89, Phase.REVIEW),
)
"""Milestone, days after the start (the start is day 1), and the phase whose prompts suit it best."""

SEND_AT = time(10, 0)
"""Local time a milestone's check-in arrives: mid-morning, after a new hire's first meetings."""
QUESTIONS = 2
WINDOW = timedelta(days=3)
REMINDER_AFTER = timedelta(hours=4)
REMINDER_MAX = 1
BATCH = 200


def plan(session: Session, row: PersonPathway, *, now: datetime) -> list[OnboardingStep]:
    """Precompute the onboarding of a new-hire pathway for the new hire and each of their leads.

    Milestones already in the past when the pathway is set, and those after its end, are left out.
    """
    if row.pathway is not Pathway.NEW_HIRE:
        return []
    hire = session.get_one(Person, row.person_id)
    recipients = [hire, *leads_of_person(session, hire)]
    steps: list[OnboardingStep] = []
    for recipient in recipients:
        policy = working_hours.policy_for(session, recipient)
        for milestone, offset, _phase in MILESTONES:
            day = row.starts + timedelta(days=offset)
            if row.ends is not None and day >= row.ends:
                continue
            local_date, due_at = _landing(day, policy)
            if due_at < now and local_date < now.astimezone(policy.zone).date():
                continue
            step = OnboardingStep(
                person_pathway_id=row.id,
                recipient_id=recipient.id,
                milestone=milestone,
                local_date=local_date,
                due_at=max(due_at, now),
            )
            session.add(step)
            steps.append(step)
    session.flush()
    return steps


def _landing(day: date, policy: LocalPolicy) -> tuple[date, datetime]:
    """The first working day on or after ``day`` (not a day off, not on vacation), at :data:`SEND_AT`."""
    for _ in range(31):
        if day.weekday() in policy.workdays and not any(a <= day <= b for a, b in policy.vacations):
            break
        day += timedelta(days=1)
    at = end_of_quiet_hours(to_instant(datetime.combine(day, SEND_AT), policy.timezone), policy)
    return day, at


def due_steps(*, now: datetime, claim: bool) -> Select[OnboardingStep]:
    query = (
        select(OnboardingStep)
        .where(OnboardingStep.opened.is_(False), OnboardingStep.due_at <= now)
        .order_by(OnboardingStep.due_at, OnboardingStep.id)
        .limit(BATCH)
    )
    return query.with_for_update(skip_locked=True, of=OnboardingStep) if claim else query


def open_due_steps(database: Database, library: PromptLibrary, *, now: datetime) -> int:
    """Open a check-in for every due step, a committed batch at a time; how many were opened."""
    opened = 0
    while True:
        with database.session() as session:
            steps = session.scalars(due_steps(now=now, claim=database.is_postgres)).all()
            for step in steps:
                opened += _open(session, library, step, now=now)
        if len(steps) < BATCH:
            return opened


def _open(session: Session, library: PromptLibrary, step: OnboardingStep, *, now: datetime) -> int:
    row = session.get_one(PersonPathway, step.person_pathway_id)
    recipient = session.get_one(Person, step.recipient_id)
    policy = working_hours.policy_for(session, recipient)
    today = now.astimezone(policy.zone).date()
    if any(start <= today <= end for start, end in policy.vacations):
        # Time off taken since the step was planned: it waits for the first working day after it.
        step.local_date, step.due_at = _landing(today, policy)
        return 0
    step.opened = True
    if row.cleared_at is not None:
        return 0
    role = PromptAudience.MEMBER if recipient.id == row.person_id else PromptAudience.MANAGER
    prompt_ids = _prompts_for(session, library, step, role)
    if not prompt_ids:
        return 0
    # A tick after downtime, or a day that became a day off since: still a working moment.
    send_at = next_working_moment(max(now, step.due_at), policy)
    checkin = Checkin(
        kind="onboarding",
        cadence_id=None,
        run_id=None,
        person_id=recipient.id,
        occurrence_date=step.local_date,
        role=role,
        anonymous=False,
        opened_at=send_at,
        closes_at=send_at + WINDOW,
        next_reminder_at=add_working_time(send_at, REMINDER_AFTER, policy),
        current_question=0,
        prompt_ids=prompt_ids,
    )
    session.add(checkin)
    session.flush()
    step.checkin_id = checkin.id
    outbox.enqueue(
        session,
        key=f"nudge:{checkin.id}",
        person=recipient,
        kind="nudge",
        now=now,
        not_before=send_at,
        checkin=checkin,
        opens_thread=True,
        parts=say.nudge(session, library, checkin, recipient, None),
    )
    say.ask(session, library, checkin, recipient, now=now, not_before=send_at)
    return 1


def _prompts_for(
    session: Session, library: PromptLibrary, step: OnboardingStep, role: PromptAudience
) -> list[str]:
    """A few new-hire prompts for this milestone: its phase first, none asked at an earlier milestone."""
    phase = next(p for m, _, p in MILESTONES if m == step.milestone)
    pool = sorted(pathway_prompts(library, Pathway.NEW_HIRE, role), key=lambda p: p.phase is not phase)
    earlier = session.scalars(
        select(Checkin.prompt_ids)
        .join(OnboardingStep, OnboardingStep.checkin_id == Checkin.id)
        .where(
            OnboardingStep.person_pathway_id == step.person_pathway_id,
            OnboardingStep.recipient_id == step.recipient_id,
        )
    ).all()
    used = {str(p) for ids in earlier for p in ids or ()}
    return [p.id for p in choose_next(pool, used, QUESTIONS)]
