"""After the nudge: private reminders while a check-in is open, and closing it when its window ends.

Both run from :meth:`bot.core.Coachbot.tick`. Nothing here is ever posted anywhere
but the person's own check-in thread: who did not answer is nobody else's business.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, select

from bot import checkin_messages, digests, onboarding, outbox, working_hours
from bot.prompts import PromptLibrary
from bot.schedule import add_working_time, next_working_moment
from storage.db import Database
from storage.models import Checkin

BATCH = 500


def due_reminders(*, now: datetime, claim: bool) -> Select[Checkin]:
    """The tick's lookup of due reminders, in ``ix_checkins_reminder`` order."""
    query = select(Checkin).where(Checkin.state == "open", Checkin.next_reminder_at <= now)
    return _claim(query.order_by(Checkin.next_reminder_at), claim)


def expired(*, now: datetime, claim: bool) -> Select[Checkin]:
    """The tick's lookup of windows that ended, in ``ix_checkins_state_closes`` order."""
    query = select(Checkin).where(Checkin.state == "open", Checkin.closes_at <= now)
    return _claim(query.order_by(Checkin.closes_at), claim)


def _claim(query: Select[Checkin], claim: bool) -> Select[Checkin]:
    """Replicas share a tick's check-ins: each row goes to whoever locks it first, nobody waits."""
    query = query.limit(BATCH)
    return query.with_for_update(skip_locked=True, of=Checkin) if claim else query


def send_due_reminders(database: Database, *, now: datetime) -> None:
    """Queue every reminder that is due, a batch per transaction."""
    while _remind_batch(database, now=now) == BATCH:
        pass


def _remind_batch(database: Database, *, now: datetime) -> int:
    with database.session() as session:
        due = session.scalars(due_reminders(now=now, claim=database.is_postgres)).all()
        for checkin in due:
            person = checkin.person
            # Onboarding check-ins (no cadence) follow bot.onboarding's reminder rules.
            after = (
                timedelta(minutes=checkin.cadence.reminder_after_minutes)
                if checkin.cadence is not None
                else onboarding.REMINDER_AFTER
            )
            most = checkin.cadence.reminder_max if checkin.cadence is not None else onboarding.REMINDER_MAX
            policy = working_hours.policy_for(session, person)
            # A late tick must not land in quiet hours or on a day off; nor after the window closed.
            send_at = next_working_moment(now, policy)
            if send_at < checkin.closes_at:
                checkin.reminders_sent += 1
                outbox.enqueue(
                    session,
                    key=f"reminder:{checkin.id}:{checkin.reminders_sent}",
                    person=person,
                    kind="reminder",
                    now=now,
                    not_before=send_at,
                    checkin=checkin,
                    in_thread=True,
                    parts=checkin_messages.reminder(session, checkin, person, policy.timezone),
                )
            following = add_working_time(now, after, policy)
            more = checkin.reminders_sent < most and following < checkin.closes_at
            checkin.next_reminder_at = following if more else None
        return len(due)


def close_expired(database: Database, library: PromptLibrary, *, now: datetime) -> None:
    """Close windows that ended; unanswered ones become "missed" quietly, never announced."""
    while True:
        with database.session() as session:
            ended = session.scalars(expired(now=now, claim=database.is_postgres)).all()
            for checkin in ended:
                checkin.state = "missed" if checkin.current_question == 0 else "closed"
                checkin.next_reminder_at = None
        if len(ended) < BATCH:
            break
    with database.session() as session:
        digests.send_ready(session, library, now=now, claim=database.is_postgres)
