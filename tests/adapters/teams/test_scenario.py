"""The core's end-to-end scenario (tests/adapters/local/test_scenario.py) replayed as Teams activities.

Same organisation, same commands, same answers, same clock; the outcome is read
at the fake Bot Connector: one nudge per person at their local Monday 09:00
(zones learnt from ``localTimezone``), answers from 1:1 messages and card clicks
(Action.Execute invokes and a messageBack), an edit applied, one reminder to the
one person who didn't answer, and one digest that shows aggregates only at K.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import Answer
from tests.adapters.teams.conftest import ADA
from tests.adapters.teams.harness import Person, TeamsHarness, person
from tests.adapters.teams.test_conversation import text_of

MARIA = person("maria", "America/New_York")
BEN = person("ben", "America/New_York")
FARID = person("farid", "America/New_York")
CHLOE = person("chloe", "America/Chicago")
EMMA = person("emma", "Europe/Berlin", locale="de-DE")
LIAM = person("liam", "Australia/Sydney")
HANA = person("hana", "Asia/Tokyo")
MEMBERS = (BEN, FARID, CHLOE, EMMA, LIAM, HANA)
NUDGE = re.compile(r"\*\*(lead|pulse)\*\*")


def monday_nine(zone: str) -> datetime:
    return datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo(zone))


async def click(teams: TeamsHarness, who: Person, label: str, *, message_back: bool = False) -> None:
    """Press a button on the last card Coachbot sent this person."""
    card_call = next(c for c in reversed(teams.fake.state.posts(who.id)) if c.body.get("attachments"))
    for block in card_call.body["attachments"][0]["content"]["body"]:
        for action in block.get("actions", []):
            if action["title"] == label:
                if message_back:
                    activity = teams.activities.message_back(who, action["fallback"]["data"])
                else:
                    activity = teams.activities.execute(who, action["data"])
                status, body = await teams.post(activity)
                assert status == 200
                if not message_back:
                    assert body["type"] == "application/vnd.microsoft.card.adaptive"
                return
    raise AssertionError(f"{who.name} has no button {label!r}")


async def member_turn(teams: TeamsHarness, who: Person, *, message_back: bool = False) -> dict[str, object]:
    await teams.advance_to(monday_nine(who.timezone))
    await teams.say(who, "4")
    typed = await teams.say(who, "More focus time, fewer meetings")
    await click(teams, who, "5", message_back=message_back)
    return typed


async def setup(teams: TeamsHarness) -> None:
    for who in (ADA, MARIA, *MEMBERS):
        status, _ = await teams.post(teams.activities.installed(who))
        assert status == 200
    mentions = " ".join(f"<@{m.id}|{m.name}>" for m in MEMBERS)
    for line in (
        f"coach team create atlas --manager <@{MARIA.id}|Maria>",
        f"coach team add atlas {mentions}",
        'coach cadence add lead --team atlas --audience manager --every "weekly mon" --at 09:00',
        'coach cadence add pulse --team atlas --audience members --every "weekly mon" --at 09:00 --window 1d',
    ):
        await teams.say(ADA, line)
    admin_replies = " ".join(text_of(c) for c in teams.fake.state.posts(ADA.id))
    assert "Only Coachbot admins" not in admin_replies


async def test_checkin_loop_end_to_end_in_teams(teams: TeamsHarness) -> None:
    await setup(teams)
    await member_turn(teams, LIAM)
    await member_turn(teams, HANA)
    await member_turn(teams, EMMA, message_back=True)
    await teams.advance_to(monday_nine("America/New_York"))
    await teams.say(MARIA, "Hiring plan for Q1")
    await teams.say(MARIA, "The reporting rework")
    await click(teams, MARIA, "4")
    await teams.say(BEN, "4")
    ben_text = await teams.say(BEN, "More focus time, fewer meetings")
    await click(teams, BEN, "5")
    status, _ = await teams.post(teams.activities.edit(ben_text, "Fewer meetings on Fridays"))
    assert status == 200
    await member_turn(teams, CHLOE)
    # Farid never answers. Tuesday noon in New York: every window has closed.
    await teams.advance_to(datetime(2026, 11, 24, 12, 0, tzinfo=ZoneInfo("America/New_York")))

    people = {p.id: p for p in (MARIA, *MEMBERS)}
    owners = teams.fake.state.owners
    nudges: dict[str, list[datetime]] = {}
    for at, call in teams.timeline:
        owner = owners.get(call.conversation)
        if (
            owner in people
            and call.method == "POST"
            and NUDGE.search(text_of(call))
            and ("Time for" in text_of(call) or "Zeit für" in text_of(call))  # Emma reads German
        ):
            nudges.setdefault(owner, []).append(at.astimezone(ZoneInfo(people[owner].timezone)))
    assert set(nudges) == set(people)
    for who, times in nudges.items():
        assert len(times) == 1, who
        assert (times[0].weekday(), times[0].hour, times[0].minute) == (0, 9, 0), who

    with teams.core.database.session() as session:
        texts = [a.text for a in session.scalars(select(Answer))]
    assert texts.count("5") == 5  # five button presses (four invokes, one messageBack)
    assert "Fewer meetings on Fridays" in texts
    assert "More focus time, fewer meetings" in texts
    assert "Hiring plan for Q1" in texts

    reminders = [(owners.get(c.conversation), at) for at, c in teams.timeline if "gentle nudge" in text_of(c)]
    assert [who for who, _ in reminders] == [FARID.id]
    assert reminders[0][1].astimezone(ZoneInfo(FARID.timezone)).hour == 13

    digests = [
        (owners.get(c.conversation), text_of(c)) for _, c in teams.timeline if "people answered" in text_of(c)
    ]
    assert [who for who, _ in digests] == [MARIA.id]
    body = digests[0][1]
    assert "5 of 6 people answered" in body
    assert "Average 4.0 / 5 from 5 answers" in body
    assert "Average 5.0 / 5 from 5 answers" in body
    assert "Fewer meetings on Fridays" in body
    for name in ("Ben", "Farid", "Chloe", "Emma", "Liam", "Hana"):
        assert name not in body


async def test_digest_withheld_below_threshold_in_teams(teams: TeamsHarness) -> None:
    await setup(teams)
    await member_turn(teams, LIAM)
    await member_turn(teams, HANA)
    await member_turn(teams, EMMA)
    await teams.advance_to(monday_nine("America/New_York"))
    await teams.say(BEN, "4")
    await teams.say(BEN, "More focus time, fewer meetings")
    await click(teams, BEN, "5")
    await teams.advance_to(datetime(2026, 11, 24, 12, 0, tzinfo=ZoneInfo("America/New_York")))
    digests = [text_of(c) for _, c in teams.timeline if "people answered" in text_of(c)]
    assert len(digests) == 1
    assert "Fewer than 5 people answered" in digests[0]
    assert "Average" not in digests[0]
    assert "fewer meetings" not in digests[0].lower()
