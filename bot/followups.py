"""After the nudge: private reminders while a check-in is open, and closing it when its window ends.

Both run from :meth:`bot.core.Coachbot.tick`. Nothing here is ever posted anywhere
but the person's own check-in thread: who did not answer is nobody else's business.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot import digests, outbox, people
from bot.messages import Para
from bot.prompts import PromptLibrary
from bot.schedule import add_working_time, end_of_quiet_hours
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
            checkin.reminders_sent += 1
            policy = people.policy_for(session, person)
            local_close = checkin.closes_at.astimezone(ZoneInfo(policy.timezone))
            outbox.enqueue(
                session,
                key=f"reminder:{checkin.id}:{checkin.reminders_sent}",
                person=person,
                kind="reminder",
                now=now,
                not_before=end_of_quiet_hours(now, policy),  # a late tick must not land in quiet hours
                checkin=checkin,
                in_thread=True,
                parts=(
                    Para(
                        f"A gentle nudge: your *{cadence.label}* check-in is open until "
                        f"{local_close:%a %d %b, %H:%M}. Reply to the open question whenever it suits you."
                    ),
                ),
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
