"""After the nudge: private reminders while a check-in is open, and closing it when its window ends.

Both run from :meth:`bot.core.Coachbot.tick`. Nothing here is ever posted anywhere
but the person's own check-in thread: who did not answer is nobody else's business.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot import checkin_messages, digests, outbox, people
from bot.prompts import PromptLibrary
from bot.schedule import add_working_time, next_working_moment
from storage.db import Database
from storage.models import Checkin


def send_due_reminders(database: Database, *, now: datetime) -> None:
    with database.session() as session:
        due = session.scalars(
            select(Checkin).where(Checkin.state == "open", Checkin.next_reminder_at <= now).limit(1000)
        ).all()
        for checkin in due:
            person = checkin.person
            cadence = checkin.cadence
            policy = people.policy_for(session, person)
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
            following = add_working_time(now, timedelta(minutes=cadence.reminder_after_minutes), policy)
            more = checkin.reminders_sent < cadence.reminder_max and following < checkin.closes_at
            checkin.next_reminder_at = following if more else None


def close_expired(database: Database, library: PromptLibrary, *, now: datetime) -> None:
    """Close windows that ended; unanswered ones become "missed" quietly, never announced."""
    with database.session() as session:
        expired = session.scalars(
            select(Checkin).where(Checkin.state == "open", Checkin.closes_at <= now).limit(5000)
        ).all()
        for checkin in expired:
            checkin.state = "missed" if checkin.current_question == 0 else "closed"
            checkin.next_reminder_at = None
        session.flush()
        digests.send_ready(session, library, now=now)
