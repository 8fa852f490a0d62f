"""The business-cycle commands through Slack's `/coach`: an admin sets a team's cycle, a member reads
the phase in force, and someone else is refused."""

from __future__ import annotations

from sqlalchemy import select

from storage.cycles import BusinessCycle
from tests.adapters.slack.conftest import Harness


async def test_cycle_set_and_show_over_slash_commands(slack: Harness) -> None:
    slack.fake.add_user("UADA", name="Ada", tz="Europe/London", admin=True)
    slack.fake.add_user("UMARIA", name="Maria", tz="America/New_York")
    slack.fake.add_user("UBEN", name="Ben", tz="Europe/Berlin", locale="de-DE")
    await slack.command("UADA", "team create atlas --manager <@UMARIA|maria>")
    await slack.command("UADA", "team add atlas <@UBEN|ben>")

    status, reply = await slack.command("UBEN", "cycle set sprints 2w --team atlas")
    assert status == 200 and "Coachbot-Admins" in reply["text"]

    status, reply = await slack.command("UADA", "cycle set sprints 2w --from 2026-11-16 --team atlas")
    assert status == 200 and "*atlas* now has its own cycle: sprints of 2 weeks" in reply["text"]

    status, reply = await slack.command("UBEN", "cycle")
    assert status == 200 and "*atlas* hat einen eigenen Zyklus: Sprints von 2 Wochen" in reply["text"]
    with slack.core.database.session() as session:
        assert [c.kind for c in session.scalars(select(BusinessCycle))] == ["sprints"]
