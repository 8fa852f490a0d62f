"""The prompt library through Slack: the competency map by slash command, and a checklist answered
with a button and with typed numbers (issue 10, section 4)."""

from __future__ import annotations

from sqlalchemy import select

from bot.clock import ManualClock
from storage.models import Answer
from tests.adapters.slack.conftest import Harness
from tests.adapters.slack.test_scenario import advance, last_in_thread, nudge


async def test_competency_map_and_a_checklist_through_slack(slack: Harness, clock: ManualClock, core) -> None:  # type: ignore[no-untyped-def]
    slack.fake.add_user("UADA", name="Ada", tz="America/New_York", admin=True, locale="en-US")
    for user in ("UMARIA", "UBEN", "UCHLOE"):
        slack.fake.add_user(user, name=user[1:].capitalize(), tz="America/New_York", locale="en-US")
    status, shown = await slack.command("UBEN", "prompts competencies")
    assert status == 200 and "Competency map" in shown["text"] and "Delegation" in shown["text"]
    for line in (
        "team create atlas --manager <@UMARIA|maria>",
        "team add atlas <@UBEN|ben> <@UCHLOE|chloe>",
        'cadence add practice --team atlas --audience members --every "weekly mon" --at 09:00'
        " --prompts self-assessment --questions 1",
    ):
        status, reply = await slack.command("UADA", line)
        assert status == 200 and "Only Coachbot admins" not in reply["text"], reply
    await advance(slack, clock, "America/New_York")

    ben = nudge(slack, "UBEN").ts
    question = last_in_thread(slack, "UBEN", ben)
    assert "Asked a follow-up question instead of giving advice" in str(question.blocks)
    assert await slack.click("UBEN", question, label="3") == 200
    chloe = nudge(slack, "UCHLOE").ts
    await slack.dm("UCHLOE", "1 2 4", thread=chloe)

    with core.database.session() as session:
        picks = [a.picks for a in session.scalars(select(Answer).order_by(Answer.id))]
    assert picks == [
        ["listening-no-devices"],
        ["listening-summarise", "listening-ask-more", "listening-quiet-voices"],
    ]
