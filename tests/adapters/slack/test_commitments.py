"""A commitment followed up through Slack (issue 10, section 1): the manager's check-in ends with
the commitment question, and the next one opens with a follow-up whose buttons are real Slack
buttons; pressing one records the answer and brings the first question into the thread."""

from __future__ import annotations

from sqlalchemy import select

from bot.clock import ManualClock
from bot.core import Coachbot
from bot.domain import CommitmentStatus
from storage.commitments import Commitment
from tests.adapters.slack.conftest import Harness
from tests.adapters.slack.test_scenario import advance, last_in_thread


async def test_a_follow_up_button_pressed_in_slack(
    slack: Harness, clock: ManualClock, core: Coachbot
) -> None:
    for user, admin in (("UADA", True), ("UMARIA", False), ("UBEN", False)):
        slack.fake.add_user(user, name=user[1:].capitalize(), tz="America/New_York", admin=admin)
    for line in (
        "team create atlas --manager <@UMARIA|maria>",
        "team add atlas <@UBEN|ben>",
        'cadence add lead --team atlas --audience manager --every "weekly mon" --at 09:00 --questions 1',
    ):
        status, reply = await slack.command("UADA", line)
        assert status == 200, reply
    await advance(slack, clock, "America/New_York")
    thread = slack.fake.nudges("UMARIA")[-1].ts
    await slack.dm("UMARIA", "Hiring plan for Q1", thread=thread)
    assert "One last thing" in last_in_thread(slack, "UMARIA", thread).all_text()
    await slack.dm("UMARIA", "Pair Ben with a mentor", thread=thread)

    await advance(slack, clock, "America/New_York", "2026-11-30 09:00")
    thread = slack.fake.nudges("UMARIA")[-1].ts
    followup = last_in_thread(slack, "UMARIA", thread)
    assert "Last time you planned:" in followup.all_text() and "Pair Ben with a mentor" in followup.all_text()
    assert await slack.click("UMARIA", followup, label="partly") == 200
    await slack.pump()

    with core.database.session() as session:
        [commitment] = session.scalars(select(Commitment)).all()
        assert commitment.status == CommitmentStatus.PARTLY
    assert last_in_thread(slack, "UMARIA", thread).all_text().startswith("*1/1*")
