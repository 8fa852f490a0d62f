"""The one window left in "accepted means sent", closed on Slack: a sender dies after Slack accepted a
message and before the mark. The replica that takes the row over finds the message in the
conversation by our metadata and marks it; nobody gets it twice."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.clock import ManualClock
from bot.core import Coachbot
from bot.dispatch import deliver_due
from storage.models import Checkin, OutboxMessage
from tests.adapters.slack.conftest import Harness
from tests.adapters.slack.test_promises import MEMBERS, team

NEXT_MONDAY = datetime(2026, 11, 30, 9, 0, 30, tzinfo=UTC)  # 09:00 in London
PULSE = 'cadence add pulse --team atlas --audience members --every "weekly mon" --at 09:00 --window 1d'


async def test_a_message_accepted_before_its_sender_died_is_found_not_resent(
    slack: Harness, clock: ManualClock
) -> None:
    await team(slack, clock, cadence=PULSE)
    await slack.pump()  # the welcome DMs
    clock.set(NEXT_MONDAY)
    slack.core.tick()  # opens the check-ins; nothing is sent yet
    # A replica claims the nudges, Slack accepts every one of them, and the replica dies before
    # it marks any: the rows stay leased to a sender that is gone.
    doomed = Coachbot(database=slack.core.database, clock=clock, library=slack.core.library)
    start = len(slack.fake.posted)
    claimed = doomed.claim_due(platform="slack", limit=100)
    assert {m.kind for m in claimed} == {"nudge"} and len(claimed) == len(MEMBERS)
    for message in claimed:
        await slack.mount.transport.send(message)
    posted_before = len(slack.fake.posted)

    clock.advance(doomed.outbox_lease + timedelta(seconds=1))
    survivor = Coachbot(database=slack.core.database, clock=clock, library=slack.core.library)
    await deliver_due(survivor, slack.mount.transport)
    await deliver_due(survivor, slack.mount.transport)  # and the first questions behind them

    nudges = Counter(p.channel for p in slack.fake.posted[start:] if p.thread_ts is None)
    assert nudges == Counter({"D" + user: 1 for user in MEMBERS})
    assert len(slack.fake.called("conversations.history")) == len(MEMBERS), "each taken-over row looked"
    assert len(slack.fake.posted) == posted_before + len(MEMBERS), "only the first questions are new"
    with slack.core.database.session() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "nudge")).all()
        assert {r.status for r in rows} == {"sent"}
        threads = {c.thread for c in session.scalars(select(Checkin))}
    for user in MEMBERS:
        [nudge] = slack.fake.nudges(user)
        assert nudge.ts in threads, "the check-in's thread is the message Slack accepted first"
        assert len(slack.fake.thread(nudge.ts)) == 1, "its first question went into that thread"


async def test_a_taken_over_message_that_never_arrived_is_posted(slack: Harness, clock: ManualClock) -> None:
    await team(slack, clock, cadence=PULSE)
    await slack.pump()
    clock.set(NEXT_MONDAY)
    slack.core.tick()  # opens the check-ins; nothing is sent yet
    doomed = Coachbot(database=slack.core.database, clock=clock, library=slack.core.library)
    assert len(doomed.claim_due(platform="slack", limit=100)) == len(MEMBERS)  # died before sending

    clock.advance(doomed.outbox_lease + timedelta(seconds=1))
    await slack.pump()
    await slack.pump()
    for user in MEMBERS:
        [nudge] = slack.fake.nudges(user)
        assert len(slack.fake.thread(nudge.ts)) == 1
