"""The core's end-to-end check-in loop, replayed as signed Slack requests against a fake Slack.

Same organisation and same outcome as the local chat scenario: one nudge per
person at 09:00 in their own zone (zones come from ``users.info``), answers from
thread replies and buttons, an edit, one private reminder, and a digest with
aggregates only because K people answered.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import ManualClock
from storage.models import Answer
from tests.adapters.slack.conftest import Harness
from tests.adapters.slack.fake_slack import Posted

ZONES = {
    "UADA": "Europe/London",
    "UMARIA": "America/New_York",
    "UBEN": "America/New_York",
    "UFARID": "America/New_York",
    "UCHLOE": "America/Chicago",
    "UEMMA": "Europe/Berlin",
    "ULIAM": "Australia/Sydney",
    "UHANA": "Asia/Tokyo",
}
MEMBERS = ("UBEN", "UFARID", "UCHLOE", "UEMMA", "ULIAM", "UHANA")


def people(slack: Harness) -> None:
    for user, zone in ZONES.items():
        name = user[1:].capitalize()
        slack.fake.add_user(
            user, name=name, tz=zone, admin=user == "UADA", locale="de-DE" if user == "UEMMA" else "en-US"
        )


async def setup_org(slack: Harness) -> None:
    mentions = " ".join(f"<@{u}|{u[1:].lower()}>" for u in MEMBERS)
    for line in (
        "team create atlas --manager <@UMARIA|maria>",
        f"team add atlas {mentions}",
        'cadence add lead --team atlas --audience manager --every "weekly mon" --at 09:00',
        'cadence add pulse --team atlas --audience members --every "weekly mon" --at 09:00 --window 1d',
    ):
        status, reply = await slack.command("UADA", line)
        assert status == 200
        assert "Only Coachbot admins" not in reply["text"], reply


def nudge(slack: Harness, user: str) -> Posted:
    top = slack.fake.nudges(user)
    assert len(top) == 1, [p.text for p in top]
    return top[0]


def last_in_thread(slack: Harness, user: str, thread: str) -> Posted:
    return [p for p in slack.fake.dm(user) if p.thread_ts == thread][-1]


NUDGED_AT: dict[str, list[datetime]] = {}


async def advance(slack: Harness, clock: ManualClock, zone: str, when: str = "2026-11-23 09:00") -> None:
    """Move the clock, run one scheduler round, and note when each new top-level DM went out."""
    before = len(slack.fake.posted)
    clock.set(datetime.fromisoformat(when).replace(tzinfo=ZoneInfo(zone)))
    await slack.pump()
    for posted in slack.fake.posted[before:]:
        if posted.thread_ts is None and slack.fake.thread(posted.ts):
            NUDGED_AT.setdefault(posted.channel[1:], []).append(clock.now())


async def member_turn(slack: Harness, clock: ManualClock, user: str) -> None:
    await advance(slack, clock, ZONES[user])
    thread = nudge(slack, user).ts
    await slack.dm(user, "4", thread=thread)
    await slack.dm(user, "More focus time, fewer meetings", thread=thread)
    assert await slack.click(user, last_in_thread(slack, user, thread), label="5") == 200


async def test_checkin_loop_through_slack(slack: Harness, clock: ManualClock, core) -> None:  # type: ignore[no-untyped-def]
    NUDGED_AT.clear()
    people(slack)
    await setup_org(slack)
    for user in ("ULIAM", "UHANA", "UEMMA"):
        await member_turn(slack, clock, user)
    await advance(slack, clock, "America/New_York")
    maria = nudge(slack, "UMARIA").ts
    for answer in ("Hiring plan for Q1", "The reporting rework", "4"):
        await slack.dm("UMARIA", answer, thread=maria)
    ben = nudge(slack, "UBEN").ts
    await slack.dm("UBEN", "4", thread=ben)
    focus = await slack.dm("UBEN", "More focus time, fewer meetings", thread=ben)
    assert await slack.click("UBEN", last_in_thread(slack, "UBEN", ben), label="5") == 200
    await slack.edit(
        "UBEN", focus, "More focus time, fewer meetings", "Fewer meetings on Fridays", thread=ben
    )
    await member_turn(slack, clock, "UCHLOE")
    # The server ticks all the time: stop at Farid's reminder (4 working hours), then let the windows close.
    await advance(slack, clock, "America/New_York", "2026-11-23 13:00")
    await advance(slack, clock, "America/New_York", "2026-11-24 12:00")

    # Exactly one nudge per recipient, a DM opening a thread, posted at 09:00 Monday in their own zone.
    nudge_times = NUDGED_AT
    assert set(nudge_times) == {"UMARIA", *MEMBERS}
    for user, times in nudge_times.items():
        assert len(times) == 1, user
        local = times[0].astimezone(ZoneInfo(ZONES[user]))
        assert (local.weekday(), local.hour, local.minute) == (0, 9, 0), user

    # Answers from thread replies and buttons; the edit replaced the text.
    with core.database.session() as session:
        texts = [a.text for a in session.scalars(select(Answer))]
    assert texts.count("5") == 5
    assert "Fewer meetings on Fridays" in texts
    assert "Hiring plan for Q1" in texts
    # Every pressed button message was updated to show the choice.
    updated = [p for p in slack.fake.posted if p.updates]
    assert len(updated) == 5
    for posted in updated:
        # In the presser's language: Emma's Slack locale is de-DE.
        shown = "Deine Antwort: *5*" if posted.channel == "DUEMMA" else "Your answer: *5*"
        assert shown in str(posted.blocks)
        assert not [b for b in posted.blocks if b["type"] == "actions"], posted.blocks

    # One private reminder: to Farid only, in his check-in thread.
    farid_thread = nudge(slack, "UFARID").ts
    reminders = [p for p in slack.fake.posted if "gentle nudge" in p.all_text()]
    assert [p.channel for p in reminders] == ["DUFARID"], [p.all_text() for p in reminders]
    assert reminders[0].thread_ts == farid_thread

    # One digest, to Maria, with aggregates (5 answered >= K=5) and no names.
    digests = [p for p in slack.fake.dm("UMARIA") if "people answered" in p.all_text()]
    assert len(digests) == 1
    body = digests[0].all_text()
    assert "5 of 6 people answered" in body
    assert "Fewer meetings on Fridays" in body
    for name in ("Ben", "Farid", "Chloe", "Emma", "Liam", "Hana", "UBEN"):
        assert name not in body
